"use client";

import { useId, useState } from "react";

// The "Share" action of one of my files: makes a 24-hour link and a single-use link
// (POST /api/links), copies the one asked for to the clipboard, lists the live links
// and revokes them (DELETE /api/links/<id>).

interface Link {
  id: string;
  url?: string;
  singleUse: boolean;
  expiresAt: string;
  usedAt: string | null;
  revokedAt: string | null;
}

const KINDS = [
  { kind: "24h", label: "24-hour link" },
  { kind: "single-use", label: "Single-use link" },
] as const;

async function problem(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  return typeof body?.error === "string" ? body.error : `HTTP ${response.status}`;
}

export function ShareLinks({ fileId, filename }: { fileId: number; filename: string }) {
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const [made, setMade] = useState<Record<string, Link>>({});
  const [links, setLinks] = useState<Link[]>([]);
  const [status, setStatus] = useState("");

  async function refresh() {
    const response = await fetch(`/api/links?file=${fileId}`, { cache: "no-store" });
    if (response.ok) setLinks(((await response.json()) as { links: Link[] }).links);
  }

  async function share() {
    setOpen(true);
    setStatus("Making links…");
    const created: Record<string, Link> = {};
    for (const { kind } of KINDS) {
      const response = await fetch("/api/links", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ file: fileId, kind }),
      });
      if (response.status !== 201) {
        setStatus(`Could not make a link: ${await problem(response)}`);
        return;
      }
      created[kind] = (await response.json()) as Link;
    }
    setMade(created);
    await refresh();
    setStatus("Two new links. Copy one to send it; it works without signing in.");
  }

  async function copy(link: Link, label: string) {
    if (!link.url) return;
    try {
      await navigator.clipboard.writeText(link.url);
      setStatus(`${label} copied to the clipboard.`);
    } catch {
      setStatus(`Copy it by hand: ${link.url}`);
    }
  }

  async function revoke(link: Link) {
    const response = await fetch(`/api/links/${encodeURIComponent(link.id)}`, { method: "DELETE" });
    const message = response.status === 204 ? "Link revoked: it no longer opens the file." : `Could not revoke: ${await problem(response)}`;
    await refresh();
    setStatus(message);
  }

  const state = (link: Link) => (link.revokedAt ? "revoked" : link.usedAt ? "used" : "active");

  return (
    <div className="share">
      <button type="button" onClick={share} aria-expanded={open} aria-controls={panelId} data-testid="share">
        Share<span className="visually-hidden"> {filename}</span>
      </button>
      {open && (
        <div id={panelId} className="share-panel">
          {KINDS.map(({ kind, label }) =>
            made[kind]?.url ? (
              <p key={kind} className="share-link">
                <label>
                  {label}
                  <input type="text" readOnly value={made[kind].url} onFocus={(event) => event.currentTarget.select()} data-testid={`share-url-${kind}`} />
                </label>
                <button type="button" onClick={() => copy(made[kind]!, label)}>
                  Copy<span className="visually-hidden"> {label.toLowerCase()}</span>
                </button>
              </p>
            ) : null,
          )}
          {links.length > 0 && (
            <ul className="share-list" aria-label={`Links to ${filename}`}>
              {links.map((link) => (
                <li key={link.id} data-testid="share-item" data-state={state(link)}>
                  {link.singleUse ? "Single use" : "Any number of uses"}, until {new Date(link.expiresAt).toLocaleString()}: {state(link)}
                  {state(link) === "active" && (
                    <button type="button" onClick={() => revoke(link)} data-testid="revoke">
                      Revoke<span className="visually-hidden"> this link</span>
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p role="status" className="share-status">
        {status}
      </p>
    </div>
  );
}
