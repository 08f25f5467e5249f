/**
 * The data model every reader produces and all processing consumes: a
 * waterfall with its axes, and a DM-time plane. Nothing here reads or
 * computes; it only says what the values mean (SPEC.md).
 */
import { WaterfallError } from "./errors.js";
import type { NpyArray } from "./io/npy.js";

/** The formats {@link openWaterfall} reads. */
export type FormatName = "npz" | "npy" | "filterbank" | "hdf5" | "psrfits";

/**
 * A DM-time plane: the band-summed time series at each of `ndm` trial DMs,
 * `[ndm][ntime]` row-major, row 0 the lowest trial DM, on the time axis of the
 * waterfall it belongs to.
 */
export interface DmTimePlane {
  data: Float32Array;
  ndm: number;
  ntime: number;
  /** Trial DMs of the first and last rows, pc cm^-3. */
  dmRange: [number, number];
}

/** The physical axes of a waterfall (SPEC.md: row 0 is the lowest frequency). */
export interface WaterfallAxes {
  /** Sample time, s. */
  dt: number;
  /** Channel width, MHz (positive). */
  df: number;
  /** Lower edge of the band, MHz: channel `i` is centred at `fbottom + (i + 1/2)·df`. */
  fbottom: number;
  /** The dispersion measure the data are dedispersed to, pc cm^-3. */
  dm: number;
}

/** A waterfall as a reader produced it. */
export interface Waterfall extends WaterfallAxes {
  /** Row-major `[nchan][ntime]` float32 (other numeric inputs are converted). */
  intensity: Float32Array;
  nchan: number;
  ntime: number;
  /** Time of the start of sample 0, s from the start of the file. */
  start: number;
  /** Per-sample weights in [0, 1], when the file stores them. */
  weights?: Float32Array;
  /** Whether exactly-zero samples mark missing data (weight 0), as in the tutorial's npz files. */
  zerosMissing: boolean;
  /** The file it was read from (for several files of one observation: "FIRST and N more"). */
  file: string;
  format: FormatName;
  /** How it was read: the npz layout, or the format's name. */
  layout: string;
  /** numpy-style type of the stored samples, e.g. `<f4` or `uint8`. */
  dtype: string;
  /** What the reader assumed or changed (a missing DM, flipped rows, ...). */
  notes: string[];
  /** Modified Julian Date of the start of sample 0, when the file says. */
  startMjd?: number;
  /** A DM-time plane on the waterfall's time axis (FETCH/your candidates). */
  dmTime?: DmTimePlane;
  /** A fitted model of the burst's band-summed time series, one value per sample (CHIME/FRB catalogue files). */
  modelTimeseries?: Float32Array;
  /** The npz's other keys, undecoded. */
  extra?: Record<string, NpyArray>;
  /**
   * When the read also holds a dispersion sweep (`includeSweep`): the samples
   * asked for are `[offset, offset + count)`; the others are there so that
   * dedispersion has real data to move in.
   */
  window?: SampleWindow;
}

/** A range of samples `[offset, offset + count)`. */
export interface SampleWindow {
  offset: number;
  count: number;
}

/** Channel centres `fbottom + (i + 1/2)·df`, MHz. */
export function channelCentres(axes: Pick<WaterfallAxes, "fbottom" | "df">, nchan: number): Float64Array {
  const out = new Float64Array(nchan);
  for (let i = 0; i < nchan; i++) out[i] = axes.fbottom + (i + 0.5) * axes.df;
  return out;
}

/** The band's edges `[fbottom, fbottom + nchan·df]`, MHz. */
export function bandEdges(axes: Pick<WaterfallAxes, "fbottom" | "df">, nchan: number): [number, number] {
  return [axes.fbottom, axes.fbottom + nchan * axes.df];
}

/** Checks the physical axes; `file` is named in messages. */
export function checkAxes(axes: WaterfallAxes, file?: string): void {
  const bad = (key: string, why: string) => new WaterfallError("E_VALUE", `${key} ${why}`, { file });
  if (!(Number.isFinite(axes.dt) && axes.dt > 0)) throw bad("dt", `must be a positive number of seconds, got ${axes.dt}`);
  if (!(Number.isFinite(axes.df) && axes.df > 0)) throw bad("df", `must be a positive channel width in MHz (row 0 lowest), got ${axes.df}`);
  if (!(Number.isFinite(axes.fbottom) && axes.fbottom > 0)) throw bad("fbottom", `must be a positive frequency in MHz, got ${axes.fbottom}`);
  if (!Number.isFinite(axes.dm)) throw bad("dm", `must be a finite number, got ${axes.dm}`);
}

/**
 * The band's lower edge, channel width and row order from channel centres
 * frequencies: they must be evenly spaced (to 0.1% of the step).
 */
export function frequencyAxis(freqs: ArrayLike<number>, file: string | undefined, key: string): { fbottom: number; df: number; descending: boolean } {
  const n = freqs.length;
  if (n < 1) throw new WaterfallError("E_VALUE", `key '${key}' holds no frequencies`, { file });
  if (n === 1) throw new WaterfallError("E_VALUE", `key '${key}' holds one frequency: give the channel width (--df)`, { file });
  const step = (freqs[n - 1] - freqs[0]) / (n - 1);
  for (let i = 1; i < n; i++) {
    if (!(Math.abs(freqs[i] - freqs[i - 1] - step) <= 1e-3 * Math.abs(step))) {
      throw new WaterfallError("E_VALUE", `key '${key}': channel frequencies are not evenly spaced (channel ${i})`, { file });
    }
  }
  if (!(step !== 0 && Number.isFinite(step))) throw new WaterfallError("E_VALUE", `key '${key}': channel frequencies do not change`, { file });
  // the frequencies are channel centres: the band's lower edge is half a channel below the lowest
  return { fbottom: Math.min(freqs[0], freqs[n - 1]) - Math.abs(step) / 2, df: Math.abs(step), descending: step < 0 };
}
