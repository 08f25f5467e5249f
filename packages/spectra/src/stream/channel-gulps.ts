/**
 * A figure's or `prepare`'s processing of a channel-major file (an npz's
 * stored C-order member) in blocks of whole channels, never holding the
 * full-resolution array: memory holds one block (`gulpBytes` of float32) and
 * the subbanded result.
 *
 * Every per-channel step sees whole channels, so each block runs the
 * in-memory code itself ({@link processChannels}: normalising, the tutorial's
 * masks, the constant-channel mask) and its subbands are dedispersed with the
 * whole band's channel shifts: the numbers are those of the in-memory path.
 * What needs every channel first is gathered by a first pass over the file
 * (page-cached): the channel moments `normalise: "auto"` decides on, the
 * channels the file leaves dead, and whether any kept sample is an exact zero
 * (the in-memory path then makes the zero-means-missing weights explicit
 * before normalising). The mask record is built as the whole array would
 * build it: the file's and the given masks on a one-sample skeleton of the
 * band, then each block's steps merged in order.
 */
import { flipRows } from "../arrays.js";
import { dedispersionStep } from "../dedispersion.js";
import type { ChannelRows, OpenedFile, WaterfallFormat } from "../formats/format.js";
import { readDescription, type ReadPlan } from "../formats/index.js";
import { alignedBuffer } from "../io/files.js";
import { deadChannels, fileChannelMaskOf } from "../masks/file-channels.js";
import type { ChannelMask, MaskStep } from "../masks/record.js";
import * as native from "../native.js";
import type { ProcessOptions } from "../options/process.js";
import {
  appliedProcessing,
  applyGivenMasks,
  checkSweep,
  dedisperseOptionsOf,
  GIVEN_MASK_OPTIONS,
  integerType,
  keepWindowDownsampled,
  looksRawByMoments,
  normalisationOf,
  processChannels,
  resolveNormaliseBy,
  subbandsFor,
  type Processed,
} from "../process.js";
import { Spectra } from "../spectra.js";
import { bandSkeleton, optionsRefusal, reducedSpectra } from "./band.js";
import type { WaterfallRead } from "./read-processed.js";

/** Float32 bytes of samples per block when the caller does not say. */
export const DEFAULT_GULP_BYTES = 32 << 20;

/** Why a read cannot go through {@link processChannelGulps} (undefined: it can). */
export function channelGulpsRefusal(opened: OpenedFile, options: ProcessOptions): string | undefined {
  if (!opened.channelRows) return "the samples are not stored channel after channel, uncompressed (an npz's stored C-order member)";
  return optionsRefusal(opened, options);
}

/** Blocks `[c0, c1)` of whole subbands (rows in our order), in the file's order (so the checksum runs front to back). */
function blocksOf(nchan: number, perBlock: number, reversed: boolean): [number, number][] {
  const blocks: [number, number][] = [];
  for (let c0 = 0; c0 < nchan; c0 += perBlock) blocks.push([c0, Math.min(nchan, c0 + perBlock)]);
  return reversed ? blocks.reverse() : blocks;
}

/** What the first pass gathers per channel (row order). */
interface FirstPass {
  dead: number[];
  /** Channels the in-memory path turns to NaN before normalising: dead ones with a valid sample, and given masks. */
  blanked: Uint8Array;
  moments?: { count: Float64Array; mean: Float64Array; variance: Float64Array };
  /** Whether a kept sample is an exact zero (when zeros are missing samples: it matters only then). */
  anyZero: boolean;
}

/**
 * Processes the samples of `plan` as `processWaterfall(readPlanned(...))`
 * would, one block of channels at a time (see the module doc). The caller
 * checked {@link channelGulpsRefusal} and the processing options.
 */
export async function processChannelGulps(
  opened: OpenedFile,
  format: WaterfallFormat,
  plan: ReadPlan,
  given: ProcessOptions,
  gulpBytes = DEFAULT_GULP_BYTES,
): Promise<Processed & { waterfall: WaterfallRead }> {
  const { file, axes, first, count } = plan;
  const { nchan } = opened;
  const rows = opened.channelRows as ChannelRows;
  const reversed = (opened.descending ?? false) !== plan.flip;
  const nsub = subbandsFor(nchan, given.nsub) as number;
  const perSub = nchan / nsub;
  const blocks = blocksOf(nchan, perSub * Math.max(1, Math.floor(gulpBytes / (4 * count * perSub))), reversed);
  const start = first * axes.dt;
  const blockSpectra = (values: Float32Array, c0: number, c1: number, channelMask?: ChannelMask, zerosMissing = opened.zerosMissing) =>
    new Spectra(values, {
      ...axes,
      nchan: c1 - c0,
      ntime: count,
      fbottom: axes.fbottom + c0 * axes.df,
      start,
      zerosMissing,
      source: file,
      channelMask,
      fileDescending: (opened.descending ?? false) || plan.flip,
    });
  // one buffer for every block's read (each block is done with before the next is read)
  const into = alignedBuffer(Math.max(...blocks.map(([c0, c1]) => (c1 - c0) * count * rows.itemBytes)));
  const read = async (c0: number, c1: number) => {
    const values = await rows.read(reversed ? nchan - c1 : c0, c1 - c0, first, count, into);
    return reversed ? flipRows(values, c1 - c0, count) : values;
  };
  const blank = (values: Float32Array, c0: number, c1: number, blanked: Uint8Array) => {
    for (let c = c0; c < c1; c++) if (blanked[c]) values.fill(Number.NaN, (c - c0) * count, (c - c0 + 1) * count);
  };

  // The given masks' channels, from a one-sample skeleton of the band (they depend on the band only).
  const skeleton = (channelMask?: ChannelMask) => bandSkeleton(opened, format, plan, channelMask);
  const bare = skeleton();
  applyGivenMasks(bare, given);
  const givenMasked = bare.channelMask.origins.map((o) => o !== null);

  // First pass: dead channels, the moments "auto" decides on, exact zeros among the kept samples.
  const wantMoments = (given.normalise === undefined || given.normalise === "auto") && !integerType(opened.dtype);
  const pass: FirstPass = { dead: [], blanked: new Uint8Array(nchan), anyZero: false };
  const zerosMatter = opened.zerosMissing && given.normalise !== "none";
  if (wantMoments) pass.moments = { count: new Float64Array(nchan), mean: new Float64Array(nchan), variance: new Float64Array(nchan) };
  for (const [c0, c1] of blocks) {
    const values = await read(c0, c1);
    const dead = deadChannels({ intensity: values, ntime: count }, c1 - c0);
    // a dead channel still holding a valid sample (exact zeros, when zeros are not missing) is blanked below;
    // with zeros missing, every dead channel is empty (the same search deadChannels made)
    const empty = new Set(
      dead.length === 0 || opened.zerosMissing ? dead : native.emptyChannels({ data: values, weights: null, nchan: c1 - c0, ntime: count }, false, file),
    );
    for (const d of dead) {
      pass.dead.push(c0 + d);
      if (!empty.has(d)) pass.blanked[c0 + d] = 1;
    }
    blank(values, c0, c1, pass.blanked);
    const block = blockSpectra(values, c0, c1);
    if (pass.moments) {
      const finite = block.channelMoments();
      pass.moments.count.set(finite.count, c0);
      pass.moments.mean.set(finite.mean, c0);
      pass.moments.variance.set(finite.variance, c0);
    }
    // exact zeros among the samples kept after the given masks (the dead channels' are NaN by now)
    if (zerosMatter && !pass.anyZero) pass.anyZero = keptZero(values, count, c0, c1, givenMasked);
    for (let c = c0; c < c1; c++) if (givenMasked[c]) pass.blanked[c] = 1;
  }
  pass.dead.sort((a, b) => a - b);

  const notes = [...plan.notes];
  const fileMask = fileChannelMaskOf(pass.dead, false, opened, axes, notes);
  const moments = pass.moments;
  const isRaw = () => integerType(opened.dtype) || looksRawByMoments(moments as NonNullable<typeof moments>);
  const { options, note } = resolveNormaliseBy(isRaw, given, opened.dtype);
  const band = skeleton(fileMask);
  applyGivenMasks(band, options);
  checkSweep({ ...axes, nchan, ntime: count, source: file }, options, plan.window);
  const blockOptions: ProcessOptions = { ...options };
  // the given masks are applied once on the band, not per block
  for (const key of GIVEN_MASK_OPTIONS) delete blockOptions[key];
  const normalised = normalisationOf(options) !== undefined;
  const dedisperse = dedisperseOptionsOf(options);
  const shifts =
    options.dm === undefined
      ? undefined
      : native.channelShifts(
          nchan,
          { dtSeconds: axes.dt, fbottomMhz: axes.fbottom, dfMhz: axes.df },
          dedispersionStep(axes.dm, options.dm, dedisperse, file),
          file,
        );

  // Second pass: each block's channel steps, then its subbands.
  const bandMask = band.channelMask;
  const intensity = new Float32Array(nsub * count);
  const weights = new Float32Array(nsub * count);
  const merged = new StepMerge();
  for (const [c0, c1] of blocks) {
    const values = await read(c0, c1);
    blank(values, c0, c1, pass.blanked);
    const blockMask: ChannelMask = {
      grid: { nchan: c1 - c0, fbottom: axes.fbottom + c0 * axes.df, df: axes.df },
      origins: bandMask.origins.slice(c0, c1),
      steps: [],
      notes: [],
    };
    // without a kept zero, zeros-mean-missing changes nothing: saying so spares a search for zeros per block
    const spectra = blockSpectra(values, c0, c1, blockMask, opened.zerosMissing && (pass.anyZero || !zerosMatter));
    // the in-memory path makes zero-means-missing weights explicit before normalising when any kept sample is 0
    if (normalised && opened.zerosMissing && pass.anyZero) void spectra.weights;
    processChannels(spectra, blockOptions);
    const out = shifts ? spectra.subbandsShiftedBy(shifts.subarray(c0, c1), (c1 - c0) / perSub, dedisperse.wrap) : subbandsOf(spectra, (c1 - c0) / perSub);
    const at = (c0 / perSub) * count;
    intensity.set(out.intensity, at);
    weights.set(out.weights, at);
    const record = spectra.channelMask;
    for (let c = c0; c < c1; c++) bandMask.origins[c] = record.origins[c - c0];
    merged.add(record.steps, record.notes);
  }
  const channelMask: ChannelMask = {
    ...bandMask,
    steps: [...bandMask.steps, ...merged.steps],
    notes: [...bandMask.notes, ...merged.notes.filter((n) => !bandMask.notes.includes(n))],
  };
  const subbanded = reducedSpectra(intensity, weights, { opened, plan, options, nsub, ntime: count, start, dt: axes.dt, channelMask });
  const processed = keepWindowDownsampled(subbanded, options, plan.window);
  const waterfall: WaterfallRead = readDescription(opened, format, plan, notes, fileMask);
  return { spectra: processed, notes: note ? [note] : [], applied: appliedProcessing(options, axes.dm, nchan, processed), waterfall };
}

/** Whether a channel of the block `[c0, c1)` that no given mask takes holds an exact zero (one search when none is masked). */
function keptZero(values: Float32Array, count: number, c0: number, c1: number, givenMasked: readonly boolean[]): boolean {
  if (!givenMasked.slice(c0, c1).includes(true)) return native.containsZero(values);
  for (let c = c0; c < c1; c++) if (!givenMasked[c] && native.containsZero(values.subarray((c - c0) * count, (c - c0 + 1) * count))) return true;
  return false;
}

/** The subbands of a block (without dedispersion). */
function subbandsOf(spectra: Spectra, nsub: number): { intensity: Float32Array; weights: Float32Array } {
  spectra.subband(nsub);
  return { intensity: spectra.data, weights: spectra.weights };
}

/**
 * The mask steps of the blocks merged into the whole band's: one step per
 * kind (method, description, option), its channels summed, in the order the
 * whole array takes them (a step a block has first goes before the next step
 * of that block already merged).
 */
class StepMerge {
  readonly steps: MaskStep[] = [];
  readonly notes: string[] = [];

  add(steps: readonly MaskStep[], notes: readonly string[]): void {
    const key = (s: MaskStep) => JSON.stringify([s.method, s.description, s.option, s.parameters]);
    for (const [i, step] of steps.entries()) {
      const found = this.steps.find((s) => key(s) === key(step));
      if (found) {
        found.channels += step.channels;
        continue;
      }
      const next = steps
        .slice(i + 1)
        .map((later) => this.steps.findIndex((s) => key(s) === key(later)))
        .find((k) => k >= 0);
      this.steps.splice(next ?? this.steps.length, 0, { ...step });
    }
    for (const n of notes) if (!this.notes.includes(n)) this.notes.push(n);
  }
}
