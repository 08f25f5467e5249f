/**
 * The tutorial's figure arithmetic (`plot_intensity_wfalls.py`), as SPEC.md
 * fixes it: peak, plotted window, time axis in ms and colour limits; and, on
 * request, the burst's measurements (S/N, width, arrival time, on-pulse
 * window, spectrum). Renderers build on {@link FigureData}; nothing here draws.
 */
import { sliceColumns } from "./arrays.js";
import { WaterfallError } from "./errors.js";
import { figureWindow, type PeakRule, type WindowCentreOptions } from "./figure-window.js";
import { measureSnr, type BurstSnr } from "./measure.js";
import type { DmTimePlane } from "./model.js";
import * as native from "./native.js";
import { MEASURE_OPTIONS, type MeasureOptions } from "./options/measure.js";
import { checkOptions } from "./options/spec.js";
import { WINDOW_OPTIONS, type WindowOptions } from "./options/window.js";
import type { Spectra } from "./spectra.js";

/** Options of {@link prepareFigureData}: the window and colour options, where to centre, what to measure. */
export interface FigureDataOptions extends WindowOptions, WindowCentreOptions, Pick<MeasureOptions, "definition"> {
  /** A DM-time plane on the same time axis as the Spectra (FETCH/your candidates, or computed), shown under the waterfall. */
  dmTime?: DmTimePlane;
  /** A model of the burst's time series on the same time axis as the Spectra (CHIME/FRB catalogue files), drawn over the data's. */
  modelTimeseries?: Float32Array;
  /** An S/N-vs-DM curve to draw beside the DM-time plane. */
  snrCurve?: FigureSnrCurve;
  /** Measure the burst: S/N by `definition` within the window, its on-pulse samples and the spectrum. */
  measure?: boolean;
}

/** An S/N-vs-DM curve as a figure draws it. */
export interface FigureSnrCurve {
  definition: native.SnrDefinition;
  dms: Float64Array;
  /** S/N per trial (NaN where a row could not be measured). */
  snr: Float64Array;
  bestDm: number;
  /** The interval where the S/N stays within 1 of its maximum. */
  dmLow: number;
  dmHigh: number;
}

/** The burst's spectrum: on-pulse mean minus off-pulse mean of each plotted channel. */
export interface FigureSpectrum {
  /** Per channel (row 0 lowest); NaN where a channel has no valid on- or off-pulse sample. */
  values: Float64Array;
  /** Channels without any valid sample in the plotted window (masked), as indices. */
  masked: number[];
}

/** The DM-time plane of a figure, cropped to the plotted samples, with its colour limits. */
export interface FigureDmTime {
  /** `[ndm][ncols]`, row 0 the lowest DM. */
  intensity: Float32Array;
  ndm: number;
  dmRange: [number, number];
  vmin: number;
  vmax: number;
}

/** Everything a waterfall figure shows, computed from a {@link Spectra}. */
export interface FigureData {
  nchan: number;
  /** Number of plotted samples (`2*window - 1`). */
  ncols: number;
  /** The plotted block `[nchan][ncols]`, row 0 lowest frequency, exact zeros as NaN (a copy). */
  intensity: Float32Array;
  /** Plotted samples of the Spectra: `[sampleStart, sampleEnd)`. */
  sampleStart: number;
  sampleEnd: number;
  /** The sample the time axis is centred on (the peak, moved inward when too close to an edge). */
  peak: number;
  /** The time-series peak before any edge adjustment. */
  rawPeak: number;
  /** How the centre was chosen: the best boxcar, the brightest sample, a time or a sample given. */
  peakRule: PeakRule;
  /** Window half-width in samples: `ceil(windowMs / 1000 / dt)`. */
  halfWidthSamples: number;
  /** Left edges of the plotted samples plus the right edge of the last, ms from the peak's centre (`ncols + 1` values). */
  timeEdgesMs: Float64Array;
  /** Sum over channels of each plotted sample, skipping missing (NaN, ±inf) ones. */
  timeseries: Float64Array;
  vmin: number;
  vmax: number;
  /** Where vmin and vmax came from, in words (for messages). */
  limitsFrom: { vmin: string; vmax: string };
  /** Frequency extent of the image, MHz: `fbottom .. fbottom + nchan*df`. */
  freqExtent: [number, number];
  dt: number;
  df: number;
  fbottom: number;
  dm: number;
  /** The file the data came from, if known. */
  source?: string;
  /** The DM-time plane, when the input had one on the same time axis (or one was computed). */
  dmTime?: FigureDmTime;
  /**
   * The model time series of the plotted samples, when the input had one:
   * `a·model + b` with `a`, `b` fitted to `timeseries` by least squares
   * (processing changes the data's units, so only the model's shape carries over).
   */
  modelTimeseries?: Float64Array;
  /** The S/N-vs-DM curve, when one was given. */
  snrCurve?: FigureSnrCurve;
  /** The burst's measurements (when asked for): S/N within the plotted window, noise from the whole series. */
  measurement?: BurstSnr;
  /** The spectrum over the measurement's on-pulse samples (when measured). */
  spectrum?: FigureSpectrum;
}

const ms = 1000;

/** The sample range of the off-pulse block for vmax, clamped to the data (SPEC.md). */
function offPulseRange(start: number, end: number, count: number, ntime: number): [number, number] | null {
  const before: [number, number] = [Math.max(0, start - count), start];
  if (before[1] > before[0]) return before;
  // At the left edge there is nothing before the window: use the samples after it.
  const after: [number, number] = [end, Math.min(ntime, end + count)];
  return after[1] > after[0] ? after : null;
}

/**
 * Computes a figure's data from a (dedispersed, masked, subbanded) Spectra
 * without changing it: the window of {@link figureWindow}; plotted samples
 * `peak-window+1 .. peak+window`; `vmin` = 2.5th percentile of that block,
 * `vmax` = 97.5th percentile of the 41 samples before it (after it at the
 * left edge), exact zeros counting as missing (as NaN and infinite values
 * always do). With `measure`, the burst's S/N by `definition`, looked for in
 * the plotted window with the noise of the whole series, and the spectrum
 * over its on-pulse samples (minus the rest of the window).
 *
 * @throws {WaterfallError} `E_EMPTY_WINDOW` when the window does not fit in the
 * data or the percentile blocks hold no valid value.
 */
export function prepareFigureData(spectra: Spectra, options: FigureDataOptions = {}): FigureData {
  const file = spectra.source;
  checkOptions(WINDOW_OPTIONS, options, file);
  checkOptions(MEASURE_OPTIONS, options, file);
  const fail = (code: "E_EMPTY_WINDOW" | "E_ARGUMENT", message: string) => new WaterfallError(code, message, { file });
  const { nchan, ntime } = spectra;
  const series = spectra.timeseries();
  const { rawPeak, peakRule, peak, halfWidthSamples, sampleStart, sampleEnd } = figureWindow(spectra, series, options);
  const ncols = sampleEnd - sampleStart;

  const offPulseCount = options.offPulseSamples ?? WINDOW_OPTIONS.offPulseSamples.default;
  const off = offPulseRange(sampleStart, sampleEnd, offPulseCount, ntime);
  const blockStart = Math.min(sampleStart, off?.[0] ?? sampleStart);
  const blockEnd = Math.max(sampleEnd, off?.[1] ?? sampleEnd);
  // A copy of the plotted and off-pulse samples, zeros as NaN (the tutorial's rule for the figure).
  const block = { data: sliceColumns(spectra.data, nchan, ntime, blockStart, blockEnd - blockStart), nchan, ntime: blockEnd - blockStart };
  native.zerosToNan({ ...block, weights: null, zerosMissing: false }, file);
  const percentile = (q: number, [from, to]: [number, number]) =>
    native.percentiles(block, { channelStart: 0, channelEnd: nchan, sampleStart: from - blockStart, sampleEnd: to - blockStart }, [q], file)[0];

  const window: [number, number] = [sampleStart, sampleEnd];
  const vminPercentile = options.vminPercentile ?? WINDOW_OPTIONS.vminPercentile.default;
  const vmaxPercentile = options.vmaxPercentile ?? WINDOW_OPTIONS.vmaxPercentile.default;
  const onPulse = (options.vmaxFrom ?? WINDOW_OPTIONS.vmaxFrom.default) === "on-pulse";
  const vmaxRange = onPulse ? window : off;
  const vmin = options.vmin ?? percentile(vminPercentile, window);
  const vmax = options.vmax ?? (vmaxRange ? percentile(vmaxPercentile, vmaxRange) : Number.NaN);
  if (Number.isNaN(vmin))
    throw fail("E_EMPTY_WINDOW", `no valid (finite, non-zero) sample in the plotted window ${sampleStart}..${sampleEnd - 1}: everything is masked`);
  if (Number.isNaN(vmax)) throw fail("E_EMPTY_WINDOW", `no valid sample in the off-pulse samples for vmax; give vmax explicitly, or --vmax-from on-pulse`);
  const offWords = off && off[0] >= sampleEnd ? `the ${off[1] - off[0]} samples after it` : `the ${off ? off[1] - off[0] : 0} samples before it`;
  const limitsFrom = {
    vmin: options.vmin !== undefined ? "given" : `${vminPercentile}th percentile of the plotted window`,
    vmax: options.vmax !== undefined ? "given" : `${vmaxPercentile}th percentile of ${onPulse ? "the plotted window" : offWords}`,
  };

  const timeEdgesMs = new Float64Array(ncols + 1);
  for (let k = 0; k <= ncols; k++) timeEdgesMs[k] = (sampleStart + k - peak - 0.5) * spectra.dt * ms;
  const intensity = sliceColumns(block.data, nchan, block.ntime, sampleStart - blockStart, ncols);
  const measurement = options.measure
    ? measureSnr(spectra, { definition: options.definition ?? MEASURE_OPTIONS.definition.default, search: [sampleStart, sampleEnd] }, series)
    : undefined;
  return {
    nchan,
    ncols,
    intensity,
    sampleStart,
    sampleEnd,
    peak,
    rawPeak,
    peakRule,
    halfWidthSamples,
    timeEdgesMs,
    timeseries: series.slice(sampleStart, sampleEnd),
    vmin,
    vmax,
    limitsFrom,
    freqExtent: [spectra.fbottom, spectra.fbottom + nchan * spectra.df],
    dt: spectra.dt,
    df: spectra.df,
    fbottom: spectra.fbottom,
    dm: spectra.dm,
    source: file,
    dmTime: options.dmTime && options.dmTime.ntime === ntime ? cropDmTime(options.dmTime, sampleStart, sampleEnd, file) : undefined,
    modelTimeseries:
      options.modelTimeseries?.length === ntime
        ? fitModel(options.modelTimeseries.subarray(sampleStart, sampleEnd), series.subarray(sampleStart, sampleEnd))
        : undefined,
    snrCurve: options.snrCurve,
    measurement,
    spectrum: measurement && spectrumOf(intensity, nchan, ncols, [measurement.onPulse[0] - sampleStart, measurement.onPulse[1] - sampleStart]),
  };
}

/**
 * `a·model + b` with `a` and `b` minimising the squared difference to `data`
 * over the samples where both are finite; undefined when the model is
 * constant there (nothing to fit).
 */
export function fitModel(model: ArrayLike<number>, data: ArrayLike<number>): Float64Array | undefined {
  let n = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < model.length; i++) {
    if (Number.isFinite(model[i]) && Number.isFinite(data[i])) {
      n++;
      mx += model[i];
      my += data[i];
    }
  }
  if (n < 2) return undefined;
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < model.length; i++) {
    if (Number.isFinite(model[i]) && Number.isFinite(data[i])) {
      sxx += (model[i] - mx) ** 2;
      sxy += (model[i] - mx) * (data[i] - my);
    }
  }
  if (!(sxx > 0)) return undefined;
  const a = sxy / sxx;
  const b = my - a * mx;
  return Float64Array.from(model, (m) => (Number.isFinite(m) ? a * m + b : Number.NaN));
}

/**
 * Per channel of a plotted block `[nchan][ncols]`: the mean of the valid
 * on-pulse samples `[on0, on1)` minus the mean of the valid others.
 */
export function spectrumOf(block: Float32Array, nchan: number, ncols: number, [on0, on1]: [number, number]): FigureSpectrum {
  const values = new Float64Array(nchan);
  const masked: number[] = [];
  for (let c = 0; c < nchan; c++) {
    let [onSum, onCount, offSum, offCount] = [0, 0, 0, 0];
    for (let k = 0; k < ncols; k++) {
      const v = block[c * ncols + k];
      if (!Number.isFinite(v)) continue;
      if (k >= on0 && k < on1) [onSum, onCount] = [onSum + v, onCount + 1];
      else [offSum, offCount] = [offSum + v, offCount + 1];
    }
    if (onCount + offCount === 0) masked.push(c);
    values[c] = onCount && offCount ? onSum / onCount - offSum / offCount : Number.NaN;
  }
  return { values, masked };
}

/** The plotted samples of a DM-time plane, with 1st and 99.9th percentile colour limits. */
function cropDmTime(plane: DmTimePlane, start: number, end: number, file?: string): FigureDmTime {
  const ncols = end - start;
  const intensity = sliceColumns(plane.data, plane.ndm, plane.ntime, start, ncols);
  const range = { channelStart: 0, channelEnd: plane.ndm, sampleStart: 0, sampleEnd: ncols };
  const [vmin, vmax] = native.percentiles({ data: intensity, nchan: plane.ndm, ntime: ncols }, range, [1, 99.9], file);
  return { intensity, ndm: plane.ndm, dmRange: plane.dmRange, vmin, vmax };
}
