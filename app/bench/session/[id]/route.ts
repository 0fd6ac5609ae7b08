import { floorStepsRoute } from "@/lib/bench/routes";

// Benchmark baseline only (B1's floor split): 404 unless the server runs with PRIVATE_FILES_BENCH=1 (see lib/bench/routes.ts).
export const dynamic = "force-dynamic";
export const GET = floorStepsRoute({ session: true, find: false });
