/**
 * Where a figure's window lies: its centre (the best boxcar of the time
 * series, its brightest sample, a time or a sample) and the samples around it.
 */
import { argmax } from "./arrays.js";
import { WaterfallError } from "./errors.js";
import * as native from "./native.js";
import { WINDOW_OPTIONS, type WindowOptions } from "./options/window.js";
import type { Spectra } from "./spectra.js";

const ms = 1000;

/** How a figure's window centre was chosen. */
export type PeakRule = "boxcar" | "argmax" | "time" | "sample";

/** Options of {@link figureWindow}: the window's size and how its centre is chosen. */
export interface WindowCentreOptions extends Pick<WindowOptions, "windowMs" | "peak" | "peakTime"> {
  /** Centre the window on this sample (overrides `peak` and `peakTime`). */
  peakSample?: number;
}

/** The samples a figure plots: its centre (before and after the edge clamp) and range. */
export interface FigureWindow {
  rawPeak: number;
  peakRule: PeakRule;
  peak: number;
  halfWidthSamples: number;
  sampleStart: number;
  sampleEnd: number;
}

/**
 * Where a figure's window lies: `ceil(windowMs / dt)` samples either side of
 * its centre, the centre moved inward when closer than that to an edge. The
 * centre is `peakSample`, else the sample holding `peakTime`, else the centre
 * of the best boxcar of the time series over widths from 1 sample to the
 * window (`peak: "boxcar"`, the default; a series without noise falls back to
 * the brightest sample), or its brightest sample (`peak: "argmax"`, the
 * tutorial's rule).
 * @throws {WaterfallError} `E_EMPTY_WINDOW` when the window does not fit in the data; `E_ARGUMENT` for a centre outside it.
 */
export function figureWindow(spectra: Spectra, series: Float64Array, options: WindowCentreOptions = {}): FigureWindow {
  const file = spectra.source;
  const fail = (code: "E_EMPTY_WINDOW" | "E_ARGUMENT", message: string) => new WaterfallError(code, message, { file });
  const windowMs = options.windowMs ?? WINDOW_OPTIONS.windowMs.default;
  const halfWidthSamples = Math.ceil(windowMs / ms / spectra.dt);
  const ncols = 2 * halfWidthSamples - 1;
  const ntime = spectra.ntime;
  if (ncols > ntime) {
    throw fail(
      "E_EMPTY_WINDOW",
      `a ${windowMs.toPrecision(3)} ms window needs ${ncols} samples but the data has ${ntime} (${(ntime * spectra.dt * ms).toPrecision(4)} ms); use a smaller window`,
    );
  }
  const { rawPeak, peakRule } = centreOf(spectra, series, options, ncols);
  if (!(Number.isSafeInteger(rawPeak) && rawPeak >= 0 && rawPeak < ntime))
    throw fail("E_ARGUMENT", `peak must be a sample index in 0..${ntime - 1}, got ${rawPeak}`);
  const peak = Math.min(Math.max(rawPeak, halfWidthSamples - 1), ntime - halfWidthSamples);
  return { rawPeak, peakRule, peak, halfWidthSamples, sampleStart: peak - halfWidthSamples + 1, sampleEnd: peak + halfWidthSamples };
}

function centreOf(spectra: Spectra, series: Float64Array, options: WindowCentreOptions, ncols: number): { rawPeak: number; peakRule: PeakRule } {
  if (options.peakSample !== undefined) return { rawPeak: options.peakSample, peakRule: "sample" };
  if (options.peakTime !== undefined) {
    const sample = Math.floor((options.peakTime - spectra.start) / spectra.dt);
    if (!(sample >= 0 && sample < spectra.ntime)) {
      const end = spectra.start + spectra.ntime * spectra.dt;
      throw new WaterfallError("E_ARGUMENT", `peak time ${options.peakTime} s is outside the data read (${spectra.start} .. ${+end.toFixed(6)} s)`, {
        file: spectra.source,
      });
    }
    return { rawPeak: sample, peakRule: "time" };
  }
  if ((options.peak ?? WINDOW_OPTIONS.peak.default) === "argmax") return { rawPeak: argmax(series), peakRule: "argmax" };
  try {
    return { rawPeak: native.boxcarPeak(series, ncols, spectra.source).centreSample, peakRule: "boxcar" };
  } catch (error) {
    // A series without noise (constant, or nothing valid) has no best boxcar: the brightest sample then.
    if ((error as WaterfallError).code !== "E_EMPTY_WINDOW") throw error;
    return { rawPeak: argmax(series), peakRule: "argmax" };
  }
}
