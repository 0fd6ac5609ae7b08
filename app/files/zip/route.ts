import { zipRoute } from "@/lib/files/zip";

// POST /files/zip with { items: [{ model, field, id }] }, or GET ?selection=<signed>:
// one streamed zip of files the user may download (see docs/zips.md); other methods 405.
export const { GET, POST, HEAD, PUT, PATCH, DELETE, OPTIONS } = zipRoute;
