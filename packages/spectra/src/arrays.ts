/** Index of the largest value, the first on ties (`np.argmax`); NaN never wins. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j] > values[best] || Number.isNaN(values[best])) best = j;
  return best;
}
