/**
 * How a waterfall is processed before it is drawn or written: dedispersion,
 * channel masks, normalisation, subbands, downsampling.
 */
import { IQRM_STATISTICS, K_DM_CHIME, NORMALISATIONS, REFERENCES, WRAPS, ZERO_DM_VARIANTS } from "../native.js";
import type { OptionTable, OptionValues } from "./spec.js";

/** The tutorial's two channel-mask thresholds (`plot_intensity_wfalls_multi.py`). */
export const TUTORIAL_MASKS = { maskSum: 2, maskVariance: 0.05 } as const;

/** The subband count `nsub: "auto"` aims for (the tutorial's). */
export const AUTO_SUBBANDS = 128;

export const PROCESS_OPTIONS = {
  dm: {
    kind: "number",
    min: 0,
    errorCode: "E_DM_RANGE",
    help: "target DM in pc cm^-3 (dedisperse to it)",
    defaultText: "the DM of the file (no dedispersion)",
  },
  kdm: { kind: "number", above: 0, default: K_DM_CHIME, help: "dispersion constant, MHz^2 s cm^3 / pc (4148.808 is the other convention)" },
  reference: {
    kind: "numberOr",
    values: REFERENCES,
    above: 0,
    default: "top",
    help: "dedispersion reference frequency: top, bottom, centre, infinite, or MHz (top = the highest channel)",
  },
  nsub: {
    kind: "numberOr",
    values: ["auto", "all"],
    integer: true,
    min: 1,
    default: "auto",
    help: "number of subbands, a divisor of the channel count; auto: 128 when the channels are a larger multiple of 128, else all; all: no subbanding",
  },
  downsample: { kind: "number", integer: true, min: 1, default: 1, help: "average this many adjacent samples after dedispersion" },
  normalise: {
    kind: "enum",
    values: [...NORMALISATIONS, "none", "auto"],
    default: "auto",
    help: "normalise each channel first: fractional, zscore, robust, none, or auto (robust for raw data: integer samples, or positive power whose channel means differ tenfold; none otherwise)",
  },
  masks: {
    kind: "boolean",
    default: false,
    help: "the tutorial's two channel masks (|sum| > 2, variance > 0.05), as plot_intensity_wfalls_multi.py applies them",
  },
  maskSum: { kind: "number", min: 0, help: "mask channels whose |nansum over time| exceeds this", defaultText: "off (2 with --masks)" },
  maskVariance: { kind: "number", min: 0, flag: "mask-var", help: "mask channels whose nanvar over time exceeds this", defaultText: "off (0.05 with --masks)" },
  maskChannels: {
    kind: "channels",
    help: "channels to mask: 0-60,75, numbered by wfall (0 = the lowest frequency, before subbanding; repeatable); see --mask-file-channels",
  },
  wrap: {
    kind: "enum",
    values: WRAPS,
    default: "invalidate",
    help: "samples dedispersion moves past an end: invalidate (blank them) or roll (wrap them around, np.roll; also allows a sweep longer than the data)",
  },
  maskConstant: {
    kind: "boolean",
    default: true,
    negation: "keep-constant",
    negationHelp: "do not mask channels that are constant in time (masked by default: other tools' fill values)",
    help: "mask channels that are constant in time (other tools' fill values)",
  },
  maskFileChannels: {
    kind: "channels",
    help: "channels to mask as the file numbers them: 0 = the file's first channel, the highest frequency when its frequencies descend (SIGPROC foff < 0); repeatable",
  },
  maskFreq: { kind: "ranges", help: "mask the channels overlapping LOW:HIGH MHz (repeatable)" },
  maskIqrm: {
    kind: "boolean",
    default: false,
    help: "IQRM (Morello et al. 2022): mask channels whose --iqrm-statistic is an outlier against channels up to --iqrm-radius away",
  },
  iqrmRadius: { kind: "number", integer: true, min: 1, help: "IQRM radius, channels", defaultText: "10 % of the channels, as the IQRM paper advises" },
  iqrmThreshold: { kind: "number", above: 0, default: 3, help: "IQRM threshold, Gaussian sigma (Tukey's rule on lagged differences)" },
  iqrmStatistic: {
    kind: "enum",
    values: IQRM_STATISTICS,
    default: "std",
    help: "per-channel statistic IQRM compares: std, mean, variance, skewness, kurtosis or cv (std/mean)",
  },
  maskSk: {
    kind: "boolean",
    default: false,
    help: "spectral kurtosis (your's estimator: N from the sample time and channel width, d from the data): mask channels outside median +- sigma 1.4826 MAD; raw power data only",
  },
  skSigma: { kind: "number", above: 0, default: 5, help: "spectral kurtosis threshold, in 1.4826 MAD (your's sigma)" },
  maskMad: {
    kind: "number",
    above: 0,
    help: "mask channels whose mean or variance lies outside median +- K 1.4826 MAD over the channels (K in sigma, e.g. 5); cfod's catalogue rule is --mask-cfod",
  },
  maskTukey: {
    kind: "number",
    above: 0,
    help: "mask channels whose mean or variance lies outside Q1 - K IQR .. Q3 + K IQR (Tukey: 1.5 outliers, 3 far out; cfod's rule is 1.5 on the mean plus a variance cut: --mask-cfod)",
  },
  maskCfod: {
    kind: "boolean",
    default: false,
    help: "cfod's CHIME/FRB catalogue rule: variance > 3x the mean channel variance, or mean outside Tukey's 1.5 fences (normalised data)",
  },
  zeroDm: {
    kind: "enum",
    values: ZERO_DM_VARIANTS,
    help: "zero-DM subtraction (Eatough et al. 2009), data at DM 0 only: sigpyproc (x - sum(x) bp/sum(bp) + bp, power data) or jess (x - mean over channels + bp)",
    defaultText: "off",
  },
  maskAuto: {
    kind: "boolean",
    default: false,
    help: "the recommended masks for unknown data: zero-DM (only at DM 0), constant channels, IQRM on std/mean (power) or std, spectral kurtosis (power)",
  },
  masksIn: { kind: "string", help: "apply the channel masks of a JSON mask file (--masks-out) or of a PRESTO rfifind .mask" },
  masksOut: { kind: "string", help: "write the channel masks, their frequencies and origins to this JSON file" },
} as const satisfies OptionTable;

/** How {@link processSpectra} processes a waterfall (see {@link PROCESS_OPTIONS}). */
export type ProcessOptions = OptionValues<typeof PROCESS_OPTIONS>;
