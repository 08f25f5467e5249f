/** Writing a figure's outputs, and `plotWaterfall`: one waterfall file to one figure file. */
import type { Input, Spectra, ReadOptions } from "@wfall/spectra";
import { pickOptions, refuseUnknownOptions, writeFilesAtomic } from "@wfall/spectra/internal";

import { FIGURE_OPTIONS, PANEL_OPTIONS, type FigureOptions, type PanelOptions } from "../options.js";
import { buildFigure, type BuiltFigure } from "./build.js";
import { isFileInput, type FigureDescription } from "./description.js";

/** Renders a figure description and writes its outputs, all or nothing. */
export async function writeFigure(description: FigureDescription): Promise<BuiltFigure> {
  const built = await buildFigure(description);
  await writeFilesAtomic(built.outputs);
  return built;
}

/** The default output for an input file: the input's name with `.pdf`, in the current folder (for several files, the first's). */
export function defaultOutput(input: Input): string {
  const first = typeof input === "string" ? input : input[0];
  const name = first.split(/[\\/]/).pop() ?? first;
  return `${name.replace(/\.(npz|npy|fil|h5|hdf5|fits|sf)$/i, "")}.pdf`;
}

/** Options of {@link plotWaterfall}: the panel's and the figure's, how to read the input, and where to write. */
export interface PlotWaterfallOptions extends PanelOptions, FigureOptions {
  /** How to read the input file (given axes, time range, npz keys). */
  read?: ReadOptions;
  /** Output file(s); each extension (.pdf, .svg, .png) chooses a format. Default: the input's name with .pdf. */
  output?: string | string[];
  /** Panel title. */
  title?: string;
}

/** Splits the options of {@link plotWaterfall} into a one-panel figure description. */
export function singlePanelFigure(input: Input | Spectra, options: PlotWaterfallOptions = {}): FigureDescription {
  const { read, output, title, ...rest } = options;
  refuseUnknownOptions(rest, [PANEL_OPTIONS, FIGURE_OPTIONS]);
  const source = isFileInput(input) ? input : input.source;
  const outputs = output === undefined ? (source ? [defaultOutput(source)] : []) : Array.isArray(output) ? output : [output];
  return { ...pickOptions(FIGURE_OPTIONS, rest), outputs, panels: [{ input, read, title, options: pickOptions(PANEL_OPTIONS, rest) }] };
}

/**
 * Reads a waterfall file (several PSRFITS files of one observation, or takes a Spectra), processes it, draws the
 * tutorial's figure and writes it. The same figure through `plot`, a manifest
 * or this function gives the same bytes.
 */
export async function plotWaterfall(input: Input | Spectra, options: PlotWaterfallOptions = {}): Promise<BuiltFigure> {
  return writeFigure(singlePanelFigure(input, options));
}
