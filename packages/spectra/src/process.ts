/**
 * The processing a figure or `plot prepare` applies to a waterfall, from
 * {@link ProcessOptions}: normalise, mask, dedisperse, subband, downsample.
 * Defaults come from {@link PROCESS_OPTIONS}. `processWaterfall` also keeps
 * only the samples a read asked for when it read a dispersion sweep around
 * them, and decides what `normalise: "auto"` means for the file.
 */
import { sweepMargins } from "./dedispersion.js";
import { WaterfallError } from "./errors.js";
import { bandEdges, type SampleWindow, type Waterfall } from "./model.js";
import { AUTO_SUBBANDS, PROCESS_OPTIONS, TUTORIAL_MASKS, type ProcessOptions } from "./options/process.js";
import type { SweepTarget } from "./options/read.js";
import { checkOptions } from "./options/spec.js";
import { Spectra } from "./spectra.js";

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

/**
 * Whether samples look raw (bandpass-dominated power): the stored type is an
 * integer one, or every channel's mean is positive, the typical channel's
 * mean is above its spread, and the channel means differ at least tenfold.
 */
export function looksRaw(spectra: Spectra, dtype?: string): boolean {
  if (dtype && /^(\W?[iu]\d|u?int\d+)$/.test(dtype)) return true;
  const { mean, variance, count } = spectra.channelStats();
  const levels: number[] = [];
  const ratios: number[] = [];
  for (let c = 0; c < spectra.nchan; c++) {
    if (count[c] === 0) continue;
    if (!(mean[c] > 0)) return false;
    levels.push(mean[c]);
    ratios.push(mean[c] / Math.sqrt(variance[c]));
  }
  if (levels.length === 0) return false;
  const typicalRatio = ratios.sort((a, b) => a - b)[Math.floor(ratios.length / 2)];
  return typicalRatio > 1 && Math.max(...levels) >= 10 * Math.min(...levels);
}

/** Refuses a DM whose sweep across the band is longer than the data, unless the data may wrap around. */
function checkSweep(spectra: Spectra, options: ProcessOptions): void {
  if (options.dm === undefined || options.wrap === "roll") return;
  const axes = { dt: spectra.dt, df: spectra.df, fbottom: spectra.fbottom, dm: spectra.dm };
  const { before, after } = sweepMargins(axes, spectra.nchan, { dm: options.dm, kdm: options.kdm, reference: options.reference }, spectra.source);
  if (before + after < spectra.ntime) return;
  const [low, high] = bandEdges(spectra, spectra.nchan).map((f) => f.toFixed(0));
  throw new WaterfallError(
    "E_DM_RANGE",
    `DM ${options.dm} needs ${((before + after) * spectra.dt).toFixed(1)} s across ${low}-${high} MHz; the data hold ${(spectra.ntime * spectra.dt).toFixed(1)} s (a typo? --wrap roll wraps the data around anyway)`,
    { file: spectra.source },
  );
}

/** The DM a read must hold the dispersion sweep of (`includeSweep`) for these options, if they dedisperse. */
export function sweepTargetOf(options: ProcessOptions): SweepTarget | undefined {
  return options.dm === undefined ? undefined : { dm: options.dm, kdm: options.kdm, reference: options.reference };
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
 */
export function resolveNormalise(spectra: Spectra, options: ProcessOptions, dtype?: string): { options: ProcessOptions; note?: string } {
  if (options.normalise !== undefined && options.normalise !== "auto") return { options };
  const raw = looksRaw(spectra, dtype);
  const note = raw
    ? `normalised each channel (robust: (x - median) / (1.4826 MAD)) because the samples are raw ${dtype ?? "power"}; --normalise none keeps them raw`
    : undefined;
  return { options: { ...options, normalise: raw ? "robust" : "none" }, note };
}

/**
 * The per-channel steps, in place: normalise, then the channel masks. With
 * circular dedispersion they give the same result before dedispersing as
 * after, so they run first, on one pass of channel statistics.
 */
export function processChannels(spectra: Spectra, options: ProcessOptions): Spectra {
  const { normalise } = resolveNormalise(spectra, options).options;
  if (normalise !== undefined && normalise !== "none" && normalise !== "auto") spectra.normalise(normalise);
  spectra.maskBy(maskThresholds(options));
  if (options.maskChannels?.length) spectra.maskChannels(options.maskChannels);
  return spectra;
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
  checkSweep(spectra, options);
  const dedisperse = { kdm: options.kdm, reference: options.reference, wrap: options.wrap ?? PROCESS_OPTIONS.wrap.default };
  const nsub = subbandsFor(spectra.nchan, options.nsub);
  if (options.dm !== undefined && nsub !== null) spectra.dedisperseSubband(options.dm, nsub, dedisperse);
  else if (options.dm !== undefined) spectra.dedisperse(options.dm, dedisperse);
  else if (nsub !== null) spectra.subband(nsub);
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
 * sweep).
 */
export function processSpectra(spectra: Spectra, options: ProcessOptions, window?: SampleWindow): Spectra {
  checkOptions(PROCESS_OPTIONS, options, spectra.source);
  checkSweep(spectra, options);
  return processTime(processChannels(spectra, options), options, window);
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
  const { options: resolved, note } = resolveNormalise(spectra, options, waterfall.dtype);
  const notes = note ? [note] : [];
  const fromDm = spectra.dm;
  const nchan = spectra.nchan;
  const processed = processSpectra(spectra, resolved, waterfall.window);
  const { sum, variance, constant } = maskThresholds(resolved);
  const applied: AppliedProcessing = {
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
  return { spectra: processed, notes, applied };
}
