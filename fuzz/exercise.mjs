// What the JS fuzzer does with each input, shared with the test that replays
// its findings (packages/spectra/test/fuzz-regressions.test.ts), so a finding
// replays exactly as it was found.
import { openWaterfall, prepareFigureData, Spectra, WaterfallError } from "@wfall/spectra";

/**
 * Reads a waterfall file, masks and subbands it and computes a figure from it.
 * @param {string} file
 */
export async function exercise(file) {
  const wf = await openWaterfall(file, { maxBytes: 1 << 24 });
  const spec = Spectra.fromWaterfall(wf);
  spec.maskBy({ sum: 2, variance: 0.05, constant: true });
  if (spec.nchan % 2 === 0) spec.subband(spec.nchan / 2);
  prepareFigureData(spec, { window: spec.dt * 2 });
}

/**
 * Whether an error thrown by {@link exercise} is a bug: anything but a
 * WaterfallError, and a WaterfallError for a panic caught in the native addon.
 * @param {unknown} error
 */
export function isFinding(error) {
  return !(error instanceof WaterfallError) || error.code === "E_INTERNAL";
}
