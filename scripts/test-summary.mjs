// Prints vitest's JSON report as one plain closing line, "N passed, N failed, N skipped",
// then each failed or skipped test by file and name with the first lines of its error,
// and fails when any test failed or was skipped: in CI a test that cannot run is an error.
// .ci/run calls it again as its very last step, so a red CI's last lines say what failed.
import fs from "node:fs";
import path from "node:path";

const file = process.argv[2];
const report = JSON.parse(fs.readFileSync(file, "utf8"));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
for (const suite of report.testResults ?? []) {
  const where = path.relative(process.cwd(), suite.name ?? "");
  // A file that failed before any test ran (a failing beforeAll, an import error).
  if (suite.status === "failed" && (suite.assertionResults ?? []).every((test) => test.status !== "failed")) {
    console.log(`  FAILED ${where}: ${firstLines(suite.message)}`);
  }
  for (const test of suite.assertionResults ?? []) {
    if (test.status === "failed") console.log(`  FAILED ${where} > ${test.fullName}: ${firstLines((test.failureMessages ?? []).join("\n"))}`);
    if (test.status === "pending" || test.status === "skipped" || test.status === "todo") console.log(`  SKIPPED ${where} > ${test.fullName}`);
  }
}
if (skipped > 0) console.error("skipped tests are not allowed in CI: each must run or say why it cannot");
process.exit(failed > 0 || skipped > 0 || passed === 0 ? 1 : 0);

function firstLines(text) {
  return String(text ?? "").split("\n").filter((line) => line.trim() !== "").slice(0, 4).join(" | ").slice(0, 600);
}
