"use client";

import { useCallback, useEffect, useRef, useState, type DragEvent, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { defaultOptions, Upload, type DetailedError } from "tus-js-client";
import { formatSize } from "./format";
import { CHUNK_BYTES, ENDPOINT, extensionOf, findUnfinished, fingerprintOf, percentOf, RETRY_DELAYS, serverMessage, TARGET, worthRetrying, type Unfinished } from "./resumable-upload";

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
