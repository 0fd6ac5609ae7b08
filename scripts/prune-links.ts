// `npm run links:prune`: deletes expired links and single-use links used longer ago than
// the resume window, from FileLinkToken. Safe to run at any time, from cron or a job
// runner, on any one instance.
import { privateFiles } from "../lib/files/private-files";
import { prisma } from "../lib/db/prisma";

async function main(): Promise<void> {
  const removed = await privateFiles.links.prune();
  console.log(`links:prune: removed ${removed} expired or used link${removed === 1 ? "" : "s"}`);
}

main()
  .catch((error: unknown) => {
    console.error("links:prune failed:", error);
    process.exitCode = 1;
  })
  .finally(() => prisma.$disconnect());
