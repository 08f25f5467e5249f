/**
 * `@wfall/spectra/internal`: plumbing shared with `@wfall/plot` and the
 * project's tests and benchmarks, not part of the public API (it may change
 * without notice).
 */
export { argmax, flipRows, sliceColumns, transpose } from "./arrays.js";
export { isErrorCode } from "./errors.js";
export {
  alignedBuffer,
  ioError,
  memorySource,
  openSource,
  readInput,
  removeTemporaryFiles,
  temporaryName,
  writeFileAtomic,
  writeFilesAtomic,
  type Source,
} from "./io/files.js";
export { checkSize, defaultMaxBytes } from "./io/limits.js";
export { expandPattern, glob, hasGlobSyntax, isPattern, MAX_GLOB_MATCHES, type GlobMatch } from "./io/glob.js";
export { encodeNpy, parseNpy, toFloat32, toFloat64, toScalar, type NpyArray } from "./io/npy.js";
export * as native from "./native.js";
export { fromNative, type ImageBlock, type WaterfallView } from "./native.js";
export { FORMATS, sampleRange } from "./formats/index.js";
export type { OpenedFile, SampleBlock, WaterfallFormat } from "./formats/format.js";
export { headerBytes, sigprocBand, type SigprocBand } from "./formats/filterbank/header.js";
export { frequencyAxis, checkAxes } from "./model.js";
export {
  subbandsFor,
  maskThresholds,
  processChannels,
  processTime,
  processTimeWritesInPlace,
  resolveNormalise,
  sweepTargetOf,
  TIME_STEP_OPTIONS,
} from "./process.js";
export { dedispersionStep } from "./dedispersion.js";
export * from "./options/spec.js";
