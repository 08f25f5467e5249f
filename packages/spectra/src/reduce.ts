/**
 * Streaming reduction: dedisperse, downsample and subband a whole filterbank
 * while reading it from disk in gulps. Memory holds two gulps and the (small)
 * result, never the full-resolution waterfall.
 */
import { dedispersionStep, type DedisperseOptions } from "./dedispersion.js";
import { infoFrom, layoutOf } from "./formats/filterbank/header.js";
import { openSource } from "./io/files.js";
import * as native from "./native.js";
import { Spectra } from "./spectra.js";
import { pumpGulps, timeGulps } from "./stream/gulps.js";

/** How {@link reduceFilterbank} reduces a filterbank. */
export interface ReduceOptions extends DedisperseOptions {
  /** Target DM, pc cm^-3. */
  dm: number;
  /** Samples averaged together. Default 1. */
  tfactor?: number;
  /** Subbands (a divisor of the channel count). Default: all channels. */
  nsub?: number;
  /** Bytes read at a time. Default 32 MiB. */
  gulpBytes?: number;
}

/**
 * Dedisperses, downsamples and subbands a whole filterbank while streaming it:
 * equals reading it, then `dedisperse(dm)`, `subband(nsub)`, `downsample(tfactor)`.
 */
export async function reduceFilterbank(file: string, options: ReduceOptions): Promise<Spectra> {
  const source = await openSource(file);
  try {
    const info = await infoFrom(source, file);
    const { band } = info;
    const nsub = options.nsub ?? info.nchans;
    const tfactor = options.tfactor ?? 1;
    const axes = { dtSeconds: info.tsamp, fbottomMhz: band.fbottom, dfMhz: band.df };
    const step = dedispersionStep(info.dm, options.dm, options, file);
    const reducer = native.streamReducer(layoutOf(info), { ntime: info.nsamples, nsub, factor: tfactor }, axes, step, file);
    // The reducer's virtual samples run past either end when rolled dedispersion wraps around.
    const rowsPerGulp = Math.max(1, Math.floor((options.gulpBytes ?? 32 << 20) / info.rowBytes));
    const [start, end] = reducer.feedRange();
    await pumpGulps(
      timeGulps(start, end, info.nsamples, rowsPerGulp),
      info.rowBytes,
      (row, into) => source.read(info.headerBytes + row * info.rowBytes, into),
      (bytes, gulp) => reducer.add(bytes, gulp.virtual),
    );
    const out = reducer.finish();
    return new Spectra(out.intensity, {
      nchan: out.nchan,
      ntime: out.ntime,
      fbottom: band.fbottom,
      df: (band.df * info.nchans) / nsub,
      dt: info.tsamp * tfactor,
      dm: options.dm,
      weights: out.weights,
      source: file,
    });
  } finally {
    await source.close();
  }
}
