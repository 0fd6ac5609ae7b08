import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";

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

/** The route ceiling: 4 KiB from memory, no session, no database, no file. */
export function emptyRoute(): Response {
  if (benchDirectory() === null) return notFound();
  return new Response(BODY, { headers: { "Content-Type": "application/octet-stream" } });
}

/** A plain file name: no separator, no dot file, no `..`. */
const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * What most tutorials show: `fs.createReadStream` handed to `Readable.toWeb`, no
 * session, no range, no conditional request, no Content-Length.
 */
export async function naiveRoute(_request: Request, context: { params: Promise<{ name: string }> }): Promise<Response> {
  const dir = benchDirectory();
  const { name } = await context.params;
  if (dir === null || !PLAIN_NAME.test(name)) return notFound();
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return notFound();
  const body = Readable.toWeb(fs.createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: { "Content-Type": "application/octet-stream" } });
}
