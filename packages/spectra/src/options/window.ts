/** Which samples a figure shows and how its colours are scaled (the tutorial's arithmetic, SPEC.md). */
import type { OptionTable, OptionValues } from "./spec.js";

/** How the window's centre is found (`peakTime` overrides both). */
export const PEAK_RULES = ["boxcar", "argmax"] as const;

export const WINDOW_OPTIONS = {
  windowMs: { kind: "number", above: 0, default: 25, help: "half-width of the plotted window, ms" },
  vmin: { kind: "number", help: "lower colour limit", defaultText: "the vmin-percentile of the plotted window" },
  vmax: { kind: "number", help: "upper colour limit", defaultText: "the vmax-percentile of the off-pulse samples" },
  vminPercentile: { kind: "number", min: 0, max: 100, default: 2.5, help: "percentile of the plotted window giving vmin" },
  vmaxPercentile: { kind: "number", min: 0, max: 100, default: 97.5, help: "percentile of the off-pulse samples giving vmax" },
  offPulseSamples: { kind: "number", integer: true, min: 1, default: 41, help: "off-pulse samples (just before the window) giving vmax" },
  vmaxFrom: {
    kind: "enum",
    values: ["off-pulse", "on-pulse"],
    default: "off-pulse",
    help: "where vmax's percentile is taken: the off-pulse samples (the tutorial's rule; a bright burst saturates) or the plotted window",
  },
  peak: {
    kind: "enum",
    values: PEAK_RULES,
    default: "boxcar",
    help: "where the window is centred: boxcar (the best boxcar of the time series, widths 1 sample to the window) or argmax (the tutorial's brightest sample)",
  },
  peakTime: {
    kind: "number",
    min: 0,
    help: "centre the window on the sample holding this time, s from the start of the file (at the reference frequency); overrides peak",
    defaultText: "where peak puts it",
  },
} as const satisfies OptionTable;

/** Window and colour-limit options of a figure (see {@link WINDOW_OPTIONS}). */
export type WindowOptions = OptionValues<typeof WINDOW_OPTIONS>;
