/** The streamed read compared with the whole one: the same numbers, mask record, notes, provenance and description. */
import { expect } from "vitest";

import { readProcessed, type ProcessOptions, type ReadAndProcessed, type ReadOptions } from "@wfall/spectra";

/** Bits of a float32 array (NaN payloads and signed zeros compared too). */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** Everything a figure or `prepare` takes from a processed read, in comparable form. */
function outcome(r: ReadAndProcessed) {
  const s = r.spectra;
  return {
    shape: [s.nchan, s.ntime],
    axes: [s.fbottom, s.df, s.dt, s.dm, s.start, s.normalised, s.dispersion, s.startMjd, s.fileDescending],
    data: bits(s.data),
    weights: bits(s.weights),
    mask: s.channelMask,
    notes: r.notes,
    applied: r.applied,
    read: r.waterfall,
  };
}

/**
 * Reads `file` whole and streamed (every read streams, in blocks of
 * `gulpBytes`) and expects the same outcome, the streamed read described as
 * the whole one without its samples.
 */
export async function streamedEqualsWhole(file: string, options: ProcessOptions, read: ReadOptions, gulpBytes: number) {
  const whole = await readProcessed(file, read, options, { streamAboveBytes: Number.POSITIVE_INFINITY });
  const streamed = await readProcessed(file, read, options, { streamAboveBytes: 0, gulpBytes });
  expect(whole.inMemory).toBeDefined();
  expect(streamed.inMemory).toBeUndefined();
  const { read: wholeRead, ...wholeRest } = outcome(whole);
  const { read: streamedRead, ...streamedRest } = outcome(streamed);
  expect(streamedRest).toEqual(wholeRest);
  const { intensity: _i, weights: _w, extra: _e, dmTime: _d, modelTimeseries: _m, ...described } = wholeRead as typeof wholeRead & Record<string, unknown>;
  expect(streamedRead).toEqual(described);
  return { whole, streamed };
}
