/** Multi-panel figures: one image per panel at native resolution, titles and label as text, y labels once. */
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { multiPanelSpec, renderFigure, type VegaLiteSpec } from "@wfall/plot";
import { readWaterfall, Spectra } from "@wfall/spectra";

import { fixtures } from "../../spectra/test/helpers.js";
import { images, pageText, pdfObjects } from "./inspect.js";

const synthetic = join(fixtures, "synthetic_128x1024.npz");
const b6 = join(fixtures, "frb121102_B6_wfall.npz");
const load = async (file: string) => Spectra.fromWaterfall(await readWaterfall(file));

describe("the tutorial's three-panel figure", () => {
  let spec: VegaLiteSpec;
  let pdf: Buffer;
  beforeAll(async () => {
    const panels = [
      { data: await load(synthetic), title: "20200120E", options: { dm: 87.76 } },
      { data: await load(synthetic), title: "20200718A", options: { dm: 87.86 } },
      { data: await load(synthetic), title: "20201129A", options: { dm: 87.81 } },
    ];
    spec = multiPanelSpec(panels, { label: "(a)" });
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

  it("is 4.26 x 3 in with equal panel widths and the tutorial's masks applied", () => {
    const meta = (spec.usermeta as any).wfall;
    expect([meta.widthPt, meta.heightPt]).toEqual([4.26 * 72, 3 * 72]);
    const panels = spec.concat as { width: number }[];
    expect(new Set(panels.map((p) => p.width)).size).toBe(1);
    expect(spec.description).toBe("3 waterfall panels");
  });

  it("applies the masks by default and not with masks: false", async () => {
    const data = await load(synthetic);
    const masked = multiPanelSpec([{ data, options: { dm: 87.77 } }], {});
    const unmasked = multiPanelSpec([{ data, options: { dm: 87.77 } }], { masks: false });
    expect(JSON.stringify(masked)).not.toBe(JSON.stringify(unmasked));
    expect(data.dm).toBe(87); // the Spectra given is not modified
  });
});

describe("grids and scales", () => {
  it("a 2 x 2 grid labels the frequency axis of each row's first panel, and of any panel with another band", async () => {
    const panels = [
      { data: await load(synthetic), title: "A" },
      { data: await load(b6), title: "B" },
      { data: await load(synthetic), title: "C" },
      { data: await load(synthetic), title: "D" },
    ];
    const spec = multiPanelSpec(panels, { columns: 2, masks: false });
    const text = pageText(pdfObjects(await renderFigure(spec, { format: "pdf" })));
    expect(text.split("Frequency [MHz]")).toHaveLength(4); // A, B (1000-1787 MHz), C; not D
    expect(spec.columns).toBe(2);
  });

  it("a shared scale gives every panel the same limits", async () => {
    const panels = [{ data: await load(synthetic), options: { dm: 87.77 } }, { data: await load(synthetic), options: { dm: 0 } }];
    const colourLimits = (spec: VegaLiteSpec) => (spec.concat as any[]).map((p) => p.layer[1].data.values[0].image);
    const independent = colourLimits(multiPanelSpec(panels, { masks: false }));
    const shared = colourLimits(multiPanelSpec(panels, { masks: false, sharedScale: true }));
    expect(independent[0]).not.toBe(shared[0]);
    expect(shared).toHaveLength(2);
  });

  it("refuses an empty panel list and bad column counts", () => {
    expect(() => multiPanelSpec([], {})).toThrow(expect.objectContaining({ code: "E_ARGUMENT" }));
  });
});
