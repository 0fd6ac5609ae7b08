import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { authOptions } from "@/lib/auth/options";
import { prisma } from "@/lib/db/prisma";
import { intId } from "next-private-files";
import { nextAuthSession } from "next-private-files/next-auth";

// Baselines for `npm run bench` (bench/bench.ts), never part of the app: every route
// here answers 404 unless the server was started with PRIVATE_FILES_BENCH=1 and
// PRIVATE_FILES_BENCH_DIR naming the bench's own temp directory (an absolute path),
// and the naive route reads only plain file names inside that directory.

export const BENCH_FLAG = "PRIVATE_FILES_BENCH";
export const BENCH_DIR = "PRIVATE_FILES_BENCH_DIR";

/** The bench's directory when the bench switched these routes on; otherwise null. */
export function benchDirectory(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env[BENCH_FLAG] !== "1") return null;
  const dir = env[BENCH_DIR];
  return dir && path.isAbsolute(dir) ? dir : null;
}

const notFound = () =>
  new Response("Not Found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/** 4 KiB, allocated once: the smallest work a route can do to answer a 4 KiB file. */
const BODY = new Uint8Array(4096).fill(0x78);
const smallBody = () => new Response(BODY, { headers: { "Content-Type": "application/octet-stream" } });

/** The route ceiling: 4 KiB from memory, no session, no database, no file. */
export function emptyRoute(): Response {
  if (benchDirectory() === null) return notFound();
  return smallBody();
}

/** The kit's session getter, built once as lib/files/private-files.ts builds it. */
const getSession = nextAuthSession(authOptions);

const unauthorized = () =>
  new Response("Unauthorized\n", { status: 401, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });

/**
 * The floor of any route that loads one Prisma record: the ceiling plus the kit's two
 * unavoidable steps, the JWT session decode and the same `findUnique` as
 * `countedDownloads.load`. The kit route on a Prisma model cannot beat it, so B1 shows
 * which part of the gap to the ceiling is Prisma's and which is the kit's. A bad id is refused before the
 * session and the database, as the kit refuses it.
 */
export const lookupRoute = floorStepsRoute({ session: true, find: true });

/**
 * The lookup floor in steps, each its own route (B1's floor split): the dynamic `[id]`
 * segment alone (Next's params, the id parsed), then with the session decode only, then
 * with the `findUnique` only. What each step adds to the ceiling's CPU per request is
 * what it costs inside `next start`, to hold against what it costs outside.
 */
export function floorStepsRoute(steps: { readonly session: boolean; readonly find: boolean }) {
  return async (request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> => {
    if (benchDirectory() === null) return notFound();
    const id = intId.parse((await context.params).id);
    if (id === undefined || id < 1) return notFound();
    if (steps.session && (await getSession(request)) === null) return unauthorized();
    if (steps.find && (await prisma.countedDownload.findUnique({ where: { id } })) === null) return notFound();
    return smallBody();
  };
}

/** A plain file name: no separator, no dot file, no `..`. */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * (The bench directory is known only at run time: `turbopackIgnore` keeps `next build`
 * from tracing, and copying into `.next/standalone`, the whole project; see
 * lib/private-files/storage/local.ts.)
 *
 * What most tutorials show: `fs.createReadStream` handed to `Readable.toWeb`, no
 * session, no range, no conditional request, no Content-Length.
 */
export async function naiveRoute(_request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const dir = benchDirectory();
  const { name } = await context.params;
  if (dir === null || !PLAIN_NAME.test(name)) return notFound();
  const file = path.join(/* turbopackIgnore: true */ dir, name);
  if (!fs.existsSync(/* turbopackIgnore: true */ file)) return notFound();
  const body = Readable.toWeb(fs.createReadStream(/* turbopackIgnore: true */ file)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: { "Content-Type": "application/octet-stream" } });
}

/**
 * The upload ceiling: a route that writes its request body to a file in the bench's
 * directory and nothing else (no session, no checks), what any Next.js route handler
 * pays to take an upload: Next's request stream, one web-to-Node conversion, a write.
 */
export async function sinkRoute(request: Request): Promise<Response> {
  const dir = benchDirectory();
  if (dir === null || !request.body) return notFound();
  const target = path.join(dir, "sink.bin");
  const { pipeline } = await import("node:stream/promises");
  await pipeline(Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>), fs.createWriteStream(target));
  const { size } = await fs.promises.stat(target);
  await fs.promises.rm(target, { force: true });
  return new Response(null, { status: 204, headers: { "X-Received": String(size) } });
}
