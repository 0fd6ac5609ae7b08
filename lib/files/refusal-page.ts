import type { Refusal, RefusalStatus } from "next-private-files";

// The page a browser gets when the file route refuses a navigation (the kit's
// `refusalPage` option): same status, a short explanation and a way on. A plain HTML
// string: the route answers outside React, and its policy allows inline styles only.

const USED_LINK = {
  title: "This link has been used",
  message: "It was a single-use link, and someone has already downloaded the file with it. Ask the person who shared it for a new link.",
};

const COPY: Record<RefusalStatus, { title: string; message: string }> = {
  401: { title: "Sign in to open this file", message: "This file is private. Sign in with an account that may open it." },
  403: {
    title: "You cannot open this file",
    message: "This file is private, and your account may not open it. If you think it should, ask the person who shared it with you.",
  },
  404: { title: "File not found", message: "There is no file at this address. It may have been removed, or the link may be wrong." },
  410: USED_LINK,
};

/** What a refused share link (`?token=`) means, in words for people. */
const LINK_COPY: Partial<Record<NonNullable<Refusal["link"]>["reason"], { title: string; message: string }>> = {
  "link-expired": { title: "This link has expired", message: "Share links work for a limited time. Ask the person who shared it for a new link." },
  "link-revoked": { title: "This link was revoked", message: "The person who shared this file has withdrawn the link." },
  "link-used": USED_LINK,
};
const BROKEN_LINK = { title: "This link does not work", message: "The link is incomplete or was changed. Copy the whole link again from the message you received." };

// The essentials of app/globals.css, so the page looks like the rest of the demo.
const STYLE = `
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;line-height:1.5;color:#1f2328;background:#fff}
header{border-bottom:1px solid #d0d7de;background:#f6f8fa}
header div,main{max-width:860px;margin:0 auto;padding:.75rem 1rem}
main{padding-top:1.5rem}
.app-name{font-weight:700;font-size:1.1rem;color:#1f2328;text-decoration:none}
h1{font-size:1.75rem;margin:0 0 1rem}
.status{margin:0;color:#57606a;font-weight:600}
a{color:#0b57d0}
a:focus-visible{outline:3px solid #fb8c00;outline-offset:2px}
ul{padding-left:1.2rem}`;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function refusalPage({ status, request, link }: Refusal): string {
  const { title, message } = link ? (LINK_COPY[link.reason] ?? BROKEN_LINK) : COPY[status];
  const url = new URL(request.url);
  const signIn = `/signin?callbackUrl=${encodeURIComponent(`${url.pathname}${url.search}`)}`;
  const links = [`<li><a href="/">Back to my files</a></li>`];
  if (status !== 404 && !link) links.push(`<li><a href="${escapeHtml(signIn)}">${status === 401 ? "Sign in" : "Sign in with another account"}</a></li>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Private files demo</title>
<style>${STYLE}</style>
</head>
<body>
<header><div><a class="app-name" href="/">Private files demo</a></div></header>
<main>
<p class="status">Error ${status}</p>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<ul>${links.join("")}</ul>
</main>
</body>
</html>
`;
}
