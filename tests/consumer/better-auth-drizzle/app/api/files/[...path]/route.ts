import { createPrivateFileRoute } from "next-private-files";
import { apiFiles } from "@/lib/private-files";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(apiFiles);
