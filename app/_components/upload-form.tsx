"use client";

import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { formatSize } from "./format";

interface UploadFormProps {
  /** Extensions the server accepts (".pdf", ".png"…); empty: any. */
  accept: readonly string[];
  /** The server's size limit, in bytes. */
  maxBytes: number;
}

type Status =
  | { kind: "idle" }
  | { kind: "uploading"; percent: number }
  | { kind: "uploaded"; name: string }
  | { kind: "error"; message: string };

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
};

/** The API answers `{ error }`; anything else (a proxy's HTML page…) falls back to the status. */
function serverMessage(status: number, body: string, file: File, maxBytes: number): string {
  let detail = "";
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed && typeof parsed.error === "string") detail = parsed.error;
  } catch {
    // not JSON
  }
  switch (status) {
    case 413:
      // Over the storage quota (the server says how much is used), or over the file size limit.
      return /quota/.test(detail) ? `“${file.name}” was not kept: ${detail}.` : `“${file.name}” is too large: the limit is ${formatSize(maxBytes)}.`;
    case 429:
      return `${detail || "Too many uploads at once"}.`;
    case 408:
      return "The upload stalled and was stopped. Check your connection, then upload the file again.";
    case 415:
      return `This type of file is not allowed: ${detail || "the server refused it"}.`;
    case 401:
      return "You are signed out. Sign in again, then upload the file.";
    default:
      return detail ? `The upload failed: ${detail}.` : `The upload failed (HTTP ${status}).`;
  }
}

/**
 * Upload with a drop zone (also a labelled, keyboard-operable file input), a progress
 * bar fed by XMLHttpRequest upload events (fetch reports no upload progress), and
 * errors that say what to do. The server checks everything again.
 */
export function UploadForm({ accept, maxBytes }: UploadFormProps) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const uploading = status.kind === "uploading";

  /** A reason to refuse the file before sending it, or null. */
  function problemWith(candidate: File): string | null {
    if (candidate.size > maxBytes) {
      return `“${candidate.name}” is too large (${formatSize(candidate.size)}): the limit is ${formatSize(maxBytes)}.`;
    }
    if (accept.length > 0 && !accept.includes(extensionOf(candidate.name))) {
      return `This type of file is not allowed: “${candidate.name}”. Accepted: ${accept.join(", ")}.`;
    }
    return null;
  }

  function choose(candidate: File | null) {
    setFile(candidate);
    const problem = candidate && problemWith(candidate);
    setStatus(problem ? { kind: "error", message: problem } : { kind: "idle" });
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files;
    if (dropped.length === 0) return;
    // Keep the input in step, so it names the dropped file as if it had been picked.
    if (inputRef.current) inputRef.current.files = dropped;
    choose(dropped[0] ?? null);
  }

  function onDragOver(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    setDragging(true);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) {
      setStatus({ kind: "error", message: "Choose a file first, or drop one on the box above." });
      inputRef.current?.focus();
      return;
    }
    const problem = problemWith(file);
    if (problem) {
      setStatus({ kind: "error", message: problem });
      return;
    }
    const form = new FormData();
    form.append("description", String(new FormData(event.currentTarget).get("description") ?? ""));
    form.append("file", file, file.name);

    const request = new XMLHttpRequest();
    request.open("POST", "/api/files");
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) setStatus({ kind: "uploading", percent: Math.floor((progress.loaded / progress.total) * 100) });
    });
    request.addEventListener("load", () => {
      if (request.status === 201) {
        formRef.current?.reset();
        setFile(null);
        setStatus({ kind: "uploaded", name: file.name });
        router.refresh();
      } else {
        setStatus({ kind: "error", message: serverMessage(request.status, request.responseText, file, maxBytes) });
      }
    });
    request.addEventListener("error", () => setStatus({ kind: "error", message: "The upload failed: the server could not be reached. Try again." }));
    request.addEventListener("abort", () => setStatus({ kind: "error", message: "The upload was cancelled." }));
    setStatus({ kind: "uploading", percent: 0 });
    request.send(form);
  }

  const percent = status.kind === "uploading" ? status.percent : status.kind === "uploaded" ? 100 : null;

  return (
    <form ref={formRef} onSubmit={onSubmit} className="upload-form" aria-labelledby="upload-heading" noValidate>
      <h2 id="upload-heading">Upload a file</h2>
      <div
        className={`dropzone${dragging ? " dropzone-active" : ""}`}
        onDragEnter={onDragOver}
        onDragOver={onDragOver}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="dropzone"
      >
        <input
          ref={inputRef}
          id="upload-file"
          name="file"
          type="file"
          className="dropzone-input"
          accept={accept.join(",") || undefined}
          aria-describedby="upload-rules upload-chosen"
          onChange={(event) => choose(event.currentTarget.files?.[0] ?? null)}
          disabled={uploading}
        />
        <label htmlFor="upload-file" className="dropzone-label">
          <strong>Drop a file here</strong> or <span className="dropzone-choose">choose a file</span>
        </label>
        <p id="upload-chosen" className="dropzone-chosen" aria-live="polite">
          {file ? `Chosen: ${file.name} (${formatSize(file.size)})` : "No file chosen."}
        </p>
        <p id="upload-rules" className="hint">
          Up to {formatSize(maxBytes)}. Documents, spreadsheets, text, images, archives, audio and video.
        </p>
      </div>
      <div className="field">
        <label htmlFor="upload-description">
          Description <span className="muted">(optional, defaults to the file name)</span>
        </label>
        <input id="upload-description" name="description" type="text" maxLength={200} disabled={uploading} />
      </div>
      <button type="submit" disabled={uploading}>
        {uploading ? "Uploading…" : "Upload"}
      </button>
      {percent !== null && (
        <div className="progress" data-testid="upload-progress">
          <progress max={100} value={percent} aria-label="Upload progress" />
          <span aria-hidden="true">{percent}%</span>
        </div>
      )}
      {status.kind === "error" && (
        <p role="alert" className="error" data-testid="upload-error">
          {status.message}
        </p>
      )}
      {status.kind === "uploaded" && (
        <p role="status" className="success">
          Uploaded {status.name}.
        </p>
      )}
    </form>
  );
}
