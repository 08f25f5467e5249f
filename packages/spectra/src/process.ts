/**
 * The processing a figure or `plot prepare` applies to a waterfall, from
 * {@link ProcessOptions}: masks, normalise, dedisperse, subband, downsample.
 * Defaults come from {@link PROCESS_OPTIONS}. `processWaterfall` also keeps
 * only the samples a read asked for when it read a dispersion sweep around
 * them, and decides what `normalise: "auto"` means for the file.
 */
import { sweepMarginsWithin, type DedisperseOptions } from "./dedispersion.js";
import { WaterfallError } from "./errors.js";
import { applyMaskFile, readMaskFile } from "./masks/files.js";
import { channelsInRange, checkChannels } from "./masks/record.js";
import type { RfiMethods } from "./masks/rfi.js";
import type { SampleWindow, Waterfall } from "./model.js";
import { AUTO_SUBBANDS, PROCESS_OPTIONS, TUTORIAL_MASKS, type ProcessOptions } from "./options/process.js";
import type { SweepTarget } from "./options/read.js";
import { checkOptions, flagOf, type OptionSpec } from "./options/spec.js";
import { Spectra, type ChannelMoments, type MaskMoments } from "./spectra.js";

/** The number of subbands `nsub: "auto"` resolves to for `nchan` channels (null: keep them all). */
export function autoSubbands(nchan: number): number | null {
  return nchan > AUTO_SUBBANDS && nchan % AUTO_SUBBANDS === 0 ? AUTO_SUBBANDS : null;
}

/** The subband count the options ask for, resolved for `nchan` channels (null: keep them all). */
export function subbandsFor(nchan: number, nsub: ProcessOptions["nsub"]): number | null {
  const wanted = nsub ?? PROCESS_OPTIONS.nsub.default;
  const resolved = wanted === "auto" ? autoSubbands(nchan) : wanted === "all" ? null : wanted;
  return resolved === nchan ? null : resolved;
}

/** The channel-mask thresholds the options ask for (`masks` fills in the tutorial's). */
export function maskThresholds(options: ProcessOptions): { sum?: number; variance?: number; constant: boolean } {
  const tutorial: Partial<typeof TUTORIAL_MASKS> = options.masks ? TUTORIAL_MASKS : {};
  return {
    sum: options.maskSum ?? tutorial.maskSum,
    variance: options.maskVariance ?? tutorial.maskVariance,
    constant: options.maskConstant ?? PROCESS_OPTIONS.maskConstant.default,
  };
}

/** The options that ask for masks (the constant-channel mask, on by default, is not one). */
const MASK_OPTIONS = [
  "masks",
  "maskSum",
  "maskVariance",
  "maskChannels",
  "maskFileChannels",
  "maskFreq",
  "maskIqrm",
  "maskSk",
  "maskMad",
  "maskTukey",
  "maskCfod",
  "zeroDm",
  "maskAuto",
  "masksIn",
  "masksOut",
] as const satisfies readonly (keyof ProcessOptions)[];

/**
 * Whether the options ask for masks (any mask option given): commands then
 * print what was masked, by origin. Default runs stay quiet.
 */
export function masksRequested(options: ProcessOptions): boolean {
  return MASK_OPTIONS.some((key) => {
    const value = options[key];
    return value !== undefined && value !== false && !(Array.isArray(value) && value.length === 0);
  });
}

/** How messages name an option and its value: `--mask-var 0.05`. */
function spelled(key: keyof typeof PROCESS_OPTIONS, value?: unknown): string {
  const flag = `--${flagOf(key, PROCESS_OPTIONS[key] as OptionSpec)}`;
  return value === undefined || value === true
    ? flag
    : `${flag} ${Array.isArray(value) ? value.map((r) => (Array.isArray(r) ? r.join(":") : r)).join(",") : value}`;
}

/** Masks given as channels, MHz ranges or a mask file: they need no statistics. */
export function applyGivenMasks(spectra: Spectra, options: ProcessOptions): void {
  const file = spectra.source;
  if (options.maskChannels?.length) {
    checkChannels(options.maskChannels, spectra.nchan, spelled("maskChannels"), file);
    spectra.maskChannels(options.maskChannels, "manual", { option: spelled("maskChannels", options.maskChannels) });
  }
  if (options.maskFileChannels?.length) {
    checkChannels(options.maskFileChannels, spectra.nchan, spelled("maskFileChannels"), file);
    const ours = spectra.fileDescending ? options.maskFileChannels.map((c) => spectra.nchan - 1 - c) : options.maskFileChannels;
    spectra.maskChannels(ours, "manual", {
      description: `${ours.length} channel(s) given in the file's order${spectra.fileDescending ? " (highest frequency first)" : ""}`,
      option: spelled("maskFileChannels", options.maskFileChannels),
    });
  }
  for (const range of options.maskFreq ?? []) {
    const grid = { nchan: spectra.nchan, fbottom: spectra.fbottom, df: spectra.df };
    const channels = channelsInRange(grid, range);
    const top = spectra.fbottom + spectra.nchan * spectra.df;
    if (channels.length === 0) spectra.noteMask(`${spelled("maskFreq", [range])} masks nothing: the band is ${spectra.fbottom}..${top} MHz`);
    spectra.maskChannels(channels, "freq", {
      description: `${range[0]}..${range[1]} MHz`,
      option: spelled("maskFreq", [range]),
      parameters: { lowMhz: range[0], highMhz: range[1] },
    });
  }
  if (options.masksIn !== undefined) applyMaskFile(spectra, readMaskFile(options.masksIn), spelled("masksIn", options.masksIn));
}

/** The RFI methods the options ask for, and the option behind each. */
function rfiMethodsOf(spectra: Spectra, options: ProcessOptions): { methods: RfiMethods; names: Partial<Record<keyof RfiMethods, string>> } {
  const { constant } = maskThresholds(options);
  const iqrmGiven = options.iqrmRadius !== undefined || options.iqrmThreshold !== undefined || options.iqrmStatistic !== undefined;
  if (iqrmGiven && !options.maskIqrm && !options.maskAuto) {
    throw new WaterfallError(
      "E_ARGUMENT",
      `${spelled("iqrmRadius")}, ${spelled("iqrmThreshold")} and ${spelled("iqrmStatistic")} need ${spelled("maskIqrm")}`,
      {
        file: spectra.source,
      },
    );
  }
  if (options.skSigma !== undefined && !options.maskSk)
    throw new WaterfallError("E_ARGUMENT", `${spelled("skSigma")} needs ${spelled("maskSk")}`, { file: spectra.source });
  // The automatic mask's zero-DM runs only on data still dispersed (at DM 0): on dedispersed data it would remove the burst.
  const autoZeroDm = options.maskAuto && spectra.dm === 0 ? "recommended" : undefined;
  if (options.maskAuto && spectra.dm !== 0) spectra.noteMask(`${spelled("maskAuto")}: no zero-DM, the data are dedispersed (DM ${spectra.dm})`);
  const methods: RfiMethods = {
    zeroDm: options.zeroDm ?? autoZeroDm,
    constant: constant && !options.maskAuto, // the automatic mask starts with the constant channels
    iqrm: options.maskIqrm ? { statistic: options.iqrmStatistic, radiusChannels: options.iqrmRadius, thresholdSigma: options.iqrmThreshold } : undefined,
    sk: options.maskSk ? { sigma: options.skSigma } : undefined,
    mad: options.maskMad,
    tukey: options.maskTukey,
    cfod: options.maskCfod,
    auto: options.maskAuto,
  };
  const names: Partial<Record<keyof RfiMethods, string>> = {
    zeroDm: options.zeroDm ? spelled("zeroDm", options.zeroDm) : spelled("maskAuto"),
    constant: "default (--keep-constant turns it off)",
    iqrm: spelled("maskIqrm"),
    sk: spelled("maskSk"),
    mad: spelled("maskMad", options.maskMad),
    tukey: spelled("maskTukey", options.maskTukey),
    cfod: spelled("maskCfod"),
    auto: spelled("maskAuto"),
  };
  return { methods, names };
}

/**
 * Whether samples look raw (bandpass-dominated power): the stored type is an
 * integer one, or every channel's mean is positive, the typical channel's
 * mean is above its spread, and the channel means differ at least tenfold.
 */
export function looksRaw(spectra: Spectra, dtype?: string): boolean {
  return looksRawAndMoments(spectra, dtype).raw;
}

/** {@link looksRaw}, with the channel moments it took (none for an integer type, which decides alone). */
function looksRawAndMoments(spectra: Spectra, dtype?: string): { raw: boolean; moments?: ChannelMoments } {
  if (integerType(dtype)) return { raw: true };
  const moments = spectra.channelMoments();
  return { raw: looksRawByMoments(moments), moments };
}

/** Whether a stored sample type is an integer one (raw counts). */
export function integerType(dtype?: string): boolean {
  return dtype !== undefined && /^(\W?[iu]\d|u?int\d+)$/.test(dtype);
}

/** {@link looksRaw} from per-channel moments over finite samples (whole channels, gathered in parts by the streaming path). */
export function looksRawByMoments({ mean, variance, count }: { mean: ArrayLike<number>; variance: ArrayLike<number>; count: ArrayLike<number> }): boolean {
  const levels: number[] = [];
  const ratios: number[] = [];
  for (let c = 0; c < count.length; c++) {
    if (count[c] === 0) continue;
    if (!(mean[c] > 0)) return false;
    levels.push(mean[c]);
    ratios.push(mean[c] / Math.sqrt(variance[c]));
  }
  if (levels.length === 0) return false;
  const typicalRatio = ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
  return typicalRatio > 1 && Math.max(...levels) >= 10 * Math.min(...levels);
}

/**
 * Refuses a DM whose sweep across the band is longer than the data, unless the
 * data may wrap around. A read of a range (`window`) was checked against the
 * whole file when it was widened by the sweep.
 */
export function checkSweep(
  spectra: Pick<Spectra, "dt" | "df" | "fbottom" | "dm" | "nchan" | "ntime" | "source">,
  options: ProcessOptions,
  window?: SampleWindow,
): void {
  if (options.dm === undefined || options.wrap === "roll" || window) return;
  const axes = { dt: spectra.dt, df: spectra.df, fbottom: spectra.fbottom, dm: spectra.dm };
  sweepMarginsWithin(axes, spectra.nchan, { dm: options.dm, kdm: options.kdm, reference: options.reference }, spectra.ntime, spectra.source);
}

/** The DM a read must hold the dispersion sweep of (`includeSweep`) for these options, if they dedisperse. */
export function sweepTargetOf(options: ProcessOptions): SweepTarget | undefined {
  return options.dm === undefined ? undefined : { dm: options.dm, kdm: options.kdm, reference: options.reference, wrap: options.wrap };
}

/**
 * The options of the steps along time (dedispersion, subbands, downsampling),
 * which run after the per-channel steps: {@link processTime} reads only these.
 * Every other processing option acts on channels ({@link processChannels}).
 */
export const TIME_STEP_OPTIONS = ["dm", "kdm", "reference", "wrap", "nsub", "downsample"] as const satisfies readonly (keyof ProcessOptions)[];

/**
 * `normalise: "auto"` (the default) decided for these samples: robust when
 * they {@link looksRaw}, else none, with a note saying so for a raw file.
 * `moments`: the channel moments of the samples when deciding took them
 * (for {@link processChannels}, which needs them again while nothing has changed the samples).
 */
export function resolveNormalise(
  spectra: Spectra,
  options: ProcessOptions,
  dtype?: string,
): { options: ProcessOptions; note?: string; moments?: ChannelMoments } {
  let moments: ChannelMoments | undefined;
  const resolved = resolveNormaliseBy(
    () => {
      const decided = looksRawAndMoments(spectra, dtype);
      moments = decided.moments;
      return decided.raw;
    },
    options,
    dtype,
  );
  return { ...resolved, moments };
}

/** {@link resolveNormalise} with {@link looksRaw} given (asked only for `"auto"`). */
export function resolveNormaliseBy(isRaw: () => boolean, options: ProcessOptions, dtype?: string): { options: ProcessOptions; note?: string } {
  if (options.normalise !== undefined && options.normalise !== "auto") return { options };
  const raw = isRaw();
  const note = raw
    ? `normalised each channel (robust: (x - median) / (1.4826 MAD)) because the samples are raw ${dtype ?? "power"}; --normalise none keeps them raw`
    : undefined;
  return { options: { ...options, normalise: raw ? "robust" : "none" }, note };
}

/**
 * The per-channel steps, in place, in this order:
 *
 * 1. masks given as channels, MHz ranges or a mask file;
 * 2. when an RFI method is asked for: zero-DM (asked for, or by the automatic
 *    mask on data at DM 0), then one pass of channel statistics for the RFI
 *    methods (IQRM, SK, fences, cfod, automatic) and the constant-channel
 *    mask, on the data as read (before normalising: SK and the automatic mask
 *    need raw power);
 * 3. normalisation (`"auto"` decided on the data as read), then in one pass of
 *    statistics the tutorial's two masks (`|sum|`, variance) on the normalised
 *    data, as the tutorial applies them, and the constant-channel mask when
 *    step 2 did not run.
 *
 * With circular dedispersion they give the same result before dedispersing as
 * after, so they run first. Each masked channel keeps the origin of the first
 * step that masked it (`Spectra.channelMask`). `known`: statistics the caller
 * already has (see {@link KnownChannels}).
 */
export function processChannels(spectra: Spectra, given: ProcessOptions, known: KnownChannels = {}): Spectra {
  const resolved = resolveNormalise(spectra, given);
  const options = resolved.options;
  const asGiven = resolved.moments ?? known.asGiven;
  const masksGiven = GIVEN_MASK_OPTIONS.some((key) => options[key] !== undefined);
  applyGivenMasks(spectra, options);
  const { methods, names } = rfiMethodsOf(spectra, options);
  // Without an RFI method the constant-channel mask joins the tutorial's two in their one pass.
  const rfi = Boolean(methods.zeroDm || methods.iqrm || methods.sk || methods.mad || methods.tukey || methods.cfod || methods.auto);
  if (rfi) spectra.maskRfi(methods, names);
  const method = normalisationOf(options);
  const normalised = method !== undefined;
  if (method && known.streamed) spectra.markNormalised(method, known.streamed.unnormalised);
  else if (method) spectra.normalise(method);
  const { sum, variance, constant } = maskThresholds(options);
  const after = normalised ? ` after ${spelled("normalise", options.normalise)}` : "";
  const via = (key: "maskSum" | "maskVariance") => `${options[key] !== undefined ? spelled(key, options[key]) : `the tutorial's ${spelled("masks")}`}${after}`;
  const unchanged = !masksGiven && !rfi && !normalised;
  if (masksByMoments(options, rfi))
    spectra.maskBy(
      { sum, variance, constant: constant && !rfi },
      { sum: via("maskSum"), variance: via("maskVariance"), constant: names.constant },
      known.streamed ? known.streamed.moments : unchanged ? asGiven : undefined,
    );
  return spectra;
}

/** The options of {@link applyGivenMasks}: masks that change the samples before any statistics. */
export const GIVEN_MASK_OPTIONS = ["maskChannels", "maskFileChannels", "maskFreq", "masksIn"] as const satisfies readonly (keyof ProcessOptions)[];

/** Statistics the caller of {@link processChannels} already has, so they are not computed again. */
export interface KnownChannels {
  /** The channel moments of the samples as given (the masks reuse them when no earlier step changed the samples). */
  asGiven?: ChannelMoments;
  /** What a streaming path gathered over the whole file, for `processChannels` on a skeleton of the band. */
  streamed?: StreamedChannels;
}

/**
 * What the streaming path gathered over the whole file for {@link processChannels}
 * run on a skeleton of the band (one sample per channel): the channels the
 * normalisation could not normalise, and the channel moments of the data
 * after the steps before the masks (asked for only when a mask needs them).
 */
export interface StreamedChannels {
  unnormalised: readonly number[];
  /** Needed when {@link masksByMoments}. */
  moments?: MaskMoments;
}

/** Whether {@link processChannels} masks by channel moments (`|sum|`, variance, constant channels) after normalising; `rfi`: an RFI method ran (it masks the constant channels itself). */
export function masksByMoments(options: ProcessOptions, rfi: boolean): boolean {
  const { sum, variance, constant } = maskThresholds(options);
  return sum !== undefined || variance !== undefined || (constant && !rfi);
}

/** The normalisation resolved options apply, or undefined when they keep the samples as they are ("none", or "auto" not yet decided). */
export function normalisationOf(options: ProcessOptions): Exclude<ProcessOptions["normalise"], "none" | "auto" | undefined> | undefined {
  const method = options.normalise;
  return method === undefined || method === "none" || method === "auto" ? undefined : method;
}

/** How the processing options dedisperse (the wrap's default resolved). */
export function dedisperseOptionsOf(options: ProcessOptions): Required<Pick<DedisperseOptions, "wrap">> & DedisperseOptions {
  return { kdm: options.kdm, reference: options.reference, wrap: options.wrap ?? PROCESS_OPTIONS.wrap.default };
}

/** Whether {@link processTime} writes into the arrays it is given (dedispersion without subbands); otherwise it makes new ones. */
export function processTimeWritesInPlace(nchan: number, options: ProcessOptions): boolean {
  return options.dm !== undefined && subbandsFor(nchan, options.nsub) === null;
}

/**
 * The steps along time, after {@link processChannels}: dedisperse and
 * subband in one pass over the data, keep the `window` a read asked for (when
 * it also read the sweep around it), then downsample. The input's arrays are
 * written only when {@link processTimeWritesInPlace} says so.
 */
export function processTime(spectra: Spectra, options: ProcessOptions, window?: SampleWindow): Spectra {
  checkSweep(spectra, options, window);
  const dedisperse = dedisperseOptionsOf(options);
  const nsub = subbandsFor(spectra.nchan, options.nsub);
  if (options.dm !== undefined && nsub !== null) spectra.dedisperseSubband(options.dm, nsub, dedisperse);
  else if (options.dm !== undefined) spectra.dedisperse(options.dm, dedisperse);
  else if (nsub !== null) spectra.subband(nsub);
  return keepWindowDownsampled(spectra, options, window);
}

/** The last steps along time: keep the `window` a read asked for (when it also read the sweep), then downsample. */
export function keepWindowDownsampled(spectra: Spectra, options: ProcessOptions, window?: SampleWindow): Spectra {
  const kept = window ? spectra.slice(window.offset, window.count) : spectra;
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  if (factor !== 1) kept.downsample(factor);
  return kept;
}

/**
 * Applies the processing options to a Spectra in place (cropping makes a new
 * one, which is returned): {@link processChannels}, then
 * {@link processTime}. The tutorial's order is dedisperse, mask by sum, mask
 * by variance, subband; with circular dedispersion every per-channel step
 * gives the same result before dedispersing, so those run first and
 * dedispersion and subbanding then share one pass over the data. `window`
 * keeps only those samples after dedispersion (a read that also holds the
 * sweep). `asGiven`: the channel moments of `spectra` as given, when the
 * caller has them ({@link processChannels}).
 */
export function processSpectra(spectra: Spectra, options: ProcessOptions, window?: SampleWindow, asGiven?: ChannelMoments): Spectra {
  checkOptions(PROCESS_OPTIONS, options, spectra.source);
  checkSweep(spectra, options, window);
  return processTime(processChannels(spectra, options, { asGiven }), options, window);
}

/** A processed waterfall, what the processing decided on its own (for stderr), and what was done (for provenance). */
export interface Processed {
  spectra: Spectra;
  notes: string[];
  /** The processing as applied, defaults resolved: what `plot prepare` records beside its output. */
  applied: AppliedProcessing;
}

/** What processing did, every default resolved. */
export interface AppliedProcessing {
  /** The DM the data were at and the DM they are at now, pc cm^-3. */
  fromDm: number;
  dm: number;
  kdm: number;
  reference: string | number;
  wrap: string;
  normalise: string;
  masks: { sum?: number; variance?: number; constant: boolean; channels: number[] };
  /** Channels before and after subbanding. */
  channels: [number, number];
  downsample: number;
}

/**
 * `processSpectra` for a waterfall read from a file: `normalise: "auto"`
 * looks at the stored sample type too, and a read that holds a dispersion
 * sweep is cut back to the samples asked for.
 */
export function processWaterfall(waterfall: Waterfall, options: ProcessOptions): Processed {
  const spectra = Spectra.fromWaterfall(waterfall);
  const { options: resolved, note, moments } = resolveNormalise(spectra, options, waterfall.dtype);
  const notes = note ? [note] : [];
  const fromDm = spectra.dm;
  const nchan = spectra.nchan;
  const processed = processSpectra(spectra, resolved, waterfall.window, moments);
  return { spectra: processed, notes, applied: appliedProcessing(resolved, fromDm, nchan, processed) };
}

/** What processing with the `resolved` options did, for provenance. */
export function appliedProcessing(resolved: ProcessOptions, fromDm: number, nchan: number, processed: Spectra): AppliedProcessing {
  const { sum, variance, constant } = maskThresholds(resolved);
  return {
    fromDm,
    dm: processed.dm,
    kdm: resolved.kdm ?? PROCESS_OPTIONS.kdm.default,
    reference: resolved.reference ?? PROCESS_OPTIONS.reference.default,
    wrap: resolved.wrap ?? PROCESS_OPTIONS.wrap.default,
    normalise: resolved.normalise ?? "none",
    masks: { sum, variance, constant, channels: resolved.maskChannels ?? [] },
    channels: [nchan, processed.nchan],
    downsample: resolved.downsample ?? PROCESS_OPTIONS.downsample.default,
  };
}
