"use client";

import { useRef, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";

/** The API's error body is `{ error }`; anything else (e.g. a proxy's HTML page) falls back to the status. */
async function errorMessage(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (typeof body === "object" && body !== null && "error" in body && typeof body.error === "string") {
      return body.error;
    }
  } catch {
    // not JSON
  }
  return `The upload failed (HTTP ${response.status}).`;
}

export function UploadForm({ accept }: { accept?: string }) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setUploading(true);
    setError(null);
    setUploaded(null);
    try {
      const response = await fetch("/api/files", { method: "POST", body: new FormData(event.currentTarget) });
      if (response.status === 201) {
        const file = (await response.json().catch(() => ({}))) as { filename?: unknown };
        formRef.current?.reset();
        setUploaded(typeof file.filename === "string" ? file.filename : "the file");
        router.refresh();
      } else {
        setError(await errorMessage(response));
      }
    } catch {
      setError("The upload failed: could not reach the server.");
    } finally {
      setUploading(false);
    }
  }

  return (
    <form ref={formRef} onSubmit={handleSubmit} className="upload-form" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload a file</h2>
      <div className="field">
        <label htmlFor="upload-file">File</label>
        <input id="upload-file" name="file" type="file" accept={accept} required />
      </div>
      <div className="field">
        <label htmlFor="upload-description">
          Description <span className="muted">(optional, defaults to the file name)</span>
        </label>
        <input id="upload-description" name="description" type="text" maxLength={200} />
      </div>
      <button type="submit" disabled={uploading}>
        {uploading ? "Uploading…" : "Upload"}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {uploaded && (
        <p role="status" className="success">
          Uploaded {uploaded}.
        </p>
      )}
    </form>
  );
}
