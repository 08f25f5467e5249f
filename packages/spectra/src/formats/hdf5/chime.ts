/**
 * CHIME/FRB Catalog 1 waterfall files (`FRByyyymmddX_waterfall.h5`, read by
 * cfod's `waterfall.py`): a group `frb` with `wfall` (frequency x time,
 * dedispersed at the `dm` attribute, NaN for masked channels), `plot_freq`
 * (channel frequencies, MHz), `plot_time` (ms), `extent`, and the fitted
 * burst model `model_wfall`/`model_ts`, with `ts`, `spec`, `model_spec`,
 * `calibrated_wfall` and attributes (`tns_name`, `dm`, `scatterfit`, ...).
 *
 * Orientation: cfod pairs `wfall` row `i` with `spec[::-1][i]`, and `spec`
 * with `plot_freq`, so row `i` is at `plot_freq[n - 1 - i]` (row 0 the top of
 * the band when `plot_freq` ascends, as it is drawn with imshow's origin at
 * the top). Rows are flipped to put the lowest frequency first.
 */
import { flipRows } from "../../arrays.js";
import { defaultMaxBytes } from "../../io/limits.js";
import { frequencyAxis } from "../../model.js";
import type { ReadOptions } from "../../options/read.js";
import type { OpenedFile } from "../format.js";
import { attributes, dataset, getObject, numberAttribute, readFloat32, readFloat64, textAttribute, type H5File } from "./h5.js";

/** Whether a file holds a CHIME/FRB catalogue waterfall. */
export const isChimeCatalogue = (f: H5File) => dataset(f, "frb/wfall", 2) !== undefined;

/** The median of the steps between consecutive values. */
function medianStep(values: Float64Array): number {
  const steps = Array.from({ length: values.length - 1 }, (_, i) => values[i + 1] - values[i]).sort((a, b) => a - b);
  const mid = steps.length >> 1;
  return steps.length % 2 ? steps[mid] : (steps[mid - 1] + steps[mid]) / 2;
}

/**
 * Reads a CHIME/FRB catalogue waterfall: `wfall` with its rows put in
 * ascending frequency, `dt` from `plot_time` (ms, cfod's `np.median(np.diff)`),
 * the frequency axis from `plot_freq` (channel centres; `extent`'s band edges
 * when it is absent), the DM from the `dm` attribute, and the model time
 * series (`model_ts`, or `model_wfall` summed over channels) to draw over the data.
 */
export function openChimeCatalogue(f: H5File, file: string, options: ReadOptions): OpenedFile {
  const wfall = dataset(f, "frb/wfall", 2)!;
  const group = getObject(f, "frb") as { attrs: unknown };
  const [nchan, ntime] = wfall.shape!;
  const maxBytes = options.maxBytes ?? defaultMaxBytes();
  const vector = (name: string, length?: number) => {
    const d = dataset(f, `frb/${name}`, 1);
    if (!d || (length !== undefined && d.shape![0] !== length)) return undefined;
    return readFloat64(d, `frb/${name}`, file, maxBytes);
  };
  const notes: string[] = [];

  let fbottom: number | undefined;
  let df: number | undefined;
  let descending = true;
  const plotFreq = vector("plot_freq", nchan);
  const extent = vector("extent", 4);
  if (plotFreq && nchan > 1) {
    const rowFreqs = plotFreq.slice().reverse(); // row i is at plot_freq[n - 1 - i]
    ({ fbottom, df, descending } = frequencyAxis(rowFreqs, file, "frb/plot_freq"));
  } else if (extent) {
    fbottom = Math.min(extent[2], extent[3]);
    df = Math.abs(extent[3] - extent[2]) / nchan;
    descending = extent[3] > extent[2]; // imshow (origin "upper") draws row 0 at extent[3]
    notes.push("no usable frb/plot_freq: the band's edges come from frb/extent, where cfod's imshow puts row 0 at extent[3]");
  }
  let dt: number | undefined;
  const plotTime = vector("plot_time", ntime);
  if (plotTime && ntime > 1) dt = medianStep(plotTime) / 1000;
  else if (extent) dt = Math.abs(extent[1] - extent[0]) / ntime / 1000;

  const dm = numberAttribute(group, "dm");
  const name = textAttribute(group, "tns_name");
  notes.unshift(`CHIME/FRB catalogue waterfall${name ? ` of ${name}` : ""} at DM ${dm ?? 0}`);
  const modelTs = dataset(f, "frb/model_ts", 1);
  const modelWfall = dataset(f, "frb/model_wfall", 2);
  return {
    nchan,
    ntime,
    axes: { dt, df, fbottom, dm },
    hints: {
      dt: "the file has no frb/plot_time or frb/extent: give --dt",
      df: "the file has no frb/plot_freq or frb/extent: give --df and --fbottom",
      fbottom: "the file has no frb/plot_freq or frb/extent: give --fbottom and --df",
    },
    layout: "CHIME/FRB catalogue waterfall (HDF5)",
    dtype: "float32",
    zerosMissing: false,
    notes,
    rangedReads: false,
    async read() {
      let intensity = readFloat32(wfall, "frb/wfall", file, maxBytes);
      if (descending) intensity = flipRows(intensity, nchan, ntime);
      let modelTimeseries: Float32Array | undefined;
      if (modelTs?.shape?.[0] === ntime) modelTimeseries = readFloat32(modelTs, "frb/model_ts", file, maxBytes);
      else if (modelWfall?.shape?.[0] === nchan && modelWfall.shape[1] === ntime)
        modelTimeseries = channelSums(readFloat32(modelWfall, "frb/model_wfall", file, maxBytes), nchan, ntime);
      return { intensity, ntime, modelTimeseries };
    },
    details: () => ({
      ...attributes(group),
      datasets: (() => {
        try {
          return (getObject(f, "frb") as { keys(): string[] }).keys().join(", ");
        } catch {
          return "";
        }
      })(),
    }),
  };
}

/** The sum over rows of each column of `[rows][cols]` data, skipping NaN (np.nansum(axis=0)). */
function channelSums(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = data[r * cols + c];
      if (Number.isFinite(v)) out[c] += v;
    }
  }
  return out;
}
