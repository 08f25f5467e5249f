/**
 * Figures read back from the files: page size, embedded font, labels as text,
 * the heatmap's pixel size and colours (matplotlib's viridis of the plotted
 * values, cell by cell), PNG resolution, and byte-identical output.
 */
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { figureDataFor, figureSpec, renderFigure, renderFigures, type VegaLiteSpec } from "@wfall/plot";
import { fontOptions } from "../src/spec/fonts.js";
import { openWaterfall, Spectra, type FigureData } from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import { matplotlibRgba } from "../../../test-utils/colours.js";
import { fixtures, realDataDir } from "../../../test-utils/helpers.js";
import { decodePng, fonts, images, mediaBox, pageText, pdfObjects, type DecodedPng, type PdfImage } from "../../../test-utils/inspect.js";

/** matplotlib's RGBA for every plotted value. */
const matplotlibColours = (fd: FigureData, cmap: string) => matplotlibRgba(fd.intensity, [fd.nchan, fd.ncols], fd.vmin, fd.vmax, cmap);

const real = realDataDir();
const inputs = [
  { name: "the synthetic fixture", file: join(fixtures, "synthetic_128x1024.npz"), options: { dm: 87.77 } },
  { name: "the real CHIME pulse of B0355+54", file: real && join(real, "chime_B0355+54", "B0355+54_wfall.npz"), options: { dm: 57.2403 } },
];

for (const input of inputs) {
  describe.skipIf(!input.file)(`figure of ${input.name}`, () => {
    let fd: FigureData;
    let spec: VegaLiteSpec;
    let pdf: Buffer;
    let svg: Buffer;
    let png: Buffer;
    let expected: Uint8Array;

    beforeAll(async () => {
      const spectra = Spectra.fromWaterfall(await openWaterfall(input.file!));
      fd = await figureDataFor(spectra, input.options);
      spec = figureSpec([{ figure: fd }]);
      pdf = await renderFigure(spec, { format: "pdf" });
      svg = await renderFigure(spec, { format: "svg" });
      png = await renderFigure(spec, { format: "png" });
      expected = await matplotlibColours(fd, "viridis");
    });

    /** Checks every cell of an image against matplotlib's colour of its value. */
    function expectCells(width: number, height: number, rgbAt: (x: number, y: number) => number[], alphaAt?: (x: number, y: number) => number) {
      expect(width % fd.ncols).toBe(0);
      expect(height % fd.nchan).toBe(0);
      const rx = width / fd.ncols;
      const ry = height / fd.nchan;
      let nan = 0;
      for (let c = 0; c < fd.nchan; c++) {
        for (let j = 0; j < fd.ncols; j++) {
          const x = Math.floor((j + 0.5) * rx);
          const y = Math.floor((fd.nchan - 1 - c + 0.5) * ry); // row 0 of the image is the highest channel
          const k = (c * fd.ncols + j) * 4;
          const want = Array.from(expected.subarray(k, k + 4));
          if (want[3] === 0) {
            nan++;
            if (alphaAt) expect(alphaAt(x, y), `alpha of NaN cell ${c},${j}`).toBe(0);
            continue;
          }
          expect(rgbAt(x, y), `cell channel ${c} sample ${j}`).toEqual(want.slice(0, 3));
          if (alphaAt) expect(alphaAt(x, y)).toBe(255);
        }
      }
      return nan;
    }

    it("PDF: page exactly 4.26 x 3 in, DejaVu Sans embedded, labels as text", () => {
      const objects = pdfObjects(pdf);
      const [x0, y0, w, h] = mediaBox(objects);
      expect([x0, y0]).toEqual([0, 0]);
      expect(w).toBeCloseTo(4.26 * 72, 3);
      expect(h).toBeCloseTo(3 * 72, 3);
      const used = fonts(objects);
      expect(used.length).toBeGreaterThan(0);
      for (const font of used) {
        expect(font.baseFont).toMatch(/^[A-Z]{6}\+DejaVuSans$/);
        expect(font.embedded).toBe(true);
      }
      const shown = pageText(objects);
      for (const label of ["Time [ms]", "Frequency [MHz]", "\u221220", "500", "600", "700", "800"]) expect(shown).toContain(label);
      expect(pdf.toString("latin1")).not.toMatch(/CreationDate|ModDate|\/ID\s*\[/);
    });

    it("PDF: the heatmap is one image, native resolution times an integer, matplotlib's colours", () => {
      const [image, ...others]: PdfImage[] = images(pdfObjects(pdf));
      expect(others).toHaveLength(0);
      expect(image.interpolate).toBe(false);
      const at = (x: number, y: number) => Array.from(image.rgb.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));
      const alpha = image.alpha ? (x: number, y: number) => image.alpha![y * image.width + x] : undefined;
      const nan = expectCells(image.width, image.height, at, alpha);
      if (nan > 0) expect(image.alpha).toBeDefined(); // NaN cells are transparent, as in matplotlib
    });

    it("SVG: self-contained (text drawn as paths in DejaVu Sans), real size in inches, the same image", () => {
      const text = svg.toString("utf8");
      expect(text).toMatch(/^<\?xml[^>]*>\n<svg [^>]*width="4.26in" height="3in" viewBox="0 0 306.72 216"/);
      expect(text).not.toMatch(/<text|font-family/); // no font needed to show it
      expect(text).not.toMatch(/href="(?!data:)/); // nothing external
      expect(text).toContain("image-rendering:pixelated");
      const dataUrl = /href="data:image\/png;base64,([^"]+)"/.exec(text)![1];
      const image: DecodedPng = decodePng(Buffer.from(dataUrl, "base64"));
      expect(image.channels).toBe(4);
      const at = (x: number, y: number) => Array.from(image.pixels.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3));
      expectCells(image.width, image.height, at, (x, y) => image.pixels[(y * image.width + x) * 4 + 3]);
    });

    it("SVG: its glyph paths draw what the font draws (rasterised, it matches the PNG rendered with the font)", () => {
      const fromSvg = decodePng(native.svgToPng(svg.toString("utf8"), fontOptions, 300));
      const direct = decodePng(png);
      expect([fromSvg.width, fromSvg.height]).toEqual([direct.width, direct.height]);
      let differing = 0;
      for (let i = 0; i < direct.pixels.length; i++) if (Math.abs(direct.pixels[i] - fromSvg.pixels[i]) > 24) differing++;
      expect(differing / direct.pixels.length).toBeLessThan(0.002); // anti-aliasing at glyph edges only
    });

    it("PNG: 300 dpi, heatmap cells in matplotlib's colours where the layout puts them, nothing at the edges", () => {
      const image = decodePng(png);
      expect([image.width, image.height]).toEqual([Math.ceil(4.26 * 300), 900]);
      expect(image.pixelsPerMetre).toBe(Math.round(300 / 0.0254));
      const scale = 300 / 72;
      const panel = spec as { width: number; height: number }; // series in the top quarter, heatmap below
      const { padding } = (spec.usermeta as any).wfall;
      const left = padding.left * scale;
      const top = (padding.top + panel.height / 4) * scale;
      const cellW = (panel.width * scale) / fd.ncols;
      const cellH = (((panel.height * 3) / 4) * scale) / fd.nchan;
      const px = (x: number, y: number) =>
        Array.from(image.pixels.subarray((y * image.width + x) * image.channels, (y * image.width + x) * image.channels + 3));
      let checked = 0;
      for (let c = 2; c < fd.nchan - 2; c += 7) {
        for (let j = 2; j < fd.ncols - 2; j += 5) {
          const k = (c * fd.ncols + j) * 4;
          if (expected[k + 3] === 0) continue;
          const x = Math.floor(left + (j + 0.5) * cellW);
          const y = Math.floor(top + (fd.nchan - 1 - c + 0.5) * cellH);
          expect(px(x, y), `cell ${c},${j} at ${x},${y}`).toEqual(Array.from(expected.subarray(k, k + 3)));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(50);
      // a blank border all round: no label is clipped by the figure edge
      for (let x = 0; x < image.width; x++) {
        expect(px(x, 0)).toEqual([255, 255, 255]);
        expect(px(x, image.height - 1)).toEqual([255, 255, 255]);
      }
      for (let y = 0; y < image.height; y++) {
        expect(px(0, y)).toEqual([255, 255, 255]);
        expect(px(image.width - 1, y)).toEqual([255, 255, 255]);
      }
    });

    it("the same input gives byte-identical PDF, SVG and PNG", async () => {
      const again = figureSpec([{ figure: await figureDataFor(Spectra.fromWaterfall(await openWaterfall(input.file!)), input.options) }]);
      expect(JSON.stringify(again)).toBe(JSON.stringify(spec));
      for (const [format, first] of [
        ["pdf", pdf],
        ["svg", svg],
        ["png", png],
      ] as const) {
        expect((await renderFigure(again, { format })).equals(first), format).toBe(true);
      }
    });

    it("renderFigures (one layout, several files) gives each format the bytes renderFigure gives", async () => {
      const files = await renderFigures(spec, ["png", "svg", "pdf", "jpg"]);
      const jpg = await renderFigure(spec, { format: "jpg" });
      expect(files.map((bytes, i) => bytes.equals([png, svg, pdf, jpg][i]))).toEqual([true, true, true, true]);
      await expect(renderFigures(spec, ["png", "tiff" as "png"])).rejects.toThrow(/unknown figure format 'tiff'/);
    });
  });
}

describe("matplotlib's colour arithmetic on awkward values", () => {
  it("maps values at and around every bin edge exactly as matplotlib does", async () => {
    const values = new Float32Array(2 * 1024);
    for (let i = 0; i < 1024; i++) values[i] = i / 1023; // 0..1 inclusive, hits 1.0
    for (let i = 0; i < 1024; i++) values[1024 + i] = Math.fround((i - 5) / 1000 - 0.0001); // below vmin, around edges
    values[5] = Number.NaN;
    const fd = { intensity: values, nchan: 2, ncols: 1024, vmin: 0, vmax: 1 } as unknown as FigureData;
    const want = await matplotlibColours(fd, "magma");
    const got = native.colormapRgba({ data: values, nchan: 2, ntime: 1024, vmin: 0, vmax: 1 }, "magma");
    // our image has the highest channel on top: flip rows back
    const flipped = Buffer.concat([got.data.subarray(1024 * 4), got.data.subarray(0, 1024 * 4)]);
    expect(Buffer.from(want).equals(flipped)).toBe(true);
  });
});
