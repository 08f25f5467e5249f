/** Small array helpers on row-major `[rows][cols]` float32 data. */

/** Index of the largest value, the first on ties (`np.argmax`); NaN never wins. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j] > values[best] || Number.isNaN(values[best])) best = j;
  return best;
}

/** The rows of `[rows][cols]` data in reverse order (descending frequencies to row 0 lowest). */
export function flipRows(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols, (r + 1) * cols), (rows - 1 - r) * cols);
  return out;
}

/** Columns `[first, first + count)` of every row of `[rows][cols]` data, as a new array. */
export function sliceColumns(data: Float32Array, rows: number, cols: number, first: number, count: number): Float32Array {
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols + first, r * cols + first + count), r * count);
  return out;
}

/** Column-major `[cols][rows]` values (e.g. time-major samples) as row-major `[rows][cols]` float32. */
export function transpose(values: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) out[r * cols + c] = Number(values[c * rows + r]);
  return out;
}
