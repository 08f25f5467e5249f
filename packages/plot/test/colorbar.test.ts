/**
 * The colour bar (`colorbar`, `colorbarLabel`): matplotlib's colours from
 * vmin at the bottom to vmax at the top, ticks where their values fall, a
 * column of its own that grows the page and clips nothing, beside every
 * other part.
 */
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { figureOf, type FigureDescription, type FigureMeta } from "@wfall/plot";

import { runCli } from "../../../test-utils/cli.js";
import { matplotlibRgba } from "../../../test-utils/colours.js";
import { expectNothingClipped } from "../../../test-utils/figures.js";
import { fixtures } from "../../../test-utils/helpers.js";
import { decodePng } from "../../../test-utils/inspect.js";

const b6 = join(fixtures, "frb121102_B6_wfall.npz");
const burst = join(fixtures, "burst_64x2048.npz");

type Layer = { mark: { type: string; angle?: number }; encoding: Record<string, any>; data: { values: Record<string, any>[] } };

function figure(options: Record<string, unknown>, extra: Partial<FigureDescription> = {}): FigureDescription {
  return { outputs: [], ...extra, panels: [{ input: b6, options }] };
}

/** The colour bar's layers: its image, and the text layers right of it. */
function barOf(spec: Record<string, any>) {
  const layers: Layer[] = spec.layer;
  const images = layers.filter((l) => l.mark.type === "image");
  const image = images.find((l) => typeof l.encoding.x.value === "number");
  const x0 = image?.encoding.x.value as number;
  const texts = layers.filter((l) => l.mark.type === "text" && l.data.values.every((v) => v.x > x0));
  return { image, texts, ticks: layers.find((l) => l.mark.type === "rule" && l.data.values.every((v) => v.x0 > x0)) };
}

describe("the colour bar", () => {
  it("is matplotlib's colour map from vmin (bottom) to vmax (top), in 256 levels", async () => {
    for (const cmap of ["viridis", "magma"] as const) {
      const { spec, figures } = await figureOf(figure({ colorbar: true, cmap }));
      const { vmin, vmax } = figures[0];
      const { image } = barOf(spec);
      expect(image, "an image beside the waterfall").toBeDefined();
      const png = decodePng(Buffer.from((image!.data.values[0].image as string).split(",")[1], "base64"));
      expect([png.width, png.height]).toEqual([1, 256]);
      // pixel row r (top first) shows level 255 - r, coloured at the middle of its value range
      const values = Float32Array.from({ length: 256 }, (_, r) => vmin + ((255 - r + 0.5) / 256) * (vmax - vmin));
      const want = await matplotlibRgba(values, [256], vmin, vmax, cmap);
      for (let r = 0; r < 256; r++) {
        const got = Array.from(png.pixels.subarray(r * png.channels, r * png.channels + 3));
        expect(got, `${cmap} row ${r}`).toEqual(Array.from(want.subarray(r * 4, r * 4 + 3)));
      }
    }
  });

  it("has ticks at nice values inside [vmin, vmax], each at its value's height, and the label read upwards", async () => {
    const { spec, figures } = await figureOf(figure({ colorbar: true, colorbarLabel: "Intensity [σ]" }));
    const { vmin, vmax } = figures[0];
    const { image, texts, ticks } = barOf(spec);
    const [top, bottom] = [image!.encoding.y.value as number, image!.encoding.y2.value as number];
    const labels = texts.find((l) => !l.mark.angle)!.data.values;
    // B6's limits are about -0.20 .. 1.19: ticks every 0.5, labelled as matplotlib would
    expect(labels.map((v) => v.text)).toEqual(["0.0", "0.5", "1.0"]);
    for (const v of labels) expect(v.y).toBeCloseTo(bottom - ((Number(v.text) - vmin) / (vmax - vmin)) * (bottom - top), 6);
    expect(ticks!.data.values.map((t) => t.y)).toEqual(labels.map((v) => v.y));
    const label = texts.find((l) => l.mark.angle === 270)!;
    expect(label.data.values[0].text).toBe("Intensity [σ]");
    expect(label.data.values[0].x).toBeGreaterThan(Math.max(...labels.map((v) => v.x)));
  });

  it("takes a column of its own: the page grows and the waterfall keeps its size", async () => {
    const plain = await figureOf(figure({}));
    const barred = await figureOf(figure({ colorbar: true }));
    const [p, b] = [plain.spec.usermeta.wfall as FigureMeta, barred.spec.usermeta.wfall as FigureMeta];
    expect(b.widthPt).toBeGreaterThan(p.widthPt);
    expect(b.heightPt).toBe(p.heightPt);
    expect(barred.spec.width).toBeGreaterThan(plain.spec.width);
    expect(barOf(plain.spec).image).toBeUndefined();
  });

  it("clips nothing beside every other part, with a label, at small and large text", async () => {
    const every = ["timeseries", "waterfall", "spectrum", "dmtime", "snrdm", "text", "onpulse"];
    for (const l of [
      { widthIn: 6, heightIn: 4, fontSize: 9 },
      { widthIn: 8, heightIn: 5.5, fontSize: 14 },
    ]) {
      const description: FigureDescription = {
        outputs: [],
        ...l,
        panels: [{ input: burst, options: { dm: 87.77, panels: every as never, colorbar: true, colorbarLabel: "S/N", maskRug: true } }],
      };
      const { spec } = await figureOf(description);
      await expectNothingClipped(spec, l.widthIn, l.heightIn);
      // the DM axis stays beside the S/N curve (moved left past the colour bar's column)
      const dmAxis = (spec.layer as Layer[]).map((x) => x.encoding.y?.axis).find((a) => a?.title?.startsWith("DM"));
      expect(dmAxis.offset).toBeLessThan(0);
    }
  });

  it("a label without the bar is refused", async () => {
    const r = await runCli([b6, "--colorbar-label", "S/N", "--spec"]);
    expect([r.code, r.err]).toEqual([2, `plot: ${b6}: --colorbar-label needs --colorbar\n`]);
  });
});
