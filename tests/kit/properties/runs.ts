/**
 * Cases per property: 10,000 by default (what CI runs); set FC_NUM_RUNS to run
 * fewer while editing, or many more for a long hunt.
 */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS) || 10_000;

/** Options for every `fc.assert` in tests/kit/properties. */
export const RUNS = { numRuns: NUM_RUNS } as const;

/** Per-test timeout: vitest's 5 s default is too short for 10,000 cases on a slow CI runner. */
export const PROPERTY_TIMEOUT_MS = 120_000;
