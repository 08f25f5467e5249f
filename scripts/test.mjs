#!/usr/bin/env node
// Runs every test: the Rust crates' unit tests, then the vitest suites (which
// include the numpy cross-checks through .venv). Run after scripts/setup.mjs.
import { pnpm, run, step } from "./tasks.mjs";

step("Rust tests (cargo test)", () =>
  run("cargo", ["test", "--release", "--workspace", "--exclude", "wfall-native"], { cwd: new URL("../native", import.meta.url).pathname }),
);
step("TypeScript tests (vitest)", () => pnpm(["exec", "vitest", "run", ...process.argv.slice(2)]));
