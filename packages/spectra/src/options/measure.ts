/** How a burst is measured: the S/N definition and the trial DMs (research.md §5.2). */
import { SNR_DEFINITIONS } from "../native.js";
import type { OptionTable, OptionValues } from "./spec.js";

/** FETCH's number of trial DMs for the DM-time plane (`your`'s `dmtime(dmsteps=256)`). */
export const DEFAULT_TRIALS = 256;

export const MEASURE_OPTIONS = {
  definition: {
    kind: "enum",
    values: SNR_DEFINITIONS,
    default: "heimdall",
    help: "S/N definition: heimdall (boxcars of 1, 2, 4, .. samples, MAD noise), presto, peak (your's) or weq (equivalent width)",
  },
  dmRange: {
    kind: "pair",
    help: "trial DMs from LOW to HIGH, pc cm^-3 (plot dm; the DM-time and S/N-vs-DM panels)",
    defaultText: "0 to twice the DM (FETCH's) in figures",
  },
  trials: { kind: "number", integer: true, min: 3, max: 65536, default: DEFAULT_TRIALS, help: "number of trial DMs" },
} as const satisfies OptionTable;

/** How a burst is measured (see {@link MEASURE_OPTIONS}). */
export type MeasureOptions = OptionValues<typeof MEASURE_OPTIONS>;
