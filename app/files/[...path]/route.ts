import { createPrivateFileRoute } from "next-private-files";
import { privateFiles } from "@/lib/files/private-files";

// Every download goes through the kit: GET and HEAD serve, other methods get 405.
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(privateFiles);
