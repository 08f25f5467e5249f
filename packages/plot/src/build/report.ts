/**
 * `plot build --check --report DIR`: for each output that differs, PNG images
 * of the committed file (`expected`), of what the manifest and inputs give now
 * (`actual`) and of their difference (changed pixels in red over a faint copy
 * of the figure), in `DIR/FIGURE/OUTPUT.{expected,actual,diff}.png`. PDFs and
 * SVGs are rasterised at {@link REPORT_DPI}; both sides go through the same
 * rasteriser, so only what differs in the files shows.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { native } from "@wfall/spectra/internal";

import type { RenderedOutput } from "../figure/build.js";
import { fontOptions } from "../spec/font-files.js";
import { thumbnailToPng } from "../thumbnail.js";

/** Pixels per inch of the report's images of PDF and SVG outputs. */
export const REPORT_DPI = 150;

/** The images written for one output, and how many pixels differ. */
export interface ComparisonImages {
  /** The committed file (absent when it is missing). */
  expected?: string;
  actual: string;
  /** The difference image (absent when the committed file is missing). */
  difference?: string;
  /** Pixels that differ (the bytes may differ with no pixel changed, e.g. in metadata only). */
  changedPixels?: number;
  /** Why the committed file could not be drawn, when it could not. */
  unreadable?: string;
}

/**
 * Writes the images comparing `committed` (undefined when missing) with the
 * rendered `output`; `name` is the output's path relative to the manifest.
 */
export async function writeComparison(
  reportDir: string,
  figure: string,
  name: string,
  output: RenderedOutput,
  committed: Uint8Array | undefined,
): Promise<ComparisonImages> {
  const folder = join(reportDir, figure);
  await mkdir(folder, { recursive: true });
  const base = join(folder, name.replace(/[/\\]/g, "_"));
  // JPEG and WebP thumbnails are compared as PNGs of their pixels
  const thumbnail = output.format === "jpg" || output.format === "webp";
  const readable = (bytes: Uint8Array) => (thumbnail ? thumbnailToPng(bytes) : bytes);
  const format = thumbnail ? "png" : (output.format as native.FigureFileFormat);
  const actual = await readable(output.bytes);
  const compare = async (expected: Uint8Array) => native.compareFigures(await readable(expected), actual, format, fontOptions, REPORT_DPI, name);
  let pictures: Awaited<ReturnType<typeof compare>> | undefined;
  let unreadable: string | undefined;
  try {
    if (committed) pictures = await compare(committed);
  } catch (error) {
    unreadable = (error as Error).message;
  }
  const images: ComparisonImages = { actual: `${base}.actual.png`, unreadable };
  // With nothing (readable) committed, the rendered file is compared with itself: its picture, no difference.
  await writeFile(images.actual, (pictures ?? (await compare(output.bytes))).actual);
  if (pictures) {
    Object.assign(images, { expected: `${base}.expected.png`, difference: `${base}.diff.png`, changedPixels: pictures.changedPixels });
    await writeFile(images.expected!, pictures.expected);
    await writeFile(images.difference!, pictures.difference);
  }
  return images;
}
