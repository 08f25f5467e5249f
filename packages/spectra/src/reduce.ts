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
    const reducer = native.filterbankReducer(layout, info.nsamples, axes, step, tfactor, nsub, file);
    // Two gulp buffers: the next one is read (by the I/O threads) while this one is reduced.
    const rowsPerGulp = Math.max(1, Math.floor((options.gulpBytes ?? 32 << 20) / info.rowBytes));
    const buffers = [0, 1].map(() => alignedBuffer(Math.min(rowsPerGulp, info.nsamples) * info.rowBytes));
    const read = (first: number, buffer: Uint8Array) => {
      const bytes = buffer.subarray(0, Math.min(rowsPerGulp, info.nsamples - first) * info.rowBytes);
      return source.read(info.headerBytes + first * info.rowBytes, bytes).then(() => bytes);
    };
    let next = read(0, buffers[0]);
    for (let first = 0, k = 0; first < info.nsamples; first += rowsPerGulp, k++) {
      const bytes = await next;
      if (first + rowsPerGulp < info.nsamples) next = read(first + rowsPerGulp, buffers[(k + 1) % 2]);
      try {
        reducer.add(bytes, first);
      } catch (error) {
        await next.catch(() => undefined); // the read in flight must not outlive the file
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
