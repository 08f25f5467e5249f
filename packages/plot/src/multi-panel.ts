/**
 * `multiPanelSpec`: several waterfalls side by side (or in a grid), as the
 * tutorial's `plot_intensity_wfalls_multi.py` draws three repeater bursts:
 * a title per panel, frequency labels only on the first column (and on any
 * panel whose band differs from its row's first, which would otherwise be
 * misread), a figure label such as "(a)", and the tutorial's two channel
 * masks on by default.
 */
import { Spectra, WaterfallError, type DmTimePlane, type FigureData } from "@wfall/spectra";

import { figureConfig } from "./config.js";
import { gridLayout, POINTS_PER_INCH } from "./layout.js";
import { checkFigureOptions, DEFAULTS, type WaterfallOptions } from "./options.js";
import { panelSpec, panelTicks } from "./panel.js";
import { figureDataFor, figureMeta, rightOverhang, SCHEMA, type VegaLiteSpec } from "./waterfall-spec.js";

/** One panel: its data (a Spectra is processed with the merged options) and its own options. */
export interface PanelInput {
  data: Spectra | FigureData;
  /** A DM-time plane on the Spectra's time axis (FETCH/your candidates), shown under the waterfall. */
  dmTime?: DmTimePlane;
  /** Panel title, e.g. the TNS name. */
  title?: string;
  /** This panel's options (DM, window, masks, ...), over the figure's. */
  options?: WaterfallOptions;
}

/** Options of a multi-panel figure; the waterfall options apply to every panel. */
export interface MultiPanelOptions extends WaterfallOptions {
  /** Panels per row. Default: all in one row. */
  columns?: number;
  /** Figure label above everything, e.g. "(a)". */
  label?: string;
  /** Apply the tutorial's two channel masks (|sum| > 2, variance > 0.05) unless a panel sets its own. Default true. */
  masks?: boolean;
  /** One colour scale for all panels (the lowest vmin, the highest vmax). Default false: each panel its own. */
  sharedScale?: boolean;
}

/** The tutorial's figure is 4.26 x 3 in for three panels; larger grids grow from there. */
export function defaultSize(rows: number, columns: number): { widthIn: number; heightIn: number } {
  return { widthIn: Math.max(DEFAULTS.widthIn, (DEFAULTS.widthIn * columns) / 3), heightIn: rows === 1 ? DEFAULTS.heightIn : 2.6 * rows };
}

function panelOptions(figure: MultiPanelOptions, panel: PanelInput): WaterfallOptions {
  const masks = figure.masks ?? true ? { maskSum: DEFAULTS.maskSum, maskVariance: DEFAULTS.maskVariance } : {};
  const { columns, label, sharedScale, masks: _, ...shared } = figure;
  return { ...masks, ...shared, ...panel.options };
}

/** A grid of waterfall panels as one Vega-Lite spec (render it with `renderFigure`). */
export function multiPanelSpec(panels: PanelInput[], options: MultiPanelOptions = {}): VegaLiteSpec {
  if (panels.length === 0) throw new WaterfallError("E_ARGUMENT", "a multi-panel figure needs at least one panel");
  const columns = options.columns ?? panels.length;
  if (!(Number.isInteger(columns) && columns >= 1)) throw new WaterfallError("E_ARGUMENT", `columns must be a positive integer, got ${columns}`);
  const rows = Math.ceil(panels.length / columns);
  const perPanel = panels.map((p) => panelOptions(options, p));
  perPanel.forEach((o, i) => checkFigureOptions(o, panelSource(panels[i])));
  let figures = panels.map((p, i) => (p.data instanceof Spectra ? figureDataFor(p.data, perPanel[i], p.dmTime) : p.data));
  if (options.sharedScale) {
    const vmin = Math.min(...figures.map((f) => f.vmin));
    const vmax = Math.max(...figures.map((f) => f.vmax));
    figures = figures.map((f) => ({ ...f, vmin, vmax }));
  }

  const fontSize = options.fontSize ?? DEFAULTS.fontSize;
  const size = defaultSize(rows, columns);
  // Frequency labels on the first column, and on any panel whose band differs from its row's first.
  const tickKey = (f: FigureData) => panelTicks(f).frequency.values.join(",") + `|${f.freqExtent.join(",")}`;
  const labelled = figures.map((f, i) => i % columns === 0 || tickKey(f) !== tickKey(figures[i - (i % columns)]));
  const labelledPanels = figures.filter((_, i) => labelled[i]);
  const lastColumn = figures.filter((_, i) => i % columns === columns - 1 || i === figures.length - 1);
  const solve = (xLabelOverhang: number) =>
    gridLayout({
      widthPt: (options.widthIn ?? size.widthIn) * POINTS_PER_INCH,
      heightPt: (options.heightIn ?? size.heightIn) * POINTS_PER_INCH,
      fontSize,
      rows,
      columns,
      yTickLabels: labelledPanels.flatMap((f) => panelTicks(f).frequency.labels),
      innerYLabels: labelled.some((l, i) => l && i % columns !== 0),
      panelTitles: panels.some((p) => p.title),
      figureTitle: options.label,
      wspace: 0.1, // the tutorial's
      xLabelOverhang,
      dmTickLabels: figures.flatMap((f) => panelTicks(f).dm?.labels ?? []),
    });
  const draft = solve(0);
  const layout = solve(Math.max(...lastColumn.map((f) => rightOverhang(f, draft.panelWidth, fontSize))));

  return {
    $schema: SCHEMA,
    description: `${panels.length} waterfall panels`,
    usermeta: figureMeta(layout),
    background: "white",
    padding: 2,
    config: figureConfig(layout, fontSize),
    ...(options.label ? { title: { text: options.label, anchor: "middle", frame: "group" } } : {}),
    columns,
    spacing: { row: layout.rowGap, column: layout.columnGap },
    bounds: "flush",
    concat: figures.map((f, i) =>
      panelSpec(f, layout, {
        cmap: perPanel[i].cmap ?? DEFAULTS.cmap,
        title: panels[i].title,
        showFrequencyLabels: labelled[i],
        imageDpi: perPanel[i].imageDpi ?? DEFAULTS.imageDpi,
      }),
    ),
  };
}

function panelSource(panel: PanelInput): string | undefined {
  return panel.data.source;
}
