/**
 * Reading and writing waterfalls in the CHIME tutorial's npz layout
 * (`get_wfall.py`): `intensity` [nchan][ntime] with row 0 the lowest
 * frequency, and the scalars `dt` (s), `df` (MHz), `dm` (pc cm^-3) and
 * `fbottom` (MHz). Any other keys are kept in `extra`.
 */
import { WaterfallError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import type { DmTimePlane } from "./candidate.js";
import { chooseLayout, frequencyAxis, type LayoutOptions } from "./layouts.js";
import { toFloat32, toFloat64, toScalar, type NpyArray } from "./npy.js";
import { encodeNpz, Npz, type ReadNpzOptions, type WriteNpzOptions } from "./npz.js";

/** A waterfall as stored on disk. */
export interface Waterfall {
  /** Row-major `[nchan][ntime]` float32 (float64 and other numeric inputs are converted). */
  intensity: Float32Array;
  nchan: number;
  ntime: number;
  /** Sample time, seconds. */
  dt: number;
  /** Channel width, MHz (positive: row 0 is the lowest frequency). */
  df: number;
  /** Dispersion measure the data are dedispersed to, pc cm^-3. */
  dm: number;
  /** Frequency of channel 0, MHz. */
  fbottom: number;
  /** Per-sample weights in [0, 1], when the file stores them (files written by this library do). */
  weights?: Float32Array;
  /** Every other key of the archive, undecoded. */
  extra: Record<string, NpyArray>;
  /** The file it was read from. */
  file: string;
  /** numpy type string of the stored intensity, e.g. `<f4`. */
  dtype: string;
  /** Time of the first sample from the start of the file, s (default 0). */
  start?: number;
  /**
   * Whether exactly-zero samples mark missing data (weight 0), as in the
   * tutorial's npz files. Default: true when the file stores no weights.
   */
  zerosMissing?: boolean;
  /** The layout (key mapping) or format the waterfall was read with. */
  layout?: string;
  /** What the reader assumed or changed (a missing DM, flipped rows, ...). */
  notes?: string[];
  /** A DM-time plane sharing the waterfall's time axis (FETCH/your candidates). */
  dmTime?: DmTimePlane;
}

/** Checks the physical scalars of a waterfall; `file` is used in messages. */
export function checkAxes(w: Pick<Waterfall, "dt" | "df" | "dm" | "fbottom">, file?: string): void {
  const bad = (key: string, why: string) => new WaterfallError("E_VALUE", `key '${key}' ${why}`, { file });
  if (!(Number.isFinite(w.dt) && w.dt > 0)) throw bad("dt", `must be a positive number of seconds, got ${w.dt}`);
  if (!(Number.isFinite(w.df) && w.df > 0)) throw bad("df", `must be a positive channel width in MHz (row 0 lowest), got ${w.df}`);
  if (!(Number.isFinite(w.fbottom) && w.fbottom > 0)) throw bad("fbottom", `must be a positive frequency in MHz, got ${w.fbottom}`);
  if (!Number.isFinite(w.dm)) throw bad("dm", `must be a finite number, got ${w.dm}`);
}

/** Options of {@link readWaterfall}: where the waterfall is in the archive, and limits. */
export type ReadWaterfallOptions = ReadNpzOptions & LayoutOptions;

/**
 * Reads a waterfall npz: the tutorial's `get_wfall.py` layout (`np.savez` or
 * `np.savez_compressed`), files written by {@link writeWaterfall}, and other
 * tools' layouts (frbgui, CHIME/FRB releases; see `layouts.ts`), with keys and
 * values overridable. `layout` in the result names the mapping used.
 *
 * @throws {WaterfallError} naming the file and the key when the file is
 * missing, not an npz, truncated, lacks a key, or holds a non-2-D intensity.
 */
export async function readWaterfall(file: string, options: ReadWaterfallOptions = {}): Promise<Waterfall> {
  const npz = await Npz.open(file, options);
  try {
    return await decodeWaterfall(npz, file, options);
  } finally {
    await npz.close();
  }
}

/** Flips the rows of a `[nchan][ntime]` array (descending frequencies to row 0 lowest). */
export function flipRows(data: Float32Array, nchan: number, ntime: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let c = 0; c < nchan; c++) out.set(data.subarray(c * ntime, (c + 1) * ntime), (nchan - 1 - c) * ntime);
  return out;
}

async function decodeWaterfall(npz: Npz, file: string, options: LayoutOptions): Promise<Waterfall> {
  const layout = chooseLayout(npz.keys, options, file);
  const { keys } = layout;
  const given = options.values ?? {};
  const notes: string[] = [];
  const raw = await npz.array(keys.intensity);
  if (raw.shape.length !== 2) {
    throw new WaterfallError("E_SHAPE", `key '${keys.intensity}' must be 2-D (channels x samples), got shape (${raw.shape.join(", ")})`, { file });
  }
  const [nchan, ntime] = raw.shape;
  if (nchan === 0 || ntime === 0) {
    throw new WaterfallError("E_SHAPE", `key '${keys.intensity}' is empty: ${nchan} channels x ${ntime} samples`, { file });
  }
  const scalar = async (field: "dt" | "df" | "fbottom" | "dm", required: boolean): Promise<number | undefined> => {
    if (given[field] !== undefined) return given[field];
    const key = keys[field];
    if (key === undefined || (!required && !npz.has(key))) return undefined;
    return toScalar(await npz.array(key), { file, key });
  };

  const dt = (await scalar("dt", true))!;
  let dm = await scalar("dm", false);
  if (dm === undefined) {
    dm = 0;
    notes.push("no DM in the file: taken as 0");
  }
  let fbottom: number;
  let df: number;
  let descending = false;
  const freqs = given.freqs ?? (keys.freqs && given.fbottom === undefined ? toFloat64(await npz.array(keys.freqs), { file, key: keys.freqs }) : undefined);
  if (freqs) {
    if (freqs.length !== nchan) throw new WaterfallError("E_SHAPE", `${freqs.length} channel frequencies for ${nchan} channels`, { file });
    ({ fbottom, df, descending } = frequencyAxis(freqs, file, keys.freqs ?? "freqs"));
    if (descending) notes.push("frequencies descend: rows flipped to put the lowest first");
  } else {
    fbottom = (await scalar("fbottom", true))!;
    df = (await scalar("df", true))!;
  }
  checkAxes({ dt, df, dm, fbottom }, file);

  let weights: Float32Array | undefined;
  if (npz.has("weights")) {
    const w = await npz.array("weights");
    if (w.shape.length !== 2 || w.shape[0] !== nchan || w.shape[1] !== ntime) {
      throw new WaterfallError("E_SHAPE", `key 'weights' has shape (${w.shape.join(", ")}) but intensity is (${nchan}, ${ntime})`, { file });
    }
    weights = toFloat32(w, { file, key: "weights" });
    if (descending) weights = flipRows(weights, nchan, ntime);
  }
  const used = new Set<string>([...Object.values(keys), "weights"]);
  const extra: Record<string, NpyArray> = {};
  for (const key of npz.keys.filter((k) => !used.has(k))) extra[key] = await npz.array(key);

  let intensity = toFloat32(raw, { file, key: keys.intensity });
  if (descending) intensity = flipRows(intensity, nchan, ntime);
  return { intensity, nchan, ntime, dt, df, dm, fbottom, weights, extra, file, dtype: raw.descr, zerosMissing: layout.zerosMissing && !weights, layout: layout.name, notes };
}

/** A waterfall's data and axes, as writers need them (a {@link Spectra} is one). */
export interface WaterfallData {
  readonly data: Float32Array;
  readonly nchan: number;
  readonly ntime: number;
  readonly dt: number;
  readonly df: number;
  readonly dm: number;
  readonly fbottom: number;
}

/** What {@link writeWaterfall} stores: a waterfall's data, axes and weights. */
export interface WaterfallLike extends WaterfallData {
  readonly weights: Float32Array;
}

/**
 * Writes `intensity` (float32), `weights` (float32) and the scalars `dt`, `df`,
 * `dm`, `fbottom` (0-d float64) as an npz that `np.load` and the tutorial's
 * scripts read. The file is written atomically; the same input gives the same bytes.
 */
export async function writeWaterfall(file: string, spec: WaterfallLike, options: WriteNpzOptions = {}): Promise<void> {
  const shape = [spec.nchan, spec.ntime];
  const scalar = (v: number) => ({ values: Float64Array.of(v), shape: [] });
  const bytes = await encodeNpz(
    {
      intensity: { values: spec.data, shape },
      weights: { values: spec.weights, shape },
      dt: scalar(spec.dt),
      df: scalar(spec.df),
      dm: scalar(spec.dm),
      fbottom: scalar(spec.fbottom),
    },
    options,
  );
  await writeFileAtomic(file, bytes);
}
