/**
 * The channels a file marks bad, found by the reading pipeline for every
 * format in the same way: a per-channel weight of 0 (a format's own, e.g.
 * PSRFITS `DAT_WTS`), or no sample that is finite, of positive weight and
 * non-zero (dropped channels stored as zeros, per-sample weights all 0, all
 * NaN). A prepared npz's recorded masks come first, with their origins.
 */
import type { OpenedFile, SampleBlock } from "../formats/format.js";
import type { WaterfallAxes } from "../model.js";
import { emptyMask, recordOrigin, type ChannelMask, type MaskGrid } from "./record.js";

/**
 * Channels with a zero channel weight, or without a sample that is finite, of
 * positive weight and non-zero. Stops at the first good sample of a channel,
 * so a normal channel costs one or two reads.
 */
export function deadChannels(block: Pick<SampleBlock, "intensity" | "weights" | "channelWeights" | "ntime">, nchan: number): number[] {
  const { intensity, weights, channelWeights, ntime } = block;
  const out: number[] = [];
  for (let c = 0; c < nchan; c++) {
    if (channelWeights && !(channelWeights[c] > 0)) {
      out.push(c);
      continue;
    }
    const base = c * ntime;
    let good = false;
    for (let j = 0; j < ntime && !good; j++) {
      const x = intensity[base + j];
      good = x !== 0 && Number.isFinite(x) && (!weights || weights[base + j] > 0);
    }
    if (!good) out.push(c);
  }
  return out;
}

/** Whether channel `c` has a sample that is finite, of positive weight, and non-zero when zeros are missing. */
export function hasValidSample(data: Float32Array, weights: Float32Array | null, zerosMissing: boolean, c: number, ntime: number): boolean {
  const base = c * ntime;
  for (let j = 0; j < ntime; j++) {
    const x = data[base + j];
    if (Number.isFinite(x) && (!weights || weights[base + j] > 0) && !(zerosMissing && x === 0)) return true;
  }
  return false;
}

/** Whether a recorded mask's grid spans the same band as `grid`, as a finer (or equal) division of it. */
function sameBand(mask: MaskGrid, grid: MaskGrid): boolean {
  const tolerance = 1e-6 * grid.df * grid.nchan;
  const k = mask.nchan / grid.nchan;
  return Number.isInteger(k) && Math.abs(mask.fbottom - grid.fbottom) <= tolerance && Math.abs(mask.df * k - grid.df) <= 1e-6 * grid.df;
}

/**
 * The file's channel masks for the waterfall read (see the module doc), or
 * undefined when it marks none. Notes say what was masked or set aside.
 */
export function fileChannelMask(block: SampleBlock, opened: OpenedFile, axes: WaterfallAxes, notes: string[]): ChannelMask | undefined {
  return fileChannelMaskOf(deadChannels(block, opened.nchan), block.channelWeights !== undefined, opened, axes, notes);
}

/** {@link fileChannelMask} of the {@link deadChannels} found (in parts, by the streaming path), `channelWeights` whether the file gave them. */
export function fileChannelMaskOf(
  dead: readonly number[],
  channelWeights: boolean,
  opened: OpenedFile,
  axes: WaterfallAxes,
  notes: string[],
): ChannelMask | undefined {
  const grid: MaskGrid = { nchan: opened.nchan, fbottom: axes.fbottom, df: axes.df };
  let mask: ChannelMask | undefined;
  if (opened.channelMask && sameBand(opened.channelMask.grid, grid)) mask = opened.channelMask;
  else if (opened.channelMask) notes.push("the file's recorded channel masks are for another band than the one given: ignored");
  if (dead.length === 0) return mask;
  mask ??= emptyMask(grid);
  const taken = recordOrigin(mask, grid, dead, "file");
  mask.steps.push({
    method: "file",
    description: channelWeights ? "zero channel weights, or every sample missing or zero" : "every sample missing or exactly zero",
    channels: taken,
  });
  return mask;
}
