/**
 * `plotWaterfall`: the whole path from an npz (or a Spectra) to a figure file.
 */
import { extname } from "node:path";

import { openWaterfall, Spectra, WaterfallError, writeFileAtomic, type DmTimePlane, type FigureData, type OpenOptions } from "@wfall/spectra";

import { FORMATS, renderFigure, type FigureFormat } from "./render.js";
import { figureDataFor, waterfallSpec, type VegaLiteSpec } from "./waterfall-spec.js";
import type { WaterfallOptions } from "./options.js";

export interface PlotWaterfallOptions extends WaterfallOptions {
  /** How to read the input file (layout, keys, given axes, time range). */
  read?: OpenOptions;
  /** Output file; its extension (.pdf, .svg, .png) chooses the format. Default: the input with .pdf. */
  output?: string;
  /** PNG resolution. Default 300. */
  dpi?: number;
  /** A DM-time plane on the Spectra's time axis (read from the file when `input` is a path). */
  dmTime?: DmTimePlane;
}

export interface PlotResult {
  output: string;
  format: FigureFormat;
  spec: VegaLiteSpec;
  figure: FigureData;
  bytes: Buffer;
}

/** The figure format of an output path, from its extension. */
export function formatOf(path: string): FigureFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(ext)) {
    throw new WaterfallError("E_ARGUMENT", `cannot tell the figure format from the extension '${extname(path) || "(none)"}'; use .pdf, .svg or .png`, { file: path });
  }
  return ext as FigureFormat;
}

/** The default output for an input file: the same name with `.pdf` (the tutorial's intent). */
export function defaultOutput(input: string): string {
  return input.replace(/\.npz$/i, "") + ".pdf";
}

/**
 * Reads an npz (or takes a Spectra), processes it (DM, masks, subbands),
 * draws the figure and writes it atomically. Returns what was written.
 */
export async function plotWaterfall(input: string | Spectra, options: PlotWaterfallOptions = {}): Promise<PlotResult> {
  const source = typeof input === "string" ? input : input.source;
  const output = options.output ?? (source ? defaultOutput(source) : undefined);
  if (!output) throw new WaterfallError("E_ARGUMENT", "an output path is needed when plotting a Spectra without a source file");
  const format = formatOf(output);
  if (source && output === source) throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: output });
  const wf = typeof input === "string" ? await openWaterfall(input, options.read) : undefined;
  const spec = wf ? Spectra.fromWaterfall(wf) : (input as Spectra);
  const figure = figureDataFor(spec, options, wf?.dmTime ?? options.dmTime);
  const vlSpec = waterfallSpec(figure, options);
  const bytes = await renderFigure(vlSpec, { format, dpi: options.dpi });
  await writeFileAtomic(output, bytes);
  return { output, format, spec: vlSpec, figure, bytes };
}
