#!/usr/bin/env node
// Sets up a clean clone in one step (safe to re-run; each step is incremental):
//   1. pnpm (the pinned version, through npx when it is not installed)
//   2. JS dependencies from the lock file
//   3. the native addon, compiled from source with cargo (@napi-rs/cli)
//   4. the TypeScript packages
//   5. with --python (what the tests need): a local venv (.venv) with numpy
//      and the other references, and the Debian packages of
//      scripts/system-deps.sh (a headless browser, a one-node Slurm)
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { pnpm, repoRoot, run, step } from "./tasks.mjs";

const withPython = process.argv.includes("--python");

step("JS dependencies", () => pnpm(["install", "--frozen-lockfile"]));
step("native addon (cargo build --release; a few minutes the first time)", () => pnpm(["--filter", "@wfall/native", "run", "build"]));
step("TypeScript packages", () => {
  pnpm(["exec", "tsc", "-b", "packages/spectra", "packages/plot"]);
  pnpm(["--filter", "@wfall/plot", "run", "bundle"]);
});

if (withPython) {
  const requirements = join(repoRoot, "python", "requirements.txt");
  const venv = join(repoRoot, ".venv");
  const stamp = join(venv, ".requirements.sha256");
  const wanted = createHash("sha256").update(readFileSync(requirements)).digest("hex");
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== wanted) {
    step("Python venv with numpy and matplotlib (.venv)", () => {
      if (!existsSync(join(venv, "bin", "python"))) run(process.env.PYTHON ?? "python3", ["-m", "venv", venv]);
      run(join(venv, "bin", "python"), ["-m", "pip", "install", "--quiet", "-r", requirements]);
      writeFileSync(stamp, wanted);
    });
  }
  step("system packages the tests need (scripts/system-deps.sh; apt-get when missing)", () => run("bash", [join(repoRoot, "scripts", "system-deps.sh")]));
}
