/** Layout from real font metrics: text widths, ticks, and no clipping at any size. */
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { figureDataFor, figureSpec, renderFigure, textWidth } from "@wfall/plot";
import { openWaterfall, Spectra } from "@wfall/spectra";

import { expectNothingClipped } from "../../../test-utils/figures.js";
import { fixtures } from "../../../test-utils/helpers.js";
import { frequencyTicks, timeTicks } from "../src/spec/ticks.js";
import { decodePng } from "../../../test-utils/inspect.js";

describe("text is measured with DejaVu Sans itself", () => {
  it("digit advances are DejaVu Sans' 1303/2048 em", () => {
    expect(textWidth("0", { fontSize: 9 })).toBeCloseTo((1303 / 2048) * 9, 6);
    expect(textWidth("800", { fontSize: 9 })).toBeCloseTo(((3 * 1303) / 2048) * 9, 6);
  });

  it("wider text is wider, widths scale with size, and bold falls back to the one face figures embed", () => {
    const regular = textWidth("Frequency [MHz]", { fontSize: 9 });
    expect(regular).toBeGreaterThan(textWidth("Time [ms]", { fontSize: 9 }));
    expect(textWidth("Frequency [MHz]", { fontSize: 18 })).toBeCloseTo(2 * regular, 6);
    expect(textWidth("Frequency [MHz]", { fontSize: 9, fontWeight: "bold" })).toBe(regular);
  });
});

describe("ticks", () => {
  it("are the tutorial's -20/0/20 ms for its window and 400..800 MHz for CHIME", () => {
    expect(timeTicks(-25.56, 25.56)).toEqual({ values: [-20, 0, 20], labels: ["\u221220", "0", "20"] });
    expect(frequencyTicks(400.1953125, 800.1953125).values).toEqual([400, 500, 600, 700, 800]);
  });

  it("are nice numbers otherwise", () => {
    expect(timeTicks(-9.5, 9.5).values).toEqual([-5, 0, 5]);
    expect(timeTicks(-1.2, 1.2).labels).toEqual(["\u22121.0", "\u22120.5", "0.0", "0.5", "1.0"]);
    expect(frequencyTicks(987.03125, 1787.03125).values).toEqual([1000, 1200, 1400, 1600]);
    expect(frequencyTicks(1130, 1466).values).toEqual([1200, 1300, 1400]);
  });
});

describe("nothing is clipped, whatever the size", () => {
  const sizes = [
    { widthIn: 4.26, heightIn: 3, fontSize: 9 },
    { widthIn: 3.3, heightIn: 2.4, fontSize: 8, title: "A long title for a narrow figure" },
    { widthIn: 7, heightIn: 5, fontSize: 16, title: "20200120E" },
  ];
  for (const size of sizes) {
    it(`${size.widthIn} x ${size.heightIn} in at ${size.fontSize} pt`, async () => {
      const spec = Spectra.fromWaterfall(await openWaterfall(join(fixtures, "synthetic_128x1024.npz")));
      const vl = figureSpec([{ figure: await figureDataFor(spec, { dm: 87.77 }), title: size.title }], size);
      await expectNothingClipped(vl, size.widthIn, size.heightIn);
      const png = decodePng(await renderFigure(vl, { format: "png", dpi: 100 }));
      const white = (x: number, y: number) => [0, 1, 2].every((k) => png.pixels[(y * png.width + x) * png.channels + k] === 255);
      let ink = 0; // the labels are really drawn: dark pixels left of the plot
      for (let y = 0; y < png.height; y++) for (let x = 0; x < 20; x++) ink += white(x, y) ? 0 : 1;
      expect(ink).toBeGreaterThan(20);
    });
  }

  it("axis titles are the options' (a journal's style), and one longer than its axis is refused", async () => {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(fixtures, "synthetic_128x1024.npz")));
    const figure = await figureDataFor(spec, { dm: 87.77 });
    const titles = (vl: Record<string, any>) => vl.layer.flatMap((l: any) => [l.encoding?.x?.axis?.title, l.encoding?.y?.axis?.title]).filter(Boolean);
    expect(titles(figureSpec([{ figure }]))).toEqual(["Time [ms]", "Frequency [MHz]"]);
    const journal = figureSpec([{ figure }], { timeLabel: "Time (ms)", frequencyLabel: "Frequency (MHz)" });
    expect(titles(journal)).toEqual(["Time (ms)", "Frequency (MHz)"]);
    await expectNothingClipped(journal, 4.26, 3);
    expect(() => figureSpec([{ figure }], { frequencyLabel: "Observing frequency relative to the reference, in MHz, barycentric" })).toThrow(
      expect.objectContaining({
        code: "E_ARGUMENT",
        message: expect.stringMatching(
          /^the frequency axis title ".*" is \d+ pt long at 9 pt, longer than the axis \(\d+ pt\): make the figure larger \(--height\), the text smaller \(--font-size\) or the title shorter \(--frequency-label\)$/,
        ),
      }),
    );
    expect(() => figureSpec([{ figure }], { widthIn: 2.5, timeLabel: "Time since the peak of the band-averaged series (ms)" })).toThrow(
      /time axis title .*\(--width\).*\(--time-label\)/,
    );
  });

  it("tick labels that would overlap are refused, naming them", async () => {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(fixtures, "synthetic_128x1024.npz")));
    const figure = await figureDataFor(spec, { dm: 87.77 });
    const short = { timeLabel: "t", frequencyLabel: "f" };
    expect(() => figureSpec([{ figure }], { ...short, widthIn: 2.2, heightIn: 9, fontSize: 24 })).toThrow(
      /^the time tick labels −20 and 0 would overlap at 24 pt/,
    );
    expect(() => figureSpec([{ figure }], { ...short, widthIn: 6, heightIn: 1.6, fontSize: 14 })).toThrow(
      /^the frequency tick labels 400 and 500 would overlap at 14 pt/,
    );
    await expectNothingClipped(figureSpec([{ figure }], { ...short, widthIn: 4.5, heightIn: 9, fontSize: 24 }), 4.5, 9);
  });

  it("a figure too small for its text is refused with the numbers", async () => {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(fixtures, "synthetic_128x1024.npz")));
    const figure = await figureDataFor(spec, {});
    expect(() => figureSpec([{ figure }], { widthIn: 0.5, heightIn: 0.5 })).toThrow(
      expect.objectContaining({ code: "E_ARGUMENT", message: expect.stringMatching(/a 0\.50 x 0\.50 in figure leaves no room/) }),
    );
  });
});

describe("a candidate's DM-time plane", () => {
  it("is downsampled with the waterfall, so it stays on the same time axis", async () => {
    const [nchan, ntime, ndm] = [16, 400, 6];
    const data = new Float32Array(nchan * ntime).map((_, i) => ((i * 7919) % 13) / 13);
    for (let c = 0; c < nchan; c++) data[c * ntime + 200] = 20;
    const spec = new Spectra(data, { nchan, ntime, fbottom: 400, df: 25, dt: 5e-4 });
    const plane = { data: new Float32Array(ndm * ntime).map((_, i) => i % ntime), ndm, ntime, dmRange: [0, 100] as [number, number] };
    const fd = await figureDataFor(spec, { downsample: 4 }, { dmTime: plane });
    expect(fd.dmTime?.ndm).toBe(ndm);
    expect(fd.dmTime!.intensity.length).toBe(ndm * fd.ncols);
    // each plane sample holds its time index: a 4-sample mean of column k is 4k + 1.5
    const first = fd.sampleStart;
    expect(Array.from(fd.dmTime!.intensity.subarray(0, 3))).toEqual([4 * first + 1.5, 4 * first + 5.5, 4 * first + 9.5]);
  });
});
