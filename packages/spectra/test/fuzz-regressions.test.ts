/** Replays the inputs the JS fuzzer found (fuzz/regressions/npz): each is a WaterfallError or reads, never a crash. */
import { readdirSync } from "node:fs";
import { join } from "node:path";

import { expect, it } from "vitest";

import { openWaterfall, prepareFigureData, Spectra, WaterfallError } from "@wfall/spectra";

import { repoRoot } from "./helpers.js";

const dir = join(repoRoot, "fuzz", "regressions", "npz");
const files = readdirSync(dir).filter((f) => !f.startsWith("."));

it.each(files.length ? files : ["(none found yet)"])("fuzz finding %s", async (name) => {
  if (!files.length) return expect(files).toEqual([]);
  try {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(dir, name), { maxBytes: 1 << 24 }));
    spec.maskBy({ sum: 2, variance: 0.05, constant: true });
    prepareFigureData(spec, { window: spec.dt * 2 });
  } catch (error) {
    expect(error).toBeInstanceOf(WaterfallError);
  }
});
