/**
 * numpy cross-checks: every case of fixtures/crosscheck-cases.json runs
 * through `Spectra` here and through python/crosscheck.py (numpy), on the
 * committed fixture, generated 1024- and 16384-channel fixtures and the real
 * CHIME pulse; results agree to 1e-5 relative with identical NaN positions.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Npz, prepareFigureData, openWaterfall, Spectra } from "@wfall/spectra";
import { toFloat32, toScalar } from "@wfall/spectra/internal";

import { expectClose, fixtures, generatedFixture, realDataDir, runPython } from "../../../test-utils/helpers.js";

interface Op {
  op: string;
  [arg: string]: unknown;
}
interface Result {
  kind: "intensity" | "timeseries" | "percentile" | "stats" | "figure";
  name?: string;
  q?: number[];
  channels?: [number, number];
  samples?: [number, number];
  weighted?: boolean;
}
interface Case {
  name: string;
  inputs: string[];
  ops: Op[];
  results: Result[];
}

const casesFile = join(fixtures, "crosscheck-cases.json");
const cases: Case[] = JSON.parse(readFileSync(casesFile, "utf8"));

function apply(spec: Spectra, op: Op): void {
  const a = op as Record<string, any>;
  switch (op.op) {
    case "dedisperse":
      return void spec.dedisperse(a.dm, { kdm: a.kdm, reference: a.reference, wrap: a.wrap });
    case "maskChannels":
      return void spec.maskChannels(a.channels);
    case "maskBySum":
      return void spec.maskBySum(a.threshold);
    case "maskByVariance":
      return void spec.maskByVariance(a.threshold);
    case "zerosToNaN":
      return void spec.zerosToNaN();
    case "subband":
      return void spec.subband(a.nsub);
    case "downsample":
      return void spec.downsample(a.factor);
    case "normalise":
      return void spec.normalise(a.method);
    default:
      throw new Error(`unknown op ${op.op}`);
  }
}

const real = realDataDir();
const inputs: Record<string, () => string | null> = {
  synthetic: () => join(fixtures, "synthetic_128x1024.npz"),
  medium: () => generatedFixture(1024, 512),
  large: () => generatedFixture(16384, 2048),
  chime: () => (real ? join(real, "chime_B0355+54", "B0355+54_wfall.npz") : null),
};

for (const [tag, locate] of Object.entries(inputs)) {
  const skip = tag === "chime" && !real;
  describe.skipIf(skip)(`numpy agrees on the ${tag} waterfall`, () => {
    let input: string;
    let reference: Npz;
    const expected = async (key: string) => await reference.array(key);
    const array = async (key: string) => toFloat32(await expected(key), { key });
    const scalar = async (key: string) => toScalar(await expected(key), { key });

    beforeAll(async () => {
      input = locate()!;
      const out = join(mkdtempSync(join(tmpdir(), "wfall-xcheck-")), `${tag}.npz`);
      runPython("python/crosscheck.py", [casesFile, tag, input, out]);
      reference = await Npz.open(out);
    });
    afterAll(() => reference?.close());

    for (const c of cases.filter((c) => c.inputs.includes(tag))) {
      it(c.name, async () => {
        const spec = Spectra.fromWaterfall(await openWaterfall(input));
        for (const op of c.ops) apply(spec, op);
        for (const result of c.results) {
          const key = (name: string) => `${c.name}.${name}`;
          switch (result.kind) {
            case "intensity": {
              const ref = await expected(key("intensity"));
              expect([spec.nchan, spec.ntime]).toEqual(ref.shape);
              expectClose(spec.data, await array(key("intensity")), 1e-5, "intensity");
              expectClose(spec.weights, await array(key("weights")), 1e-5, "weights");
              break;
            }
            case "timeseries": {
              expectClose(spec.timeseries(), await array(key("timeseries")), 1e-5, "timeseries");
              expect(spec.peak()).toBe(await scalar(key("peak")));
              break;
            }
            case "percentile": {
              const got = spec.percentile(result.q!, { channels: result.channels, samples: result.samples });
              expectClose(got, await array(key(`percentile_${result.name}`)), 1e-5, `percentile ${result.name}`);
              break;
            }
            case "stats": {
              const stats = spec.channelStats({ weighted: result.weighted });
              for (const stat of ["count", "sum", "mean", "variance", "median", "mad"] as const) {
                expectClose(stats[stat], await array(key(`stats_${stat}`)), 1e-5, stat);
              }
              const moments = spec.channelMoments({ weighted: result.weighted }); // the moments alone, as numpy has them
              for (const stat of ["count", "sum", "mean", "variance"] as const) {
                expectClose(moments[stat], await array(key(`stats_${stat}`)), 1e-5, `channelMoments ${stat}`);
              }
              break;
            }
            case "figure": {
              const fig = prepareFigureData(spec, { peak: "argmax" }); // the tutorial's rule
              expect(fig.peak).toBe(await scalar(key("figure_peak")));
              expect(fig.halfWidthSamples).toBe(await scalar(key("figure_window")));
              expect(fig.sampleStart).toBe(await scalar(key("figure_sampleStart")));
              expectClose([fig.vmin, fig.vmax], [await scalar(key("figure_vmin")), await scalar(key("figure_vmax"))], 1e-5, "vmin/vmax");
              expectClose(fig.timeseries, await array(key("figure_timeseries")), 1e-5, "figure timeseries");
              break;
            }
          }
        }
      });
    }
  });
}
