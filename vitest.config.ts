import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests import the workspace packages' TypeScript sources (the "source" export condition).
    conditions: ["source"],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
