/** matplotlib's colours, for checking the colour-mapped images figures embed. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { encodeNpz, Npz } from "@wfall/spectra";

import { runPython } from "./helpers.js";

/**
 * matplotlib's RGBA (8-bit) for `values` of shape `shape` under `cmap` from
 * `vmin` to `vmax`: what `imshow` shows (python/colormap_reference.py).
 */
export async function matplotlibRgba(values: Float32Array, shape: number[], vmin: number, vmax: number, cmap: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "wfall-cmap-"));
  const input = join(dir, "in.npz");
  const bytes = await encodeNpz({
    values: { values, shape },
    vmin: { values: Float64Array.of(vmin), shape: [] },
    vmax: { values: Float64Array.of(vmax), shape: [] },
  });
  writeFileSync(input, bytes);
  runPython("python/colormap_reference.py", [input, cmap, join(dir, "out.npz")]);
  const out = await Npz.open(join(dir, "out.npz"));
  try {
    return (await out.array("rgba")).data;
  } finally {
    await out.close();
  }
}
