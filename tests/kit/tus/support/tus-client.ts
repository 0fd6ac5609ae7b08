import { Upload, type UploadOptions } from "tus-js-client";

/** What a finished tus-js-client upload gives back. */
export interface ClientResult {
  readonly url: string;
  /** The final answer's body: onUploadComplete's result as JSON. */
  readonly body: string;
}

/**
 * Uploads `data` with the real tus-js-client (Node), as a browser would: creation, then
 * PATCHes, retrying after a dropped connection from the offset HEAD reports.
 */
export function tusUpload(endpoint: string, data: Buffer, metadata: Record<string, string>, options: Partial<UploadOptions> = {}): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint,
      metadata,
      retryDelays: [0, 50, 100, 200],
      ...options,
      onSuccess(payload) {
        resolve({ url: upload.url ?? "", body: payload.lastResponse.getBody() ?? "" });
      },
      onError: reject,
    });
    upload.start();
  });
}

/** Base64 Upload-Metadata, as tus clients send it. */
export function metadataHeader(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");
}
