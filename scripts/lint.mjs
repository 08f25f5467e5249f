#!/usr/bin/env node
// Every linter and formatter check, as CI runs them (after the build):
// Biome (TypeScript/JavaScript lint and format), cargo fmt and clippy (Rust),
// and the committed N-API declarations matching what the build generated.
//   npm run lint      (npm run format fixes what can be fixed)
import { run, step } from "./tasks.mjs";

const native = new URL("../native", import.meta.url).pathname;

step("Biome (lint and format of TypeScript and JavaScript)", () => run("npx", ["biome", "check", "."]));
step("cargo fmt --check", () => {
  run("cargo", ["fmt", "--all", "--check"], { cwd: native });
  run("cargo", ["fmt", "--all", "--check"], { cwd: `${native}/fuzz` });
});
step("cargo clippy -D warnings", () => run("cargo", ["clippy", "--release", "--workspace", "--all-targets", "--", "-D", "warnings"], { cwd: native }));
step("native/index.d.ts and index.js are the generated ones (commit them after changing the boundary)", () =>
  run("git", ["diff", "--exit-code", "--", "native/index.d.ts", "native/index.js"]),
);
