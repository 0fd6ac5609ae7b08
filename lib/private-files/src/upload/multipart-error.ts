// Its own module so that what reports upload errors (uploadErrorResponse) loads no busboy.

/**
 * A request that is not a readable multipart/form-data upload: 415 when it is not
 * multipart at all, 400 when its body is malformed or a text field is too long.
 * @example
 * ```ts
 * import { MultipartError, readMultipart } from "next-private-files/upload";
 *
 * export async function POST(request: Request): Promise<Response> {
 *   try {
 *     const form = await readMultipart(request, { fileField: "file", onFile: async (upload) => upload.name });
 *     return Response.json({ name: form.file ?? null });
 *   } catch (error) {
 *     if (error instanceof MultipartError) return Response.json({ error: error.message }, { status: error.status });
 *     throw error;
 *   }
 * }
 * ```
 */
export class MultipartError extends Error {
  override readonly name = "MultipartError";
  constructor(
    message: string,
    /** 415: not multipart/form-data; 400: malformed, or a field too long. */
    readonly status: 400 | 415,
  ) {
    super(message);
  }
}
