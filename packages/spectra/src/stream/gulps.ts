/**
 * Gulps of consecutive time samples read from a time-major file, each read
 * while the one before it is used: memory holds two gulps.
 */
import { alignedBuffer } from "../io/files.js";

/** A gulp: `rows` rows from row `row` of the range, fed as virtual samples from `virtual`. */
export interface TimeGulp {
  virtual: number;
  row: number;
  rows: number;
}

/**
 * The gulps of at most `perGulp` rows that feed virtual samples `[start, end)`
 * of a range of `ntime` rows: virtual sample `t` is row `t mod ntime` (a
 * rolled dedispersion runs past either end), so a gulp never crosses the
 * range's end.
 */
export function timeGulps(start: number, end: number, ntime: number, perGulp: number): TimeGulp[] {
  const gulps: TimeGulp[] = [];
  for (let v = start; v < end; ) {
    const row = ((v % ntime) + ntime) % ntime;
    const rows = Math.min(perGulp, end - v, ntime - row);
    gulps.push({ virtual: v, row, rows });
    v += rows;
  }
  return gulps;
}

/**
 * Reads each gulp (`read(row, into)`, rows of `rowBytes`) and hands it to
 * `use`, reading the next one meanwhile. A failure of `use` waits for the
 * read in flight, so that none outlives the file.
 */
export async function pumpGulps(
  gulps: readonly TimeGulp[],
  rowBytes: number,
  read: (row: number, into: Uint8Array) => Promise<void>,
  use: (bytes: Uint8Array, gulp: TimeGulp) => void,
): Promise<void> {
  const most = gulps.reduce((m, g) => Math.max(m, g.rows), 0);
  const buffers = [0, 1].map(() => alignedBuffer(most * rowBytes));
  const fetch = (k: number) => {
    const bytes = buffers[k % 2].subarray(0, gulps[k].rows * rowBytes);
    return read(gulps[k].row, bytes).then(() => bytes);
  };
  let next = gulps.length > 0 ? fetch(0) : undefined;
  for (let k = 0; k < gulps.length; k++) {
    const bytes = await (next as Promise<Uint8Array>);
    next = k + 1 < gulps.length ? fetch(k + 1) : undefined;
    try {
      use(bytes, gulps[k]);
    } catch (error) {
      await next?.catch(() => undefined);
      throw error;
    }
  }
}
