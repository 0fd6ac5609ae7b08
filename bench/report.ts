import type { RateResult, ThroughputResult } from "./clients";
import type { Node24Results } from "./node24";

// What a bench run found: the figures, their ratios to the baselines, the targets and
// the CI guard's limits, printed as a table, kept as JSON and drawn as an SVG chart.

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly kernel: string;
  readonly node: string;
  /** 1, 5 and 15 minute load averages when the run started, and when it ended. */
  readonly loadAtStart: readonly number[];
  loadAtEnd?: readonly number[];
}

/** The lookup floor in steps (B1's floor split, lib/bench/routes.ts): the [id] segment alone, + the session decode, + the findUnique. */
export const FLOOR_STEPS = ["params", "session", "find"] as const;
export type SmallCase = "kit" | "ceiling" | "lookup" | "naive" | "public" | "nginx" | (typeof FLOOR_STEPS)[number];
export type LargeCase = "kit" | "naive" | "public" | "nginx";

export interface Results {
  readonly version: 1;
  readonly startedAt: string;
  readonly mode: "full" | "quick";
  readonly machine: Machine;
  readonly settings: {
    readonly connections: number;
    readonly rateSeconds: number;
    readonly rounds: number;
    readonly smallBytes: number;
    readonly largeBytes: number;
    readonly concurrencies: readonly number[];
    readonly memoryDownloads: number;
    readonly aborts: number;
  };
  /** Partial: a BENCH_ONLY run measures some cases, and runs before `lookup` lack it. */
  b1: Partial<Record<SmallCase, RateResult>>;
  /** By concurrency ("1", "4"). */
  b2: Record<string, Partial<Record<LargeCase, ThroughputResult>>>;
  b3?: {
    readonly idleRss: number;
    readonly peakRss: number;
    readonly afterAbortsRss: number;
    readonly idleDescriptors: number;
    readonly afterAbortsDescriptors: number;
    readonly afterAbortsOnFile: number;
  };
  /**
   * B1's session getters: µs per call in process (lib/private-files/bench/session-getters.ts),
   * by adapter; "next-auth 4" is the one B1's kit case runs with. Absent from older runs.
   */
  b1Sessions?: Record<string, number>;
  b4: {
    small: Partial<Record<"kit" | "ceiling" | "nginx", RateResult>>;
    large: Record<string, Partial<Record<"kit" | "nginx", ThroughputResult>>>;
  };
  /** B5, one large upload at a time: tus and multipart through the kit, nginx (dav PUT), a presigned PUT to s3rver. Absent from older runs. */
  b5?: Partial<Record<"tus" | "multipart" | "ceiling" | "nginx" | "s3", ThroughputResult>>;
  /** B6, 50 different stored `thumb` variants in turn, against the lookup floor and the route ceiling measured beside them. Absent from older runs. */
  b6?: Partial<Record<"thumbs" | "lookup" | "ceiling", RateResult>>;
  /** B7, a zip of a large selection against the kit streaming one file of the same size. Absent from older runs. */
  b7?: Partial<Record<"zip" | "file", ThroughputResult>>;
  /** B1's rates and B2's kit download on Node 24 beside Node 20, interleaved in the same rounds (bench/node24.ts). Absent from older runs. */
  node24?: Node24Results;
  checks?: Check[];
}

/** A figure held against its target (the issue's) and its guard (CI fails below it). */
export interface Check {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly unit: "x" | "MiB" | "fds";
  /** "min": the value must be at least the target; "max": at most. */
  readonly sense: "min" | "max";
  readonly target: number;
  readonly guard: number;
  readonly met: boolean;
  readonly guarded: boolean;
}

const MiB = 1024 * 1024;

function check(id: string, label: string, value: number, unit: Check["unit"], sense: Check["sense"], target: number, guard: number): Check {
  const ok = (limit: number) => (sense === "min" ? value >= limit : value <= limit);
  return { id, label, value, unit, sense, target, guard, met: ok(target), guarded: ok(guard) };
}

const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? undefined : a / b);

/**
 * CI guards for the 4 KiB cases, at about half of what `--quick` measured at the end of
 * issue 17 (quick runs of 2026-12-02/03: floor 0.45-0.69x the ceiling, kit 0.42-0.56x the
 * ceiling and 0.62-1.19x the floor, 0.53x the naive route; B4 0.29x): a gross regression
 * (the fsync per commit coming back, Prisma's compiler on every call again, a thread-pool
 * trip per read), never noise. The floor's guard stays at 0.25x: the floor is Next's and
 * Prisma's, not the kit's, and its quick figure swings widest. The targets are the
 * issue's; the figures and the profiles in docs/performance.md say why the kit does not
 * reach them on this machine.
 */
const SMALL_GUARDS = { b1Floor: 0.25, b1Ceiling: 0.2, b1Lookup: 0.35, b1Naive: 0.22, b4Ceiling: 0.14 };

/**
 * CI guard for B2 (large downloads, kit / nginx). nginx's sendfile speed moves with the
 * machine far more than the kit's: on 2026-12-01 nginx direct measured 3.4-4.1 GB/s
 * where earlier runs had 1.1-2.0 GB/s, and the kit 1.0-1.75 GB/s with this round's code
 * and with the code before it alike (quick runs: 0.29x-0.31x x1, 0.39x-0.47x x4). A 0.3x
 * guard then fails on noise; half of that quick measurement still catches a gross
 * regression (the kit a quarter as fast as before).
 */
const LARGE_GUARD = 0.15;

/** The targets of the issue, and the CI guard's limits, for whatever the run measured. */
export function checks(results: Results): Check[] {
  const out: Check[] = [];
  const add = (value: number | undefined, make: (value: number) => Check) => {
    if (value !== undefined && Number.isFinite(value)) out.push(make(value));
  };
  const rps = (r: RateResult | undefined) => r?.requestsPerSecond;
  const { b1, b2, b3, b4 } = results;
  // Issue 17's targets: the floor under any Prisma-backed route, and the kit against it and the ceiling.
  add(ratio(rps(b1.lookup), rps(b1.ceiling)), (v) => check("b1-floor", "B1 lookup floor / route ceiling", v, "x", "min", 0.75, SMALL_GUARDS.b1Floor));
  add(ratio(rps(b1.kit), rps(b1.ceiling)), (v) => check("b1-ceiling", "B1 4 KiB kit / route ceiling", v, "x", "min", 0.6, SMALL_GUARDS.b1Ceiling));
  add(ratio(rps(b1.kit), rps(b1.lookup)), (v) => check("b1-lookup", "B1 4 KiB kit / lookup floor", v, "x", "min", 0.85, SMALL_GUARDS.b1Lookup));
  add(ratio(rps(b1.kit), rps(b1.naive)), (v) => check("b1-naive", "B1 4 KiB kit / naive route", v, "x", "min", 2, SMALL_GUARDS.b1Naive));
  for (const [concurrency, cases] of Object.entries(b2)) {
    add(ratio(cases.kit?.mbPerSecond, cases.nginx?.mbPerSecond), (v) =>
      check(`b2-nginx-${concurrency}`, `B2 large x${concurrency} kit / nginx`, v, "x", "min", 0.6, LARGE_GUARD),
    );
  }
  if (b3) {
    add((b3.peakRss - b3.idleRss) / MiB, (v) =>
      check("b3-peak", `B3 RSS growth, ${results.settings.memoryDownloads} large downloads`, v, "MiB", "max", 64, 128),
    );
    add((b3.afterAbortsRss - b3.idleRss) / MiB, (v) => check("b3-aborts", `B3 RSS growth, ${results.settings.aborts} aborted`, v, "MiB", "max", 64, 128));
    add(b3.afterAbortsDescriptors - b3.idleDescriptors, (v) => check("b3-fds", "B3 descriptors over idle after aborts", v, "fds", "max", 0, 0));
  }
  add(ratio(rps(b4.small.kit), rps(b4.small.ceiling)), (v) => check("b4-ceiling", "B4 4 KiB x-accel / route ceiling", v, "x", "min", 0.6, SMALL_GUARDS.b4Ceiling));
  for (const [concurrency, cases] of Object.entries(b4.large)) {
    add(ratio(cases.kit?.mbPerSecond, cases.nginx?.mbPerSecond), (v) =>
      check(`b4-nginx-${concurrency}`, `B4 large x${concurrency} x-accel / nginx`, v, "x", "min", 0.9, 0.5),
    );
  }
  const b5 = results.b5;
  if (b5) {
    for (const path of ["tus", "multipart"] as const) {
      add(ratio(b5[path]?.mbPerSecond, b5.nginx?.mbPerSecond), (v) => check(`b5-${path}`, `B5 large upload ${path} / nginx`, v, "x", "min", 0.7, UPLOAD_GUARDS.nginx));
      add(ratio(b5[path]?.mbPerSecond, b5.ceiling?.mbPerSecond), (v) =>
        check(`b5-${path}-ceiling`, `B5 large upload ${path} / route ceiling`, v, "x", "min", 0.7, UPLOAD_GUARDS[path]),
      );
    }
  }
  const { b6, b7 } = results;
  if (b6) {
    add(ratio(rps(b6.thumbs), rps(b6.lookup)), (v) => check("b6-lookup", "B6 50 thumbnails / lookup floor", v, "x", "min", MEDIA_TARGETS.b6Lookup, MEDIA_GUARDS.b6Lookup));
    add(ratio(rps(b6.thumbs), rps(b6.ceiling)), (v) => check("b6-ceiling", "B6 50 thumbnails / route ceiling", v, "x", "min", MEDIA_TARGETS.b6Ceiling, MEDIA_GUARDS.b6Ceiling));
  }
  if (b7) add(ratio(b7.zip?.mbPerSecond, b7.file?.mbPerSecond), (v) => check("b7-file", "B7 zip of 4 files / one file", v, "x", "min", MEDIA_TARGETS.b7File, MEDIA_GUARDS.b7File));
  return out;
}

/**
 * B6's lookup target is issue 17's (0.85x the floor); B6's ceiling and B7's are ours
 * (issue 16 asked for the figures only). A
 * stored thumbnail is a small download: its floor is the lookup (session decode and one
 * findUnique), as B1's is. A zip of stored entries frames the same bytes, so it should
 * run near one file's stream. The guards sit at about half of what --quick measured at
 * the end of issue 17 (B6 0.44-0.62x the floor, 0.18-0.32x the ceiling), a gross
 * regression, never noise;
 * B7's stays low because its ratio moves 4x with the machine (docs/performance.md).
 */
const MEDIA_TARGETS = { b6Lookup: 0.85, b6Ceiling: 0.4, b7File: 0.8 };
const MEDIA_GUARDS = { b6Lookup: 0.22, b6Ceiling: 0.1, b7File: 0.04 };

/**
 * CI guards for B5 (large uploads). The issue's target is 0.7x of nginx storing the body;
 * no Next.js route handler reaches it here: a bare route that only writes its body to a
 * file (the route ceiling) measures 0.24x of nginx (416 against 1706 MB/s, quick run on
 * 2026-12-02), the cost of Next's request stream and its web-to-Node conversion. So the
 * kit is also held against that ceiling (tus 0.78x, multipart 0.45x), and the guards sit
 * at about half of those quick measurements: a gross regression (a body buffered whole, a
 * copy per chunk), never noise. docs/performance.md, "Uploads (B5)".
 */
const UPLOAD_GUARDS = { nginx: 0.05, tus: 0.35, multipart: 0.2 };

// ---------------------------------------------------------------------------
// The printed table

const fixed = (value: number, digits: number) => value.toFixed(digits);
const x = (value: number | undefined) => (value === undefined ? "" : `${value.toFixed(2)}x`);
const bytes = (n: number) => (n >= 1024 * MiB ? `${n / 1024 / MiB} GiB` : n >= MiB ? `${n / MiB} MiB` : `${n / 1024} KiB`);

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join("\n");
}

const SMALL_LABELS: Record<SmallCase, string> = {
  kit: "kit route (JWT + SQLite + counter + audit)",
  ceiling: "empty route, 4 KiB from memory (ceiling)",
  lookup: "empty route + JWT + Prisma findUnique (lookup floor)",
  naive: "naive route (createReadStream, no auth)",
  public: "Next public/ (unprotected)",
  nginx: "nginx direct",
  params: "dynamic [id] route, 4 KiB from memory",
  session: "dynamic [id] route + JWT session decode",
  find: "dynamic [id] route + Prisma findUnique",
};
const LARGE_LABELS: Record<LargeCase, string> = {
  kit: "kit route (JWT + SQLite + counter + audit)",
  naive: "naive route (createReadStream, no auth)",
  public: "Next public/ (unprotected)",
  nginx: "nginx direct (sendfile)",
};

/** The run as Markdown tables (printed, and pasted into docs/performance.md). */
export function markdown(results: Results): string {
  const { settings, machine } = results;
  const out: string[] = [];
  const load = (l: readonly number[] | undefined) => (l ? l.map((n) => n.toFixed(2)).join(", ") : "?");
  out.push(
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, Linux ${machine.kernel}, Node ${machine.node}; ` +
      `load average ${load(machine.loadAtStart)} at the start, ${load(machine.loadAtEnd)} at the end. ` +
      `${results.mode === "quick" ? "QUICK mode (CI guard): short cases, " : ""}${settings.rounds} round(s), best of them; ${results.startedAt}.`,
    "",
  );

  const { b1 } = results;
  const rps = (c: SmallCase) => b1[c]?.requestsPerSecond;
  // Results from before the lookup case (or a run without it) have no such column.
  const withFloor = b1.lookup !== undefined;
  // CPU per request: from runs that measured it (it says what a part costs, see clients.ts).
  const withCpu = b1.kit?.cpuMsPerRequest !== undefined;
  const b1Rows: string[][] = [
    ["B1: 4 KiB, " + `${settings.connections} connections`, "req/s", "p99 ms", ...(withCpu ? ["server CPU ms/req"] : []), "vs ceiling", ...(withFloor ? ["vs lookup floor"] : []), "vs naive", "vs public/", "vs nginx"],
  ];
  for (const c of ["kit", "ceiling", "lookup", "naive", "public", "nginx"] as const) {
    const r = b1[c];
    if (!r) continue;
    b1Rows.push([
      SMALL_LABELS[c],
      fixed(r.requestsPerSecond, 0),
      fixed(r.p99Ms, 1),
      ...(withCpu ? [r.cpuMsPerRequest === undefined ? "" : fixed(r.cpuMsPerRequest, 2)] : []),
      x(ratio(rps(c), rps("ceiling"))),
      ...(withFloor ? [x(ratio(rps(c), rps("lookup")))] : []),
      x(ratio(rps(c), rps("naive"))),
      x(ratio(rps(c), rps("public"))),
      x(ratio(rps(c), rps("nginx"))),
    ]);
  }
  out.push(table(b1Rows), "");
  // Not a target: what the ceiling target can be held against on this machine.
  const floor = ratio(rps("lookup"), rps("ceiling"));
  if (floor !== undefined) {
    const kit = ratio(rps("kit"), rps("lookup"));
    out.push(
      `A route that loads one Prisma record (session decode + findUnique) reaches at most ${x(floor)} the ceiling here` +
        `${kit === undefined ? "" : `; the kit route reaches ${x(kit)} of that floor`}.`,
      "",
    );
  }

  // Not a target: which step of the floor costs what inside next start (CPU beyond the ceiling's).
  const ceilingCpu = b1.ceiling?.cpuMsPerRequest;
  if (FLOOR_STEPS.some((step) => b1[step]) && ceilingCpu !== undefined) {
    const rows: string[][] = [["B1 floor split: the lookup floor in steps", "req/s", "server CPU ms/req", "CPU µs/req over the ceiling", "vs ceiling"]];
    for (const c of ["ceiling", ...FLOOR_STEPS, "lookup"] as const) {
      const r = b1[c];
      if (!r) continue;
      const cpu = r.cpuMsPerRequest;
      rows.push([SMALL_LABELS[c], fixed(r.requestsPerSecond, 0), cpu === undefined ? "" : fixed(cpu, 2), cpu === undefined ? "" : fixed(1000 * (cpu - ceilingCpu), 0), x(ratio(rps(c), rps("ceiling")))]);
    }
    out.push(
      table(rows),
      "",
      "Each step is its own route with the session cookie sent: a dynamic [id] segment (Next's params, the id parsed), then with the next-auth session decode only, then with the findUnique only; the lookup floor does both.",
      "",
    );
  }

  if (results.b1Sessions) {
    const sessions = results.b1Sessions;
    const v4 = sessions["next-auth 4"];
    const kit = rps("kit");
    // The share: a getter's µs against one kit request's at B1's rate, an upper bound of what swapping it changes.
    const rows: string[][] = [["B1 session getters (in process)", "µs per call", "vs next-auth 4", "share of a kit request"]];
    for (const [name, micros] of Object.entries(sessions)) {
      rows.push([name, fixed(micros, 1), v4 === undefined ? "?" : x(micros / v4), kit === undefined ? "?" : `${((micros / (1e6 / kit)) * 100).toFixed(0)} %`]);
    }
    out.push(
      table(rows),
      "",
      "Each adapter reads a real session of its library (next-auth 4 and @auth/core cookies, a Better Auth instance on in-memory SQLite). " +
        "The share is the getter's time against one kit request's at B1's measured rate: an upper bound of what swapping the getter changes.",
      "",
    );
  }

  for (const [concurrency, cases] of Object.entries(results.b2)) {
    const mb = (c: LargeCase) => cases[c]?.mbPerSecond;
    const rows: string[][] = [[`B2: ${bytes(settings.largeBytes)}, ${concurrency} at a time`, "MB/s", "vs naive", "vs public/", "vs nginx"]];
    for (const c of ["kit", "naive", "public", "nginx"] as const) {
      const r = cases[c];
      if (!r) continue;
      rows.push([LARGE_LABELS[c], fixed(r.mbPerSecond, 0), x(ratio(mb(c), mb("naive"))), x(ratio(mb(c), mb("public"))), x(ratio(mb(c), mb("nginx")))]);
    }
    out.push(table(rows), "");
  }

  if (results.b3) {
    const b3 = results.b3;
    const mib = (n: number) => `${(n / MiB).toFixed(1)}`;
    out.push(
      table([
        ["B3: kit server memory and descriptors", "RSS MiB", "over idle MiB", "descriptors", "over idle"],
        ["idle (after warm-up)", mib(b3.idleRss), "", String(b3.idleDescriptors), ""],
        [`peak during ${settings.memoryDownloads} concurrent ${bytes(settings.largeBytes)} downloads`, mib(b3.peakRss), mib(b3.peakRss - b3.idleRss), "", ""],
        [
          `after ${settings.aborts} aborted downloads`,
          mib(b3.afterAbortsRss),
          mib(b3.afterAbortsRss - b3.idleRss),
          `${b3.afterAbortsDescriptors} (${b3.afterAbortsOnFile} on the file)`,
          String(b3.afterAbortsDescriptors - b3.idleDescriptors),
        ],
      ]),
      "",
    );
  }

  const { small, large } = results.b4;
  const b4Rows: string[][] = [["B4: X-Accel-Redirect through nginx", "figure", "vs route ceiling via nginx", "vs nginx direct"]];
  const sr = (c: "kit" | "ceiling" | "nginx") => small[c]?.requestsPerSecond;
  if (small.kit) b4Rows.push(["4 KiB, kit (x-accel-redirect), req/s", fixed(small.kit.requestsPerSecond, 0), x(ratio(sr("kit"), sr("ceiling"))), x(ratio(sr("kit"), sr("nginx")))]);
  if (small.ceiling) b4Rows.push(["4 KiB, empty route via nginx, req/s", fixed(small.ceiling.requestsPerSecond, 0), "", x(ratio(sr("ceiling"), sr("nginx")))]);
  if (small.nginx) b4Rows.push(["4 KiB, nginx direct, req/s", fixed(small.nginx.requestsPerSecond, 0), "", ""]);
  for (const [concurrency, cases] of Object.entries(large)) {
    if (cases.kit) b4Rows.push([`${bytes(settings.largeBytes)} x${concurrency}, kit (x-accel-redirect), MB/s`, fixed(cases.kit.mbPerSecond, 0), "", x(ratio(cases.kit.mbPerSecond, cases.nginx?.mbPerSecond))]);
    if (cases.nginx) b4Rows.push([`${bytes(settings.largeBytes)} x${concurrency}, nginx direct, MB/s`, fixed(cases.nginx.mbPerSecond, 0), "", ""]);
  }
  if (b4Rows.length > 1) out.push(table(b4Rows), "");

  const b5 = results.b5;
  if (b5) {
    const b5Rows: string[][] = [[`B5: one ${bytes(settings.largeBytes)} upload`, "MB/s", "vs route ceiling", "vs nginx (dav PUT)"]];
    const labels = { tus: "kit, tus (one PATCH)", multipart: "kit, multipart form", ceiling: "route ceiling (body to a file)", nginx: "nginx, dav PUT to disk", s3: "s3rver, presigned PUT" } as const;
    for (const c of ["tus", "multipart", "ceiling", "nginx", "s3"] as const) {
      const r = b5[c];
      const vsCeiling = c === "tus" || c === "multipart" ? x(ratio(r?.mbPerSecond, b5.ceiling?.mbPerSecond)) : "";
      if (r) b5Rows.push([labels[c], fixed(r.mbPerSecond, 0), vsCeiling, c === "nginx" ? "" : x(ratio(r.mbPerSecond, b5.nginx?.mbPerSecond))]);
    }
    out.push(table(b5Rows), "");
  }

  const { b6, b7 } = results;
  if (b6) {
    const b6Rows: string[][] = [["B6: a page of 50 thumbnails (stored variants)", "req/s", "p99 ms", "server CPU ms/req", "vs lookup floor", "vs route ceiling"]];
    const labels = { thumbs: "kit, 50 different `thumb` variants in turn", lookup: "lookup floor (JWT + findUnique, 4 KiB)", ceiling: "route ceiling (4 KiB from memory)" } as const;
    for (const c of ["thumbs", "lookup", "ceiling"] as const) {
      const r = b6[c];
      if (r) b6Rows.push([labels[c], fixed(r.requestsPerSecond, 0), fixed(r.p99Ms, 1), r.cpuMsPerRequest === undefined ? "" : fixed(r.cpuMsPerRequest, 2), c === "thumbs" ? x(ratio(r.requestsPerSecond, b6.lookup?.requestsPerSecond)) : "", c === "ceiling" ? "" : x(ratio(r.requestsPerSecond, b6.ceiling?.requestsPerSecond))]);
    }
    out.push(table(b6Rows), "");
  }
  if (b7) {
    const b7Rows: string[][] = [[`B7: a zip of a ${bytes(settings.largeBytes)} selection`, "MB/s", "vs one file"]];
    if (b7.zip) b7Rows.push(["kit zip route, 4 files (stored)", fixed(b7.zip.mbPerSecond, 0), x(ratio(b7.zip.mbPerSecond, b7.file?.mbPerSecond))]);
    if (b7.file) b7Rows.push(["kit file route, one file of the same size", fixed(b7.file.mbPerSecond, 0), ""]);
    out.push(table(b7Rows), "");
  }

  if (results.node24) out.push(node24Table(results.node24), "");

  const found = results.checks ?? [];
  if (found.length > 0) {
    const show = (c: Check, limit: number) => `${c.sense === "min" ? ">=" : "<="} ${limit}${c.unit === "x" ? "x" : ` ${c.unit}`}`;
    const value = (c: Check) => (c.unit === "x" ? `${c.value.toFixed(2)}x` : `${c.value.toFixed(c.unit === "MiB" ? 1 : 0)} ${c.unit}`);
    out.push(
      table([
        ["target", "measured", "target", "met", "CI guard", "guard"],
        ...found.map((c) => [c.label, value(c), show(c, c.target), c.met ? "yes" : "**no**", show(c, c.guard), c.guarded ? "ok" : "**FAIL**"]),
      ]),
    );
  }
  return out.join("\n");
}

/** B1 and B2 on both Nodes, side by side, with Node 24's figure against Node 20's. */
function node24Table(n: Node24Results): string {
  const fixed = (value: number | undefined, digits: number) => (value === undefined ? "" : value.toFixed(digits));
  const rate = (line: "20" | "24", c: "kit" | "ceiling" | "lookup") => n.b1[line][c]?.requestsPerSecond;
  const cpu = (line: "20" | "24", c: "kit" | "ceiling" | "lookup") => n.b1[line][c]?.cpuMsPerRequest;
  const rows: string[][] = [["B1 and B2 on two Nodes (same build, same rounds)", `Node ${n.versions["20"]}`, `Node ${n.versions["24"]}`, "24 / 20"]];
  const labels = { kit: "kit route", ceiling: "route ceiling", lookup: "lookup floor" } as const;
  for (const c of ["kit", "ceiling", "lookup"] as const) {
    rows.push([`B1 ${labels[c]}, req/s`, fixed(rate("20", c), 0), fixed(rate("24", c), 0), x(ratio(rate("24", c), rate("20", c)))]);
    rows.push([`B1 ${labels[c]}, server CPU ms/req`, fixed(cpu("20", c), 2), fixed(cpu("24", c), 2), x(ratio(cpu("24", c), cpu("20", c)))]);
  }
  for (const c of ["kit", "lookup"] as const) {
    const of20 = ratio(rate("20", c), rate("20", "ceiling"));
    const of24 = ratio(rate("24", c), rate("24", "ceiling"));
    rows.push([`B1 ${labels[c]} / its ceiling`, x(of20), x(of24), ""]);
  }
  for (const concurrency of Object.keys(n.b2["20"])) {
    const a = n.b2["20"][concurrency]?.mbPerSecond;
    const b = n.b2["24"][concurrency]?.mbPerSecond;
    rows.push([`B2 kit, large x${concurrency}, MB/s`, fixed(a, 0), fixed(b, 0), x(ratio(b, a))]);
  }
  return table(rows);
}

// ---------------------------------------------------------------------------
// The chart: one bar per ratio, the target as a mark; hand-written SVG.

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function svgChart(results: Results): string {
  const bars = (results.checks ?? []).filter((c) => c.unit === "x");
  // The lookup floor, marked on the B1 ceiling bar: how close any Prisma-backed route can get.
  const floor = ratio(results.b1.lookup?.requestsPerSecond, results.b1.ceiling?.requestsPerSecond);
  const width = 860;
  const labelWidth = 300;
  const barArea = width - labelWidth - 70;
  const rowHeight = 28;
  const top = 54;
  const height = top + bars.length * rowHeight + 40 + (floor === undefined ? 0 : 18);
  const max = Math.max(2.5, ...bars.map((b) => Math.max(b.value, b.target)));
  const scale = (v: number) => labelWidth + (v / max) * barArea;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">next-private-files: ratios to the baselines (higher is better; | = target)</text>`,
    `<text x="12" y="40" fill="#555">${escapeXml(`${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}, load ${results.machine.loadAtStart.map((n) => n.toFixed(2)).join(" ")} at start, ${results.mode} run ${results.startedAt}`)}</text>`,
  ];
  for (let tick = 0; tick <= max; tick += 0.5) {
    const tx = scale(tick);
    parts.push(`<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${top + bars.length * rowHeight}" stroke="#eee"/>`);
    parts.push(`<text x="${tx}" y="${top + bars.length * rowHeight + 16}" text-anchor="middle" fill="#777">${tick.toFixed(1)}x</text>`);
  }
  bars.forEach((bar, i) => {
    const y = top + i * rowHeight;
    const colour = bar.met ? "#2e7d32" : bar.guarded ? "#ef6c00" : "#c62828";
    parts.push(`<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escapeXml(bar.label)}</text>`);
    parts.push(`<rect x="${labelWidth}" y="${y + 5}" width="${Math.max(1, scale(bar.value) - labelWidth).toFixed(1)}" height="16" fill="${colour}"/>`);
    // The value goes right of the bar, or right of the floor mark when that would cross it.
    const floorX = bar.id === "b1-ceiling" && floor !== undefined ? scale(floor) : undefined;
    const valueX = floorX !== undefined && floorX > scale(bar.value) - 2 && floorX < scale(bar.value) + 50 ? floorX + 6 : scale(bar.value) + 6;
    parts.push(`<text x="${valueX.toFixed(1)}" y="${y + 17}" fill="#333">${bar.value.toFixed(2)}x</text>`);
    const tx = scale(bar.target).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${y + 1}" x2="${tx}" y2="${y + 25}" stroke="#000" stroke-width="2"/>`);
    if (bar.id === "b1-ceiling" && floor !== undefined) {
      const fx = scale(floor).toFixed(1);
      parts.push(`<line x1="${fx}" y1="${y + 1}" x2="${fx}" y2="${y + 25}" stroke="#777" stroke-width="2" stroke-dasharray="3 2"/>`);
    }
  });
  parts.push(
    `<text x="12" y="${top + bars.length * rowHeight + 40 - 8}" fill="#555">green: target met; orange: missed, above the CI guard; red: below the CI guard</text>`,
    ...(floor === undefined
      ? []
      : [`<text x="12" y="${height - 8}" fill="#555">dashed grey on the B1 ceiling bar: the lookup floor (empty route + JWT + one Prisma findUnique), ${floor.toFixed(2)}x</text>`]),
    "</svg>",
    "",
  );
  return parts.join("\n");
}
