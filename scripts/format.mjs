#!/usr/bin/env node
// Formats the code: Biome for TypeScript/JavaScript, cargo fmt for Rust.
import { run, step } from "./tasks.mjs";

const native = new URL("../native", import.meta.url).pathname;
step("Biome format and safe fixes", () => run("npx", ["biome", "check", "--write", "."]));
step("cargo fmt", () => {
  run("cargo", ["fmt", "--all"], { cwd: native });
  run("cargo", ["fmt", "--all"], { cwd: `${native}/fuzz` });
});
