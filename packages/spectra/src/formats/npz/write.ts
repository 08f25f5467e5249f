/** Writing a waterfall as an npz that numpy and the tutorial's scripts read. */
import { writeFileAtomic } from "../../io/files.js";
import { encodeNpz, type NpzEntry, type WriteNpzOptions } from "../../io/npz.js";
import type { WaterfallAxes } from "../../model.js";

/** A waterfall's data and axes, as writers need them (a {@link Spectra} is one). */
export interface WaterfallData extends Readonly<WaterfallAxes> {
  readonly data: Float32Array;
  readonly nchan: number;
  readonly ntime: number;
}

/** What {@link writeWaterfall} stores: a waterfall's data, axes and weights. */
export interface WaterfallLike extends WaterfallData {
  readonly weights: Float32Array;
  /** The weights an npz must store, or `null` when reading the intensity back implies them (a {@link Spectra} says). */
  weightsToStore?(): Float32Array | null;
}

/** Options of {@link writeWaterfall}. */
export interface WriteWaterfallOptions extends WriteNpzOptions {
  /** More arrays to store beside the waterfall (e.g. what was done to it). */
  extra?: Record<string, NpzEntry>;
}

/**
 * Writes `intensity` (float32), `weights` (float32, unless the intensity
 * implies them: NaN and, when zeros are missing samples, zeros have weight 0)
 * and the scalars `dt`, `df`, `dm`, `fbottom` (0-d float64) as an npz that
 * `np.load` and the tutorial's scripts read. The file is written atomically; the same input gives the same bytes.
 */
export async function writeWaterfall(file: string, waterfall: WaterfallLike, options: WriteWaterfallOptions = {}): Promise<void> {
  const shape = [waterfall.nchan, waterfall.ntime];
  const scalar = (v: number) => ({ values: Float64Array.of(v), shape: [] });
  const weights = waterfall.weightsToStore ? waterfall.weightsToStore() : waterfall.weights;
  const bytes = await encodeNpz(
    {
      intensity: { values: waterfall.data, shape },
      ...(weights ? { weights: { values: weights, shape } } : {}),
      dt: scalar(waterfall.dt),
      df: scalar(waterfall.df),
      dm: scalar(waterfall.dm),
      fbottom: scalar(waterfall.fbottom),
      ...options.extra,
    },
    options,
  );
  await writeFileAtomic(file, bytes);
}
