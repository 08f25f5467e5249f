/** Spectra's contract: axes, weights, in-place operations, errors and invariants. */
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { K_DM_CHIME, looksRaw, openWaterfall, processSpectra, Spectra, WaterfallError } from "@wfall/spectra";

import { fixtures } from "../../../test-utils/helpers.js";

const synthetic = join(fixtures, "synthetic_128x1024.npz");

function ramp(nchan: number, ntime: number, options: Partial<ConstructorParameters<typeof Spectra>[1]> = {}) {
  const data = Float32Array.from({ length: nchan * ntime }, (_, i) => i + 1);
  return new Spectra(data, { nchan, ntime, fbottom: 400, df: 100, dt: 1e-3, ...options });
}

describe("construction", () => {
  it("wraps the array without copying and exposes the axes", () => {
    const spec = ramp(3, 4, { start: 2, dm: 10 });
    expect(Array.from(spec.freqs)).toEqual([450, 550, 650]); // centres: fbottom 400 is the lower band edge
    expect(Array.from(spec.times)).toEqual([2, 2.001, 2.002, 2.003]);
    expect(spec.centerTimes[0]).toBeCloseTo(2.0005, 12);
    expect([spec.nchan, spec.ntime, spec.dm, spec.df, spec.dt, spec.fbottom]).toEqual([3, 4, 10, 100, 1e-3, 400]);
    const view = spec.intensity;
    expect(view.shape).toEqual([3, 4]);
    expect(view.get(2, 1)).toBe(10);
    view.set(0, 0, -7);
    expect(spec.data[0]).toBe(-7); // the ndarray view shares memory
  });

  it.each([
    [{ nchan: 3, ntime: 5 }, "E_SHAPE", /has 12 values but 3 x 5 needs 15/],
    [{ nchan: 0, ntime: 5 }, "E_SHAPE", /positive integers/],
    [{ dt: 0 }, "E_VALUE", /dt must be a positive/],
    [{ df: -1 }, "E_VALUE", /df must be a positive/],
    [{ fbottom: Number.NaN }, "E_VALUE", /fbottom must be/],
    [{ weights: new Float32Array(3) }, "E_SHAPE", /weights must be a Float32Array of 12 values/],
  ])("refuses %o", (options, code, message) => {
    expect(() => ramp(3, 4, options)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it("refuses a non-float32 intensity", () => {
    expect(() => new Spectra(new Float64Array(4) as any, { nchan: 2, ntime: 2, fbottom: 1, df: 1, dt: 1 })).toThrow(/Float32Array/);
  });

  it("gives weight 0 to exact zeros on load, as the tutorial does", async () => {
    const wf = await openWaterfall(synthetic);
    const spec = Spectra.fromWaterfall(wf);
    let zeros = 0;
    wf.intensity.forEach((x, i) => {
      expect(spec.weights[i]).toBe(x === 0 ? 0 : 1);
      zeros += x === 0 ? 1 : 0;
    });
    expect(zeros).toBeGreaterThan(0);
  });
});

describe("dedisperse", () => {
  it("shifts each channel by round(k ΔDM (f^-2 - ftop^-2) / dt) toward earlier times", () => {
    const spec = ramp(3, 500);
    spec.dedisperse(10);
    const expected = [450, 550, 650].map((f) => Math.round((K_DM_CHIME * 10 * (f ** -2 - 650 ** -2)) / 1e-3)); // channel centres
    expect(Array.from(spec.lastShifts!)).toEqual(expected);
    expect(spec.data[0]).toBe(1 + expected[0]);
    expect(spec.dm).toBe(10);
  });

  it("is incremental: a then b equals b directly within one sample per channel", async () => {
    const wf = await openWaterfall(synthetic);
    const direct = Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() }).dedisperse(150);
    const stepwise = Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() }).dedisperse(40);
    const first = stepwise.lastShifts!;
    stepwise.dedisperse(150);
    for (const [c, s] of first.entries()) expect(Math.abs(s + stepwise.lastShifts![c] - direct.lastShifts![c])).toBeLessThanOrEqual(1);
  });

  it("is undone by dedispersing back", () => {
    const spec = ramp(4, 64);
    const before = spec.data.slice();
    spec.dedisperse(3).dedisperse(0);
    expect(Array.from(spec.data)).toEqual(Array.from(before));
    expect(spec.dm).toBe(0);
  });

  it("invalidate blanks what roll would wrap, and moves the weights", () => {
    const spec = ramp(2, 300).dedisperse(5, { wrap: "invalidate" });
    const s = spec.lastShifts![0];
    expect(s).toBeGreaterThan(0);
    expect(Number.isNaN(spec.data[299])).toBe(true);
    expect(spec.weights[299 - s + 1]).toBe(0);
    expect(spec.weights[299 - s]).toBe(1);
  });

  it.each([Number.NaN, Infinity])("refuses DM %s", (dm) => {
    expect(() => ramp(2, 4).dedisperse(dm)).toThrow(expect.objectContaining({ code: "E_DM_RANGE" }));
  });

  it("refuses an unknown reference or wrap mode", () => {
    expect(() => ramp(2, 4).dedisperse(1, { reference: "middle" as any })).toThrow(expect.objectContaining({ code: "E_ARGUMENT" }));
    expect(() => ramp(2, 4).dedisperse(1, { wrap: "clip" as any })).toThrow(/wrap must be 'roll' or 'invalidate'/);
  });
});

describe("dedisperseSubband", () => {
  for (const wrap of ["roll", "invalidate"] as const) {
    it(`equals dedisperse then subband exactly (${wrap})`, async () => {
      const wf = await openWaterfall(synthetic);
      const twoStep = Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() })
        .dedisperse(300, { wrap })
        .subband(16);
      const input = wf.intensity.slice();
      const fused = Spectra.fromWaterfall({ ...wf, intensity: input }).dedisperseSubband(300, 16, { wrap });
      expect(Array.from(fused.data)).toEqual(Array.from(twoStep.data));
      expect(Array.from(fused.weights)).toEqual(Array.from(twoStep.weights));
      expect([fused.nchan, fused.df, fused.dm]).toEqual([16, 25, 300]);
      expect(Array.from(fused.lastShifts!)).toHaveLength(128);
      expect(input).toEqual(wf.intensity); // the full-resolution data are not rewritten
    });

    it(`leaves out the channels maskBy masked without writing them, as if they were written (${wrap})`, async () => {
      const wf = await openWaterfall(synthetic);
      const rules = { sum: 2, variance: 0.05 };
      const written = Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() }).maskBy(rules);
      const masked = written.maskedChannels(); // reads the samples: the masks are written first
      expect(masked.length).toBeGreaterThan(4);
      expect(Array.from(written.data.subarray(masked[1] * wf.ntime, (masked[1] + 1) * wf.ntime)).every(Number.isNaN)).toBe(true);
      const input = wf.intensity.slice();
      const left = Spectra.fromWaterfall({ ...wf, intensity: input })
        .maskBy(rules)
        .dedisperseSubband(300, 16, { wrap });
      written.dedisperseSubband(300, 16, { wrap });
      expect(Array.from(left.data)).toEqual(Array.from(written.data));
      expect(Array.from(left.weights)).toEqual(Array.from(written.weights));
      expect(left.channelMask).toEqual(written.channelMask);
      // left out of the pass, then written: the caller's array is masked in place, as by maskBy before
      const maskedInput = wf.intensity.slice();
      for (const c of masked) maskedInput.fill(Number.NaN, c * wf.ntime, (c + 1) * wf.ntime);
      expect(input).toEqual(maskedInput);
    });

    it(`masks arrays another Spectra shares and the caller's, at once (${wrap})`, async () => {
      const wf = await openWaterfall(synthetic);
      const rules = { sum: 2, variance: 0.05 };
      const masked = Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() })
        .maskBy(rules)
        .maskedChannels();
      expect(masked.length).toBeGreaterThan(4);
      const input = wf.intensity.slice();
      const a = Spectra.fromWaterfall({ ...wf, intensity: input });
      const b = a.sharingArrays().maskBy(rules);
      const row = (data: Float32Array, c: number) => Array.from(data.subarray(c * wf.ntime, (c + 1) * wf.ntime));
      const allMasked = (data: Float32Array) => masked.every((c) => row(data, c).every(Number.isNaN));
      expect(allMasked(a.data)).toBe(true);
      expect(allMasked(input)).toBe(true);
      b.dedisperseSubband(300, 16, { wrap });
      expect(allMasked(a.data)).toBe(true);
    });
  }
});

describe("subband and downsample", () => {
  it("subband averages adjacent channels and updates df, keeping fbottom", () => {
    const spec = ramp(4, 2).subband(2);
    expect(Array.from(spec.data)).toEqual([2, 3, 6, 7]);
    expect([spec.nchan, spec.df, spec.fbottom]).toEqual([2, 200, 400]);
  });

  it("a non-divisor names both numbers", () => {
    expect(() => ramp(6, 2, { source: "x.npz" }).subband(4)).toThrow(
      expect.objectContaining({ code: "E_NSUB_DIVISOR", message: "x.npz: cannot split 6 channels into 4 subbands: 4 is not a divisor of 6" }),
    );
  });

  it("downsample drops a partial tail and scales dt", () => {
    const spec = ramp(1, 5).downsample(2);
    expect(Array.from(spec.data)).toEqual([1.5, 3.5]);
    expect(spec.dt).toBeCloseTo(2e-3, 15);
  });
});

describe("masks, statistics and percentiles", () => {
  it("masks channels by explicit list, by sum and by variance", () => {
    const data = new Float32Array([0.1, -0.1, 5, 5, 0, 0.9, Number.NaN, Number.NaN]);
    const spec = new Spectra(data, { nchan: 4, ntime: 2, fbottom: 400, df: 1, dt: 1 });
    expect(spec.channelsBySum(2)).toEqual([1, 3]); // |10| > 2, and the all-NaN channel
    expect(spec.channelsByVariance(0.05)).toEqual([2, 3]); // var(0, 0.9) = 0.2025
    spec.maskBySum(2);
    expect(spec.maskedChannels()).toEqual([1, 3]);
    expect(spec.weights[2]).toBe(0);
    spec.maskChannels([0]);
    expect(spec.maskedChannels()).toEqual([0, 1, 3]);
    expect(() => spec.maskChannels([4])).toThrow(expect.objectContaining({ code: "E_RANGE" }));
    expect(() => spec.maskBySum(-1)).toThrow(expect.objectContaining({ code: "E_ARGUMENT" }));
  });

  it("maskBy applies several rules from one pass of statistics", () => {
    const data = new Float32Array([0.1, -0.1, 5, 5, 0, 0.9, 3, 3]);
    const spec = new Spectra(data, { nchan: 4, ntime: 2, fbottom: 400, df: 1, dt: 1 });
    expect(spec.clone().maskBy({ constant: true }).maskedChannels()).toEqual([1, 3]);
    expect(spec.clone().maskBy({ sum: 2, variance: 0.05 }).maskedChannels()).toEqual([1, 2, 3]);
    expect(spec.maskBy({}).maskedChannels()).toEqual([]);
  });

  it("percentile follows numpy's linear method over a half-open block", () => {
    const spec = ramp(2, 4); // [[1,2,3,4],[5,6,7,8]]
    expect(spec.percentile(50)).toBe(4.5);
    expect(spec.percentile([0, 100], { channels: [1, 2], samples: [1, 3] })).toEqual([6, 7]);
    expect(() => spec.percentile(50, { samples: [3, 3] })).toThrow(expect.objectContaining({ code: "E_RANGE" }));
    expect(() => spec.percentile(120)).toThrow(expect.objectContaining({ code: "E_ARGUMENT" }));
    const blank = new Spectra(new Float32Array([Number.NaN, Number.NaN]), { nchan: 1, ntime: 2, fbottom: 1, df: 1, dt: 1 });
    expect(blank.percentile(50)).toBeNaN();
  });

  it("timeseries and peak (first of ties)", () => {
    const spec = new Spectra(new Float32Array([1, 3, 3, Number.NaN, 0, 0]), { nchan: 2, ntime: 3, fbottom: 1, df: 1, dt: 1 });
    expect(Array.from(spec.timeseries())).toEqual([1, 3, 3]);
    expect(spec.peak()).toBe(1);
  });

  it("clone is deep", () => {
    const spec = ramp(2, 2);
    const copy = spec.clone();
    copy.maskChannels([0]);
    expect(spec.data[0]).toBe(1);
    expect(copy.data[0]).toBeNaN();
  });

  it("normalise masks channels it cannot normalise", () => {
    const spec = new Spectra(new Float32Array([1, 3, 2, 2]), { nchan: 2, ntime: 2, fbottom: 1, df: 1, dt: 1 }).normalise("zscore");
    expect(Array.from(spec.data.subarray(0, 2))).toEqual([-1, 1]);
    expect(spec.maskedChannels()).toEqual([1]);
    expect(() => spec.normalise("minmax" as any)).toThrow(expect.objectContaining({ code: "E_ARGUMENT" }));
  });
});

describe("errors are WaterfallErrors naming the source", () => {
  it("native failures carry the file", () => {
    try {
      ramp(4, 4, { source: "burst.npz" }).subband(3);
      expect.fail("no error");
    } catch (e) {
      expect(e).toBeInstanceOf(WaterfallError);
      expect((e as WaterfallError).file).toBe("burst.npz");
    }
  });
});

describe("through the native boundary, exactly", () => {
  it("rounds half-sample shifts to even, as np.round (channels centred at 512 and 1024 MHz, dt 2^-18 s)", () => {
    // 512^-2 and 1024^-2 are exact in binary, so k·ΔDM·f^-2/dt lands exactly on halves
    const spectra = new Spectra(new Float32Array(2 * 16), { nchan: 2, ntime: 16, fbottom: 256, df: 512, dt: 2 ** -18 });
    expect(Array.from(spectra.freqs)).toEqual([512, 1024]);
    expect(Array.from(spectra.clone().dedisperse(2.5, { kdm: 1, reference: "infinite" }).lastShifts!)).toEqual([2, 1]);
    expect(Array.from(spectra.clone().dedisperse(3.5, { kdm: 1, reference: "infinite" }).lastShifts!)).toEqual([4, 1]);
    expect(Array.from(spectra.clone().dedisperse(-2.5, { kdm: 1, reference: "infinite" }).lastShifts!)).toEqual([-2, -1]);
  });
});

describe("processSpectra's defaults", () => {
  it("dedisperse with CHIME's K_DM and the top channel's centre, and mask constant channels unless told", async () => {
    const wf = await openWaterfall(synthetic);
    const constant = 5;
    wf.intensity.fill(0.25, constant * wf.ntime, (constant + 1) * wf.ntime);
    // a large DM change, so that the other K_DM (4148.808, 1.4e-4 smaller) would move channels by whole samples
    const processed = processSpectra(Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() }), { dm: 500, nsub: "all", wrap: "roll" });
    const reference = Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() }).dedisperse(500, { kdm: K_DM_CHIME, reference: "top" });
    const physical = Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() }).dedisperse(500, { kdm: 4148.808, reference: "top" });
    expect(Array.from(processed.lastShifts!)).toEqual(Array.from(reference.lastShifts!));
    expect(Array.from(processed.lastShifts!)).not.toEqual(Array.from(physical.lastShifts!));
    expect(processed.data.subarray(constant * wf.ntime, (constant + 1) * wf.ntime).every(Number.isNaN)).toBe(true);
    const kept = processSpectra(Spectra.fromWaterfall({ ...wf, intensity: wf.intensity.slice() }), { dm: 87.77, nsub: "all", maskConstant: false });
    expect(kept.data.subarray(constant * wf.ntime, (constant + 1) * wf.ntime).some((v) => v === 0.25)).toBe(true);
  });

  it("normalise auto: robust for raw power (positive, channel means tenfold apart), none for normalised data", async () => {
    const wf = await openWaterfall(synthetic);
    expect(looksRaw(Spectra.fromWaterfall(wf))).toBe(false); // the tutorial's fractional data keep the tutorial's behaviour
    const power = new Float32Array(4 * 100).map((_, i) => (Math.floor(i / 100) + 1) ** 2 * 10 * (1 + 0.1 * Math.sin(i)));
    const raw = new Spectra(power, { nchan: 4, ntime: 100, fbottom: 400, df: 100, dt: 1e-3 });
    expect(looksRaw(raw)).toBe(true);
    expect(looksRaw(new Spectra(new Float32Array(400).fill(3), { nchan: 4, ntime: 100, fbottom: 400, df: 100, dt: 1e-3 }), "uint8")).toBe(true);
    const normalised = processSpectra(raw.clone(), { maskConstant: false });
    const median = normalised.channelStats().median;
    for (const m of median) expect(Math.abs(m)).toBeLessThan(1e-6); // robust: each channel's median is 0
    expect(Array.from(processSpectra(raw.clone(), { normalise: "none", maskConstant: false }).data)).toEqual(Array.from(raw.data));
  });
});
