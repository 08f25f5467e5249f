/**
 * `buildFigure`: a figure description to its Vega-Lite spec and the bytes of
 * each output. Every route to a figure (`plot`, `plot multi`, `plot build`,
 * `plotWaterfall`) ends here; nothing is written to disk.
 */
import {
  maskDocumentBytes,
  maskReportLines,
  masksRequested,
  readProcessed,
  type Spectra,
  WaterfallError,
  type FigureData,
  type ReadAndProcessed,
} from "@wfall/spectra";
import { checkOptions } from "@wfall/spectra/internal";

import type { MetadataEntry } from "../metadata.js";
import { FIGURE_OPTIONS, PANEL_OPTIONS, type PanelOptions } from "../options.js";
import { formatOf, type FigureFormat } from "../formats.js";
import { renderFigures } from "../render.js";
import { figureSpec, type SpecPanel, type VegaLiteSpec } from "../spec/figure.js";
import { contentsKey, panelContents } from "./contents.js";
import { panelFigure } from "./data.js";
import { isFileInput, panelFiles, panelOptions, panelSource, type FigureDescription, type PanelDescription } from "./description.js";

/** One rendered output file: a figure, or a panel's JSON mask file (`masksOut`). */
export interface RenderedOutput {
  path: string;
  format: FigureFormat | "json";
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

export { formatOf } from "../formats.js";

/** The JSON mask file each panel writes (`masksOut`), if any. */
export function maskOutputs(description: FigureDescription): (string | undefined)[] {
  return description.panels.map((panel) => panelOptions(description, panel).masksOut);
}

/** Refuses outputs that would overwrite an input or repeat. */
function checkOutputs(description: FigureDescription): void {
  const inputs = new Set(
    description.panels.flatMap((panel) => [...panelFiles(panel), panelOptions(description, panel).masksIn]).filter((s) => s !== undefined),
  );
  const seen = new Set<string>();
  const masks = maskOutputs(description).filter((m) => m !== undefined);
  for (const output of [...description.outputs, ...masks]) {
    if (!masks.includes(output)) formatOf(output);
    if (inputs.has(output)) throw new WaterfallError("E_ARGUMENT", "the output path is an input file; choose another name", { file: output });
    if (seen.has(output))
      throw new WaterfallError(
        "E_ARGUMENT",
        masks.includes(output)
          ? "two panels would write the same mask file: give each panel its own masksOut (in a manifest)"
          : "the same output is listed twice",
        { file: output },
      );
    seen.add(output);
  }
}

/** A panel's data: read from its file(s) (holding the dispersion sweep around the range asked for), or given. */
async function loadPanel(panel: PanelDescription, options: PanelOptions, notes: string[]): Promise<Spectra | ReadAndProcessed> {
  if (!isFileInput(panel.input)) return panel.input;
  // read and processed in one step: a large channel-major file streams in blocks of channels
  const read = await readProcessed(panel.input, panel.read ?? {}, options);
  // one line a note: `--quiet` keeps a warning's line, and only it
  for (const note of read.waterfall.notes) notes.push(`${read.waterfall.file}: ${note}`);
  return read;
}

/** How a panel with these options is drawn (the look options of {@link PANEL_OPTIONS}), checked. */
export function panelLook(options: PanelOptions, file?: string): Pick<SpecPanel, "cmap" | "imageDpi" | "maskRug" | "colorbar" | "colorbarLabel"> {
  if (options.colorbarLabel !== undefined && !options.colorbar) throw new WaterfallError("E_ARGUMENT", "--colorbar-label needs --colorbar", { file });
  return { cmap: options.cmap, imageDpi: options.imageDpi, maskRug: options.maskRug, colorbar: options.colorbar, colorbarLabel: options.colorbarLabel };
}

/** The figure's spec and data, without rendering (for `--spec` and for checks). */
export async function figureOf(description: FigureDescription): Promise<Omit<BuiltFigure, "outputs">> {
  if (description.panels.length === 0) throw new WaterfallError("E_ARGUMENT", "a figure needs at least one panel");
  checkOptions(FIGURE_OPTIONS, description);
  checkOutputs(description);
  const notes: string[] = [];
  const panels: SpecPanel[] = [];
  for (const [i, panel] of description.panels.entries()) {
    // one panel after the other: messages come in a deterministic order
    const options = panelOptions(description, panel);
    const file = panelSource(panel);
    checkOptions(PANEL_OPTIONS, options, file);
    const data = await loadPanel(panel, options, notes);
    const dmTime = panel.dmTime ?? (isFileInput(panel.input) ? (data as ReadAndProcessed).waterfall.dmTime : undefined);
    const parts = panelContents(options, dmTime !== undefined, file);
    if (i > 0 && contentsKey(parts) !== contentsKey(panels[0].parts!))
      throw new WaterfallError(
        "E_ARGUMENT",
        `panels: every panel of a figure shows the same parts (${[...panels[0].parts!].join(", ")}), this one ${[...parts].join(", ")}`,
        { file },
      );
    const extras = { dmTime: panel.dmTime, modelTimeseries: panel.modelTimeseries };
    const { figure, notes: processing } = await panelFigure(data, options, extras, parts);
    notes.push(...processing.map((n) => `${file ?? "the data"}: ${n}`));
    // what was masked, by origin, when masks were asked for (or drawn); the masks' remarks always
    notes.push(...maskReportLines(figure.channelMask, figure.source, masksRequested(options) || options.maskRug === true));
    panels.push({ figure, title: panel.title, parts, ...panelLook(options, file) });
  }
  return { spec: figureSpec(panels, description), figures: panels.map((p) => p.figure), notes };
}

/** Renders a figure description to the bytes of each of its outputs, with `metadata` embedded in each. */
export async function buildFigure(description: FigureDescription, metadata?: readonly MetadataEntry[]): Promise<BuiltFigure> {
  const figure = await figureOf(description);
  const formats = description.outputs.map(formatOf);
  const files = await renderFigures(figure.spec, formats, { dpi: description.dpi, metadata });
  const outputs: RenderedOutput[] = description.outputs.map((path, i) => ({ path, format: formats[i], bytes: files[i] }));
  maskOutputs(description).forEach((path, i) => {
    const fd = figure.figures[i];
    if (path) outputs.push({ path, format: "json", bytes: maskDocumentBytes(fd.channelMask, fd.source) });
  });
  return { ...figure, outputs };
}
