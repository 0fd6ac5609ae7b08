import { createHash } from "node:crypto";
import { forbidden, unauthorized } from "../../lib/private-files/src/http/responses";

// What the soak clients ask for, and what each answer must look like.

export type Kind = "allowed" | "range" | "conditional" | "head" | "denied" | "anonymous";
export type User = "alice" | "bob";

/** How often each kind is picked (relative weights). */
export const WEIGHTS: Readonly<Record<Kind, number>> = {
  allowed: 30,
  range: 20,
  conditional: 15,
  head: 10,
  denied: 15,
  anonymous: 10,
};
export const KINDS = Object.keys(WEIGHTS) as Kind[];

/** One fixture file, as the clients address it. */
export interface Target {
  readonly model: "FileSubmission" | "CountedDownload" | "SharedImage";
  readonly id: number;
  readonly name: string;
  /** URL path of the file. */
  readonly path: string;
  readonly data: Buffer;
  readonly sha256: string;
  /** Only alice (the owner) may download it; bob gets 403. */
  readonly ownerOnly: boolean;
  /** A preDownload listener counts its downloads. */
  readonly counted: boolean;
  /** Served inline rather than as an attachment. */
  readonly inline: boolean;
  /** Validators, read once before the soak (HEAD). */
  etag: string;
  lastModified: string;
}

/** One request to send, with the status it must get. */
export interface Planned {
  readonly kind: Kind;
  readonly target: Target;
  readonly method: "GET" | "HEAD";
  readonly user: User | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly status: number;
  /** The slice a 206 must carry (inclusive). */
  readonly slice?: { readonly start: number; readonly end: number };
}

/** The checks every answer feeds; "counters" and "coverage" are decided at the end. */
export type CheckName = "no5xx" | "statuses" | "bodies" | "headers" | "denials" | "counters" | "audit" | "coverage";

export interface Problem {
  readonly check: CheckName;
  readonly detail: string;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const between = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));

const TOTAL_WEIGHT = KINDS.reduce((sum, kind) => sum + WEIGHTS[kind], 0);

export function pickKind(): Kind {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const kind of KINDS) {
    roll -= WEIGHTS[kind];
    if (roll < 0) return kind;
  }
  return KINDS[KINDS.length - 1]!;
}

/** A satisfiable Range header for a file of `size` bytes (size >= 2), and the slice it selects. */
function randomRange(size: number): { header: string; start: number; end: number } {
  const roll = Math.random();
  if (roll < 0.25) {
    // From byte 0: a counted download on CountedDownload.
    const end = between(0, Math.min(size - 1, 256 * 1024));
    return { header: `bytes=0-${end}`, start: 0, end };
  }
  if (roll < 0.75) {
    // A resumed download: not counted.
    const start = between(1, size - 1);
    const end = between(start, Math.min(size - 1, start + 256 * 1024));
    return { header: `bytes=${start}-${end}`, start, end };
  }
  if (roll < 0.9) {
    // The last N bytes; N may cover the whole file, which starts at 0 and counts.
    const length = between(1, Math.min(size, 64 * 1024));
    return { header: `bytes=-${length}`, start: size - length, end: size - 1 };
  }
  // Open-ended, from anywhere (0 included).
  const start = between(Math.max(0, size - 128 * 1024), size - 1);
  return { header: `bytes=${start}-`, start, end: size - 1 };
}

/** Headers a denied or anonymous request may carry: none must change the answer. */
function denialExtras(target: Target): Record<string, string> {
  const roll = Math.random();
  if (roll < 0.5) return {};
  if (roll < 0.75) return { Range: randomRange(target.data.length).header };
  return { "If-None-Match": target.etag };
}

export function plan(kind: Kind, targets: readonly Target[]): Planned {
  if (kind === "denied") {
    const target = pick(targets.filter((t) => t.ownerOnly));
    return { kind, target, method: "GET", user: "bob", headers: denialExtras(target), status: 403 };
  }
  if (kind === "anonymous") {
    const target = pick(targets);
    return { kind, target, method: "GET", user: null, headers: denialExtras(target), status: 401 };
  }
  const target = pick(targets);
  const user: User = target.ownerOnly ? "alice" : pick(["alice", "bob"] as const);
  switch (kind) {
    case "allowed":
      return { kind, target, method: "GET", user, headers: {}, status: 200 };
    case "head":
      return { kind, target, method: "HEAD", user, headers: {}, status: 200 };
    case "conditional": {
      const headers: Record<string, string> =
        Math.random() < 0.8 ? { "If-None-Match": target.etag } : { "If-Modified-Since": target.lastModified };
      return { kind, target, method: "GET", user, headers, status: 304 };
    }
    case "range": {
      const { header, start, end } = randomRange(target.data.length);
      return { kind, target, method: "GET", user, headers: { Range: header }, status: 206, slice: { start, end } };
    }
  }
}

/** Whether the server's preDownload listener counted this answer (a GET of the whole file, or a range from 0). */
export function countedByServer(planned: Planned, answer: { status: number; headers: Headers }): boolean {
  if (!planned.target.counted || planned.method !== "GET") return false;
  if (answer.status === 200) return true;
  return answer.status === 206 && /^bytes 0-/.test(answer.headers.get("content-range") ?? "");
}

const GENERIC_BODIES: Readonly<Record<number, Promise<string>>> = {
  401: unauthorized().text(),
  403: forbidden().text(),
};

/** Headers that would tell a denied client something about the file. */
const FILE_HEADERS = ["content-range", "etag", "last-modified", "content-disposition", "accept-ranges"];

/** Everything wrong with one answer (an empty list when it is right). */
export async function check(planned: Planned, answer: Answer): Promise<Problem[]> {
  const problems: Problem[] = [];
  const { status, headers, body } = answer;
  const { target } = planned;
  if (status >= 500) problems.push({ check: "no5xx", detail: `${status}: ${preview(body)}` });
  if (status !== planned.status) problems.push({ check: "statuses", detail: `expected ${planned.status}, got ${status}: ${preview(body)}` });

  if (planned.kind === "denied" || planned.kind === "anonymous") {
    // Whatever the status, a denial must carry no file bytes and nothing about the file.
    const expected = await GENERIC_BODIES[planned.status];
    if (body.length >= 100) problems.push({ check: "denials", detail: `${status} with a ${body.length}-byte body` });
    else if (body.length > 0 && target.data.indexOf(body) !== -1) problems.push({ check: "denials", detail: `${status} body is a slice of the file` });
    else if (Buffer.from(body).toString("utf8") !== expected) problems.push({ check: "denials", detail: `${status} body ${preview(body)} is not the generic text` });
    const leaked = FILE_HEADERS.filter((name) => headers.has(name));
    if (leaked.length > 0) problems.push({ check: "denials", detail: `${status} carries ${leaked.join(", ")}` });
    return problems;
  }

  const size = target.data.length;
  const expectHeader = (name: string, value: string) => {
    const actual = headers.get(name);
    if (actual !== value) problems.push({ check: "headers", detail: `${status}: ${name} ${JSON.stringify(actual)}, expected ${JSON.stringify(value)}` });
  };
  if (status === 200 || status === 206 || status === 304) expectHeader("etag", target.etag);

  if (planned.method === "HEAD" || status === 304) {
    if (body.length !== 0) problems.push({ check: "bodies", detail: `${planned.method} ${status} has a ${body.length}-byte body` });
    if (status === 200) expectHeader("content-length", String(size));
    if (status === 304 && headers.has("content-range")) problems.push({ check: "headers", detail: "304 carries Content-Range" });
    return problems;
  }

  if (status === 200) {
    expectHeader("content-length", String(size));
    const disposition = headers.get("content-disposition") ?? "";
    if (!disposition.startsWith(target.inline ? "inline" : "attachment")) {
      problems.push({ check: "headers", detail: `Content-Disposition ${JSON.stringify(disposition)} for ${target.name}` });
    }
    if (body.length !== size || sha256(body) !== target.sha256) {
      problems.push({ check: "bodies", detail: `200 body of ${body.length} bytes does not hash to the file (${size} bytes)` });
    }
  } else if (status === 206) {
    const slice = planned.slice ?? { start: 0, end: size - 1 };
    expectHeader("content-range", `bytes ${slice.start}-${slice.end}/${size}`);
    expectHeader("content-length", String(slice.end - slice.start + 1));
    if (sha256(body) !== sha256(target.data.subarray(slice.start, slice.end + 1))) {
      problems.push({ check: "bodies", detail: `206 body of ${body.length} bytes is not bytes ${slice.start}-${slice.end}` });
    }
  }
  return problems;
}

/** A short printable view of a body, for reports. */
export function preview(body: Uint8Array): string {
  if (body.length === 0) return "(empty body)";
  const text = Buffer.from(body.subarray(0, 80)).toString("utf8").replace(/[^\x20-\x7e]/g, "?");
  return JSON.stringify(text) + (body.length > 80 ? `… (${body.length} bytes)` : "");
}

/** One line that says what was asked, for reports. */
export function describe(planned: Planned): string {
  const extras = Object.entries(planned.headers).map(([name, value]) => `${name}: ${value}`);
  return `${planned.method} ${planned.target.path} as ${planned.user ?? "anonymous"}${extras.length ? ` [${extras.join("; ")}]` : ""}`;
}
