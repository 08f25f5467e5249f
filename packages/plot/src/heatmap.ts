/**
 * The waterfall image: the plotted block colour-mapped by the native core
 * (matplotlib's tables and rules, NaN transparent) and encoded as a PNG data
 * URL, with each channel and sample an exact integer block of pixels.
 */
import * as core from "@wfall/native";
import { callNative, type FigureData } from "@wfall/spectra";

/** Colour maps available (matplotlib's names). */
export const COLOUR_MAPS = ["viridis", "magma", "inferno", "plasma", "cividis", "gray"] as const;
export type ColourMap = (typeof COLOUR_MAPS)[number];

/** Longest side of the embedded image, pixels: beyond this cells stay 1 pixel. */
const MAX_SIDE = 8192;

/**
 * Integer pixel repeats so that the image has at least `dpi` pixels per inch
 * over a `widthPt` x `heightPt` panel (viewers smooth small images; exact
 * integer blocks keep every channel and sample a crisp rectangle).
 */
export function pixelRepeats(ncols: number, nchan: number, widthPt: number, heightPt: number, dpi: number): [number, number] {
  const repeat = (cells: number, lengthPt: number) => {
    const wanted = Math.ceil(((lengthPt / 72) * dpi) / cells);
    return Math.max(1, Math.min(wanted, Math.floor(MAX_SIDE / cells)));
  };
  return [repeat(ncols, widthPt), repeat(nchan, heightPt)];
}

/** An image to colour-map: `[rows][cols]` values (row 0 at the bottom) and their colour limits. */
export interface ImageBlock {
  intensity: Float32Array;
  rows: number;
  cols: number;
  vmin: number;
  vmax: number;
}

/** The waterfall of a figure as an image block. */
export function waterfallBlock(fd: FigureData): ImageBlock {
  return { intensity: fd.intensity, rows: fd.nchan, cols: fd.ncols, vmin: fd.vmin, vmax: fd.vmax };
}

/** The PNG bytes of an image block, each cell `repeatX` x `repeatY` pixels. */
export function heatmapPng(block: ImageBlock, cmap: string, repeatX: number, repeatY: number, source?: string): Buffer {
  return callNative(
    () =>
      core.heatmapPng(block.intensity, block.rows, block.cols, {
        range: { channelStart: 0, channelEnd: block.rows, sampleStart: 0, sampleEnd: block.cols },
        vmin: block.vmin,
        vmax: block.vmax,
        cmap,
        repeatX,
        repeatY,
      }),
    source,
  );
}

export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64")}`;
}
