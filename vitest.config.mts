import path from "node:path";
import { defineConfig } from "vitest/config";

const alias = { "@": path.dirname(new URL(import.meta.url).pathname) };

export default defineConfig({
  resolve: { alias },
  test: {
    // CI must never pass with a focused test hiding the rest.
    allowOnly: false,
    projects: [
      {
        resolve: { alias },
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        resolve: { alias },
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // One built app and one server for the whole suite (see global-setup.ts).
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
