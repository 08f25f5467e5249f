/**
 * How a file is read: values given instead of (or over) the file's, the time
 * range, where an npz keeps its waterfall, and how a PSRFITS file is decoded.
 * Every format honours the given values and the range (the reading pipeline
 * applies them once, for all); `layout` and `keys` are the npz format's own,
 * `pol` and `apply*` PSRFITS's, and an error for any other.
 */
import type { Reference } from "../native.js";
import type { OptionTable, OptionValues } from "./spec.js";

/** The named values of `pol`: total intensity summed or averaged, or a pol by its POL_TYPE name. */
export const PSRFITS_POLS = ["sum", "mean", "AA", "BB", "CR", "CI", "I", "Q", "U", "V"] as const;

/** Fields of the waterfall an npz key can hold. */
export const KEY_FIELDS = ["intensity", "dt", "df", "fbottom", "freqs", "dm"] as const;

export const READ_OPTIONS = {
  dt: { kind: "number", above: 0, help: "sample time in s (for a plain .npy, or to override the file's)" },
  df: { kind: "number", above: 0, help: "channel width in MHz (for a plain .npy, or to override the file's)" },
  fbottom: { kind: "number", above: 0, help: "lower edge of the band in MHz (for a plain .npy, or to override the file's)" },
  fileDm: { kind: "number", help: "the DM the data are already dedispersed to", defaultText: "the file's, or 0" },
  start: { kind: "number", min: 0, help: "first second to read, from the start of the file", defaultText: "0" },
  duration: { kind: "number", above: 0, help: "seconds to read", defaultText: "to the end" },
  layout: { kind: "string", help: "npz only: the layout (tutorial, frbgui, CHIME/FRB)", defaultText: "detected from the keys" },
  keys: {
    kind: "pairs",
    flag: "key",
    names: KEY_FIELDS,
    help: "npz only: the key of a field, FIELD=NAME with FIELD one of intensity, dt, df, fbottom, freqs, dm (repeatable)",
  },
  pol: {
    kind: "numberOr",
    values: PSRFITS_POLS,
    integer: true,
    min: 0,
    max: 3,
    help:
      "PSRFITS only: sum = total intensity (pol 0 of AA+BB, INTEN, IQUV; AA + BB of AABB, AABBCRCI, which is Stokes I, on the scale " +
      "of the other types, as PRESTO's C reader and psrfits2fil do); mean = (AA + BB)/2 (your, PRESTO's Python); or one pol by number or name",
    default: "sum",
  },
  applyScales: {
    kind: "boolean",
    default: true,
    negation: "no-scales",
    help: "PSRFITS only: multiply by DAT_SCL",
    negationHelp: "PSRFITS only: do not multiply by DAT_SCL (psrfits2fil --noscales)",
  },
  applyOffsets: {
    kind: "boolean",
    default: true,
    negation: "no-offsets",
    help: "PSRFITS only: add DAT_OFFS",
    negationHelp: "PSRFITS only: do not add DAT_OFFS (psrfits2fil --nooffsets)",
  },
  applyWeights: {
    kind: "boolean",
    default: true,
    negation: "no-weights",
    help: "PSRFITS only: multiply by DAT_WTS (a channel of weight 0 is masked)",
    negationHelp: "PSRFITS only: do not apply DAT_WTS, so channels of weight 0 are kept (psrfits2fil --noweights)",
  },
} as const satisfies OptionTable;

/** The dedispersion a read prepares for: the read then holds the dispersion sweep around its time range. */
export interface SweepTarget {
  /** Target DM, pc cm^-3. */
  dm: number;
  kdm?: number;
  reference?: Reference | number;
}

/** How {@link openWaterfall} reads a file (see {@link READ_OPTIONS} for each option). */
export type ReadOptions = OptionValues<typeof READ_OPTIONS> & {
  /**
   * Read the samples the dispersion sweep at this DM needs around the time
   * range as well, so that dedispersing never wraps data from the other end
   * of the window into it. The waterfall's `window` then says which samples
   * were asked for.
   */
  includeSweep?: SweepTarget;
  /** Channel centres in MHz, in row order, instead of `fbottom` and `df` (evenly spaced; descending rows are flipped). */
  freqs?: ArrayLike<number>;
  /** Largest allocation allowed while reading, bytes. Default: `WFALL_MAX_BYTES`, or half the machine's memory. */
  maxBytes?: number;
};
