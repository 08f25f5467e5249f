/**
 * `@wfall/spectra`: waterfall (dynamic spectrum) I/O and the `Spectra` API.
 *
 * ```ts
 * import { readWaterfall, Spectra, prepareFigureData } from "@wfall/spectra";
 * const spec = Spectra.fromWaterfall(await readWaterfall("69541452_wfall.npz"));
 * spec.dedisperse(87.77).maskBySum(2).maskByVariance(0.05).subband(128);
 * const figure = prepareFigureData(spec); // peak, window, time axis, vmin/vmax
 * ```
 *
 * @packageDocumentation
 */
export { argmax } from "./arrays.js";
export { callNative, WaterfallError, type ErrorCode } from "./errors.js";
export { readInput, removeTemporaryFiles, writeFileAtomic } from "./files.js";
export { prepareFigureData, type FigureData, type FigureDataOptions, type FigureDmTime } from "./figure-data.js";
export { encodeNpy, parseNpy, toFloat32, toFloat64, toScalar, type NpyArray } from "./npy.js";
export { defaultMaxBytes } from "./limits.js";
export { encodeNpz, Npz, type NpzEntry, type ReadNpzOptions, type WriteNpzOptions } from "./npz.js";
export {
  K_DM_CHIME,
  K_DM_PHYSICAL,
  Spectra,
  type ChannelStats,
  type DedisperseOptions,
  type IndexRange,
  type Normalisation,
  type Reference,
  type SpectraOptions,
} from "./spectra.js";
export { detectFormat, openWaterfall, readNpy, type OpenOptions, type WaterfallFormat } from "./formats.js";
export type { DmTimePlane } from "./candidate.js";
export {
  readFilterbank,
  readFilterbankInfo,
  reduceFilterbank,
  writeFilterbank,
  type FilterbankInfo,
  type HeaderValue,
  type ReduceOptions,
  type TimeRange,
  type WriteFilterbankOptions,
} from "./sigproc.js";
export { checkAxes, flipRows, readWaterfall, writeWaterfall, type ReadWaterfallOptions, type Waterfall, type WaterfallData, type WaterfallLike } from "./waterfall.js";
export { chooseLayout, frequencyAxis, LAYOUTS, parseKeyMap, type GivenValues, type KeyMap, type LayoutOptions, type NpzLayout } from "./layouts.js";
