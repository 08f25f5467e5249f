/**
 * How a waterfall is processed before it is drawn or written: dedispersion,
 * channel masks, normalisation, subbands, downsampling.
 */
import { K_DM_CHIME, NORMALISATIONS, REFERENCES, WRAPS } from "../native.js";
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
  maskChannels: { kind: "channels", help: "channels to mask: 0-60,75 (0 = the lowest frequency, before subbanding; repeatable)" },
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
} as const satisfies OptionTable;

/** How {@link processSpectra} processes a waterfall (see {@link PROCESS_OPTIONS}). */
export type ProcessOptions = OptionValues<typeof PROCESS_OPTIONS>;
