"use client";

import { useCallback, useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { defaultOptions, Upload, type DetailedError, type PreviousUpload } from "tus-js-client";
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
  // The connection dropped: tus-js-client is trying again by itself (retryDelays).
  | { kind: "reconnecting"; percent: number }
  | { kind: "paused"; percent: number }
  // The retries ran out without a connection: the upload waits for Resume (or for the browser to be online again).
  | { kind: "interrupted"; percent: number }
  | { kind: "uploaded"; name: string }
  | { kind: "error"; message: string };

/** An upload begun in this browser and not finished (kept by tus-js-client in localStorage), still on the server. */
interface Unfinished {
  previous: PreviousUpload;
  name: string;
  size: number;
  percent: number;
}

/** The tus route (app/uploads/[[...tus]]/route.ts) and what it uploads to. */
const ENDPOINT = "/uploads";
const TARGET = { model: "FileSubmission", field: "file" } as const;

// 50 MiB per PATCH. The route streams each body to storage, so one PATCH for the whole
// file would do on a direct connection; chunks keep every request under the body limit
// of a proxy in front of the app (Cloudflare's is 100 MB) and bound what one dropped
// request costs when the storage keeps only whole parts (S3: 8 MiB parts). Progress is
// reported within a chunk, so its size does not make the bar jumpy.
const CHUNK_BYTES = 50 * 1024 * 1024;
// A dropped connection is retried at once, then after 1, 3, 5, 10 and 20 s (a Wi-Fi
// hand-over, a server restart); after that the form waits for Resume or for the
// browser to come back online.
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000];

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
};

const percentOf = (sent: number, total: number) => (total > 0 ? Math.floor((sent / total) * 100) : 100);

/** The `error` of the app's JSON answers (`{ error }`), or "" for anything else (a proxy's HTML page…). */
function errorDetail(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed && typeof parsed.error === "string") return parsed.error;
  } catch {
    // not JSON
  }
  return "";
}

/** What to tell the user about a refusal (status and body of the server's answer). */
function serverMessage(status: number, body: string, name: string, maxBytes: number): string {
  const detail = errorDetail(body);
  switch (status) {
    case 413:
      // Over the storage quota (the server says how much is used), or over the file size limit.
      return /quota/.test(detail) ? `“${name}” was not kept: ${detail}.` : `“${name}” is too large: the limit is ${formatSize(maxBytes)}.`;
    case 429:
      return `${detail || "Too many uploads at once"}.`;
    case 408:
      return "The upload stalled and was stopped. Check your connection, then upload the file again.";
    case 415:
      return `This type of file is not allowed: ${detail || "the server refused it"}.`;
    case 422:
      return `“${name}” was not kept: ${detail || "it failed the malware check"}.`;
    case 401:
      return "You are signed out. Sign in again, then upload the file.";
    case 403:
      return `You may not upload this file${detail ? `: ${detail}` : ""}.`;
    case 404:
    case 410:
      return `The unfinished upload of “${name}” is gone (it expired or was removed). Upload the file again.`;
    default:
      return detail ? `The upload failed: ${detail}.` : `The upload failed (HTTP ${status}).`;
  }
}

/**
 * Whether tus-js-client should try again by itself: a dropped connection, a lock or
 * offset conflict (409, 423), a gateway's 5xx. Not the app's own JSON refusals (415,
 * 422, a 503 whose upload was already removed…): the server decided, retrying would
 * only send the file again.
 */
function worthRetrying(error: DetailedError): boolean {
  const response = error.originalResponse;
  if (response === null) return true;
  const status = response.getStatus();
  if (status === 409 || status === 423) return true;
  return status >= 500 && errorDetail(response.getBody()) === "";
}

/** tus-js-client's fingerprint of `file` for this endpoint (the key of its localStorage entries). */
const fingerprintOf = (file: File) => defaultOptions.fingerprint(file, { endpoint: ENDPOINT });

/**
 * The unfinished uploads this browser remembers, as the server still knows them: HEAD
 * gives each one's offset. Entries the server answers 404 or 410 for (finished elsewhere,
 * expired, or another user's on a shared browser) are forgotten.
 */
async function findUnfinished(): Promise<Unfinished[]> {
  const stored = await defaultOptions.urlStorage.findAllUploads();
  const ours = stored.filter((entry) => entry.metadata.model === TARGET.model && entry.metadata.field === TARGET.field && entry.uploadUrl);
  const found = await Promise.all(
    ours.slice(0, 5).map(async (previous): Promise<Unfinished | null> => {
      try {
        const head = await fetch(previous.uploadUrl!, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" }, cache: "no-store" });
        if (head.status === 404 || head.status === 410) {
          await defaultOptions.urlStorage.removeUpload(previous.urlStorageKey);
          return null;
        }
        if (!head.ok) return null;
        const size = Number(head.headers.get("upload-length") ?? previous.size ?? 0);
        const offset = Number(head.headers.get("upload-offset") ?? 0);
        return { previous, name: previous.metadata.filename ?? "a file", size, percent: percentOf(offset, size) };
      } catch {
        return null; // offline: nothing to offer now
      }
    }),
  );
  return found.filter((entry): entry is Unfinished => entry !== null);
}

/**
 * Upload with a drop zone (also a labelled, keyboard-operable file input), over tus
 * (tus-js-client to app/uploads): a progress bar, Pause and Resume, automatic retries
 * after a dropped connection, and, after a page reload, the unfinished upload of a file
 * continued once the same file is chosen again (the browser cannot reopen a file by
 * itself). Errors say what to do. The server checks everything again.
 */
export function UploadForm({ accept, maxBytes }: UploadFormProps) {
  const router = useRouter();
  const formRef = useRef<HTMLFormElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const descriptionRef = useRef<HTMLInputElement>(null);
  const uploadRef = useRef<Upload | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [unfinished, setUnfinished] = useState<Unfinished[]>([]);
  /** The unfinished upload the chosen file continues, if it is one. */
  const [resuming, setResuming] = useState<Unfinished | null>(null);
  // Busy: the file and description belong to the upload under way until it ends.
  const busy = status.kind === "uploading" || status.kind === "reconnecting" || status.kind === "paused" || status.kind === "interrupted";

  const refreshUnfinished = useCallback(() => {
    void findUnfinished().then(setUnfinished);
  }, []);
  useEffect(refreshUnfinished, [refreshUnfinished]);

  // Back online after the retries ran out: go on by itself.
  useEffect(() => {
    if (status.kind !== "interrupted") return;
    const resume = () => {
      setStatus({ kind: "uploading", percent: status.percent });
      uploadRef.current?.start();
    };
    window.addEventListener("online", resume);
    return () => window.removeEventListener("online", resume);
  }, [status]);

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
    setResuming(null);
    const problem = candidate && problemWith(candidate);
    setStatus(problem ? { kind: "error", message: problem } : { kind: "idle" });
    if (!candidate || problem) return;
    // The same file (name, type, size, modification time) as an unfinished upload: continue that one.
    void fingerprintOf(candidate).then(async (fingerprint) => {
      const keys = new Set((await defaultOptions.urlStorage.findUploadsByFingerprint(fingerprint)).map((entry) => entry.urlStorageKey));
      const match = unfinished.find((entry) => keys.has(entry.previous.urlStorageKey));
      if (!match) return;
      setResuming(match);
      if (descriptionRef.current) descriptionRef.current.value = match.previous.metadata.description ?? "";
    });
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (busy) return;
    const dropped = event.dataTransfer.files;
    if (dropped.length === 0) return;
    // Keep the input in step, so it names the dropped file as if it had been picked.
    if (inputRef.current) inputRef.current.files = dropped;
    choose(dropped[0] ?? null);
  }

  function onDragOver(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    event.dataTransfer.dropEffect = busy ? "none" : "copy";
    setDragging(!busy);
  }

  function finished(name: string) {
    uploadRef.current = null;
    formRef.current?.reset();
    setFile(null);
    setResuming(null);
    setStatus({ kind: "uploaded", name });
    refreshUnfinished();
    router.refresh();
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
    const description = String(new FormData(event.currentTarget).get("description") ?? "").trim();
    const upload = new Upload(file, {
      endpoint: ENDPOINT,
      chunkSize: CHUNK_BYTES,
      retryDelays: RETRY_DELAYS,
      // What the route needs (model, field, filename), and the submission's description.
      metadata: { ...TARGET, filename: file.name, ...(description ? { description } : {}) },
      // The upload URL stays in localStorage until the upload succeeds, under the file's
      // fingerprint: after a reload, choosing the same file continues it.
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => setStatus({ kind: "uploading", percent: percentOf(sent, total) }),
      onShouldRetry: (error) => {
        const retry = worthRetrying(error);
        if (retry) setStatus((current) => ({ kind: "reconnecting", percent: "percent" in current ? current.percent : 0 }));
        return retry;
      },
      onSuccess: () => finished(file.name),
      onError: (error) => {
        const response = "originalResponse" in error ? (error as DetailedError).originalResponse : null;
        if (response) {
          uploadRef.current = null;
          setStatus({ kind: "error", message: serverMessage(response.getStatus(), response.getBody(), file.name, maxBytes) });
          refreshUnfinished();
        } else {
          // No answer at all, even after the retries: keep the upload, to resume later.
          setStatus((current) => ({ kind: "interrupted", percent: "percent" in current ? current.percent : 0 }));
        }
      },
    });
    if (resuming) upload.resumeFromPreviousUpload(resuming.previous);
    uploadRef.current = upload;
    setStatus({ kind: "uploading", percent: resuming?.percent ?? 0 });
    upload.start();
  }

  function pause() {
    if (status.kind !== "uploading" && status.kind !== "reconnecting") return;
    setStatus({ kind: "paused", percent: status.percent });
    // Stops the request under way; the server keeps the bytes it got.
    void uploadRef.current?.abort();
  }

  function resume() {
    if (status.kind !== "paused" && status.kind !== "interrupted") return;
    setStatus({ kind: "uploading", percent: status.percent });
    // HEAD for the server's offset, then PATCH from there.
    uploadRef.current?.start();
  }

  async function discard(entry: Unfinished) {
    // Termination (DELETE): the server removes the bytes and frees the reserved quota.
    try {
      if (entry.previous.uploadUrl) await Upload.terminate(entry.previous.uploadUrl);
    } catch {
      // Already gone, or offline: the server prunes it when it expires.
    }
    await defaultOptions.urlStorage.removeUpload(entry.previous.urlStorageKey);
    if (resuming?.previous.urlStorageKey === entry.previous.urlStorageKey) setResuming(null);
    refreshUnfinished();
  }

  const percent = "percent" in status ? status.percent : status.kind === "uploaded" ? 100 : null;
  // The one the chosen file continues is named in the drop zone instead.
  const waiting = unfinished.filter((entry) => entry.previous.urlStorageKey !== resuming?.previous.urlStorageKey);

  return (
    <form ref={formRef} onSubmit={onSubmit} className="upload-form" aria-labelledby="upload-heading" noValidate>
      <h2 id="upload-heading">Upload a file</h2>
      {!busy && waiting.length > 0 && (
        <ul className="unfinished" aria-label="Unfinished uploads">
          {waiting.map((entry) => (
            <li key={entry.previous.urlStorageKey} data-testid="unfinished-upload">
              <span>
                Unfinished: “{entry.name}” ({formatSize(entry.size)}), {entry.percent}% sent. Choose the same file again to resume it.
              </span>
              <button type="button" className="button-secondary" onClick={() => void discard(entry)}>
                Discard<span className="visually-hidden"> {entry.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
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
          disabled={busy}
        />
        <label htmlFor="upload-file" className="dropzone-label">
          <strong>Drop a file here</strong> or <span className="dropzone-choose">choose a file</span>
        </label>
        <p id="upload-chosen" className="dropzone-chosen" aria-live="polite">
          {file ? `Chosen: ${file.name} (${formatSize(file.size)})` : "No file chosen."}
          {file && resuming ? ` Continues the unfinished upload from ${resuming.percent}%.` : ""}
        </p>
        <p id="upload-rules" className="hint">
          Up to {formatSize(maxBytes)}. Documents, spreadsheets, text, images, archives, audio and video.
        </p>
      </div>
      <div className="field">
        <label htmlFor="upload-description">
          Description <span className="muted">(optional, defaults to the file name)</span>
        </label>
        <input ref={descriptionRef} id="upload-description" name="description" type="text" maxLength={200} disabled={busy || resuming !== null} />
      </div>
      <div className="upload-actions">
        <button type="submit" disabled={busy}>
          {busy ? "Uploading…" : resuming ? "Resume upload" : "Upload"}
        </button>
        {(status.kind === "uploading" || status.kind === "reconnecting") && (
          <button type="button" className="button-secondary" onClick={pause}>
            Pause
          </button>
        )}
        {(status.kind === "paused" || status.kind === "interrupted") && (
          <button type="button" className="button-secondary" onClick={resume}>
            Resume
          </button>
        )}
      </div>
      {percent !== null && (
        <div className="progress" data-testid="upload-progress">
          <progress max={100} value={percent} aria-label="Upload progress" />
          <span aria-hidden="true">{percent}%</span>
        </div>
      )}
      {status.kind === "reconnecting" && (
        <p role="status" className="notice" data-testid="upload-notice">
          The connection dropped at {status.percent}%. Trying again…
        </p>
      )}
      {status.kind === "paused" && (
        <p role="status" className="notice" data-testid="upload-notice">
          Paused at {status.percent}%. Resume continues where it stopped.
        </p>
      )}
      {status.kind === "interrupted" && (
        <p role="alert" className="error" data-testid="upload-error">
          The connection was lost at {status.percent}%. The upload goes on when you are back online, or press Resume.
        </p>
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
