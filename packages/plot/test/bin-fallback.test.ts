/**
 * bin/plot.js runs the bundle unless a `tsc -b` of either workspace package
 * ran after it (the bundle is then stale and dist/ runs): checked on a copy of
 * the script beside stand-in entry points whose exit codes say which ran.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

const realBin = fileURLToPath(new URL("../bin/plot.js", import.meta.url));
const BUNDLE_EXIT = 11;
const DIST_EXIT = 22;

const root = mkdtempSync(join(tmpdir(), "wfall-bin-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A package layout `root/plot` + `root/spectra` with the script and two stand-in entry points. */
function layout(name: string): { bin: string; bundle: string; plotBuild: string; spectraBuild: string } {
  const dir = join(root, name);
  const plot = join(dir, "plot");
  for (const sub of ["bin", "dist/bundle", "dist/cli"]) mkdirSync(join(plot, sub), { recursive: true });
  mkdirSync(join(dir, "spectra"), { recursive: true });
  const bin = join(plot, "bin", "plot.js");
  copyFileSync(realBin, bin);
  writeFileSync(join(plot, "package.json"), '{ "type": "module" }\n');
  const bundle = join(plot, "dist", "bundle", "cached.js");
  writeFileSync(bundle, `export const main = async () => ${BUNDLE_EXIT};\n`);
  writeFileSync(join(plot, "dist", "cli", "main.js"), `export const main = async () => ${DIST_EXIT};\n`);
  return { bin, bundle, plotBuild: join(plot, "tsconfig.tsbuildinfo"), spectraBuild: join(dir, "spectra", "tsconfig.tsbuildinfo") };
}

function touch(path: string, secondsSinceEpoch: number): void {
  writeFileSync(path, "{}", { flag: "a" });
  utimesSync(path, secondsSinceEpoch, secondsSinceEpoch);
}

const exitOf = (bin: string) => spawnSync(process.execPath, [bin], { encoding: "utf8" }).status;

describe("bin/plot.js", () => {
  it("runs the bundle when it is newer than both packages' builds", () => {
    const l = layout("fresh");
    touch(l.plotBuild, 1000);
    touch(l.spectraBuild, 1000);
    touch(l.bundle, 2000);
    expect(exitOf(l.bin)).toBe(BUNDLE_EXIT);
  });

  it("runs dist/ when @wfall/plot was compiled after the bundle", () => {
    const l = layout("plot-newer");
    touch(l.bundle, 2000);
    touch(l.plotBuild, 3000);
    touch(l.spectraBuild, 1000);
    expect(exitOf(l.bin)).toBe(DIST_EXIT);
  });

  it("runs dist/ when @wfall/spectra was compiled after the bundle", () => {
    const l = layout("spectra-newer");
    touch(l.bundle, 2000);
    touch(l.plotBuild, 1000);
    touch(l.spectraBuild, 3000);
    expect(exitOf(l.bin)).toBe(DIST_EXIT);
  });

  it("runs the bundle in an installed package (no build records)", () => {
    const l = layout("installed");
    expect(exitOf(l.bin)).toBe(BUNDLE_EXIT);
  });

  it("runs dist/ when there is no bundle", () => {
    const l = layout("no-bundle");
    rmSync(l.bundle);
    expect(exitOf(l.bin)).toBe(DIST_EXIT);
  });
});
