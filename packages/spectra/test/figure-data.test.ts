/** prepareFigureData: the tutorial's figure arithmetic with SPEC.md's clamps at the edges. */
import { describe, expect, it } from "vitest";

import { prepareFigureData, Spectra } from "@wfall/spectra";

/** A waterfall of small noise-like values with a bright sample at `peak`. */
function pulse(ntime: number, peak: number, nchan = 4, dt = 1e-3): Spectra {
  const data = new Float32Array(nchan * ntime);
  for (let c = 0; c < nchan; c++) for (let j = 0; j < ntime; j++) data[c * ntime + j] = ((c * 7 + j * 13) % 11) / 100 + 0.01;
  for (let c = 0; c < nchan; c++) data[c * ntime + peak] = 5;
  return new Spectra(data, { nchan, ntime, fbottom: 400, df: 100, dt });
}

describe("prepareFigureData", () => {
  it("centres a window of 2*ceil(0.025/dt)-1 samples on the peak", () => {
    const fig = prepareFigureData(pulse(200, 100));
    expect(fig.halfWidthSamples).toBe(25);
    expect([fig.peak, fig.sampleStart, fig.sampleEnd, fig.ncols]).toEqual([100, 76, 125, 49]);
    expect(fig.intensity.length).toBe(4 * 49);
    expect(fig.timeEdgesMs.length).toBe(50);
    expect(fig.timeEdgesMs[24]).toBeCloseTo(-0.5, 12); // the peak's sample spans -0.5 .. 0.5 ms
    expect(fig.timeEdgesMs[0]).toBeCloseTo(-24.5, 12);
    expect(fig.timeEdgesMs[49]).toBeCloseTo(24.5, 12);
    expect(fig.timeseries[24]).toBe(20);
    expect(fig.freqExtent).toEqual([400, 800]);
  });

  it("uses ceil on the quotient, as the tutorial does: CHIME's 0.98304 ms gives 26 samples, not round's 25", () => {
    expect(0.025 / 0.00098304).toBeCloseTo(25.43, 2);
    expect(prepareFigureData(pulse(400, 200, 4, 0.00098304)).halfWidthSamples).toBe(26);
  });

  it("moves a peak at the left edge inward and takes vmax from after the window", () => {
    const fig = prepareFigureData(pulse(200, 3));
    expect([fig.rawPeak, fig.peak, fig.sampleStart]).toEqual([3, 24, 0]);
    expect(Number.isFinite(fig.vmax)).toBe(true);
  });

  it("moves a peak at the right edge inward", () => {
    const fig = prepareFigureData(pulse(200, 199));
    expect([fig.peak, fig.sampleEnd]).toEqual([175, 200]);
  });

  it("takes vmax from the samples before the window, not from the window (its noise is brighter here)", () => {
    const spec = pulse(200, 100);
    for (let c = 0; c < 4; c++) for (let j = 76; j < 125; j++) spec.data[c * 200 + j] += 1; // an on-pulse floor above the off-pulse noise
    const fig = prepareFigureData(spec);
    const off = spec.percentile(97.5, { samples: [35, 76] });
    const on = spec.percentile(97.5, { samples: [76, 125] });
    expect(on).toBeGreaterThan(off + 0.5);
    expect(fig.vmax).toBe(off);
    expect(fig.limitsFrom.vmax).toBe("97.5th percentile of the 41 samples before it");
    const onPulse = prepareFigureData(spec, { vmaxFrom: "on-pulse" });
    expect(onPulse.vmax).toBe(on);
    expect(onPulse.limitsFrom.vmax).toBe("97.5th percentile of the plotted window");
    expect(prepareFigureData(spec, { vmaxFrom: "on-pulse", vmaxPercentile: 100 }).vmax).toBe(spec.percentile(100, { samples: [76, 125] }));
  });

  it("takes vmin/vmax from the 2.5th and 97.5th percentiles, with zeros as missing", () => {
    const spec = pulse(200, 100);
    spec.data.fill(0, 0, 60); // zeros in the off-pulse samples of channel 0 do not drag vmax down
    const fig = prepareFigureData(spec);
    const on = spec
      .clone()
      .zerosToNaN()
      .percentile(2.5, { samples: [76, 125] });
    const off = spec
      .clone()
      .zerosToNaN()
      .percentile(97.5, { samples: [35, 76] });
    expect([fig.vmin, fig.vmax]).toEqual([on, off]);
    expect(Number.isNaN(fig.intensity[0])).toBe(false);
    expect(spec.data[0]).toBe(0); // the Spectra is not modified
  });

  it("centres the window on the sample holding peakTime (s from the file's start), not the brightest", () => {
    const spectra = new Spectra(pulse(200, 100).data, { nchan: 4, ntime: 200, fbottom: 400, df: 100, dt: 1e-3, start: 0.5 });
    const fig = prepareFigureData(spectra, { peakTime: 0.5 + 0.0604 });
    expect([fig.rawPeak, fig.peak, fig.sampleStart]).toEqual([60, 60, 36]);
    expect(prepareFigureData(spectra, { peakTime: 0.5 + 0.06 }).peak).toBe(60); // a sample's start time is inside it
    expect(() => prepareFigureData(spectra, { peakTime: 0.2 })).toThrow(/peak time 0\.2 s is outside the data read \(0\.5 \.\. 0\.7 s\)/);
    expect(() => prepareFigureData(spectra, { peakTime: -1 })).toThrow(/peakTime/);
  });

  it("honours explicit limits and window", () => {
    const fig = prepareFigureData(pulse(200, 100), { vmin: -1, vmax: 2, windowMs: 10 });
    expect([fig.vmin, fig.vmax, fig.ncols]).toEqual([-1, 2, 19]);
  });

  it("a window larger than the data is E_EMPTY_WINDOW with numbers", () => {
    expect(() => prepareFigureData(pulse(30, 15))).toThrow(
      expect.objectContaining({ code: "E_EMPTY_WINDOW", message: expect.stringMatching(/needs 49 samples but the data has 30/) }),
    );
  });

  it("an all-NaN waterfall is E_EMPTY_WINDOW, not a crash", () => {
    const spec = pulse(100, 50);
    spec.data.fill(Number.NaN);
    expect(() => prepareFigureData(spec)).toThrow(expect.objectContaining({ code: "E_EMPTY_WINDOW" }));
  });

  it("skips infinite samples like NaN: they cannot become the burst, the time series or a colour limit", () => {
    const clean = pulse(200, 120);
    const spec = pulse(200, 120);
    spec.data[1 * 200 + 60] = Infinity;
    for (let j = 0; j < 200; j++) spec.data[2 * 200 + j] = -Infinity;
    const fig = prepareFigureData(spec);
    expect(fig.rawPeak).toBe(120);
    const expected = Array.from({ length: 200 }, (_, j) => [0, 1, 3].reduce((sum, c) => sum + (c === 1 && j === 60 ? 0 : clean.data[c * 200 + j]), 0));
    for (const [j, v] of spec.timeseries().entries()) expect(v).toBeCloseTo(expected[j], 5);
    expect([fig.vmin, fig.vmax].every(Number.isFinite)).toBe(true);
    expect(spec.peak()).toBe(120);
  });
});
