// Prints vitest's JSON report as one plain closing line, "N passed, N failed, N skipped",
// and fails when any test failed or was skipped: in CI a test that cannot run is an error.
import fs from "node:fs";

const file = process.argv[2];
const report = JSON.parse(fs.readFileSync(file, "utf8"));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (skipped > 0) console.error("skipped tests are not allowed in CI: each must run or say why it cannot");
process.exit(failed > 0 || skipped > 0 || passed === 0 ? 1 : 0);
