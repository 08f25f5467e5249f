/**
 * Burst measurements through the API against numpy: python/measure_reference.py
 * (a few lines of numpy per definition) on the synthetic burst of
 * fixtures/make_burst.py and on the real Arecibo B6 fixture (as stored: a
 * normalisation done twice rounds to float32 differently by an ulp, which
 * flips DM_phase's per-trial Fourier cut-off where two are within rounding). S/N to 1e-6,
 * widths and samples exactly; the synthetic burst's two best DMs within 0.1
 * of the DM it was dispersed at.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { bestDm, figureWindow, measureSnr, openWaterfall, snrVersusDm, Spectra, type SnrDefinition } from "@wfall/spectra";

import { expectClose, fixtures, generatedPath, runPython } from "../../../test-utils/helpers.js";

interface RefSnr {
  snr: number;
  width_samples: number;
  peak_sample: number;
  on_start: number;
  on_end: number;
}

const DEFINITIONS: SnrDefinition[] = ["heimdall", "presto", "peak", "weq"];

/** `|a - b| <= 1e-6 |b|`. */
function expectSnr(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs numpy ${expected}`).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
}

const cases = [
  {
    name: "the synthetic burst (DM 87.77, stored at DM 0)",
    file: "burst_64x2048.npz",
    snrDm: 87.77,
    grid: [86.77, 88.77, 201] as const,
    search: [600, 1800] as const,
    normalise: false,
  },
  {
    name: "the Arecibo B6 burst",
    file: "frb121102_B6_wfall.npz",
    snrDm: 562.056,
    grid: [557.056, 567.056, 101] as const,
    search: [500, 800] as const,
    normalise: false,
  },
];

for (const c of cases) {
  describe(`numpy measures ${c.name} as the API does`, () => {
    let ref: Record<string, any>;
    let atDm: Spectra;

    let windowColumns: number;

    beforeAll(async () => {
      atDm = await load(c.file, c.normalise);
      atDm.dedisperse(c.snrDm);
      windowColumns = 2 * Math.ceil(0.025 / atDm.dt) - 1; // the default window's: the boxcars of the peak go up to it
      const out = generatedPath(`measure_${c.file}.json`);
      const [lo, hi, n] = c.grid;
      const args = [join(fixtures, c.file), "--dm-lo", String(lo), "--dm-hi", String(hi), "--ndm", String(n), "--snr-dm", String(c.snrDm)];
      args.push("--snr-search", `${c.search[0]}:${c.search[1]}`, "--boxcar-max", String(windowColumns), "--out", out);
      if (c.normalise) args.push("--normalise");
      runPython("python/measure_reference.py", args);
      ref = JSON.parse(readFileSync(out, "utf8"));
    });

    async function load(file: string, normalise: boolean): Promise<Spectra> {
      const s = Spectra.fromWaterfall(await openWaterfall(join(fixtures, file)));
      return normalise ? s.normalise("robust") : s;
    }

    function expectSameSnr(got: ReturnType<typeof measureSnr>, want: RefSnr, what: string) {
      expectSnr(got.snr, want.snr, what);
      expect([got.widthSamples, got.peakSample, ...got.onPulse], what).toEqual([want.width_samples, want.peak_sample, want.on_start, want.on_end]);
    }

    it("S/N, width and on-pulse samples by every definition", () => {
      for (const definition of DEFINITIONS) expectSameSnr(measureSnr(atDm, { definition }), ref.snr[definition], definition);
      expectSameSnr(measureSnr(atDm, { heimdallConstant: true }), ref.snr.heimdall_constant, "heimdall_constant");
    });

    it("with the burst looked for in a range only (the noise still from the whole series)", () => {
      for (const definition of DEFINITIONS) expectSameSnr(measureSnr(atDm, { definition, search: c.search }), ref.snr_search[definition], definition);
      const [s0, s1] = c.search;
      const alone = measureSnr(atDm, { search: c.search });
      expect(alone.onPulse[0]).toBeGreaterThanOrEqual(s0);
      expect(alone.onPulse[1]).toBeLessThanOrEqual(s1);
    });

    it("the boxcar peak a figure centres on (widths 1 sample .. the window)", () => {
      const window = figureWindow(atDm, atDm.timeseries());
      expect(ref.boxcar_peak.max_width).toBe(windowColumns);
      expect([window.peakRule, window.rawPeak]).toEqual(["boxcar", ref.boxcar_peak.centre_sample]);
    });

    it("the DM-time plane and the S/N-vs-DM curve", async () => {
      const atZero = await load(c.file, c.normalise);
      const [lo, hi, n] = c.grid;
      const fileDm = atZero.dm;
      const plane = await atZero.dmTimePlane({ dmRange: [lo, hi], trials: n, method: "brute", wrap: "roll" });
      expect(Array.from(plane.dms)).toEqual(ref.grid ? Array.from({ length: n }, (_, j) => ref.grid.start + j * ref.grid.step) : []);
      let sum = 0;
      for (const v of plane.data) sum += v;
      expect(Math.abs(sum - ref.plane_sum)).toBeLessThanOrEqual(1e-9 * Math.abs(ref.plane_sum));
      const curve = snrVersusDm(plane);
      expectClose(
        curve.snr,
        ref.dm_snr.snr.map((v: number | null) => v ?? Number.NaN),
        1e-6,
        "S/N per trial",
      );
      expect(curve.bestIndex).toBe(ref.dm_snr.best_index);
      for (const key of ["dm_low", "dm_high", "dm_uncertainty"] as const) {
        const got = { dm_low: curve.dmLow, dm_high: curve.dmHigh, dm_uncertainty: curve.dmUncertainty }[key];
        expect(Math.abs(got - ref.dm_snr[key]), key).toBeLessThanOrEqual(1e-9 * Math.abs(ref.dm_snr[key]) + 1e-12);
      }
      expect(atZero.dm).toBe(fileDm);
    });

    it("the structure-maximising DM (DM_phase)", async () => {
      const atZero = await load(c.file, c.normalise);
      const [lo, hi, n] = c.grid;
      const phase = await atZero.bestDmByStructure({ dmRange: [lo, hi], trials: n });
      // rustfft and numpy's pocketfft round differently, and a degree-6 fit magnifies it: 1e-6 relative
      expect(Math.abs(phase.bestDm - ref.dm_phase.best_dm), `${phase.bestDm} vs ${ref.dm_phase.best_dm}`).toBeLessThanOrEqual(1e-6 * ref.dm_phase.best_dm);
      expect(Math.abs(phase.dmUncertainty - ref.dm_phase.dm_uncertainty), `${phase.dmUncertainty} vs ${ref.dm_phase.dm_uncertainty}`).toBeLessThanOrEqual(
        1e-3 * ref.dm_phase.dm_uncertainty,
      );
      expectClose(phase.curve, ref.dm_phase.curve, 1e-6, "coherent power curve");
      expect([phase.nchanUsed, phase.fitStart, phase.fitEnd, phase.fitted]).toEqual([
        ref.dm_phase.nchan_used,
        ref.dm_phase.fit_start,
        ref.dm_phase.fit_end,
        ref.dm_phase.fitted,
      ]);
    });
  });
}

describe("the synthetic burst's best DMs", () => {
  it("are both within 0.1 of the DM it was dispersed at", async () => {
    const truth = JSON.parse(readFileSync(join(fixtures, "burst_64x2048.truth.json"), "utf8"));
    const spectra = Spectra.fromWaterfall(await openWaterfall(join(fixtures, "burst_64x2048.npz")));
    spectra.dedisperse(truth.dm);
    const r = await bestDm(spectra, { dmRange: [truth.dm - 1, truth.dm + 1], trials: 201 });
    expect(Math.abs(r.snr.dm - truth.dm), `S/N ${r.snr.dm}`).toBeLessThan(0.1);
    expect(Math.abs(r.structure.dm - truth.dm), `structure ${r.structure.dm}`).toBeLessThan(0.1);
    expect(r.snr.uncertainty).toBeGreaterThan(0);
    expect(r.structure.uncertainty).toBeGreaterThan(0);
    expect(r.curve).toHaveLength(201);
    expect(r.burst.peakSample).toBe(truth.arrival_sample_top + 1); // the centre of its best 2-sample window
  });
});

describe("bad requests", () => {
  it("trial DMs must run upward from a DM >= 0, three of them at least", async () => {
    const spectra = Spectra.fromWaterfall(await openWaterfall(join(fixtures, "burst_64x2048.npz")));
    await expect(spectra.dmTimePlane({ dmRange: [10, 5] })).rejects.toMatchObject({ code: "E_DM_RANGE" });
    await expect(spectra.dmTimePlane({ dmRange: [-1, 5] })).rejects.toMatchObject({ code: "E_DM_RANGE" });
    await expect(spectra.bestDmByStructure({ dmRange: [1, 5], trials: 2 })).rejects.toMatchObject({ code: "E_ARGUMENT" });
  });

  it("errors from the core's tasks keep their codes and name the file", async () => {
    const flat = new Spectra(new Float32Array(4 * 64).fill(1), { nchan: 4, ntime: 64, fbottom: 400, df: 100, dt: 1e-3, source: "flat.npz" });
    await expect(flat.bestDmByStructure({ dmRange: [0, 10] })).rejects.toMatchObject({ code: "E_EMPTY_WINDOW", file: "flat.npz" });
    expect(() => measureSnr(flat)).toThrow(expect.objectContaining({ code: "E_EMPTY_WINDOW", file: "flat.npz" }));
    expect(() => measureSnr(flat, { search: [10, 100] })).toThrow(expect.objectContaining({ code: "E_RANGE" }));
  });
});
