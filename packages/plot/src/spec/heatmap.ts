/**
 * The waterfall image: the plotted block colour-mapped by the native core
 * (matplotlib's tables and rules, NaN transparent) and encoded as a PNG data
 * URL, with each channel and sample an exact integer block of pixels.
 */
import type { ColourMap, FigureData } from "@wfall/spectra";
import { native, type ImageBlock } from "@wfall/spectra/internal";

import { imageDatum, type ImageDatum } from "../image-placeholders.js";

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

/** The waterfall of a figure as an image block. */
export function waterfallBlock(fd: FigureData): ImageBlock {
  return { data: fd.intensity, nchan: fd.nchan, ntime: fd.ncols, vmin: fd.vmin, vmax: fd.vmax };
}

/** The PNG bytes of an image block, each cell `repeatX` x `repeatY` pixels. */
export function heatmapPng(block: ImageBlock, cmap: ColourMap, repeatX: number, repeatY: number, source?: string): Uint8Array {
  return native.heatmapPng(block, cmap, repeatX, repeatY, source);
}

/**
 * The datum of a heatmap layer: the colour-mapped pixels of `heatmapPng`,
 * encoded as its PNG data URL only when read (raster outputs never read it).
 */
export function heatmapDatum(block: ImageBlock, cmap: ColourMap, repeatX: number, repeatY: number, source?: string): ImageDatum {
  return imageDatum(native.colormapRgba(block, cmap, source, repeatX, repeatY), (pixels) => pngDataUrl(native.rgbaPng(pixels)));
}

export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64")}`;
}
