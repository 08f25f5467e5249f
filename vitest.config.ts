import { defineConfig } from "vitest/config";

// Tests import the workspace packages' TypeScript sources (their "source"
// export condition), so they never run against a stale build.
const conditions = ["source", "module", "node", "development|production"]; // plus Vite's server defaults

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: "forks",
  },
});
