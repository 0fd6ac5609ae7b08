import { sinkRoute } from "@/lib/bench/routes";

// Benchmark baseline only: 404 unless the server runs with PRIVATE_FILES_BENCH=1 (see lib/bench/routes.ts).
export const dynamic = "force-dynamic";
export const PUT = sinkRoute;
