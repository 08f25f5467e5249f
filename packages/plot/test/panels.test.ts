/**
 * The parts of a panel (`panels`): spectrum, DM-time plane for any input,
 * S/N-vs-DM curve, text and on-pulse shading, through the one layout engine:
 * nothing clips at any size, every part is where it belongs, and what they
 * draw is the burst's measurement.
 */
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { figureOf, type FigureDescription, type FigureMeta } from "@wfall/plot";
import { measureSnr, openWaterfall, processSpectra, Spectra } from "@wfall/spectra";

import { expectNothingClipped } from "../../../test-utils/figures.js";
import { fixtures } from "../../../test-utils/helpers.js";

const burst = join(fixtures, "burst_64x2048.npz");
const b6 = join(fixtures, "frb121102_B6_wfall.npz");
const EVERY_PART = ["timeseries", "waterfall", "spectrum", "dmtime", "snrdm", "text", "onpulse"] as const;

function figure(panels: FigureDescription["panels"], extra: Partial<FigureDescription> = {}): FigureDescription {
  return { outputs: [], ...extra, panels };
}

type Layer = { mark?: { type?: string } | string; encoding?: Record<string, any>; data?: { values?: any[] } };

/** The layers of panel `i` of a spec (one panel: the spec itself). */
function layersOf(spec: Record<string, any>, i = 0): Layer[] {
  const view = spec.concat ? spec.concat[i] : spec;
  return view.layer;
}

const markOf = (l: Layer) => (typeof l.mark === "string" ? l.mark : l.mark?.type);
const texts = (layers: Layer[]) => layers.filter((l) => markOf(l) === "text").map((l) => l.encoding!.text.value as string);

describe("nothing clips, whatever the parts and the size", () => {
  const layouts = [
    { panels: "burst", widthIn: 5.3, heightIn: 3.6, fontSize: 9 },
    { panels: [...EVERY_PART], widthIn: 5.3, heightIn: 4, fontSize: 9 },
    { panels: [...EVERY_PART], widthIn: 3.5, heightIn: 3.2, fontSize: 7 },
    { panels: ["waterfall", "spectrum", "dmtime", "snrdm"], widthIn: 7, heightIn: 5, fontSize: 14 },
  ] as const;
  for (const l of layouts) {
    it(`${JSON.stringify(l.panels)} at ${l.widthIn} x ${l.heightIn} in, ${l.fontSize} pt`, async () => {
      const { spec } = await figureOf(
        figure([{ input: burst, title: "a title", options: { dm: 87.77, panels: l.panels as never } }], {
          widthIn: l.widthIn,
          heightIn: l.heightIn,
          fontSize: l.fontSize,
        }),
      );
      await expectNothingClipped(spec, l.widthIn, l.heightIn);
    });
  }

  it("three panels side by side with every part (DM axes and frequency labels between them)", async () => {
    const panels = [burst, b6, burst].map((input, i) => ({ input, options: { dm: [87.77, 562.056, 87.77][i], dmRange: [0, 600] as [number, number] } }));
    const { spec } = await figureOf(figure(panels, { widthIn: 9, heightIn: 4.5, options: { panels: [...EVERY_PART] } }));
    await expectNothingClipped(spec, 9, 4.5);
    // the panels' views do not overlap: each starts after the previous one's DM axis
    expect(spec.spacing.column).toBeGreaterThan(30);
  });

  it("the burst preset grows the tutorial's page so the waterfall keeps its size", async () => {
    const tutorial = await figureOf(figure([{ input: burst, options: { dm: 87.77 } }]));
    const burstFigure = await figureOf(figure([{ input: burst, options: { dm: 87.77, panels: "burst" } }]));
    const [t, b] = [tutorial.spec.usermeta.wfall as FigureMeta, burstFigure.spec.usermeta.wfall as FigureMeta];
    expect([t.widthPt, t.heightPt]).toEqual([4.26 * 72, 3 * 72]);
    expect(b.widthPt).toBeGreaterThan(t.widthPt);
    expect(b.heightPt).toBeGreaterThan(t.heightPt);
    expect(layersOf(burstFigure.spec).length).toBeGreaterThan(layersOf(tutorial.spec).length);
  });
});

describe("what the parts draw", () => {
  it("the text says the burst's numbers, the spectrum its channels, the shading its on-pulse samples", async () => {
    const { spec, figures } = await figureOf(figure([{ input: burst, options: { dm: 87.77, panels: [...EVERY_PART], dmRange: [80, 95], trials: 31 } }]));
    const fd = figures[0];
    const m = fd.measurement!;
    // the same numbers as measuring the processed waterfall directly, in the plotted window
    const processed = processSpectra(Spectra.fromWaterfall(await openWaterfall(burst)), { dm: 87.77 });
    const direct = measureSnr(processed, { search: [fd.sampleStart, fd.sampleEnd] });
    expect(m).toEqual(direct);
    const text = texts(layersOf(spec)).join("  ");
    expect(text).toContain(`S/N ${m.snr.toFixed(1)} (heimdall)`);
    expect(text).toContain("DM 87.77 pc cm\u207b\u00b3");
    expect(text).toContain(`arrival ${m.peakSeconds.toFixed(6)} s at ${fd.fbottom + (fd.nchan - 0.5) * fd.df} MHz`);
    expect(text).toContain("K_DM 4149.378");
    // the spectrum: on-pulse minus off-pulse mean of every channel, the dropped ones masked
    expect(fd.spectrum!.masked).toEqual([29, 48]);
    const c = 10;
    const [on0, on1] = m.onPulse.map((s) => s - fd.sampleStart);
    const row = fd.intensity.subarray(c * fd.ncols, (c + 1) * fd.ncols);
    const mean = (xs: Float32Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const off = Float32Array.from([...row.subarray(0, on0), ...row.subarray(on1)]);
    expect(fd.spectrum!.values[c]).toBeCloseTo(mean(row.subarray(on0, on1)) - mean(off), 10);
    // the shading spans the on-pulse samples on the time axis
    const shade = layersOf(spec).find((l) => markOf(l) === "rect" && l.data?.values?.[0]?.t0 !== undefined)!;
    const edge = (s: number) => (s - fd.peak - 0.5) * fd.dt * 1000;
    expect(shade.data!.values![0]).toEqual({ t0: edge(m.onPulse[0]), t1: edge(m.onPulse[1]) });
    // the S/N-vs-DM curve beside the plane shares its DM scale
    expect(fd.snrCurve!.dms.length).toBe(31);
    expect(fd.dmTime!.dmRange).toEqual([80, 95]);
    expect(Math.abs(fd.snrCurve!.bestDm - 87.77)).toBeLessThan(0.6);
    const usermeta = spec.usermeta.wfall as FigureMeta;
    expect(usermeta.panels[0].measurement).toEqual(m);
  });

  it("a DM-time plane for any input: FETCH's 0 .. 2 DM by default, 256 trials", async () => {
    const { figures } = await figureOf(figure([{ input: burst, options: { dm: 87.77, panels: ["timeseries", "waterfall", "dmtime"] } }]));
    const plane = figures[0].dmTime!;
    expect([plane.ndm, plane.dmRange]).toEqual([256, [0, 2 * 87.77]]);
    // the brightest cell of the plane is at the burst, near the trial of its DM
    let best = 0;
    for (let i = 1; i < plane.intensity.length; i++) if (plane.intensity[i] > plane.intensity[best]) best = i;
    const row = Math.floor(best / figures[0].ncols);
    expect(Math.abs((row / 255) * 2 * 87.77 - 87.77)).toBeLessThan(2);
    expect(Math.abs((best % figures[0].ncols) + figures[0].sampleStart - figures[0].peak)).toBeLessThanOrEqual(2);
  });

  it("the tutorial's figure stays the default: no measurement, no side column", async () => {
    const { spec, figures } = await figureOf(figure([{ input: burst, options: { dm: 87.77 } }]));
    expect(figures[0].measurement).toBeUndefined();
    expect(figures[0].spectrum).toBeUndefined();
    expect(spec.resolve).toEqual({ scale: { y: "independent" }, axis: { y: "independent" } });
    expect(layersOf(spec).map(markOf)).toEqual(["line", "image", "rect", "rect"]);
  });
});

describe("bad panel lists", () => {
  const cases: [unknown, RegExp][] = [
    [["timeseries", "spectrum"], /every panel has a waterfall/],
    [["waterfall", "snrdm"], /snrdm is drawn beside the dmtime; add dmtime/],
    [["waterfall", "onpulse"], /onpulse is drawn on the timeseries; add timeseries/],
    [["waterfall", "bowtie"], /unknown "bowtie"/],
    ["paper", /expected tutorial or burst, or a list of/],
  ];
  for (const [panels, message] of cases) {
    it(`${JSON.stringify(panels)} is refused`, async () => {
      await expect(figureOf(figure([{ input: burst, options: { dm: 87.77, panels: panels as never } }]))).rejects.toMatchObject({
        code: "E_ARGUMENT",
        message: expect.stringMatching(message),
      });
    });
  }

  it("panels of one figure show the same parts", async () => {
    await expect(
      figureOf(
        figure([
          { input: burst, options: { dm: 87.77, panels: "burst" } },
          { input: burst, options: { dm: 87.77 } },
        ]),
      ),
    ).rejects.toMatchObject({ code: "E_ARGUMENT", message: expect.stringMatching(/every panel of a figure shows the same parts/) });
  });

  it("a DM-time plane of data at DM 0 needs trial DMs", async () => {
    await expect(figureOf(figure([{ input: burst, options: { panels: ["waterfall", "dmtime"] } }]))).rejects.toMatchObject({
      code: "E_DM_RANGE",
      message: expect.stringMatching(/give --dm .* or --dm-range LOW HIGH/),
    });
  });
});
