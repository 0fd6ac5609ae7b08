"use client";

import { useState, type FormEvent } from "react";
import { ZIP_FORM_ID, ZIP_ITEM } from "./zip-form";

// "Download as zip" under the list of files: the rows' checkboxes belong to this form
// (their `form` attribute), so the rows stay server-rendered. It POSTs the ticked files
// to /files/zip and saves the answer; a refusal (a file the user may no longer have)
// is shown with the files it names.

interface Refused {
  index: number;
  model: string;
  id: string;
  reason: string;
}

/** The file name of a `Content-Disposition: attachment; filename=…` (the plain form, which the kit always sends). */
function fileNameOf(disposition: string | null): string {
  const match = /filename="?([^";]+)"?/.exec(disposition ?? "");
  return match?.[1] ?? "files.zip";
}

export function ZipDownload() {
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const items = new FormData(event.currentTarget).getAll(ZIP_ITEM).map((value) => JSON.parse(String(value)) as unknown);
    if (items.length === 0) {
      setStatus("Select at least one file first.");
      return;
    }
    setBusy(true);
    setStatus(`Preparing a zip of ${items.length} file${items.length === 1 ? "" : "s"}…`);
    try {
      const response = await fetch("/files/zip", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ items }),
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: string; refused?: Refused[] } | null;
        const which = body?.refused?.map((item) => `${item.model} ${item.id} (${item.reason})`).join(", ");
        setStatus(`No zip: ${body?.error ?? `HTTP ${response.status}`}${which ? `: ${which}` : ""}.`);
        return;
      }
      const name = fileNameOf(response.headers.get("content-disposition"));
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.append(link);
      link.click();
      link.remove();
      // Long enough for the browser to have taken the bytes.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setStatus(`Saved ${name} (${items.length} file${items.length === 1 ? "" : "s"}).`);
    } catch {
      setStatus("The zip could not be downloaded; try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form id={ZIP_FORM_ID} onSubmit={submit} className="zip-form" aria-label="Download files as zip">
      <button type="submit" disabled={busy} data-testid="zip-button">
        Download as zip
      </button>
      <p role="status" aria-live="polite" data-testid="zip-status">
        {status}
      </p>
    </form>
  );
}
