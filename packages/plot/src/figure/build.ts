/**
 * `buildFigure`: a figure description to its Vega-Lite spec and the bytes of
 * each output. Every route to a figure (`plot`, `plot multi`, `plot build`,
 * `plotWaterfall`) ends here; nothing is written to disk.
 */
import { extname } from "node:path";

import { processFile, processSpectra, WaterfallError, type FigureData, type Spectra } from "@wfall/spectra";
import { checkOptions } from "@wfall/spectra/internal";

import { FIGURE_OPTIONS, PANEL_OPTIONS, type PanelOptions } from "../options.js";
import { FORMATS, renderFigure, type FigureFormat } from "../render.js";
import { figureSpec, type SpecPanel, type VegaLiteSpec } from "../spec/figure.js";
import { processedFigureData } from "./data.js";
import { panelOptions, panelSource, type FigureDescription, type PanelDescription } from "./description.js";

/** One rendered output file. */
export interface RenderedOutput {
  path: string;
  format: FigureFormat;
  bytes: Uint8Array;
}

/** What {@link buildFigure} made. */
export interface BuiltFigure {
  spec: VegaLiteSpec;
  /** Each panel's figure data (peak, window, colour limits, ...). */
  figures: FigureData[];
  outputs: RenderedOutput[];
  /** Notes about how inputs were read (a non-tutorial layout, an assumed DM), one per line. */
  notes: string[];
}

/** The figure format of an output path, from its extension. */
export function formatOf(path: string): FigureFormat {
  const ext = extname(path).slice(1).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(ext)) {
    throw new WaterfallError("E_ARGUMENT", `cannot tell the figure format from the extension '${extname(path) || "(none)"}'; use .pdf, .svg or .png`, {
      file: path,
    });
  }
  return ext as FigureFormat;
}

/** Refuses outputs that would overwrite an input or repeat. */
function checkOutputs(description: FigureDescription): void {
  const inputs = new Set(description.panels.map(panelSource).filter((s) => s !== undefined));
  const seen = new Set<string>();
  for (const output of description.outputs) {
    formatOf(output);
    if (inputs.has(output)) throw new WaterfallError("E_ARGUMENT", "the output path is an input file; choose another name", { file: output });
    if (seen.has(output)) throw new WaterfallError("E_ARGUMENT", "the same output is listed twice", { file: output });
    seen.add(output);
  }
}

/**
 * A panel's waterfall processed by its options: a file through `processFile` (streamed in gulps
 * when the options reduce it; a figure needs no weights), data in memory on a copy.
 */
async function loadPanel(panel: PanelDescription, options: PanelOptions, notes: string[]): Promise<{ processed: Spectra; dmTime: PanelDescription["dmTime"] }> {
  if (typeof panel.input !== "string") return { processed: processSpectra(panel.input.clone(), options), dmTime: panel.dmTime };
  const file = await processFile(panel.input, panel.read ?? {}, options, { weights: false });
  if (!file.layout.startsWith("tutorial")) notes.push(`read ${panel.input} as ${file.layout}${file.notes.length ? ` (${file.notes.join("; ")})` : ""}`);
  else if (file.notes.length) notes.push(`${panel.input}: ${file.notes.join("; ")}`);
  return { processed: file.spectra, dmTime: file.dmTime };
}

/** The figure's spec and data, without rendering (for `--spec` and for checks). */
export async function figureOf(description: FigureDescription): Promise<Omit<BuiltFigure, "outputs">> {
  if (description.panels.length === 0) throw new WaterfallError("E_ARGUMENT", "a figure needs at least one panel");
  checkOptions(FIGURE_OPTIONS, description);
  checkOutputs(description);
  const notes: string[] = [];
  const panels: SpecPanel[] = [];
  for (const panel of description.panels) {
    // in order: messages are deterministic; one panel's full-resolution data at a time
    const options = panelOptions(description, panel);
    checkOptions(PANEL_OPTIONS, options, panelSource(panel));
    const { processed, dmTime } = await loadPanel(panel, options, notes);
    panels.push({ figure: processedFigureData(processed, options, dmTime), title: panel.title, cmap: options.cmap, imageDpi: options.imageDpi });
  }
  return { spec: figureSpec(panels, description), figures: panels.map((p) => p.figure), notes };
}

/** Renders a figure description to the bytes of each of its outputs. */
export async function buildFigure(description: FigureDescription): Promise<BuiltFigure> {
  const figure = await figureOf(description);
  const outputs: RenderedOutput[] = [];
  for (const path of description.outputs) {
    const format = formatOf(path);
    outputs.push({ path, format, bytes: await renderFigure(figure.spec, { format, dpi: description.dpi }) });
  }
  return { ...figure, outputs };
}
