/**
 * `processSpectra`: the processing a figure or `plot prepare` applies to a
 * waterfall, from {@link ProcessOptions}: masks, normalise, dedisperse,
 * subband, downsample. Defaults come from {@link PROCESS_OPTIONS}.
 */
import { WaterfallError } from "./errors.js";
import { applyMaskFile, readMaskFile } from "./masks/files.js";
import { channelsInRange, checkChannels } from "./masks/record.js";
import type { RfiMethods } from "./masks/rfi.js";
import { checkOptions, flagOf, type OptionSpec } from "./options/spec.js";
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
function applyGivenMasks(spectra: Spectra, options: ProcessOptions): void {
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
 * Applies the processing options to a Spectra in place, in this order:
 *
 * 1. masks given as channels, MHz ranges or a mask file;
 * 2. when an RFI method is asked for: zero-DM (asked for, or by the automatic
 *    mask on data at DM 0), then one pass of channel statistics for the RFI
 *    methods (IQRM, SK, fences, cfod, automatic) and the constant-channel
 *    mask, on the data as read (before normalising: SK and the automatic mask
 *    need raw power);
 * 3. normalisation, then in one pass of statistics the tutorial's two masks
 *    (`|sum|`, variance) on the normalised data, as the tutorial applies them,
 *    and the constant-channel mask when step 2 did not run;
 * 4. dedispersion and subbanding in one pass, then downsampling.
 *
 * With circular dedispersion every per-channel step gives the same result
 * before dedispersing. Each masked channel keeps the origin of the first step
 * that masked it (`Spectra.channelMask`).
 */
export function processSpectra(spectra: Spectra, options: ProcessOptions): Spectra {
  checkOptions(PROCESS_OPTIONS, options, spectra.source);
  const dedisperse = { kdm: options.kdm, reference: options.reference };
  applyGivenMasks(spectra, options);
  const { methods, names } = rfiMethodsOf(spectra, options);
  // Without an RFI method the constant-channel mask joins the tutorial's two in their one pass, as before.
  const rfi = Boolean(methods.zeroDm || methods.iqrm || methods.sk || methods.mad || methods.tukey || methods.cfod || methods.auto);
  if (rfi) spectra.maskRfi(methods, names);
  if (options.normalise) spectra.normalise(options.normalise);
  const { sum, variance, constant } = maskThresholds(options);
  const after = options.normalise ? ` after ${spelled("normalise", options.normalise)}` : "";
  const via = (key: "maskSum" | "maskVariance") => `${options[key] !== undefined ? spelled(key, options[key]) : `the tutorial's ${spelled("masks")}`}${after}`;
  if (sum !== undefined || variance !== undefined || (constant && !rfi))
    spectra.maskBy({ sum, variance, constant: constant && !rfi }, { sum: via("maskSum"), variance: via("maskVariance"), constant: names.constant });
  const nsub = subbandsFor(spectra.nchan, options.nsub);
  if (options.dm !== undefined && nsub !== null) spectra.dedisperseSubband(options.dm, nsub, dedisperse);
  else if (options.dm !== undefined) spectra.dedisperse(options.dm, dedisperse);
  else if (nsub !== null) spectra.subband(nsub);
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  if (factor !== 1) spectra.downsample(factor);
  return spectra;
}
