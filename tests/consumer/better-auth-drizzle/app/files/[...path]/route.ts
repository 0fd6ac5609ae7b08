import { createPrivateFileRoute } from "next-private-files";
import { privateFiles } from "@/lib/private-files";

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(privateFiles);
