/**
 * `buildFigure`: a figure description to its Vega-Lite spec and the bytes of
 * each output. Every route to a figure (`plot`, `plot multi`, `plot build`,
 * `plotWaterfall`) ends here; nothing is written to disk.
 */
import { extname } from "node:path";

import { openWaterfall, Spectra, WaterfallError, type FigureData } from "@wfall/spectra";
import { checkOptions } from "@wfall/spectra/internal";

import type { MetadataEntry } from "../metadata.js";
import { FIGURE_OPTIONS, PANEL_OPTIONS } from "../options.js";
import { FORMATS, renderFigure, type FigureFormat } from "../render.js";
import { figureSpec, type SpecPanel, type VegaLiteSpec } from "../spec/figure.js";
import { figureDataFor } from "./data.js";
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

async function loadPanel(panel: PanelDescription, notes: string[]): Promise<{ spectra: Spectra; dmTime: PanelDescription["dmTime"] }> {
  if (typeof panel.input !== "string") return { spectra: panel.input, dmTime: panel.dmTime };
  const waterfall = await openWaterfall(panel.input, panel.read);
  if (!waterfall.layout.startsWith("tutorial"))
    notes.push(`read ${panel.input} as ${waterfall.layout}${waterfall.notes.length ? ` (${waterfall.notes.join("; ")})` : ""}`);
  else if (waterfall.notes.length) notes.push(`${panel.input}: ${waterfall.notes.join("; ")}`);
  return { spectra: Spectra.fromWaterfall(waterfall), dmTime: waterfall.dmTime };
}

/** The figure's spec and data, without rendering (for `--spec` and for checks). */
export async function figureOf(description: FigureDescription): Promise<Omit<BuiltFigure, "outputs">> {
  if (description.panels.length === 0) throw new WaterfallError("E_ARGUMENT", "a figure needs at least one panel");
  checkOptions(FIGURE_OPTIONS, description);
  checkOutputs(description);
  const notes: string[] = [];
  const loaded: Awaited<ReturnType<typeof loadPanel>>[] = [];
  for (const panel of description.panels) loaded.push(await loadPanel(panel, notes)); // in order: messages are deterministic
  const panels: SpecPanel[] = description.panels.map((panel, i) => {
    const options = panelOptions(description, panel);
    checkOptions(PANEL_OPTIONS, options, panelSource(panel));
    return { figure: figureDataFor(loaded[i].spectra, options, loaded[i].dmTime), title: panel.title, cmap: options.cmap, imageDpi: options.imageDpi };
  });
  return { spec: figureSpec(panels, description), figures: panels.map((p) => p.figure), notes };
}

/** Renders a figure description to the bytes of each of its outputs, with `metadata` embedded in each. */
export async function buildFigure(description: FigureDescription, metadata?: readonly MetadataEntry[]): Promise<BuiltFigure> {
  const figure = await figureOf(description);
  const outputs: RenderedOutput[] = [];
  for (const path of description.outputs) {
    const format = formatOf(path);
    outputs.push({ path, format, bytes: await renderFigure(figure.spec, { format, dpi: description.dpi, metadata }) });
  }
  return { ...figure, outputs };
}
