/**
 * `reduceFilterbank`: dedisperse, subband and downsample a whole filterbank while streaming it
 * from disk in gulps (the streaming path of {@link processFile}). Memory holds a few gulps and the
 * (small) result, never the full-resolution waterfall.
 */
import type { DedisperseOptions } from "./dedispersion.js";
import { processFile } from "./process.js";
import type { Spectra } from "./spectra.js";

/** How {@link reduceFilterbank} reduces a filterbank. */
export interface ReduceOptions extends DedisperseOptions {
  /** Target DM, pc cm^-3. */
  dm: number;
  /** Samples averaged together. Default 1. */
  tfactor?: number;
  /** Subbands (a divisor of the channel count). Default: all channels. */
  nsub?: number;
  /** Bytes of float32 samples per gulp. Default 32 MiB. */
  gulpBytes?: number;
}

/**
 * Dedisperses, subbands and downsamples a whole filterbank while streaming it: the same numbers
 * as reading it, then `dedisperse(dm)`, `subband(nsub)`, `downsample(tfactor)`.
 */
export async function reduceFilterbank(file: string, options: ReduceOptions): Promise<Spectra> {
  const { dm, tfactor, nsub, gulpBytes, kdm, reference, wrap } = options;
  const processing = { dm, nsub, downsample: tfactor, kdm, reference, maskConstant: false };
  return (await processFile(file, {}, processing, { path: "stream", gulpBytes, wrap })).spectra;
}
