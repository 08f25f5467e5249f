/**
 * Streaming reduction: dedisperse, downsample and subband a whole filterbank
 * while reading it from disk in gulps. Memory holds two gulps and the (small)
 * result, never the full-resolution waterfall.
 */
import { dedispersionStep, type DedisperseOptions } from "./dedispersion.js";
import { infoFrom } from "./formats/filterbank/header.js";
import { alignedBuffer, openSource } from "./io/files.js";
import * as native from "./native.js";
import { Spectra } from "./spectra.js";

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
    const layout = { nbits: info.nbits, nchan: info.nchans, descending: band.descending };
    const reducer = native.streamReducer(layout, { ntime: info.nsamples, nsub, factor: tfactor }, axes, step, file);
    // Two gulp buffers: the next one is read (by the I/O threads) while this one is reduced.
    // The reducer's virtual samples run past either end when rolled dedispersion wraps around:
    // virtual sample t is row t mod nsamples, so a gulp never crosses the file's end.
    const rowsPerGulp = Math.max(1, Math.floor((options.gulpBytes ?? 32 << 20) / info.rowBytes));
    const buffers = [0, 1].map(() => alignedBuffer(Math.min(rowsPerGulp, info.nsamples) * info.rowBytes));
    const [start, end] = reducer.feedRange();
    const gulps: { virtual: number; row: number; rows: number }[] = [];
    for (let v = start; v < end; ) {
      const row = ((v % info.nsamples) + info.nsamples) % info.nsamples;
      const rows = Math.min(rowsPerGulp, end - v, info.nsamples - row);
      gulps.push({ virtual: v, row, rows });
      v += rows;
    }
    const read = (k: number) => {
      const bytes = buffers[k % 2].subarray(0, gulps[k].rows * info.rowBytes);
      return source.read(info.headerBytes + gulps[k].row * info.rowBytes, bytes).then(() => bytes);
    };
    let next = gulps.length > 0 ? read(0) : undefined;
    for (let k = 0; k < gulps.length; k++) {
      const bytes = await (next as Promise<Uint8Array>);
      next = k + 1 < gulps.length ? read(k + 1) : undefined;
      try {
        reducer.add(bytes, gulps[k].virtual);
      } catch (error) {
        await next?.catch(() => undefined); // the read in flight must not outlive the file
        throw error;
      }
    }
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
