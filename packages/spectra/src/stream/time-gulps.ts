/**
 * A figure's or `prepare`'s processing of a time-major file (a SIGPROC
 * filterbank) in gulps of whole time samples, never holding the
 * full-resolution array: memory holds two gulps, per-channel statistics and
 * the reduced result.
 *
 * The per-channel steps need whole channels before a first sample can be
 * used, so the file (page-cached) is read more than once, each pass giving
 * the numbers the in-memory kernels give on the whole array:
 *
 * 1. the samples as stored: the channels the file leaves dead (no sample
 *    finite and non-zero), and what normalising needs: exact medians and MADs
 *    from level counts (samples of at most 8 bits; each stored code counts as
 *    its value, two's complement for signed samples), or the channel moments
 *    summed in time order as the in-memory kernel sums them (what
 *    `normalise: "auto"`, `zscore` and `fractional` decide on); for robust
 *    normalisation of wider samples, exact medians and MADs by a few more
 *    passes of selection ({@link native.orderPass}: its first pass rides on
 *    this one; `"auto"` on floats decides from the moments first);
 * 2. when a mask needs them (the tutorial's `|sum|` and variance, constant
 *    channels): the moments of the normalised samples, from the level counts
 *    when the order of the additions cannot change them (and the variance is
 *    close enough to decide), or from each channel's lowest and highest
 *    sample when only constant channels are asked for (a normalisation is
 *    monotonic: the extremes say whether every sample normalises to one
 *    value), else by two time-ordered passes;
 * 3. the fused dedisperse-subband-downsample kernel ({@link native.streamReducer})
 *    with each channel's normalisation and the masks, over the window a read
 *    asked for (the sweep around it read too).
 *
 * The mask record is built by the in-memory code ({@link processChannels})
 * on a one-sample skeleton of the band, given the channels normalising could
 * not normalise and the moments.
 */
import { dedispersionStep } from "../dedispersion.js";
import type { OpenedFile, TimeRows, WaterfallFormat } from "../formats/format.js";
import { readDescription, type ReadPlan } from "../formats/index.js";
import { fileChannelMaskOf } from "../masks/file-channels.js";
import * as native from "../native.js";
import { PROCESS_OPTIONS, type ProcessOptions } from "../options/process.js";
import {
  appliedProcessing,
  applyGivenMasks,
  checkSweep,
  dedisperseOptionsOf,
  integerType,
  looksRawByMoments,
  masksByMoments,
  maskThresholds,
  processChannels,
  resolveNormaliseBy,
  subbandsFor,
  type Processed,
} from "../process.js";
import type { MaskMoments } from "../spectra.js";
import { bandSkeleton, indicesWhere, maskedOf, optionsRefusal, reducedSpectra } from "./band.js";
import { pumpGulps, timeGulps } from "./gulps.js";
import type { WaterfallRead } from "./read-processed.js";

/** Bytes of stored samples per gulp when the caller does not say. */
export const DEFAULT_TIME_GULP_BYTES = 32 << 20;

type Method = "robust" | "zscore" | "fractional";

/** Why a read cannot go through {@link processTimeGulps} (undefined: it can). */
export function timeGulpsRefusal(opened: OpenedFile, options: ProcessOptions, window: ReadPlan["window"], count: number): string | undefined {
  if (!opened.timeRows) return "the samples are not stored time sample after time sample (a filterbank)";
  const refusal = optionsRefusal(opened, options);
  if (refusal) return refusal;
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  if (factor > (window?.count ?? count)) return `--downsample ${factor} is longer than the samples read`;
  return undefined;
}

/**
 * Processes the samples of `plan` as `processWaterfall(readPlanned(...))`
 * would, in gulps of time samples (see the module doc). The caller checked
 * {@link timeGulpsRefusal}.
 */
export async function processTimeGulps(
  opened: OpenedFile,
  format: WaterfallFormat,
  plan: ReadPlan,
  given: ProcessOptions,
  gulpBytes = DEFAULT_TIME_GULP_BYTES,
): Promise<Processed & { waterfall: WaterfallRead }> {
  const { file, axes, first, count } = plan;
  const { nchan } = opened;
  const rows = opened.timeRows as TimeRows;
  const layout = { ...rows.layout, descending: rows.layout.descending !== plan.flip };
  const perGulp = Math.max(1, Math.floor(gulpBytes / rows.rowBytes));
  const readRow = (row: number, into: Uint8Array) => rows.read(first + row, into);
  const pass = (feed: (bytes: Uint8Array) => void) => pumpGulps(timeGulps(0, count, count, perGulp), rows.rowBytes, readRow, feed);
  const levels = layout.nbits <= 8;

  const bare = bandSkeleton(opened, format, plan);
  applyGivenMasks(bare, given);
  const givenMasked = maskedOf(bare);

  // Pass 1: the samples as stored.
  const wanted = given.normalise ?? PROCESS_OPTIONS.normalise.default;
  // level counts (dead channels, medians, and often the masks' moments) for at most 8 bits; else, and for
  // z-scores and fractions, the time-ordered moments
  const counts = levels ? native.channelStatsPass(layout, true, file) : undefined;
  const raw = !levels || wanted === "zscore" || wanted === "fractional" ? native.momentsPass(layout, undefined, [], file) : undefined;
  // exact medians of wider samples: the first pass of selection (a scan, or every level) rides on this one
  // when robust is asked for or may be chosen ("auto": decided on the moments below)
  const order = !levels && (wanted === "robust" || wanted === "auto") ? native.orderPass(layout, false, file) : undefined;
  await pass((bytes) => {
    counts?.add(bytes);
    raw?.add(bytes);
    order?.add(bytes);
  });
  // the time-ordered variance: "auto" on floats (integers are robust), z-scores, and masks of samples kept as stored
  const autoFloats = wanted === "auto" && !integerType(opened.dtype);
  if (raw && (autoFloats || wanted === "zscore" || (wanted === "none" && !counts))) {
    raw.startSquares();
    await pass((bytes) => raw.add(bytes));
  }
  const stored = raw?.finish();
  const stats = counts?.finish();
  // dead: no sample finite and non-zero
  const alive = stats ? stats.nonzero : ((stored as native.StreamMoments).nonzero as Float64Array);
  const dead = indicesWhere(alive, (v) => !(v > 0));

  const notes = [...plan.notes];
  const fileMask = fileChannelMaskOf(dead, false, opened, axes, notes);
  const blanked = [...new Set([...dead, ...givenMasked])].sort((a, b) => a - b);
  // "auto" looks at the samples with the dead channels blanked (as read); the given masks come later
  const isRaw = () => integerType(opened.dtype) || looksRawByMoments(blankedMoments(stored as native.StreamMoments, dead));
  const { options, note } = resolveNormaliseBy(isRaw, given, opened.dtype);
  const normalise = options.normalise as "none" | Method;
  checkSweep({ ...axes, nchan, ntime: count, source: file }, options, plan.window);

  const statistics = normalise === "robust" ? (stats ?? { ...(stored as native.StreamMoments), ...(await orderedMedians(order, pass)) }) : stored;
  const maps =
    normalise === "none" ? undefined : blankMaps(native.normalisationMaps(normalise, withMedians(statistics as native.StreamMoments), file), blanked);
  const unnormalised = maps ? indicesWhere(maps.scale, (s) => !Number.isFinite(s)) : [];
  const beforeMasks = [...new Set([...blanked, ...unnormalised])].sort((a, b) => a - b);

  // Pass 2: the moments the masks decide on, when they run.
  let moments: MaskMoments | undefined;
  if (masksByMoments(options, false)) {
    // without another pass when they decide the masks: from level counts, or from each channel's extremes
    const bounded = [counts?.levelMoments(maps, beforeMasks), raw?.rangeMoments(maps, beforeMasks)];
    const known = bounded.find((m) => m && decided(m, options));
    if (known) moments = known;
    else if (normalise === "none" && stored) moments = blankedMoments(stored, blanked);
    else moments = await timeOrderedMoments(layout, maps, beforeMasks, pass, file);
  }

  const band = bandSkeleton(opened, format, plan, fileMask);
  processChannels(band, options, { streamed: { unnormalised, moments } });
  const masked = maskedOf(band);

  // Pass 3: dedisperse, subband and downsample the window.
  const nsub = subbandsFor(nchan, options.nsub) as number;
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  const window = plan.window ?? { offset: 0, count };
  const step = options.dm === undefined ? undefined : dedispersionStep(axes.dm, options.dm, dedisperseOptionsOf(options), file);
  const reducer = native.streamReducer(
    layout,
    { ntime: count, outputStart: window.offset, outputEnd: window.offset + window.count, nsub, factor, zerosMissing: opened.zerosMissing, masked, maps },
    { dtSeconds: axes.dt, fbottomMhz: axes.fbottom, dfMhz: axes.df },
    step,
    file,
  );
  const [start, end] = reducer.feedRange();
  await pumpGulps(timeGulps(start, end, count, perGulp), rows.rowBytes, readRow, (bytes, gulp) => reducer.add(bytes, gulp.virtual));
  const out = reducer.finish();
  const processed = reducedSpectra(out.intensity, out.weights, {
    opened,
    plan,
    options,
    nsub,
    ntime: out.ntime,
    start: first * axes.dt + window.offset * axes.dt,
    dt: axes.dt * factor,
    channelMask: band.channelMask,
  });
  const waterfall: WaterfallRead = readDescription(opened, format, plan, notes, fileMask);
  return { spectra: processed, notes: note ? [note] : [], applied: appliedProcessing(options, axes.dm, nchan, processed), waterfall };
}

/** The medians and MADs of the selection passes, feeding the rows again until they are known (the first pass was fed). */
async function orderedMedians(
  order: ReturnType<typeof native.orderPass> | undefined,
  pass: (feed: (bytes: Uint8Array) => void) => Promise<void>,
): Promise<{ median: Float64Array; mad: Float64Array }> {
  const selection = order as ReturnType<typeof native.orderPass>;
  while (selection.endPass()) await pass((bytes) => selection.add(bytes));
  return selection.finish();
}

/** Moments with these channels blanked (no sample: count 0, NaN statistics), as the in-memory path has them. */
function blankedMoments(m: native.StreamMoments, channels: readonly number[]): native.StreamMoments {
  const out = { ...m, count: m.count.slice(), sum: m.sum.slice(), mean: m.mean.slice(), variance: m.variance.slice() };
  for (const c of channels) [out.count[c], out.sum[c], out.mean[c], out.variance[c]] = [0, Number.NaN, Number.NaN, Number.NaN];
  return out;
}

/** Statistics with NaN medians where none were gathered (the maps of z-scores and fractions do not use them). */
function withMedians(s: native.StreamMoments & { median?: Float64Array; mad?: Float64Array }) {
  const nan = () => new Float64Array(s.count.length).fill(Number.NaN);
  return { mean: s.mean, variance: s.variance, median: s.median ?? nan(), mad: s.mad ?? nan() };
}

/** The maps with these channels left without one (their samples are NaN in memory: no statistics). */
function blankMaps(maps: native.ChannelMaps, channels: readonly number[]): native.ChannelMaps {
  const out = { centre: maps.centre.slice(), scale: maps.scale.slice(), offset: maps.offset.slice() };
  for (const c of channels) [out.centre[c], out.scale[c]] = [Number.NaN, Number.NaN];
  return out;
}

/**
 * Whether moments from level counts decide every mask as the time-ordered
 * ones would: each sum and variance is exact or farther from its threshold
 * than it can be off, and a constant channel is known exactly.
 */
function decided(m: native.StreamMoments, options: ProcessOptions): boolean {
  const { sum, variance, constant } = maskThresholds(options);
  const sumError = m.sumError as Float64Array;
  const varianceError = m.varianceError as Float64Array;
  for (let c = 0; c < m.count.length; c++) {
    if (m.count[c] === 0) continue;
    if (sum !== undefined && !(Math.abs(Math.abs(m.sum[c]) - sum) > sumError[c]) && sumError[c] !== 0) return false;
    if (variance !== undefined && !(Math.abs(m.variance[c] - variance) > varianceError[c]) && varianceError[c] !== 0) return false;
    if (constant && !Number.isFinite(varianceError[c])) return false;
  }
  return true;
}

/** The moments of the samples (normalised by `maps`, `skip` left out) by two passes in time order. */
async function timeOrderedMoments(
  layout: native.FilterbankLayout,
  maps: native.ChannelMaps | undefined,
  skip: number[],
  pass: (feed: (bytes: Uint8Array) => void) => Promise<void>,
  file: string,
): Promise<MaskMoments> {
  const moments = native.momentsPass(layout, maps, skip, file);
  await pass((bytes) => moments.add(bytes));
  moments.startSquares();
  await pass((bytes) => moments.add(bytes));
  return moments.finish();
}
