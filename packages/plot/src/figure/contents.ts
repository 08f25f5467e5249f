/**
 * What a panel shows: its parts (time series, waterfall, spectrum, DM-time
 * plane, S/N-vs-DM curve, text, on-pulse shading) from the `panels` option,
 * checked for parts that need another.
 */
import { WaterfallError } from "@wfall/spectra";
import { listValue } from "@wfall/spectra/internal";

import { CONTENT_OPTIONS, type PanelOptions, type PANEL_PARTS } from "../options.js";

/** One part of a panel. */
export type PanelPart = (typeof PANEL_PARTS)[number];

/** The parts a panel shows. */
export type PanelContents = ReadonlySet<PanelPart>;

/** Parts that are drawn on or beside another, which must be there too. */
const NEEDS: Partial<Record<PanelPart, PanelPart>> = { snrdm: "dmtime", onpulse: "timeseries" };

/**
 * The parts of a panel: the `panels` option, or the tutorial's figure (with
 * the DM-time plane when the input brings one, as FETCH/your candidates do).
 * @throws {WaterfallError} `E_ARGUMENT` without a waterfall, or with a part whose host is missing.
 */
export function panelContents(options: Pick<PanelOptions, "panels">, inputHasPlane: boolean, file?: string): PanelContents {
  const spec = CONTENT_OPTIONS.panels;
  const parts = new Set(listValue(spec, options.panels ?? "tutorial") as PanelPart[]);
  if (options.panels === undefined && inputHasPlane) parts.add("dmtime");
  const fail = (message: string) => new WaterfallError("E_ARGUMENT", `panels: ${message}`, { file });
  if (!parts.has("waterfall")) throw fail("every panel has a waterfall (the other parts share its axes); add waterfall");
  for (const [part, host] of Object.entries(NEEDS) as [PanelPart, PanelPart][]) {
    if (parts.has(part) && !parts.has(host)) throw fail(`${part} is drawn ${part === "snrdm" ? "beside" : "on"} the ${host}; add ${host}`);
  }
  return parts;
}

/** Whether the parts need the burst measured (S/N, on-pulse window, spectrum). */
export function needsMeasurement(parts: PanelContents): boolean {
  return parts.has("text") || parts.has("spectrum") || parts.has("onpulse");
}

/** A key naming a set of parts (figures need the same parts in every panel). */
export function contentsKey(parts: PanelContents): string {
  return [...parts].sort().join(",");
}
