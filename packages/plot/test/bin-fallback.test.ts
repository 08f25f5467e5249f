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

/** Modification times (seconds) of the bundle and the two packages' build records; absent: no such file. */
interface Times {
  bundle?: number;
  plotBuild?: number;
  spectraBuild?: number;
}

const cases: { what: string; times: Times; runs: number }[] = [
  { what: "runs the bundle when it is newer than both packages' builds", times: { bundle: 2000, plotBuild: 1000, spectraBuild: 1000 }, runs: BUNDLE_EXIT },
  { what: "runs dist/ when @wfall/plot was compiled after the bundle", times: { bundle: 2000, plotBuild: 3000, spectraBuild: 1000 }, runs: DIST_EXIT },
  { what: "runs dist/ when @wfall/spectra was compiled after the bundle", times: { bundle: 2000, plotBuild: 1000, spectraBuild: 3000 }, runs: DIST_EXIT },
  { what: "runs the bundle in an installed package (no build records)", times: { bundle: 2000 }, runs: BUNDLE_EXIT },
  { what: "runs dist/ when there is no bundle", times: {}, runs: DIST_EXIT },
];

describe("bin/plot.js", () => {
  for (const [i, { what, times, runs }] of cases.entries()) {
    it(what, () => {
      const l = layout(`case-${i}`);
      if (times.bundle === undefined) rmSync(l.bundle);
      for (const key of ["bundle", "plotBuild", "spectraBuild"] as const) if (times[key] !== undefined) touch(l[key], times[key]);
      expect(exitOf(l.bin)).toBe(runs);
    });
  }
});
