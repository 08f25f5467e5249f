/** Multi-panel figures: one image per panel at native resolution, titles and label as text, y labels once. */
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { figureOf, renderFigure, type FigureDescription, type FigureMeta, type VegaLiteSpec } from "@wfall/plot";
import { openWaterfall, Spectra } from "@wfall/spectra";

import { fixtures } from "../../../test-utils/helpers.js";
import { images, pageText, pdfObjects } from "../../../test-utils/inspect.js";

const synthetic = join(fixtures, "synthetic_128x1024.npz");
const b6 = join(fixtures, "frb121102_B6_wfall.npz");
const meta = (spec: VegaLiteSpec) => (spec.usermeta as { wfall: FigureMeta }).wfall;
const specOf = async (description: Omit<FigureDescription, "outputs">) => (await figureOf({ outputs: [], ...description })).spec;

describe("the tutorial's three-panel figure", () => {
  let spec: VegaLiteSpec;
  let pdf: Buffer;
  beforeAll(async () => {
    spec = await specOf({
      label: "(a)",
      options: { masks: true },
      panels: [
        { input: synthetic, title: "20200120E", options: { dm: 87.76 } },
        { input: synthetic, title: "20200718A", options: { dm: 87.86 } },
        { input: synthetic, title: "20201129A", options: { dm: 87.81 } },
      ],
    });
    pdf = await renderFigure(spec, { format: "pdf" });
  });

  it("has one heatmap image per panel at native resolution times an integer", () => {
    const found = images(pdfObjects(pdf));
    expect(found).toHaveLength(3);
    for (const image of found) {
      expect(image.height % 128).toBe(0); // 128 channels
      expect(image.width % 51).toBe(0); // 2 * ceil(25 ms / 0.98304 ms) - 1 samples
    }
  });

  it("shows the titles and the label as text, and the frequency label only once", () => {
    const text = pageText(pdfObjects(pdf));
    for (const title of ["20200120E", "20200718A", "20201129A", "(a)"]) expect(text).toContain(title);
    expect(text.split("Frequency [MHz]")).toHaveLength(2);
    expect(text.split("Time [ms]")).toHaveLength(4);
    expect(text.split("800")).toHaveLength(2); // y tick labels on the first panel only
  });

  it("grows to 6.05 x 3 in for three columns (about 1.75 in a panel) with equal panel widths", () => {
    expect([meta(spec).widthPt, meta(spec).heightPt]).toEqual([(0.8 + 1.75 * 3) * 72, 3 * 72]);
    const panels = spec.concat as { width: number }[];
    expect(new Set(panels.map((p) => p.width)).size).toBe(1);
    expect(spec.description).toBe("3 waterfall panels");
  });

  it("applies the tutorial's masks when asked, and no masks by default", async () => {
    const data = Spectra.fromWaterfall(await openWaterfall(synthetic));
    const masked = await specOf({ options: { masks: true }, panels: [{ input: data, options: { dm: 87.77 } }] });
    const thresholds = await specOf({ options: { maskSum: 2, maskVariance: 0.05 }, panels: [{ input: data, options: { dm: 87.77 } }] });
    const unmasked = await specOf({ panels: [{ input: data, options: { dm: 87.77 } }] });
    expect(JSON.stringify(masked)).toBe(JSON.stringify(thresholds));
    expect(JSON.stringify(masked)).not.toBe(JSON.stringify(unmasked));
    expect(data.dm).toBe(87); // the Spectra given is not modified
  });
});

describe("grids and scales", () => {
  it("a 2 x 2 grid labels the frequency axis of each row's first panel, and of any panel with another band", async () => {
    const spec = await specOf({
      columns: 2,
      panels: [
        { input: synthetic, title: "A" },
        { input: b6, title: "B" },
        { input: synthetic, title: "C" },
        { input: synthetic, title: "D" },
      ],
    });
    const text = pageText(pdfObjects(await renderFigure(spec, { format: "pdf" })));
    expect(text.split("Frequency [MHz]")).toHaveLength(4); // A, B (1000-1787 MHz), C; not D
    expect(spec.columns).toBe(2);
  });

  it("a shared scale gives every panel the lowest vmin and the highest vmax of the independent scales", async () => {
    const panels = [
      { input: synthetic, options: { dm: 87.77 } },
      { input: synthetic }, // stays at the file's DM 87
    ];
    const independent = meta(await specOf({ panels })).panels;
    const shared = meta(await specOf({ panels, sharedScale: true })).panels;
    expect(independent[0].vmax).not.toBe(independent[1].vmax);
    const limits = [Math.min(...independent.map((p) => p.vmin)), Math.max(...independent.map((p) => p.vmax))];
    for (const panel of shared) expect([panel.vmin, panel.vmax]).toEqual(limits);
  });

  it("refuses an empty panel list and bad column counts", async () => {
    await expect(specOf({ panels: [] })).rejects.toMatchObject({ code: "E_ARGUMENT" });
    await expect(specOf({ columns: 0, panels: [{ input: synthetic }] })).rejects.toMatchObject({
      code: "E_ARGUMENT",
      message: expect.stringMatching(/columns/),
    });
  });
});
