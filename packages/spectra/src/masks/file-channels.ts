/**
 * The channels a file marks bad, found by the reading pipeline for every
 * format in the same way: a per-channel weight of 0 (a format's own, e.g.
 * PSRFITS `DAT_WTS`), or no sample that is finite, of positive weight and
 * non-zero (dropped channels stored as zeros, per-sample weights all 0, all
 * NaN). A prepared npz's recorded masks come first, with their origins.
 */
import type { OpenedFile, SampleBlock } from "../formats/format.js";
import type { WaterfallAxes } from "../model.js";
import * as native from "../native.js";
import { emptyMask, recordOrigin, type ChannelMask, type MaskGrid } from "./record.js";

/**
 * Channels with a zero channel weight, or without a sample that is finite, of
 * positive weight and non-zero (a normal channel costs one read: the core
 * stops at its first such sample).
 */
export function deadChannels(block: Pick<SampleBlock, "intensity" | "weights" | "channelWeights" | "ntime">, nchan: number): number[] {
  const { intensity, weights, channelWeights, ntime } = block;
  const empty = native.emptyChannels({ data: intensity, weights: weights ?? null, nchan, ntime }, true);
  if (!channelWeights) return empty;
  const dead = new Set(empty);
  for (let c = 0; c < nchan; c++) if (!(channelWeights[c] > 0)) dead.add(c);
  return [...dead].sort((a, b) => a - b);
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
