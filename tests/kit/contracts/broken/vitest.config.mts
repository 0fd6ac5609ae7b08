// Runs broken-adapters.contract.ts alone, for contracts-catch-breakage.test.ts.
import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "../../../..");
export default defineConfig({
  root,
  resolve: {
    alias: [
      { find: /^next-private-files$/, replacement: path.join(root, "lib/private-files/src/index.ts") },
      { find: /^next-private-files\/(.*)$/, replacement: path.join(root, "lib/private-files/src/$1.ts") },
    ],
  },
  test: { include: ["tests/kit/contracts/broken/broken-adapters.contract.ts"], environment: "node" },
});
