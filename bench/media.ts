import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import sharp from "sharp";
import { capture, download, postDownload, rotatingPathsScript, type RateResult, type ThroughputResult } from "./clients";

// B6 (a page of private thumbnails) and B7 (a zip of a large selection), on the bench's
// streaming server. bench.ts owns the server, the rounds and the baselines' helpers.

/** What the two cases borrow from bench.ts. */
export interface MediaContext {
  readonly workDir: string;
  readonly storageRoot: string;
  readonly databasePath: string;
  readonly base: string;
  /** `Cookie: …` of the signed-in bench user, as wrk and curl take it. */
  readonly authHeaders: readonly string[];
  readonly auth: Record<string, string>;
  /** A rate at the bench's connections, after its short warm-up (bench.ts's `rate`). */
  rate(url: string, headers: readonly string[], script?: string): Promise<RateResult>;
  rounds<K extends string, T>(cases: readonly K[], count: number, measure: (c: K) => Promise<T>): Promise<Record<K, T[]>>;
  best<T extends RateResult | ThroughputResult>(results: readonly T[]): T;
}

/** How many different thumbnails B6 fetches: a page's worth. */
export const THUMBNAILS = 50;

/**
 * Fifty SharedImage records, each its own 1600 x 1200 JPEG of noise (so that no two
 * thumbnails are alike and each is the size of a photo's: ~1 MB in, tens of KiB out),
 * their `thumb` variants made once by a first request. Returns the wrk script that asks
 * for the fifty thumbnails in turn (also what `--profile` with BENCH_PROFILE_CASE=thumbs runs).
 */
export async function prepareThumbnails(c: Pick<MediaContext, "workDir" | "storageRoot" | "databasePath" | "base" | "auth">): Promise<string> {
  const folder = path.join(c.storageRoot, "images");
  fs.mkdirSync(folder, { recursive: true });
  const db = new Database(c.databasePath, { timeout: 10_000 });
  const paths: string[] = [];
  try {
    const insert = db.prepare("INSERT INTO SharedImage (title, image, imageName, imageSize, createdAt) VALUES (?, ?, ?, ?, ?)");
    for (let i = 0; i < THUMBNAILS; i++) {
      const name = `bench-photo-${i}.jpg`;
      const bytes = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: (i * 37) % 256, g: (i * 71) % 256, b: (i * 113) % 256 }, noise: { type: "gaussian", mean: 128, sigma: 40 } } })
        .jpeg({ quality: 80 })
        .toBuffer();
      fs.writeFileSync(path.join(folder, name), bytes, { mode: 0o640 });
      const id = Number(insert.run(`bench photo ${i}`, `images/${name}`, name, bytes.length, Date.now()).lastInsertRowid);
      paths.push(`/files/SharedImage/image/${id}/${name}?variant=thumb`);
    }
  } finally {
    db.close();
  }
  // The first request of each makes its variant; every later one streams it.
  for (const p of paths) {
    const response = await fetch(`${c.base}${p}`, { headers: c.auth });
    const body = Buffer.from(await response.arrayBuffer());
    const meta = response.status === 200 ? await sharp(body).metadata() : undefined;
    if (meta?.format !== "webp" || meta.width !== 320) throw new Error(`B6: ${p}: status ${response.status}, ${meta?.format} ${meta?.width}px; expected a 320 px webp`);
  }
  return rotatingPathsScript(path.join(c.workDir, "thumbnails.lua"), paths);
}

/** B6: the fifty thumbnails in turn at the bench's connections, against the lookup floor and the route ceiling. */
export async function measureThumbnails(
  c: MediaContext,
  o: { readonly rounds: number; readonly ceilingUrl: string; readonly lookupUrl: string },
): Promise<Record<"thumbs" | "lookup" | "ceiling", RateResult>> {
  const script = await prepareThumbnails(c);
  console.log(`B6: ${THUMBNAILS} different thumb variants (already made) in turn, ${o.rounds} round(s)`);
  const measured = await c.rounds(["thumbs", "lookup", "ceiling"] as const, o.rounds, async (k) => {
    const r = k === "thumbs" ? await c.rate(c.base, c.authHeaders, script) : await c.rate(k === "lookup" ? o.lookupUrl : o.ceilingUrl, k === "lookup" ? c.authHeaders : []);
    console.log(`  ${k}: ${r.requestsPerSecond.toFixed(0)} req/s, p99 ${r.p99Ms.toFixed(1)} ms`);
    return r;
  });
  return { thumbs: c.best(measured.thumbs), lookup: c.best(measured.lookup), ceiling: c.best(measured.ceiling) };
}

/** How many files B7's selection holds; together they are the bench's large size. */
export const ZIP_ENTRIES = 4;

/**
 * A zip of a large selection (four files of a quarter of the large size each, stored:
 * incompressible bytes), MB/s of the zip, against the kit streaming one file of the same
 * total size. The zip is checked once with `unzip -t` before timing.
 */
export async function measureZip(
  c: MediaContext,
  o: { readonly rounds: number; readonly largeBytes: number; readonly largeUrl: string; readonly partFile: string },
): Promise<Record<"zip" | "file", ThroughputResult>> {
  const db = new Database(c.databasePath, { timeout: 10_000 });
  const items: { model: string; field: string; id: number }[] = [];
  try {
    const insert = db.prepare("INSERT INTO CountedDownload (description, file, fileName, fileSize, downloads, createdAt) VALUES (?, ?, ?, ?, 0, ?)");
    for (let i = 0; i < ZIP_ENTRIES; i++) {
      const name = `bench-zip-${i}.bin`;
      const target = path.join(c.storageRoot, "downloadables", name);
      fs.rmSync(target, { force: true });
      fs.linkSync(o.partFile, target);
      items.push({ model: "CountedDownload", field: "file", id: Number(insert.run(`bench zip ${i}`, `downloadables/${name}`, name, o.largeBytes / ZIP_ENTRIES, Date.now()).lastInsertRowid) });
    }
  } finally {
    db.close();
  }
  const body = JSON.stringify({ items, name: "bench.zip" });
  const zipUrl = `${c.base}/files/zip`;
  const headers = [...c.authHeaders, `Origin: ${c.base}`];
  const copy = path.join(c.workDir, "bench.zip");
  const fetched = await capture("curl", ["-sS", "-o", copy, "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body, ...headers.flatMap((h) => ["-H", h]), zipUrl]);
  if (fetched.stdout.trim() !== "200") throw new Error(`B7: POST /files/zip answered ${fetched.stdout} ${fetched.stderr}`);
  const tested = await capture("unzip", ["-tqq", copy]);
  fs.rmSync(copy, { force: true });
  if (tested.code !== 0) throw new Error(`B7: unzip -t failed: ${tested.stdout}${tested.stderr}`);
  console.log(`B7: a zip of ${ZIP_ENTRIES} x ${o.largeBytes / ZIP_ENTRIES / 1024 / 1024} MiB against one ${o.largeBytes / 1024 / 1024} MiB file, ${o.rounds} round(s)`);
  const measured = await c.rounds(["zip", "file"] as const, o.rounds, async (k) => {
    const r = k === "zip" ? await postDownload(zipUrl, body, headers) : await download(o.largeUrl, { concurrency: 1, size: o.largeBytes, headers: c.authHeaders });
    console.log(`  ${k}: ${r.mbPerSecond.toFixed(0)} MB/s`);
    return r;
  });
  return { zip: c.best(measured.zip), file: c.best(measured.file) };
}
