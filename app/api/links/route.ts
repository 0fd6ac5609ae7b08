import { readJson, RequestBodyError } from "next-private-files";
import { currentUser } from "@/lib/auth/current-user";
import { demoOrigins, refuseForeignRequest } from "@/lib/http/guard";
import { createShareLink, listShareLinks, SHARE_KINDS, SHARE_VARIANTS, type ShareKind, type ShareVariant } from "@/lib/files/share-links";

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { "Cache-Control": "private, no-store" } });

const submissionId = (value: unknown) => {
  const id = typeof value === "number" ? value : typeof value === "string" && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/** A link request is `{ file, kind }`: a few dozen bytes. */
const LINK_BODY_LIMIT = 16 * 1024;

/**
 * Where people reach this app, for links they will open elsewhere: the configured public
 * URL (NEXTAUTH_URL, next-auth needs it anyway), else the first of the app's own origins.
 * Never the request's Host or X-Forwarded-Host, which the client chooses, and not
 * request.url: `next start` reports its own listening address there.
 */
function publicOrigin(): string {
  const [origin] = demoOrigins();
  if (origin === undefined) throw new Error("no public URL: set NEXTAUTH_URL");
  return origin;
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

/**
 * Makes a link to one of the user's files: JSON `{ file: <id>, kind: "24h" | "single-use",
 * variant?: "thumb" | "preview" }` (a variant: the link opens that image variant only);
 * 201 with the link and its URL.
 */
export async function POST(request: Request): Promise<Response> {
  const refused = refuseForeignRequest(request);
  if (refused) return refused;
  const user = await currentUser();
  if (!user) return json(401, { error: "sign in to share your files" });
  let body: { file?: unknown; kind?: unknown; variant?: unknown } | null;
  try {
    body = (await readJson(request, { limit: LINK_BODY_LIMIT })) as typeof body;
  } catch (error) {
    if (error instanceof RequestBodyError) return json(error.status, { error: error.status === 400 ? "send JSON: { file, kind }" : error.message });
    throw error;
  }
  const id = submissionId(body?.file);
  if (id === null) return json(400, { error: "file must be the id of one of your files" });
  if (!SHARE_KINDS.includes(body?.kind as ShareKind)) return json(400, { error: `kind must be one of ${SHARE_KINDS.join(", ")}` });
  const variant = body?.variant;
  if (variant !== undefined && !SHARE_VARIANTS.includes(variant as ShareVariant)) return json(400, { error: `variant must be one of ${SHARE_VARIANTS.join(", ")}` });
  const link = await createShareLink(user.id, id, body?.kind as ShareKind, publicOrigin(), variant as ShareVariant | undefined);
  return link ? json(201, link) : json(404, { error: "no such file of yours" });
}
