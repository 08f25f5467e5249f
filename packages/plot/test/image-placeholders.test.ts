/**
 * Heatmaps set aside during layout (image-placeholders.ts): Vega's SVG of a
 * figure laid out with placeholders, images put back, is byte for byte the SVG
 * of the figure laid out with its images, for figures of two shapes (FETCH
 * candidates with two heatmaps, a one-panel waterfall) interleaved; the spec
 * given is left unchanged; a lost placeholder is an error, not a figure
 * without its heatmap. Raster outputs (PNG, JPEG, WebP) get the heatmaps'
 * pixels beside the SVG, never encoded as PNG data URLs: the same bytes as
 * rasterising the SVG with its data URLs (PDF: the same images, written behind
 * PNG predictors, and the same page); an image the SVG lacks or names
 * without it being given is an error.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { buildManifest, figureOf, loadManifest, renderFigure, renderSvg, type VegaLiteSpec } from "@wfall/plot";
import { native } from "@wfall/spectra/internal";

import { manifestProject } from "../../../test-utils/helpers.js";
import { fonts, images, pageText, pdfObjects } from "../../../test-utils/inspect.js";
import { candidateFolder } from "../../../test-utils/survey.js";
import { imageDatum, restoreImages, setImagesAside, withRasterHrefs } from "../src/image-placeholders.js";
import { vegaSpecOf } from "../src/render.js";
import { heatmapDatum, heatmapPng, pngDataUrl } from "../src/spec/heatmap.js";
import { fontOptions, useRealTextMetrics } from "../src/spec/fonts.js";
import { encodeThumbnail } from "../src/thumbnail.js";
import { parse, resetSVGDefIds, View } from "../src/vega.js";

/** Vega's SVG of a spec exactly as given (no placeholders). */
async function vegaSvg(spec: VegaLiteSpec): Promise<string> {
  useRealTextMetrics();
  const view = new View(parse(vegaSpecOf(spec)), { renderer: "none" });
  try {
    resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const MANIFEST = `version: 1
figures:
  - { name: "cand-0", input: "cands/cand_00000.h5", output: "out/cand-0.png" }
  - { name: "burst-a", input: "burst.npz", output: "out/burst-a.png" }
  - { name: "cand-1", input: "cands/cand_00001.h5", title: "second", output: "out/cand-1.png" }
  - { name: "burst-b", input: "burst.npz", dm: 10, output: "out/burst-b.png" }
  - { name: "cand-2", input: "cands/cand_00002.h5", output: "out/cand-2.png" }
`;

let dir: string;
let specs: VegaLiteSpec[];

beforeAll(async () => {
  dir = manifestProject(MANIFEST, { "burst.npz": "burst_64x2048.npz" }, "wfall-placeholders-");
  const cands = candidateFolder(3);
  mkdirSync(join(dir, "cands"));
  for (let i = 0; i < 3; i++) {
    const name = `cand_0000${i}.h5`;
    copyFileSync(join(cands, name), join(dir, "cands", name));
  }
  const manifest = await loadManifest(join(dir, "figures.yaml"));
  specs = [];
  for (const figure of manifest.figures) specs.push((await figureOf(figure)).spec);
}, 120_000);

describe("heatmaps set aside during layout", () => {
  it("gives Vega's SVG byte for byte, for figures of two shapes interleaved", async () => {
    const imageCounts: number[] = [];
    for (const spec of specs) {
      const { spec: light, images } = setImagesAside(spec);
      imageCounts.push(images.size);
      const laidOut = await vegaSvg(light);
      expect(laidOut.length).toBeLessThan(50_000); // the images really were out of the layout
      expect(restoreImages(laidOut, images)).toBe(await vegaSvg(spec));
    }
    expect(imageCounts).toEqual([2, 1, 2, 1, 2]);
  });

  it("leaves the spec it is given unchanged and sets aside each distinct image once", () => {
    const before = JSON.stringify(specs[0]);
    const { spec: light, images } = setImagesAside(specs[0]);
    expect(JSON.stringify(specs[0])).toBe(before);
    expect(JSON.stringify(light)).not.toContain(";base64,iVBOR");
    expect([...images.values()].every((image) => before.includes(image.dataUrl()))).toBe(true);
    const twice = setImagesAside({ layer: [specs[1], specs[1]] });
    expect(twice.images.size).toBe(1);
    const [placeholder, image] = [...twice.images][0];
    const url = image.dataUrl();
    expect(restoreImages(`<a href="${placeholder}"/><b href="${placeholder}"/>`, twice.images)).toBe(`<a href="${url}"/><b href="${url}"/>`);
  });

  it("refuses an SVG that lost a placeholder", () => {
    const { images } = setImagesAside(specs[1]);
    expect(() => restoreImages("<svg/>", images)).toThrow(/heatmap image is missing/);
  });

  it("builds the interleaved figures with the bytes of rendering each on its own", async () => {
    const report = await buildManifest(join(dir, "figures.yaml"), { jobs: 1, force: true, progress: { write: () => true } });
    expect(report.figures.map((f) => f.status)).toEqual(Array(5).fill("built"));
    const manifest = await loadManifest(join(dir, "figures.yaml"));
    for (const [i, spec] of specs.entries()) {
      const alone = await renderFigure(spec, { format: "png", dpi: manifest.figures[i].dpi });
      const built = readFileSync(manifest.figures[i].outputs[0]);
      // the build embeds provenance; the pixels (IDAT) are the figure's
      expect(idat(built).equals(idat(alone))).toBe(true);
    }
  }, 120_000);
});

describe("heatmap pixels beside the SVG for raster and PDF outputs", () => {
  it("gives the bytes of rasterising the SVG with its PNG data URLs (PNG at two dpi, JPEG, WebP)", async () => {
    const metadata = [{ key: "Title", value: "t" }];
    for (const spec of specs) {
      const withDataUrls = await renderSvg(spec);
      for (const dpi of [60, 150]) {
        const old = native.svgToPng(withDataUrls, fontOptions, dpi, metadata);
        expect((await renderFigure(spec, { format: "png", dpi, metadata })).equals(old)).toBe(true);
      }
      const thumbnail = native.svgToPng(withDataUrls, fontOptions, 60);
      for (const format of ["jpg", "webp"] as const) {
        expect((await renderFigure(spec, { format, dpi: 60 })).equals(await encodeThumbnail(thumbnail, format))).toBe(true);
      }
    }
  }, 120_000);

  it("gives the page of converting the SVG with its PNG data URLs to PDF: the same images, the same pixels", async () => {
    const metadata = [{ key: "Title", value: "t" }];
    for (const spec of specs) {
      const old = native.svgToPdf(await renderSvg(spec), fontOptions, metadata);
      const pdf = await renderFigure(spec, { format: "pdf", metadata });
      // the heatmaps' samples are written behind PNG predictors (svg2pdf deflates them as they are)
      expect(pdf.includes("/Predictor 15")).toBe(true);
      expect(old.includes("/Predictor")).toBe(false);
      const [before, after] = [old, pdf].map((file) => images(pdfObjects(file)));
      expect(after.length).toBeGreaterThan(0);
      expect(after).toEqual(before);
      const compared = native.compareFigures(old, pdf, "pdf", fontOptions, 150);
      expect([compared.changedPixels, compared.maxChange]).toEqual([0, 0]);
      // the same text in the same fonts, and the same document information
      const [oldObjects, objects] = [old, pdf].map(pdfObjects);
      expect(pageText(objects)).toBe(pageText(oldObjects));
      expect(fonts(objects)).toEqual(fonts(oldObjects));
      expect(pdf.includes("/Title (t)")).toBe(true);
    }
  }, 120_000);

  it("keeps a heatmap's data URL the PNG of the pixels, encoded once and only when read", () => {
    const block = { data: Float32Array.from({ length: 6 * 5 }, (_, i) => Math.sin(i)), nchan: 6, ntime: 5, vmin: -1, vmax: 1 };
    expect(heatmapDatum(block, "viridis", 3, 2).image).toBe(pngDataUrl(heatmapPng(block, "viridis", 3, 2)));
    let encoded = 0;
    const pixels = native.colormapRgba(block, "viridis");
    const datum = imageDatum(pixels, () => `data:image/png;base64,${"A".repeat(2000)}${++encoded}`);
    const { spec, images } = setImagesAside({ data: { values: [datum] } });
    const [placeholder] = images.keys();
    const raster = withRasterHrefs(`<image href="${placeholder}"/>`, images);
    expect(raster).toEqual({ svg: '<image href="wfall-raster:0"/>', pixels: [pixels] });
    expect(spec).toEqual({ data: { values: [{ image: placeholder }] } });
    expect(encoded).toBe(0);
    expect(restoreImages(`<image href="${placeholder}"/>`, images)).toBe(`<image href="${datum.image}"/>`);
    expect(datum.image).toBe(datum.image);
    expect(encoded).toBe(1);
  });

  it("refuses an SVG that lost a placeholder, names an image not given or lacks one given", async () => {
    const { spec, images } = setImagesAside(specs[1]);
    expect(() => withRasterHrefs("<svg/>", images)).toThrow(/heatmap image is missing/);
    const svg = withRasterHrefs(await vegaSvg(spec), images);
    expect(svg.pixels).toHaveLength(1);
    expect(native.svgToPng(svg.svg, fontOptions, 30, undefined, svg.pixels).length).toBeGreaterThan(0);
    const renders = (text: string, pixels: typeof svg.pixels) => () => native.svgToPng(text, fontOptions, 30, undefined, pixels);
    expect(renders(svg.svg, [])).toThrow(/names an image that was not given/);
    expect(renders(svg.svg.replace("wfall-raster:0", "wfall-raster:1"), svg.pixels)).toThrow(/names an image that was not given/);
    expect(renders(svg.svg.replace("wfall-raster:0", "/etc/hostname"), svg.pixels)).toThrow(/names an image that was not given/);
    expect(renders(svg.svg, [...svg.pixels, svg.pixels[0]])).toThrow(/image 1 given with the figure is missing from its SVG/);
    const pdf = (text: string, pixels: typeof svg.pixels) => () => native.svgToPdf(text, fontOptions, undefined, pixels);
    expect(native.svgToPdf(svg.svg, fontOptions, undefined, svg.pixels).length).toBeGreaterThan(0);
    expect(pdf(svg.svg, [])).toThrow(/names an image that was not given/);
    expect(pdf(svg.svg, [...svg.pixels, svg.pixels[0]])).toThrow(/image 1 given with the figure is missing from its SVG/);
  });
});

/** The concatenated IDAT chunks of a PNG (its pixels, without text chunks). */
function idat(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return Buffer.concat(parts);
}
