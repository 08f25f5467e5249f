/**
 * Reading and writing waterfalls in the CHIME tutorial's npz layout
 * (`get_wfall.py`): `intensity` [nchan][ntime] with row 0 the lowest
 * frequency, and the scalars `dt` (s), `df` (MHz), `dm` (pc cm^-3) and
 * `fbottom` (MHz). Any other keys are kept in `extra`.
 */
import { WaterfallError } from "./errors.js";
import { writeFileAtomic } from "./files.js";
import { toFloat32, toScalar, type NpyArray } from "./npy.js";
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
}

const SCALARS = ["dt", "df", "dm", "fbottom"] as const;
const KNOWN = new Set<string>(["intensity", "weights", ...SCALARS]);

/** Checks the physical scalars of a waterfall; `file` is used in messages. */
export function checkAxes(w: Pick<Waterfall, "dt" | "df" | "dm" | "fbottom">, file?: string): void {
  const bad = (key: string, why: string) => new WaterfallError("E_VALUE", `key '${key}' ${why}`, { file });
  if (!(Number.isFinite(w.dt) && w.dt > 0)) throw bad("dt", `must be a positive number of seconds, got ${w.dt}`);
  if (!(Number.isFinite(w.df) && w.df > 0)) throw bad("df", `must be a positive channel width in MHz (row 0 lowest), got ${w.df}`);
  if (!(Number.isFinite(w.fbottom) && w.fbottom > 0)) throw bad("fbottom", `must be a positive frequency in MHz, got ${w.fbottom}`);
  if (!Number.isFinite(w.dm)) throw bad("dm", `must be a finite number, got ${w.dm}`);
}

/**
 * Reads a waterfall npz written by `np.savez`/`np.savez_compressed` (the
 * tutorial's `get_wfall.py`) or by {@link writeWaterfall}.
 *
 * @throws {WaterfallError} naming the file and the key when the file is
 * missing, not an npz, truncated, lacks a key, or holds a non-2-D intensity.
 */
export async function readWaterfall(file: string, options: ReadNpzOptions = {}): Promise<Waterfall> {
  const npz = await Npz.open(file, options);
  try {
    return await decodeWaterfall(npz, file);
  } finally {
    await npz.close();
  }
}

async function decodeWaterfall(npz: Npz, file: string): Promise<Waterfall> {
  const raw = await npz.array("intensity");
  const source = { file, key: "intensity" };
  if (raw.shape.length !== 2) {
    throw new WaterfallError("E_SHAPE", `key 'intensity' must be 2-D (channels x samples), got shape (${raw.shape.join(", ")})`, { file });
  }
  const [nchan, ntime] = raw.shape;
  if (nchan === 0 || ntime === 0) {
    throw new WaterfallError("E_SHAPE", `key 'intensity' is empty: ${nchan} channels x ${ntime} samples`, { file });
  }
  const scalars = {} as Record<(typeof SCALARS)[number], number>;
  for (const key of SCALARS) scalars[key] = toScalar(await npz.array(key), { file, key });
  checkAxes(scalars, file);

  let weights: Float32Array | undefined;
  if (npz.has("weights")) {
    const w = await npz.array("weights");
    if (w.shape.length !== 2 || w.shape[0] !== nchan || w.shape[1] !== ntime) {
      throw new WaterfallError("E_SHAPE", `key 'weights' has shape (${w.shape.join(", ")}) but intensity is (${nchan}, ${ntime})`, { file });
    }
    weights = toFloat32(w, { file, key: "weights" });
  }
  const extra: Record<string, NpyArray> = {};
  for (const key of npz.keys.filter((k) => !KNOWN.has(k))) extra[key] = await npz.array(key);

  return { intensity: toFloat32(raw, source), nchan, ntime, ...scalars, weights, extra, file, dtype: raw.descr };
}

/** What {@link writeWaterfall} stores: anything with a waterfall's data and axes. */
export interface WaterfallLike {
  readonly data: Float32Array;
  readonly weights: Float32Array;
  readonly nchan: number;
  readonly ntime: number;
  readonly dt: number;
  readonly df: number;
  readonly dm: number;
  readonly fbottom: number;
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
