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
 * Applies the processing options to a Spectra in place. The tutorial's order
 * is dedisperse, mask by sum, mask by variance, subband; with circular
 * dedispersion every per-channel step (normalising, the masks) gives the same
 * result before dedispersing, so they run first, on one pass of channel
 * statistics, and dedispersion and subbanding then share one pass over the data.
 */
export function processSpectra(spectra: Spectra, options: ProcessOptions): Spectra {
  checkOptions(PROCESS_OPTIONS, options, spectra.source);
  const dedisperse = { kdm: options.kdm, reference: options.reference };
  if (options.normalise) spectra.normalise(options.normalise);
  spectra.maskBy(maskThresholds(options));
  if (options.maskChannels?.length) spectra.maskChannels(options.maskChannels);
  const nsub = subbandsFor(spectra.nchan, options.nsub);
  if (options.dm !== undefined && nsub !== null) spectra.dedisperseSubband(options.dm, nsub, dedisperse);
  else if (options.dm !== undefined) spectra.dedisperse(options.dm, dedisperse);
  else if (nsub !== null) spectra.subband(nsub);
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  if (factor !== 1) spectra.downsample(factor);
  return spectra;
}
