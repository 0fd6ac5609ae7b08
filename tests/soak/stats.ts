import { KINDS, type CheckName, type Kind, type Planned, type Problem } from "./workload";

// Tallies of a soak run, and its printed report.

export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  /** What was checked, e.g. "12345 bodies hashed". */
  readonly summary: string;
  readonly failures: number;
  readonly examples: readonly string[];
}

const EXAMPLES_KEPT = 5;

export class Stats {
  readonly latencies: number[] = [];
  readonly byKind = new Map<Kind, { count: number; latencies: number[]; statuses: Map<string, number> }>(
    KINDS.map((kind) => [kind, { count: 0, latencies: [], statuses: new Map() }]),
  );
  readonly statuses = new Map<string, number>();
  readonly problems = new Map<CheckName, { count: number; examples: string[] }>();
  /** What each check looked at. */
  readonly checked = { fiveXx: 0, hashed: 0, empty: 0, denials: 0 };
  bytes = 0;

  get total(): number {
    return this.latencies.length;
  }

  get failures(): number {
    let n = 0;
    for (const { count } of this.problems.values()) n += count;
    return n;
  }

  record(planned: Planned, status: number | "error", ms: number, bytes: number): void {
    const key = String(status);
    const kind = this.byKind.get(planned.kind)!;
    kind.count++;
    kind.latencies.push(ms);
    kind.statuses.set(key, (kind.statuses.get(key) ?? 0) + 1);
    this.latencies.push(ms);
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    this.bytes += bytes;
  }

  fail(problem: Problem, request: string): void {
    const entry = this.problems.get(problem.check) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < EXAMPLES_KEPT) entry.examples.push(`${request}: ${problem.detail}`);
    this.problems.set(problem.check, entry);
  }

  result(check: CheckName, name: string, summary: string): CheckResult {
    const entry = this.problems.get(check);
    return { name, passed: !entry, summary, failures: entry?.count ?? 0, examples: entry?.examples ?? [] };
  }
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const ms = (value: number) => (Number.isNaN(value) ? "-" : value < 10 ? value.toFixed(1) : value.toFixed(0));
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const histogram = (statuses: Map<string, number>) =>
  [...statuses].sort(([a], [b]) => a.localeCompare(b)).map(([status, n]) => `${status}: ${n}`).join(", ");

export interface ReportInput {
  readonly clients: number;
  readonly seconds: number;
  readonly base: string;
  readonly stats: Stats;
  readonly server: readonly string[];
  readonly counters: readonly string[];
  readonly checks: readonly CheckResult[];
}

export function report({ clients, seconds, base, stats, server, counters, checks }: ReportInput): string {
  const lines: string[] = [];
  lines.push("", `soak report: ${clients} clients for ${seconds.toFixed(1)} s against next start (production build) at ${base}`);
  lines.push(
    `requests: ${stats.total} (${(stats.total / seconds).toFixed(0)} req/s), ` +
      `latency p50 ${ms(percentile(stats.latencies, 0.5))} ms, p99 ${ms(percentile(stats.latencies, 0.99))} ms, ` +
      `max ${ms(stats.latencies.reduce((a, b) => Math.max(a, b), 0))} ms; ${mib(stats.bytes)} of bodies (${mib(stats.bytes / seconds)}/s)`,
  );
  lines.push(`statuses: ${histogram(stats.statuses)}`);
  lines.push("", "  kind          requests   p50 ms   p99 ms   statuses");
  for (const [kind, entry] of stats.byKind) {
    lines.push(
      `  ${kind.padEnd(12)} ${String(entry.count).padStart(9)} ${ms(percentile(entry.latencies, 0.5)).padStart(8)} ` +
        `${ms(percentile(entry.latencies, 0.99)).padStart(8)}   ${histogram(entry.statuses)}`,
    );
  }
  lines.push("", ...server, "", ...counters, "", "checks:");
  for (const check of checks) {
    lines.push(`  ${check.passed ? "PASS" : "FAIL"}  ${check.name}: ${check.summary}${check.passed ? "" : ` (${check.failures} failures)`}`);
    for (const example of check.examples) lines.push(`          ${example}`);
  }
  lines.push("", `result: ${checks.every((c) => c.passed) ? "PASS" : "FAIL"}`);
  return lines.join("\n");
}
