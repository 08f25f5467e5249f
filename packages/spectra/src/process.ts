/**
 * `processSpectra`: the processing a figure or `plot prepare` applies to a
 * waterfall, from {@link ProcessOptions}: normalise, mask, dedisperse,
 * subband, downsample. Defaults come from {@link PROCESS_OPTIONS}.
 */
import { checkOptions } from "./options/spec.js";
import { AUTO_SUBBANDS, PROCESS_OPTIONS, TUTORIAL_MASKS, type ProcessOptions } from "./options/process.js";
import type { Spectra } from "./spectra.js";

/** The number of subbands `nsub: "auto"` resolves to for `nchan` channels (null: keep them all). */
export function autoSubbands(nchan: number): number | null {
  return nchan > AUTO_SUBBANDS && nchan % AUTO_SUBBANDS === 0 ? AUTO_SUBBANDS : null;
}

/** The subband count the options ask for, resolved for `nchan` channels (null: keep them all). */
export function subbandsFor(nchan: number, nsub: ProcessOptions["nsub"]): number | null {
  const wanted = nsub ?? PROCESS_OPTIONS.nsub.default;
  const resolved = wanted === "auto" ? autoSubbands(nchan) : wanted;
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
 * The options of the steps along time (dedispersion, subbands, downsampling),
 * which run after the per-channel steps: {@link processTime} reads only these.
 * Every other processing option acts on channels ({@link processChannels}).
 */
export const TIME_STEP_OPTIONS = ["dm", "kdm", "reference", "nsub", "downsample"] as const satisfies readonly (keyof ProcessOptions)[];

/**
 * The per-channel steps, in place: normalise, then the channel masks. With
 * circular dedispersion they give the same result before dedispersing as
 * after, so they run first, on one pass of channel statistics.
 */
export function processChannels(spectra: Spectra, options: ProcessOptions): Spectra {
  if (options.normalise) spectra.normalise(options.normalise);
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
 * subband in one pass over the data, then downsample. The input's arrays are
 * written only when {@link processTimeWritesInPlace} says so.
 */
export function processTime(spectra: Spectra, options: ProcessOptions): Spectra {
  const dedisperse = { kdm: options.kdm, reference: options.reference };
  const nsub = subbandsFor(spectra.nchan, options.nsub);
  if (options.dm !== undefined && nsub !== null) spectra.dedisperseSubband(options.dm, nsub, dedisperse);
  else if (options.dm !== undefined) spectra.dedisperse(options.dm, dedisperse);
  else if (nsub !== null) spectra.subband(nsub);
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  if (factor !== 1) spectra.downsample(factor);
  return spectra;
}

/**
 * Applies the processing options to a Spectra in place. The tutorial's order
 * is dedisperse, mask by sum, mask by variance, subband; with circular
 * dedispersion every per-channel step (normalising, the masks) gives the same
 * result before dedispersing, so they run first ({@link processChannels}),
 * and dedispersion and subbanding then share one pass over the data
 * ({@link processTime}).
 */
export function processSpectra(spectra: Spectra, options: ProcessOptions): Spectra {
  checkOptions(PROCESS_OPTIONS, options, spectra.source);
  return processTime(processChannels(spectra, options), options);
}
