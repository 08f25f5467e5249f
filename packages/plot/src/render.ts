/**
 * `renderFigure`: a Vega-Lite spec to SVG, PDF or PNG bytes.
 *
 * Vega lays the figure out (with the real font's metrics) and writes SVG; the
 * native core turns that SVG into a vector PDF (text as text, DejaVu Sans
 * subset-embedded, heatmap as an image with interpolation off) or a PNG (the
 * same font, never system fonts). The same spec always gives the same bytes.
 */
import { WaterfallError } from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

import { withoutImageLoads } from "./image-loads.js";
import { restoreImages, setImagesAside, withRasterHrefs, type SetAsideImage } from "./image-placeholders.js";
import { checkMetadata, svgWithMetadata, type MetadataEntry } from "./metadata.js";
import { FIGURE_OPTIONS } from "./options.js";
import type { FigureMeta, VegaLiteSpec } from "./spec/figure.js";
import { fontOptions, useRealTextMetrics } from "./spec/fonts.js";
import { POINTS_PER_INCH } from "./spec/layout.js";
import { encodeThumbnail } from "./thumbnail.js";
import { FORMATS, type FigureFormat } from "./formats.js";
import { compileCached } from "./compile-cache.js";
import { parse, resetSVGDefIds, View, type Spec, type TopLevelSpec } from "./vega.js";

export { FORMATS, MEDIA_TYPES, type FigureFormat } from "./formats.js";

export interface RenderOptions {
  format: FigureFormat;
  /** Pixels per inch of a PNG, JPEG or WebP. Default 300. */
  dpi?: number;
  /**
   * Document metadata to embed (PDF document information, PNG text chunks, SVG
   * `<metadata>`), e.g. `plot build`'s provenance. Entries only: never a date.
   */
  metadata?: readonly MetadataEntry[];
}

/**
 * Compiles a Vega-Lite spec to Vega (once per figure shape: compile-cache.ts);
 * a spec made by this package is pinned to its exact figure size. What `renderFigure` renders, and what the viewer's
 * page draws.
 */
export function vegaSpecOf(spec: VegaLiteSpec): Spec {
  let compiled: Spec;
  try {
    compiled = compileCached(spec as unknown as TopLevelSpec);
  } catch (error) {
    throw new WaterfallError("E_RENDER", `invalid Vega-Lite spec: ${(error as Error).message}`, { cause: error });
  }
  const meta = (spec.usermeta as { wfall?: FigureMeta } | undefined)?.wfall;
  if (!meta) return compiled;
  const { left, top, right, bottom } = meta.padding;
  return { ...compiled, autosize: "none", padding: meta.padding, width: meta.widthPt - left - right, height: meta.heightPt - top - bottom };
}

const rounded = (v: string | number) => String(Number(Number(v).toFixed(6)));

/**
 * Writes the root size in inches (the viewBox stays in points) so viewers show
 * the real size, and rounds away float noise such as 306.7199999999999.
 */
function physicalSize(svg: string): string {
  return svg.replace(
    /^<svg([^>]*?) width="([\d.]+)" height="([\d.]+)" viewBox="0 0 ([\d.]+) ([\d.]+)"/,
    (_, attrs: string, w: string, h: string, vw: string, vh: string) => {
      const inches = (v: string) => `${rounded(Number(v) / POINTS_PER_INCH)}in`;
      return `<svg${attrs} width="${inches(w)}" height="${inches(h)}" viewBox="0 0 ${rounded(vw)} ${rounded(vh)}"`;
    },
  );
}

/** `rewritten` (usvg's SVG, sized in float32 user units) with the root size and view box of `original`. */
function withRootOf(original: string, rewritten: string): string {
  const size = /^<svg[^>]*? (width="[^"]*" height="[^"]*") viewBox="([^"]*)"/m.exec(original);
  if (!size) throw new WaterfallError("E_RENDER", "the figure's SVG has no root size");
  return `<?xml version="1.0" encoding="UTF-8"?>\n${rewritten.replace(/^<svg width="[^"]*" height="[^"]*"/, `<svg ${size[1]} viewBox="${size[2]}"`)}`;
}

/** Vega's SVG ids are a process-wide counter: renders take turns so each starts from 1. */
let previous: Promise<unknown> = Promise.resolve();
function oneAtATime<T>(task: () => Promise<T>): Promise<T> {
  const next = previous.then(task, task);
  previous = next.catch(() => undefined);
  return next;
}

/** The figure's SVG as Vega lays it out, its heatmaps still set aside (see image-placeholders.ts). */
async function laidOutSvg(spec: VegaLiteSpec): Promise<{ svg: string; images: Map<string, SetAsideImage> }> {
  useRealTextMetrics();
  const { spec: light, images } = setImagesAside(spec);
  const vg = withoutImageLoads(vegaSpecOf(light));
  return oneAtATime(async () => {
    const view = new View(parse(vg), { renderer: "none" });
    try {
      resetSVGDefIds(); // clip-path ids restart at 1: the same spec gives the same bytes
      return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${physicalSize(await view.toSVG())}\n`, images };
    } finally {
      view.finalize();
    }
  });
}

/** The figure as an SVG document (heatmap inlined as a PNG data URL, text in DejaVu Sans). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { svg, images } = await laidOutSvg(spec);
  return restoreImages(svg, images);
}

/**
 * Characters beyond Latin-1 (a `−` in a tick label) as XML character
 * references: the document parses the same, and V8 keeps it a one-byte string
 * instead of making the whole of it, heatmaps included, two bytes a character
 * on its way to the native core.
 */
function oneByteXml(svg: string): string {
  return svg.replace(/[\u0100-\u{10ffff}]/gu, (c) => `&#${c.codePointAt(0)};`);
}

/**
 * Renders a Vega-Lite spec to the bytes of a PDF, SVG or PNG file. The renderer
 * carries Vega's core transforms (vega.ts): a spec with maps (`geoshape`, projections)
 * or `regression`/`loess` transforms is refused by Vega's parser, naming the transform.
 */
export async function renderFigure(spec: VegaLiteSpec, options: RenderOptions): Promise<Buffer> {
  const [bytes] = await renderFigures(spec, [options.format], options);
  return bytes;
}

/** Renders a Vega-Lite spec to the bytes of one file per format, laying the figure out once. */
export async function renderFigures(spec: VegaLiteSpec, formats: readonly FigureFormat[], options: Omit<RenderOptions, "format"> = {}): Promise<Buffer[]> {
  const unknown = formats.find((format) => !FORMATS.includes(format));
  if (unknown !== undefined) throw new WaterfallError("E_ARGUMENT", `unknown figure format '${unknown}'; use pdf, svg, png, jpg or webp`);
  const dpi = options.dpi ?? FIGURE_OPTIONS.dpi.default;
  if (!(Number.isFinite(dpi) && dpi > 0 && dpi <= FIGURE_OPTIONS.dpi.max)) {
    throw new WaterfallError("E_ARGUMENT", `dpi must be above 0 and at most ${FIGURE_OPTIONS.dpi.max}, got ${dpi}`);
  }
  const metadata = [...(options.metadata ?? [])];
  checkMetadata(metadata);
  const laidOut = await laidOutSvg(spec);
  const light = oneByteXml(laidOut.svg);
  return Promise.all(formats.map((format) => fileBytes(light, laidOut.images, format, dpi, metadata)));
}

/** The bytes of one file of a laid-out figure (`svg`: one-byte XML with its heatmaps set aside). */
async function fileBytes(svg: string, images: Map<string, SetAsideImage>, format: FigureFormat, dpi: number, metadata: MetadataEntry[]): Promise<Buffer> {
  if (format === "svg") {
    const whole = restoreImages(svg, images);
    // text as paths: the file shows the same glyphs on a machine without DejaVu Sans
    return Buffer.from(svgWithMetadata(withRootOf(whole, native.svgTextToPaths(whole, fontOptions)), metadata), "utf8");
  }
  // PDF and rasters: the heatmaps' pixels go beside the SVG, never through PNG and base64
  // (svg2pdf writes an image from its pixels: the PDF is the same as with the data URLs)
  const { svg: hrefs, pixels } = withRasterHrefs(svg, images);
  if (format === "pdf") return native.svgToPdf(hrefs, fontOptions, metadata, pixels);
  if (format === "png") return native.svgToPng(hrefs, fontOptions, dpi, metadata, pixels);
  // thumbnails: metadata stripped (see thumbnail.ts), so no provenance
  return encodeThumbnail(native.svgToPng(hrefs, fontOptions, dpi, undefined, pixels), format);
}
