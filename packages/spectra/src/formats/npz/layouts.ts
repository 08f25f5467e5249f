/**
 * Where the waterfall lives in an npz: the tutorial's keys, other tools'
 * layouts (frbgui, CHIME/FRB data releases), or keys and values given by the
 * user. The first layout whose intensity key is present is used; any key can
 * be overridden, and any scalar given directly.
 */
import { WaterfallError } from "../../errors.js";
import type { ReadOptions } from "../../options/read.js";

/** Our fields and the npz keys that hold them. */
export interface KeyMap {
  intensity: string;
  /** Sample time (s, or ms when `dtUnit` is 1e-3). */
  dt?: string;
  /** Channel width, MHz. */
  df?: string;
  /** Lowest channel frequency, MHz. */
  fbottom?: string;
  /** An array of channel frequencies, MHz (any order; uniformly spaced). */
  freqs?: string;
  dm?: string;
}

export interface NpzLayout {
  name: string;
  keys: KeyMap;
  /** Whether exactly-zero samples mark dropped data (the tutorial's files). */
  zerosMissing: boolean;
}

/** Known layouts, tried in order. */
export const LAYOUTS: readonly NpzLayout[] = [
  { name: "tutorial (get_wfall.py)", keys: { intensity: "intensity", dt: "dt", df: "df", fbottom: "fbottom", dm: "dm" }, zerosMissing: true },
  { name: "CHIME/FRB (intensity, frequencies)", keys: { intensity: "intensity", dt: "dt", freqs: "frequencies", dm: "dm" }, zerosMissing: true },
  { name: "frbgui (wfall, dfs, dt, DM)", keys: { intensity: "wfall", dt: "dt", freqs: "dfs", dm: "DM" }, zerosMissing: false },
  {
    name: "CHIME/FRB catalog (wfall, dt_s, center_freq_mhz)",
    keys: { intensity: "wfall", dt: "dt_s", freqs: "center_freq_mhz", dm: "dm" },
    zerosMissing: true,
  },
];

/** How to find the waterfall in an npz: a layout by name prefix (e.g. "frbgui"), and keys over the layout's. */
export type LayoutOptions = Pick<ReadOptions, "layout" | "keys">;

/** The layout to read `keys` (the archive's) with. */
export function chooseLayout(keys: string[], options: LayoutOptions, file: string): NpzLayout {
  let base: NpzLayout | undefined;
  if (options.layout) {
    base = LAYOUTS.find((l) => l.name.toLowerCase().startsWith(options.layout!.toLowerCase()));
    if (!base) throw new WaterfallError("E_ARGUMENT", `unknown layout '${options.layout}'; known: ${LAYOUTS.map((l) => l.name).join("; ")}`, { file });
  } else {
    const intensity = options.keys?.intensity;
    // the first layout whose keys are all present; else the first whose intensity is (to name what is missing)
    const candidates = LAYOUTS.filter((l) => keys.includes(l.keys.intensity));
    const complete = (l: NpzLayout) => [l.keys.dt, ...(l.keys.freqs ? [l.keys.freqs] : [l.keys.fbottom, l.keys.df])].every((k) => k && keys.includes(k));
    base = intensity ? { ...LAYOUTS[0], name: "custom" } : (candidates.find(complete) ?? candidates[0]);
  }
  if (!base) {
    throw new WaterfallError(
      "E_MISSING_KEY",
      `no known waterfall layout (the archive has: ${keys.join(", ") || "nothing"}); expected 'intensity' (the tutorial's) or 'wfall' (frbgui, CHIME catalog), or name the keys (--key intensity=NAME)`,
      { file },
    );
  }
  const overridden = options.keys && Object.keys(options.keys).length > 0;
  return {
    ...base,
    name: overridden && base.name !== "custom" ? `${base.name} with keys ${JSON.stringify(options.keys)}` : base.name,
    keys: { ...base.keys, ...options.keys },
  };
}
