/**
 * The one caller of `@wfall/native`: every other module reaches the Rust core
 * through these functions. Waterfalls travel as a {@link WaterfallView}; errors
 * thrown by the core become {@link WaterfallError}s naming the file, here and
 * nowhere else.
 */
import * as core from "@wfall/native";

import { isErrorCode, WaterfallError } from "./errors.js";

export type {
  Axes,
  BoxcarPeak,
  CellRange,
  ChannelMaps,
  ChannelFlagRequest,
  ChannelFlagResult,
  ColourMap,
  Dedispersion,
  Dispersion,
  DmTrials,
  FigureComparison,
  FigureFileFormat,
  FilterbankLayout,
  FontOptions,
  IqrmStatistic,
  MeasuredPlane,
  MetadataEntry,
  Normalisation,
  PlaneMethod,
  PlaneOptions,
  PsrfitsLayout,
  PsrfitsPlan,
  PsrfitsReadOptions,
  Reduced,
  Reference,
  RfiChannelStats,
  RfifindMaskInfo,
  RgbaImage,
  SnrCurve,
  SnrDefinition,
  SnrOptions,
  SnrResult,
  StreamMoments,
  StructureDm,
  Wrap,
  ZeroDmVariant,
} from "@wfall/native";

/** CHIME's (pulsar-convention) dispersion constant `1/2.41e-4` MHz² s cm³/pc, from the core. */
export const K_DM_CHIME: number = core.K_DM_CHIME;

/** A waterfall's data as the core sees it: samples, optional weights, and how they are implied. */
export interface WaterfallView {
  data: Float32Array;
  /** Weights beside the data; `null` when implied by the data (0 for missing samples). */
  weights: Float32Array | null;
  /** Whether exact zeros are missing samples when the weights are implied (the tutorial's rule). */
  zerosMissing: boolean;
  nchan: number;
  ntime: number;
}

/**
 * Converts anything thrown by the native core into a {@link WaterfallError},
 * adding the file it concerns. Wrong JS types rejected by N-API become `E_ARGUMENT`.
 */
export function fromNative(error: unknown, file?: string): WaterfallError {
  if (error instanceof WaterfallError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = isErrorCode(e?.code) ? e.code : "E_ARGUMENT";
  const message = typeof e?.message === "string" ? e.message : String(error);
  return new WaterfallError(code, message, { file, cause: error });
}

function call<T>(file: string | undefined, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw fromNative(error, file);
  }
}

/** {@link call} for the core's promises (its async tasks). */
async function callAsync<T>(file: string | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fromNative(error, file);
  }
}

const grid = (v: { nchan: number; ntime: number }): core.Grid => ({ nchan: v.nchan, ntime: v.ntime });

/** Every error code the core can throw. */
export const nativeErrorCodes = (): string[] => core.nativeErrorCodes();

export const channelShifts = (nchan: number, axes: core.Axes, step: core.Dedispersion, file?: string) =>
  call(file, () => core.channelShifts(nchan, axes, step));

/** Dedisperses in place (weights move with the data); returns each channel's shift. */
export const dedisperse = (v: WaterfallView, axes: core.Axes, step: core.Dedispersion, file?: string) =>
  call(file, () => core.dedisperse(v.data, v.weights, grid(v), axes, step));

/** `dedisperse` then `subband` in one pass; `leftOut`: channels not read, as if they held only missing samples (already masked: their NaN need not be read). */
export const dedisperseSubband = (v: WaterfallView, axes: core.Axes, step: core.Dedispersion, nsub: number, file?: string, leftOut?: readonly number[]) =>
  call(file, () => core.dedisperseSubband(v.data, v.weights, v.zerosMissing, grid(v), axes, step, nsub, leftOut as number[] | undefined));

/** `dedisperseSubband` of a block of channels cut from a larger band, with that band's shifts for them: the block's subbands exactly as in place. */
export const dedisperseSubbandBy = (v: WaterfallView, shifts: Float64Array, wrap: core.Wrap | undefined, nsub: number, file?: string) =>
  call(file, () => core.dedisperseSubbandBy(v.data, v.weights, v.zerosMissing, grid(v), shifts, wrap, nsub));

export const subband = (v: WaterfallView, nsub: number, file?: string) => call(file, () => core.subband(v.data, v.weights, v.zerosMissing, grid(v), nsub));

export const downsample = (v: WaterfallView, factor: number, file?: string) =>
  call(file, () => core.downsample(v.data, v.weights, v.zerosMissing, grid(v), factor));

/** Whether any sample is exactly 0 (either sign): what `data.includes(0)` says, much faster. */
export const containsZero = (data: Float32Array): boolean => core.containsZero(data);

export const validWeights = (v: WaterfallView, file?: string) => call(file, () => core.validWeights(v.data, v.zerosMissing));

/** Per-channel moments over valid samples; `weighted` honours the weights, else every finite sample counts. */
export const channelMoments = (v: WaterfallView, weighted: boolean, file?: string) =>
  call(file, () => (weighted ? core.channelMoments(v.data, v.weights, v.zerosMissing, grid(v)) : core.channelMoments(v.data, null, false, grid(v))));

export const channelMedians = (v: WaterfallView, weighted: boolean, file?: string) =>
  call(file, () => (weighted ? core.channelMedians(v.data, v.weights, v.zerosMissing, grid(v)) : core.channelMedians(v.data, null, false, grid(v))));

/** Channels without a sample that is finite and of positive weight (and, with `zerosMissing`, non-zero whatever its weight). */
export const emptyChannels = (v: { data: Float32Array; weights: Float32Array | null; nchan: number; ntime: number }, zerosMissing: boolean, file?: string) =>
  call(file, () => core.emptyChannels(v.data, v.weights, zerosMissing, grid(v)));

export const maskChannels = (v: WaterfallView, channels: number[], file?: string) => call(file, () => core.maskChannels(v.data, v.weights, grid(v), channels));

export const zerosToNan = (v: WaterfallView, file?: string) => call(file, () => core.zerosToNan(v.data, v.weights, grid(v)));

export const normalise = (v: WaterfallView, method: core.Normalisation, file?: string) => call(file, () => core.normalise(v.data, v.weights, grid(v), method));

/** Count, mean, variance, skewness, excess kurtosis, sums of x and x² of each channel's valid samples (weighted view). */
export const rfiChannelStats = (v: WaterfallView, file?: string) => call(file, () => core.rfiChannelStats(v.data, v.weights, v.zerosMissing, grid(v)));

/** Zero-DM (if asked, in place), one pass of channel statistics, and the requested channel flags. */
export const flagChannels = (v: WaterfallView, axes: core.Axes, request: core.ChannelFlagRequest, file?: string) =>
  call(file, () => core.flagChannels(v.data, v.weights, v.zerosMissing, grid(v), axes, request));

/** Zero-DM subtraction in place with the channel means as bandpass. */
export const zeroDm = (v: WaterfallView, variant: core.ZeroDmVariant, file?: string) =>
  call(file, () => core.zeroDm(v.data, v.weights, v.zerosMissing, grid(v), variant));

/** The channel masks of a PRESTO rfifind `.mask` file. */
export const parseRfifindMask = (bytes: Uint8Array, file?: string) => call(file, () => core.parseRfifindMask(bytes));

/** Sum over channels of every sample, skipping missing ones. */
export const timeseries = (v: { data: Float32Array; nchan: number; ntime: number }, file?: string) => call(file, () => core.timeseries(v.data, grid(v)));

/** numpy's linear-method percentiles of the valid values of a block of `data`. */
export const percentiles = (v: { data: Float32Array; nchan: number; ntime: number }, range: core.CellRange, qs: number[], file?: string) =>
  call(file, () => core.percentiles(v.data, grid(v), range, qs));

export const unpackFilterbank = (bytes: Uint8Array, layout: core.FilterbankLayout, file?: string) => call(file, () => core.unpackFilterbank(bytes, layout));

export const packFilterbank = (data: Float32Array, ntime: number, layout: core.FilterbankLayout, file?: string) =>
  call(file, () => core.packFilterbank(data, ntime, layout));

/**
 * A streaming reducer of time-major rows (dedisperse, subband, downsample: the numbers of
 * `dedisperseSubband` then `downsample` on the whole array), reporting failures about `file`.
 * Rows are fed in order over `feedRange()`: virtual sample `t` is row `t mod ntime`.
 */
export function streamReducer(layout: core.FilterbankLayout, plan: core.StreamPlan, axes: core.Axes, step: core.Dedispersion | undefined, file: string) {
  const reducer = call(file, () => new core.StreamReducer(layout, plan, axes, step));
  return {
    feedRange: () => call(file, () => reducer.feedRange()) as [number, number],
    add: (bytes: Uint8Array, first: number) => call(file, () => reducer.add(bytes, first)),
    finish: () => call(file, () => reducer.finish()),
  };
}

/** Per-channel statistics of time-major rows fed in order (medians exact for samples of at most 8 bits), reporting failures about `file`. */
export function channelStatsPass(layout: core.FilterbankLayout, medians: boolean, file: string) {
  const pass = call(file, () => new core.ChannelStatsPass(layout, medians));
  return {
    add: (bytes: Uint8Array) => call(file, () => pass.add(bytes)),
    /** The moments of the samples fed (normalised by `maps`, `skip` left out) from level counts, with how far they may be from the time-ordered ones; null above 8 bits. */
    levelMoments: (maps: core.ChannelMaps | undefined, skip: number[]) => call(file, () => pass.levelMoments(maps, skip)),
    finish: () => call(file, () => pass.finish()),
  };
}

/**
 * Per-channel moments of time-major rows (as stored, or normalised by `maps`; `skip` left out),
 * bit for bit {@link channelMoments} of the whole waterfall: rows fed for the sums, then
 * `startSquares()` and the same rows again.
 */
export function momentsPass(layout: core.FilterbankLayout, maps: core.ChannelMaps | undefined, skip: number[], file: string) {
  const pass = call(file, () => new core.MomentsStreamPass(layout, maps, skip));
  return {
    add: (bytes: Uint8Array) => call(file, () => pass.add(bytes)),
    startSquares: () => call(file, () => pass.startSquares()),
    finish: () => call(file, () => pass.finish()),
    /** After `finish`, on samples as stored: the moments of the samples normalised by `maps` (`skip` left out) as far as each channel's extremes decide them (counts, constant channels, bounded variances); null when they cannot. */
    rangeMoments: (maps: core.ChannelMaps | undefined, skip: number[]) => call(file, () => pass.rangeMoments(maps, skip)),
  };
}

/**
 * Exact per-channel medians and MADs of time-major rows of any sample type, bit for bit
 * {@link channelMedians} of the whole waterfall, in a few passes over the same rows in memory
 * bounded by `budgetBytes` (default 64 MiB): feed every row, `endPass()`, and while it returns
 * true feed the same rows again in the same order; then `finish()`.
 */
export function orderPass(layout: core.FilterbankLayout, zerosMissing: boolean, file: string, budgetBytes?: number) {
  const pass = call(file, () => new core.OrderStreamPass(layout, zerosMissing, budgetBytes));
  return {
    add: (bytes: Uint8Array) => call(file, () => pass.add(bytes)),
    endPass: () => call(file, () => pass.endPass()),
    finish: () => call(file, () => pass.finish()),
  };
}

/** Each channel's normalisation map (what `normalise` applies) from its statistics; NaN scale where it cannot be normalised. */
export const normalisationMaps = (method: core.Normalisation, stats: Record<"mean" | "variance" | "median" | "mad", Float64Array>, file?: string) =>
  call(file, () => core.normalisationMaps(method, stats.mean, stats.variance, stats.median, stats.mad));

/** A PSRFITS search-mode file, its every call reporting failures about `file` (see {@link psrfitsHeaderReader}). */
export interface PsrfitsHandle {
  readonly file: string;
  /** Where the rows are and what they hold. */
  layout(): core.PsrfitsLayout;
  /** Reads the channel order (and the weights summary) from row 0's bytes. */
  setFirstRow(row: Uint8Array): core.PsrfitsChannels;
  /** Drops the zero padding of a last row (`row`, its bytes) in a file without NSTOT; returns the samples dropped. */
  trimPadding(row: Uint8Array): number;
  /** The rows holding samples `[start, end)`: `offset` is the first row, `length` the number of rows. */
  rowsFor(start: number, end: number): core.ByteRange;
  /** What `options` decode ("pols 0 and 1 of AABB summed"); fails on a pol the file lacks. */
  polarisation(options: core.PsrfitsReadOptions): string;
  /** Decodes samples `[start, end)` of whole rows from `firstRow` into columns `outOffset..` of `out` (`[nchan][outNtime]`). */
  decode(
    rows: Uint8Array,
    firstRow: number,
    start: number,
    end: number,
    options: core.PsrfitsReadOptions,
    out: Float32Array,
    outNtime: number,
    outOffset: number,
  ): core.PsrfitsDecoded;
  /** Decodes samples `[start, end)` of whole rows from `firstRow` into `out`, time-major (`[end - start][nchan]`, lowest frequency first); returns the decode's warnings. */
  decodeTimeMajor(rows: Uint8Array, firstRow: number, start: number, end: number, options: core.PsrfitsReadOptions, out: Float32Array): string[];
  summary(): core.SummaryLine[];
  warnings(): string[];
  notes(): string[];
}

const psrfitsFiles = new WeakMap<PsrfitsHandle, core.PsrfitsFile>();

/**
 * Reads a PSRFITS file's headers from the bytes the caller reads: `add` what
 * `nextRange` asks for until it returns null, then `open`.
 */
export function psrfitsHeaderReader(fileSize: number, file: string) {
  const reader = call(file, () => new core.PsrfitsHeaderReader(fileSize));
  return {
    add: (offset: number, bytes: Uint8Array) => call(file, () => reader.add(offset, bytes)),
    nextRange: () => call(file, () => reader.nextRange()),
    open(): PsrfitsHandle {
      const f = call(file, () => core.PsrfitsFile.fromHeaders(reader));
      const handle: PsrfitsHandle = {
        file,
        layout: () => f.layout,
        setFirstRow: (row) => call(file, () => f.setFirstRow(row)),
        trimPadding: (row) => call(file, () => f.trimPadding(row)),
        rowsFor: (start, end) => call(file, () => f.rowsFor(start, end)),
        polarisation: (options) => call(file, () => f.polarisation(options)),
        decode: (rows, firstRow, start, end, options, out, outNtime, outOffset) =>
          call(file, () => f.decode(rows, firstRow, start, end, options, out, outNtime, outOffset)),
        decodeTimeMajor: (rows, firstRow, start, end, options, out) => call(file, () => f.decodeTimeMajor(rows, firstRow, start, end, options, out)),
        summary: () => f.summary(),
        warnings: () => f.warnings,
        notes: () => f.notes,
      };
      psrfitsFiles.set(handle, f);
      return handle;
    },
  };
}

/** Places files of one observation on one time axis (ordered by start time; gaps are left to the caller). */
export function psrfitsPlan(files: readonly PsrfitsHandle[], label: string): core.PsrfitsPlan {
  return call(label, () => {
    const sequence = new core.PsrfitsSequence();
    for (const handle of files) sequence.add(psrfitsFiles.get(handle)!);
    return sequence.plan();
  });
}

/** An image block to colour-map: `[rows][cols]`, row 0 drawn at the bottom. */
export interface ImageBlock {
  data: Float32Array;
  nchan: number;
  ntime: number;
  vmin: number;
  vmax: number;
}

const wholeBlock = (b: ImageBlock): core.CellRange => ({ channelStart: 0, channelEnd: b.nchan, sampleStart: 0, sampleEnd: b.ntime });

/** The PNG of a colour-mapped block, each cell `repeatX` x `repeatY` pixels. */
export const heatmapPng = (b: ImageBlock, cmap: core.ColourMap, repeatX: number, repeatY: number, file?: string) =>
  call(file, () => core.heatmapPng(b.data, grid(b), { range: wholeBlock(b), vmin: b.vmin, vmax: b.vmax, cmap, repeatX, repeatY }));

/** RGBA pixels of a colour-mapped block (matplotlib's colours), each cell `repeatX` x `repeatY` pixels. */
export const colormapRgba = (b: ImageBlock, cmap: core.ColourMap, file?: string, repeatX = 1, repeatY = 1) =>
  call(file, () => core.colormapRgba(b.data, grid(b), { range: wholeBlock(b), vmin: b.vmin, vmax: b.vmax, cmap, repeatX, repeatY }));

/** An RGBA image as a PNG (the bytes `heatmapPng` gives for the same pixels). */
export const rgbaPng = (image: core.RgbaImage) => call(undefined, () => core.rgbaPng(image));

/** `images`: the pixels of the SVG's `wfall-raster:N` hrefs (each used, no other named), as for {@link svgToPng}. */
export const svgToPdf = (svg: string, fonts: core.FontOptions, metadata?: core.MetadataEntry[], images?: core.RgbaImage[]) =>
  call(undefined, () => core.svgToPdf(svg, fonts, metadata, images));

export const svgTextToPaths = (svg: string, fonts: core.FontOptions) => call(undefined, () => core.svgTextToPaths(svg, fonts));

/** `images`: the pixels of the SVG's `wfall-raster:N` hrefs (each used, no other named). */
export const svgToPng = (svg: string, fonts: core.FontOptions, dpi: number, metadata?: core.MetadataEntry[], images?: core.RgbaImage[]) =>
  call(undefined, () => core.svgToPng(svg, fonts, dpi, metadata, images));

/** Images (PNG) of two versions of a figure file and of their difference; `file` names it in errors. */
export const compareFigures = (expected: Uint8Array, actual: Uint8Array, format: core.FigureFileFormat, fonts: core.FontOptions, dpi: number, file?: string) =>
  call(file, () => core.compareFigures(expected, actual, format, fonts, dpi));

export const textWidth = (text: string, style: { fontSize: number; family: string; weight: number; italic: boolean }, fonts: core.FontOptions) =>
  call(undefined, () => core.textWidth(text, style, fonts));

/** The zip CRC-32 of `bytes`, computed in parallel in the core. */
export const crc32 = (bytes: Uint8Array, file?: string, previous?: number) => call(file, () => core.crc32(bytes, previous));

/** The S/N of a time series by a named definition (missing samples skipped). */
export const measureSnr = (series: Float64Array, options: core.SnrOptions, file?: string) => call(file, () => core.measureSnr(series, options));

/** The boxcar of largest S/N over widths 1 ..= `maxWidthSamples`. */
export const boxcarPeak = (series: Float64Array, maxWidthSamples: number, file?: string) => call(file, () => core.boxcarPeak(series, maxWidthSamples));

/** The DM-time plane, on the core's thread pool. `v.data` and `v.weights` must not change until it settles. */
export const dmTimePlane = (
  v: WaterfallView,
  axes: core.Axes,
  dispersion: core.Dispersion,
  trials: core.DmTrials,
  options?: core.PlaneOptions,
  file?: string,
) => callAsync(file, () => core.dmTimePlane(v.data, v.weights, v.zerosMissing, grid(v), axes, dispersion, trials, options));

/** The S/N-vs-DM curve of a plane's rows (each measured whole). */
export const dmSnrCurve = (plane: { dms: Float64Array; ntime: number; data: Float64Array }, options: core.SnrOptions, file?: string) =>
  call(file, () => core.dmSnrCurve(plane.dms, plane.ntime, plane.data, options));

/** DM_phase's structure-maximising DM, on the core's thread pool. `v.data` and `v.weights` must not change until it settles. */
export const bestDmByStructure = (
  v: WaterfallView,
  axes: core.Axes,
  dispersion: core.Dispersion,
  trials: core.DmTrials,
  maxFourierIndex?: number,
  file?: string,
) => callAsync(file, () => core.bestDmByStructure(v.data, v.weights, v.zerosMissing, grid(v), axes, dispersion, trials, maxFourierIndex));

/** The benchmarks' memory-bandwidth probe: sums every value once, in parallel. */
export const readAll = (values: Float32Array) => call(undefined, () => core.readAll(values));

/**
 * The values of the core's string enums. The compiler checks each list against
 * the Rust enum in both directions (a listed value the core lacks is a type
 * error, and so is a core value missing from the list).
 */
export const COLOUR_MAPS = ["viridis", "magma", "inferno", "plasma", "cividis", "gray"] as const satisfies readonly core.ColourMap[];
export const NORMALISATIONS = ["fractional", "zscore", "robust"] as const satisfies readonly core.Normalisation[];
export const REFERENCES = ["top", "bottom", "centre", "infinite"] as const satisfies readonly core.Reference[];
export const WRAPS = ["roll", "invalidate"] as const satisfies readonly core.Wrap[];
export const ZERO_DM_VARIANTS = ["sigpyproc", "jess"] as const satisfies readonly core.ZeroDmVariant[];
export const IQRM_STATISTICS = ["std", "mean", "variance", "skewness", "kurtosis", "cv"] as const satisfies readonly core.IqrmStatistic[];
export const SNR_DEFINITIONS = ["heimdall", "presto", "peak", "weq"] as const satisfies readonly core.SnrDefinition[];
export const PLANE_METHODS = ["auto", "brute", "subband"] as const satisfies readonly core.PlaneMethod[];

type Lists<Union, Listed> = [Exclude<Union, Listed>] extends [never] ? true : false;
type AssertTrue<T extends true> = T;
/** Compile-time proof that the lists above are complete. */
export type EnumListsComplete = AssertTrue<
  Lists<core.ColourMap, (typeof COLOUR_MAPS)[number]> &
    Lists<core.Normalisation, (typeof NORMALISATIONS)[number]> &
    Lists<core.Reference, (typeof REFERENCES)[number]> &
    Lists<core.Wrap, (typeof WRAPS)[number]> &
    Lists<core.ZeroDmVariant, (typeof ZERO_DM_VARIANTS)[number]> &
    Lists<core.IqrmStatistic, (typeof IQRM_STATISTICS)[number]> &
    Lists<core.SnrDefinition, (typeof SNR_DEFINITIONS)[number]> &
    Lists<core.PlaneMethod, (typeof PLANE_METHODS)[number]>
>;
