// The contract suites fail an adapter that breaks what they check: adapters each broken
// in one way (broken/broken-adapters.contract.ts) run through them in a vitest of their
// own, and each fails exactly the cases named here, no more, no fewer.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../..");

const EXPECTED_FAILURES = [
  "BAD_PRESIGN > presignedUrl gives a URL that serves the file's bytes with the type and disposition asked for",
  "DELETE_NOOP > deletes a file: it opens as null afterwards, and the others stay",
  "DELETE_NOOP > refuses paths that leave the root (.., absolute, NUL) with UnsafeStoredPathError",
  "DRIZZLE_READ_THEN_WRITE > lets exactly one of 50 concurrent consume calls win",
  "EXPIRY_INCLUSIVE > never consumes an expired (at expiresAt or later), revoked or unknown link",
  "LEAVES_PART > refuses an upload over maxBytes with UploadTooLargeError and keeps nothing of it",
  "MISSING_THROWS > deletes a file: it opens as null afterwards, and the others stay",
  "MISSING_THROWS > opens a missing file as null, and deletes one without an error",
  "NONATOMIC > lets exactly one of 50 concurrent consume calls win",
  "NO_LIMIT > refuses an upload over maxBytes with UploadTooLargeError and keeps nothing of it",
  "NO_PATH_CHECK > refuses paths that leave the root (.., absolute, NUL) with UnsafeStoredPathError",
  "PRUNE_EXPIRED_ONLY > prunes exactly the links expired before expiredBefore and used before usedBefore, and counts them",
  "RANGE_END_IGNORED > reads inclusive byte ranges: from the start, in the middle, one byte, to the last byte",
  "RELEASE_ANY > gives a consumed link back with release(id, usedAt), and only for that usedAt",
  "REVOKE_ALWAYS_TRUE > revokes a link, recording when; revoking an unknown id is false",
];

interface JsonReport {
  numTotalTests: number;
  testResults: { assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
}

it("fails each broken adapter exactly where it is broken", { timeout: 120_000 }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pf-contract-breakage-"));
  const output = path.join(dir, "report.json");
  try {
    const vitest = path.join(root, "node_modules/vitest/vitest.mjs");
    const config = path.join(root, "tests/kit/contracts/broken/vitest.config.mts");
    // Exits 1: cases fail, as they must. The report says which.
    await run(process.execPath, [vitest, "run", "--config", config, "--reporter", "json", "--outputFile", output], { cwd: root, env: { ...process.env, NODE_OPTIONS: "" } }).catch(
      (error: { code?: number }) => {
        if (error.code !== 1) throw error;
      },
    );
    const report = JSON.parse(fs.readFileSync(output, "utf8")) as JsonReport;
    const results = report.testResults.flatMap((file) => file.assertionResults);
    const failed = results
      .filter((r) => r.status === "failed")
      .map((r) => `${r.ancestorTitles.join(" > ").replace(/^(FileStorage|LinkStore) contract: /, "")} > ${r.title}`)
      .sort();
    expect(failed).toEqual(EXPECTED_FAILURES);
    // Every case ran: 7 storages x 7 cases, the presign case for the one storage with the method, 6 stores x 7.
    expect(results.filter((r) => r.status === "passed")).toHaveLength(92 - EXPECTED_FAILURES.length);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
