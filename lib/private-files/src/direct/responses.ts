// The route's own answers (the core's upload errors go through uploadErrorResponse).

const NO_STORE = { "Cache-Control": "no-store" };

/** A JSON answer that no cache keeps (it holds presigned URLs). */
export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/** `{ error }` with a status. */
export function failure(status: number, error: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error }, { status, headers: { ...NO_STORE, ...headers } });
}

/** A refusal the route makes itself, answered as `failure(status, message)`. */
export class DirectUploadError extends Error {
  override readonly name = "DirectUploadError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
