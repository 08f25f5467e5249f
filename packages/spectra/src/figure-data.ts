/**
 * The tutorial's figure arithmetic (`plot_intensity_wfalls.py`), as SPEC.md
 * fixes it: peak, plotted window, time axis in ms and colour limits. Renderers
 * build on {@link FigureData}; nothing here draws.
 */
import * as core from "@wfall/native";

import { argmax } from "./arrays.js";
import type { DmTimePlane } from "./candidate.js";
import { callNative, WaterfallError } from "./errors.js";
import { Spectra } from "./spectra.js";

/** Options of {@link prepareFigureData}. */
export interface FigureDataOptions {
  /** Half-width of the plotted window, s: `ceil(window / dt)` samples each side. Default 0.025. */
  window?: number;
  /** Percentile of the on-pulse block giving `vmin`. Default 2.5. */
  vminPercentile?: number;
  /** Percentile of the off-pulse samples giving `vmax`. Default 97.5. */
  vmaxPercentile?: number;
  /** Fixed colour limits, overriding the percentile rule. */
  vmin?: number;
  vmax?: number;
  /** Number of off-pulse samples (ending where the window starts) for `vmax`. Default 41. */
  offPulseSamples?: number;
  /** Force the sample the window is centred on instead of the time-series peak. */
  peak?: number;
  /** A DM-time plane on the same time axis as the Spectra (FETCH/your candidates), shown under the waterfall. */
  dmTime?: DmTimePlane;
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
  /** Window half-width in samples. */
  window: number;
  /** Left edges of the plotted samples plus the right edge of the last, ms from the peak's centre (`ncols + 1` values). */
  timeEdgesMs: Float64Array;
  /** Sum over channels of each plotted sample, skipping missing (NaN, ±inf) ones. */
  timeseries: Float64Array;
  vmin: number;
  vmax: number;
  /** Frequency extent of the image, MHz: `fbottom .. fbottom + nchan*df`. */
  freqExtent: [number, number];
  dt: number;
  df: number;
  fbottom: number;
  dm: number;
  /** The file the data came from, if known. */
  source?: string;
  /** The DM-time plane, when the input had one on the same time axis. */
  dmTime?: FigureDmTime;
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
 * without changing it: `peak = argmax(nansum over channels)`; `window =
 * ceil(window_s / dt)`; a peak closer than `window` to an edge is moved inward
 * so the window stays inside the data; plotted samples `peak-window+1 ..
 * peak+window`; `vmin` = 2.5th percentile of that block, `vmax` = 97.5th
 * percentile of the 41 samples before it (after it at the left edge), exact
 * zeros counting as missing (as NaN and infinite values always do).
 *
 * @throws {WaterfallError} `E_EMPTY_WINDOW` when the window does not fit in the
 * data or the percentile blocks hold no valid value.
 */
export function prepareFigureData(spec: Spectra, options: FigureDataOptions = {}): FigureData {
  const file = spec.source;
  const fail = (code: "E_EMPTY_WINDOW" | "E_ARGUMENT", message: string) => new WaterfallError(code, message, { file });
  const windowSeconds = options.window ?? 0.025;
  if (!(Number.isFinite(windowSeconds) && windowSeconds > 0)) throw fail("E_ARGUMENT", `window must be a positive number of seconds, got ${windowSeconds}`);
  const window = Math.ceil(windowSeconds / spec.dt);
  const ncols = 2 * window - 1;
  if (ncols > spec.ntime) {
    throw fail(
      "E_EMPTY_WINDOW",
      `a ${(windowSeconds * ms).toPrecision(3)} ms window needs ${ncols} samples but the data has ${spec.ntime} (${(spec.ntime * spec.dt * ms).toPrecision(4)} ms); use a smaller window`,
    );
  }
  const series = spec.timeseries();
  const rawPeak = options.peak ?? argmax(series);
  if (!(Number.isSafeInteger(rawPeak) && rawPeak >= 0 && rawPeak < spec.ntime)) throw fail("E_ARGUMENT", `peak must be a sample index in 0..${spec.ntime - 1}, got ${rawPeak}`);
  const peak = Math.min(Math.max(rawPeak, window - 1), spec.ntime - window);
  const sampleStart = peak - window + 1;
  const sampleEnd = peak + window;

  const offPulseCount = options.offPulseSamples ?? 41;
  const off = offPulseRange(sampleStart, sampleEnd, offPulseCount, spec.ntime);
  const blockStart = Math.min(sampleStart, off?.[0] ?? sampleStart);
  const blockEnd = Math.max(sampleEnd, off?.[1] ?? sampleEnd);
  const block = extractBlock(spec, blockStart, blockEnd);
  block.zerosToNaN();

  const vmin = options.vmin ?? block.percentile(options.vminPercentile ?? 2.5, { samples: [sampleStart - blockStart, sampleEnd - blockStart] });
  const vmax = options.vmax ?? (off ? block.percentile(options.vmaxPercentile ?? 97.5, { samples: [off[0] - blockStart, off[1] - blockStart] }) : Number.NaN);
  if (Number.isNaN(vmin)) throw fail("E_EMPTY_WINDOW", `no valid (finite, non-zero) sample in the plotted window ${sampleStart}..${sampleEnd - 1}: everything is masked`);
  if (Number.isNaN(vmax)) throw fail("E_EMPTY_WINDOW", `no valid sample in the off-pulse samples for vmax; give vmax explicitly`);

  const plotted = extractBlock(block, sampleStart - blockStart, sampleEnd - blockStart);
  const timeEdgesMs = new Float64Array(ncols + 1);
  for (let k = 0; k <= ncols; k++) timeEdgesMs[k] = (sampleStart + k - peak - 0.5) * spec.dt * ms;
  return {
    nchan: spec.nchan,
    ncols,
    intensity: plotted.data,
    sampleStart,
    sampleEnd,
    peak,
    rawPeak,
    window,
    timeEdgesMs,
    timeseries: series.slice(sampleStart, sampleEnd),
    vmin,
    vmax,
    freqExtent: [spec.fbottom, spec.fbottom + spec.nchan * spec.df],
    dt: spec.dt,
    df: spec.df,
    fbottom: spec.fbottom,
    dm: spec.dm,
    source: file,
    dmTime: options.dmTime && options.dmTime.ntime === spec.ntime ? cropDmTime(options.dmTime, sampleStart, sampleEnd, file) : undefined,
  };
}

/** The plotted samples of a DM-time plane, with 1st and 99.9th percentile colour limits. */
function cropDmTime(plane: DmTimePlane, start: number, end: number, file?: string): FigureDmTime {
  const ncols = end - start;
  const intensity = new Float32Array(plane.ndm * ncols);
  for (let d = 0; d < plane.ndm; d++) intensity.set(plane.data.subarray(d * plane.ntime + start, d * plane.ntime + end), d * ncols);
  const range = { channelStart: 0, channelEnd: plane.ndm, sampleStart: 0, sampleEnd: ncols };
  const [vmin, vmax] = callNative(() => core.percentiles(intensity, plane.ndm, ncols, range, [1, 99.9]), file);
  return { intensity, ndm: plane.ndm, dmRange: plane.dmRange, vmin, vmax };
}

/** A copy of samples `[start, end)` of every channel, as a new Spectra. */
function extractBlock(spec: Spectra, start: number, end: number): Spectra {
  const width = end - start;
  const out = new Float32Array(spec.nchan * width);
  for (let c = 0; c < spec.nchan; c++) out.set(spec.data.subarray(c * spec.ntime + start, c * spec.ntime + end), c * width);
  return new Spectra(out, {
    nchan: spec.nchan,
    ntime: width,
    fbottom: spec.fbottom,
    df: spec.df,
    dt: spec.dt,
    start: spec.start + start * spec.dt,
    dm: spec.dm,
    source: spec.source,
  });
}
