// `npx tsx bench/compare-profiles.ts <dir> <ms/req> <base dir> <base ms/req>`: what one
// route pays beyond another, frame by frame. Each argument pair is a profile directory that
// `BENCH_KEEP=1 npm run bench -- --profile` kept (`<temp dir>/profiles`) and the server CPU
// ms per request that run printed. A frame's µs per request is its share of the busy
// samples times the CPU per request, so two runs at different rates compare; the frames
// are listed by how much more they cost in the first (docs/performance.md uses it to show
// where the lookup floor's time goes beyond the empty route's).
import { busiestProfile, selfTime } from "./profile";

function perRequest(dir: string, msPerRequest: number) {
  const profile = busiestProfile(dir);
  if (!profile) throw new Error(`no .cpuprofile in ${dir}`);
  const { active, byFunction, byOrigin } = selfTime(profile);
  const micros = (hits: Map<string, number>) => new Map([...hits].map(([k, v]) => [k, (1000 * msPerRequest * v) / active]));
  return { byFunction: micros(byFunction), byOrigin: micros(byOrigin) };
}

function difference(a: Map<string, number>, b: Map<string, number>): [string, number, number, number][] {
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].map((k): [string, number, number, number] => [k, a.get(k) ?? 0, b.get(k) ?? 0, (a.get(k) ?? 0) - (b.get(k) ?? 0)]).sort((x, y) => y[3] - x[3]);
}

const [dir, ms, baseDir, baseMs] = process.argv.slice(2);
if (!dir || !baseDir || !(Number(ms) > 0) || !(Number(baseMs) > 0)) {
  console.error("usage: compare-profiles.ts <dir> <ms per request> <base dir> <base ms per request>");
  process.exit(2);
}
const a = perRequest(dir, Number(ms));
const b = perRequest(baseDir, Number(baseMs));
const row = ([k, x, y, d]: [string, number, number, number]) => `  ${d.toFixed(0).padStart(6)}  ${x.toFixed(0).padStart(6)}  ${y.toFixed(0).padStart(6)}  ${k}`;
const header = "  µs/req more, µs/req, base µs/req";
console.log(`${Number(ms)} against ${Number(baseMs)} ms of CPU per request: ${((Number(ms) - Number(baseMs)) * 1000).toFixed(0)} µs more\n`);
console.log(`self time by origin:\n${header}`);
for (const r of difference(a.byOrigin, b.byOrigin).slice(0, 12)) console.log(row(r));
console.log(`\nthe 25 functions that cost the most more, by self time:\n${header}`);
for (const r of difference(a.byFunction, b.byFunction).slice(0, 25)) console.log(row(r));
