import { currentUser } from "@/lib/auth/current-user";
import { createShareLink, listShareLinks, SHARE_KINDS, type ShareKind } from "@/lib/files/share-links";

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { "Cache-Control": "private, no-store" } });

const submissionId = (value: unknown) => {
  const id = typeof value === "number" ? value : typeof value === "string" && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * Where people reach this app, for links they will open elsewhere: NEXTAUTH_URL (the
 * public URL next-auth needs anyway), else the Host the browser used. Not request.url:
 * `next start` reports its own listening address there (http://localhost:3000/…).
 */
function publicOrigin(request: Request): string {
  if (process.env.NEXTAUTH_URL) return new URL(process.env.NEXTAUTH_URL).origin;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
  const proto = request.headers.get("x-forwarded-proto") ?? new URL(request.url).protocol.replace(":", "");
  return `${proto}://${host}`;
}

/** The signed-in owner's links to one of their files: `GET /api/links?file=<FileSubmission id>`. */
export async function GET(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return json(401, { error: "sign in to see your links" });
  const id = submissionId(new URL(request.url).searchParams.get("file"));
  if (id === null) return json(400, { error: "file must be the id of one of your files" });
  const links = await listShareLinks(user.id, id);
  return links ? json(200, { links }) : json(404, { error: "no such file of yours" });
}

/** Makes a link to one of the user's files: JSON `{ file: <id>, kind: "24h" | "single-use" }`; 201 with the link and its URL. */
export async function POST(request: Request): Promise<Response> {
  const user = await currentUser();
  if (!user) return json(401, { error: "sign in to share your files" });
  let body: { file?: unknown; kind?: unknown };
  try {
    body = (await request.json()) as typeof body;
  } catch {
    return json(400, { error: "send JSON: { file, kind }" });
  }
  const id = submissionId(body?.file);
  if (id === null) return json(400, { error: "file must be the id of one of your files" });
  if (!SHARE_KINDS.includes(body.kind as ShareKind)) return json(400, { error: `kind must be one of ${SHARE_KINDS.join(", ")}` });
  const link = await createShareLink(user.id, id, body.kind as ShareKind, publicOrigin(request));
  return link ? json(201, link) : json(404, { error: "no such file of yours" });
}
