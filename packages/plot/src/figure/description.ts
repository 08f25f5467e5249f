/**
 * The one description of a figure: what `plot`, `plot multi`, a manifest
 * figure and the API all build, and what {@link buildFigure} renders. The same
 * description gives the same bytes whichever route made it.
 */
import { inputLabel, type DmTimePlane, type Input, type ReadOptions, type Spectra } from "@wfall/spectra";

import type { FigureOptions, PanelOptions } from "../options.js";

/** One panel: its data, how to read it, its title and its own options. */
export interface PanelDescription {
  /** A waterfall file (any format `openWaterfall` reads), several PSRFITS files of one observation, or data already in memory. */
  input: Input | Spectra;
  /** How to read `input` when it is a file. */
  read?: ReadOptions;
  /** Panel title, e.g. the TNS name. */
  title?: string;
  /** This panel's options, over the figure's. */
  options?: PanelOptions;
  /** A DM-time plane on the time axis of an in-memory `input` (files bring their own). */
  dmTime?: DmTimePlane;
  /** A model of the burst's time series on the time axis of an in-memory `input` (files bring their own). */
  modelTimeseries?: Float32Array;
}

/** A figure: its outputs, its layout, options for every panel, and the panels. */
export interface FigureDescription extends FigureOptions {
  /** A name for messages (manifest figures have one). */
  name?: string;
  /** Output files; each extension (.pdf, .svg, .png) chooses a format. */
  outputs: string[];
  /** Options of every panel (a panel's own win). */
  options?: PanelOptions;
  panels: PanelDescription[];
}

/** The options of panel `i`: the figure's, then the panel's own. */
export function panelOptions(figure: FigureDescription, panel: PanelDescription): PanelOptions {
  return { ...figure.options, ...panel.options };
}

/** Whether a panel's input is files to read (not a Spectra in memory). */
export function isFileInput(input: PanelDescription["input"]): input is Input {
  return typeof input === "string" || Array.isArray(input);
}

/** The file a panel's data come from, if any ("FIRST and N more" for several). */
export function panelSource(panel: PanelDescription): string | undefined {
  return isFileInput(panel.input) ? inputLabel(panel.input) : (panel.input as Spectra).source;
}

/** Every file a panel reads. */
export function panelFiles(panel: PanelDescription): string[] {
  if (!isFileInput(panel.input)) return (panel.input as Spectra).source ? [(panel.input as Spectra).source!] : [];
  return typeof panel.input === "string" ? [panel.input] : [...panel.input];
}
