/**
 * Channel masks in an npz (written by `plot prepare` and `writeWaterfall`,
 * read back by the npz reader), as keys numpy reads without pickles:
 *
 * | key | numpy | what |
 * |---|---|---|
 * | `mask_origin` | `<U…` `(nchan,)` | origin of each channel of the mask's grid (`''` = kept); `f["mask_origin"] != ""` is the mask |
 * | `mask_fbottom` | `<f8` `()` | lower band edge of that grid, MHz |
 * | `mask_df` | `<f8` `()` | its channel width, MHz (the grid is the full resolution: finer than `df` after subbanding) |
 * | `mask_json` | `<U…` `()` | the JSON mask document of `--masks-out` without its `masked` list (grid, summary, steps with their parameters, notes) |
 *
 * Files written before `mask_json` left out the `masked` list (it repeated
 * `mask_origin`, megabytes for a large band) read the same.
 */
import type { NpyArray } from "../io/npy.js";
import { toScalar, toStrings } from "../io/npy.js";
import type { NpzEntry } from "../io/npz.js";
import { maskDocumentHead } from "./files.js";
import { isMaskOrigin, type ChannelMask, type MaskOrigin } from "./record.js";

/** The npz keys of a mask record. */
export const MASK_KEYS = ["mask_origin", "mask_fbottom", "mask_df", "mask_json"] as const;

/** The npz entries of a mask record (none when nothing was masked or done). */
export function maskEntries(mask: ChannelMask | undefined, source?: string): Record<string, NpzEntry> {
  if (!mask || (mask.steps.length === 0 && mask.origins.every((o) => o === null))) return {};
  return {
    mask_origin: { values: mask.origins.map((o) => o ?? ""), shape: [mask.grid.nchan] },
    mask_fbottom: { values: Float64Array.of(mask.grid.fbottom), shape: [] },
    mask_df: { values: Float64Array.of(mask.grid.df), shape: [] },
    mask_json: { values: [JSON.stringify(maskDocumentHead(mask, source))], shape: [] },
  };
}

/** The mask record of an npz's mask keys, or undefined when it has none (or they do not make one). */
export function maskFromEntries(get: (key: string) => NpyArray | undefined, file: string): ChannelMask | undefined {
  const [origin, fbottom, df, json] = MASK_KEYS.map(get);
  if (!origin || !fbottom || !df) return undefined;
  const origins = toStrings(origin, { file, key: "mask_origin" }).map((o): MaskOrigin | null => (o === "" ? null : isMaskOrigin(o) ? o : "maskfile"));
  const grid = { nchan: origins.length, fbottom: toScalar(fbottom, { file, key: "mask_fbottom" }), df: toScalar(df, { file, key: "mask_df" }) };
  let steps: ChannelMask["steps"] = [];
  let notes: string[] = [];
  if (json) {
    try {
      const doc = JSON.parse(toStrings(json, { file, key: "mask_json" })[0]);
      if (Array.isArray(doc.steps)) steps = doc.steps;
      if (Array.isArray(doc.notes)) notes = doc.notes;
    } catch {
      notes = ["the file's mask_json is not valid JSON: its steps are not shown"];
    }
  }
  return { grid, origins, steps, notes };
}
