/**
 * `@wfall/spectra`: radio-telescope waterfalls (dynamic spectra) in and out,
 * and the `Spectra` API that mirrors CHIME's `iautils.spectra.Spectra`.
 *
 * ```ts
 * import { openWaterfall, Spectra, prepareFigureData } from "@wfall/spectra";
 * const spectra = Spectra.fromWaterfall(await openWaterfall("69541452_wfall.npz"));
 * spectra.dedisperse(87.77).maskBySum(2).maskByVariance(0.05).subband(128);
 * const figure = prepareFigureData(spectra); // peak, window, time axis, vmin/vmax
 * ```
 *
 * Plumbing shared with `@wfall/plot` (file helpers, the native wrapper, the
 * option tables' machinery) is in `@wfall/spectra/internal`.
 *
 * @packageDocumentation
 */
export { ERROR_CODES, WaterfallError, type ErrorCode } from "./errors.js";
export { bandEdges, channelCentres, type DmTimePlane, type FormatName, type SampleWindow, type Waterfall, type WaterfallAxes } from "./model.js";
export { describeFile, detectFormat, inputLabel, openWaterfall, type FileDescription, type Input } from "./formats/index.js";
export { readFilterbankInfo, type FilterbankInfo, type HeaderValue } from "./formats/filterbank/header.js";
export { writeFilterbank, type WriteFilterbankOptions } from "./formats/filterbank/write.js";
export { encodeWaterfall, writeWaterfall, type WaterfallData, type WaterfallLike, type WriteWaterfallOptions } from "./formats/npz/write.js";
export { LAYOUTS, type KeyMap, type NpzLayout } from "./formats/npz/layouts.js";
export { Npz, encodeNpz, type NpzEntry, type ReadNpzOptions, type WriteNpzOptions } from "./io/npz.js";
export {
  K_DM_CHIME,
  COLOUR_MAPS,
  IQRM_STATISTICS,
  NORMALISATIONS,
  PLANE_METHODS,
  REFERENCES,
  SNR_DEFINITIONS,
  WRAPS,
  ZERO_DM_VARIANTS,
  type ColourMap,
  type IqrmStatistic,
  type MeasuredPlane,
  type Normalisation,
  type PlaneMethod,
  type Reference,
  type SnrCurve,
  type SnrDefinition,
  type StructureDm,
  type Wrap,
  type ZeroDmVariant,
} from "./native.js";
export { Spectra, type ChannelMoments, type ChannelStats, type MaskMoments, type IndexRange, type MaskStepInfo, type SpectraOptions } from "./spectra.js";
export {
  formatMaskSummary,
  maskIntervals,
  maskReportLines,
  MASK_ORIGIN_MEANINGS,
  MASK_ORIGINS,
  summariseMask,
  type ChannelMask,
  type MaskGrid,
  type MaskInterval,
  type MaskOrigin,
  type MaskStep,
  type MaskSummary,
} from "./masks/record.js";
export {
  applyMaskFile,
  maskDocument,
  maskDocumentBytes,
  MASK_FORMAT,
  readMaskFile,
  type MaskDocument,
  type MaskEntry,
  type MaskFileContents,
} from "./masks/files.js";
export { MASK_KEYS } from "./masks/npz-keys.js";
export type { RfiFlags, RfiMethods } from "./masks/rfi.js";
export type { DedisperseOptions } from "./dedispersion.js";
export { autoSubbands, looksRaw, masksRequested, processSpectra, processWaterfall, type Processed } from "./process.js";
export { reduceFilterbank, type ReduceOptions } from "./reduce.js";
export { readProcessed, STREAM_ABOVE_BYTES, type ReadAndProcessed, type StreamTuning, type WaterfallRead } from "./stream/read-processed.js";
export { figureWindow, type FigureWindow, type PeakRule, type WindowCentreOptions } from "./figure-window.js";
export {
  prepareFigureData,
  type FigureData,
  type FigureDataOptions,
  type FigureDmTime,
  type FigureSnrCurve,
  type FigureSpectrum,
} from "./figure-data.js";
export {
  bestDm,
  dmTrials,
  fetchDmRange,
  measureSnr,
  snrVersusDm,
  type BestDm,
  type BestDmOptions,
  type BurstSnr,
  type DmTrialOptions,
  type PlaneComputeOptions,
  type SnrMeasureOptions,
} from "./measure.js";
export { READ_OPTIONS, type ReadOptions, type SweepTarget } from "./options/read.js";
export { PROCESS_OPTIONS, TUTORIAL_MASKS, type ProcessOptions } from "./options/process.js";
export { PEAK_RULES, WINDOW_OPTIONS, type WindowOptions } from "./options/window.js";
export { DEFAULT_TRIALS, MEASURE_OPTIONS, type MeasureOptions } from "./options/measure.js";

/** The other dispersion constant in use, from the physical constants: 4148.808 MHz² s cm³ / pc. */
export const K_DM_PHYSICAL = 4148.808;
