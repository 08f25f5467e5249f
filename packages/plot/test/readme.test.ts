/** The README's API example runs as written (from a folder laid out like the repository root). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect, it } from "vitest";

import { repoRoot } from "../../../test-utils/helpers.js";

it("the analysis.mjs example in the README runs and writes its files", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const snippet = /```js\n(\/\/ analysis\.mjs[\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet).toBeDefined();
  const dir = mkdtempSync(join(tmpdir(), "wfall-readme-"));
  symlinkSync(join(repoRoot, "node_modules"), join(dir, "node_modules"));
  symlinkSync(join(repoRoot, "fixtures"), join(dir, "fixtures"));
  writeFileSync(join(dir, "analysis.mjs"), snippet!);
  const run = spawnSync(process.execPath, ["analysis.mjs"], { cwd: dir, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^64 6\.25 \d+ \[ -?[\d.]+, [\d.]+ \]\n$/);
  for (const file of ["burst.svg", "b6.pdf", "prepared.npz"]) expect(existsSync(join(dir, file)), file).toBe(true);
});
