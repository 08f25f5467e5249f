/**
 * `figureSpec`: a figure of one or more waterfall panels as one plain
 * Vega-Lite spec. One panel is the tutorial's `plot_intensity_wfalls.py`
 * figure; several sit side by side (or in a grid) as
 * `plot_intensity_wfalls_multi.py` draws three repeater bursts: a title per
 * panel, frequency labels only on the first column (and on any panel whose
 * band differs from its row's first, which would otherwise be misread), and
 * a figure label such as "(a)".
 */
import { WaterfallError, type BurstSnr, type ColourMap, type FigureData } from "@wfall/spectra";
import { flagOf } from "@wfall/spectra/internal";

import type { PanelContents } from "../figure/contents.js";

import type { FigureOptions } from "../options.js";
import { FIGURE_OPTIONS, LOOK_OPTIONS } from "../options.js";
import { figureConfig } from "./config.js";
import { textWidth } from "./fonts.js";
import { gridLayout, POINTS_PER_INCH, STYLE, wrapText, type GridLayout } from "./layout.js";
import { panelSpec, panelTicks } from "./panel.js";
import { legendLines } from "./rug.js";
import { sideColumnsFor, snrDomain, snrTicks } from "./side.js";
import { colorbarColumn } from "./colorbar.js";
import { textItems, wrapItems } from "./textbox.js";

/** A Vega-Lite specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

/** What `renderFigure` needs to reproduce the exact figure size, and what each panel shows (kept in the spec's `usermeta`). */
export interface FigureMeta {
  widthPt: number;
  heightPt: number;
  padding: GridLayout["padding"];
  /** Per panel: its file, DM, centre sample, plotted samples and the colour limits drawn (and the burst's measurement, when made). */
  panels: {
    source?: string;
    dm: number;
    peak: number;
    samples: [number, number];
    vmin: number;
    vmax: number;
    limitsFrom: FigureData["limitsFrom"];
    /** Fraction of the plotted valid pixels at or above vmax (drawn in the top colour). */
    saturated: number;
    measurement?: BurstSnr;
  }[];
}

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The fraction of finite values at or above `vmax` (0 when none is finite). */
function saturatedFraction(values: Float32Array, vmax: number): number {
  let [finite, above] = [0, 0];
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    finite++;
    if (v >= vmax) above++;
  }
  return finite ? above / finite : 0;
}

/** One panel as the spec needs it: its figure data and look. */
export interface SpecPanel {
  figure: FigureData;
  title?: string;
  cmap?: ColourMap;
  imageDpi?: number;
  /** The parts to draw (default: the tutorial's, with a DM-time plane when the data have one). */
  parts?: PanelContents;
  /** Draw the mask rug beside the waterfall. */
  maskRug?: boolean;
  /** Draw a colour bar at the right of the panel, with this label if given. */
  colorbar?: boolean;
  colorbarLabel?: string;
}

/**
 * The tutorial's figure is 4.26 x 3 in; more columns widen it so each panel
 * keeps about 1.75 in (room for its time ticks), more rows make it taller.
 */
export function defaultSize(rows: number, columns: number): { widthIn: number; heightIn: number } {
  return { widthIn: Math.max(4.26, 0.8 + 1.75 * columns), heightIn: rows === 1 ? 3 : 2.6 * rows };
}

/** How far (pt) the last time-tick label reaches past the right edge of a panel `panelWidth` wide. */
function rightOverhang(fd: FigureData, panelWidth: number, fontSize: number): number {
  const { time } = panelTicks(fd);
  const t0 = fd.timeEdgesMs[0];
  const t1 = fd.timeEdgesMs[fd.ncols];
  const last = time.values.length - 1;
  if (last < 0) return 0;
  const distance = ((t1 - time.values[last]) / (t1 - t0)) * panelWidth;
  return Math.max(0, textWidth(time.labels[last], { fontSize }) / 2 - distance);
}

/** The height of `lines` lines of text under a panel (and the gap above them), pt. */
function textBlockPt(lines: number, fontSize: number): number {
  return lines ? STYLE.edge + lines * fontSize * STYLE.lineHeight : 0;
}

/** The axis titles the options ask for; one longer than its axis would be cut, so it is refused with the lengths. */
function checkedAxisTitles(options: FigureOptions, layout: GridLayout, fontSize: number): { time: string; frequency: string } {
  const titles = { time: options.timeLabel ?? FIGURE_OPTIONS.timeLabel.default, frequency: options.frequencyLabel ?? FIGURE_OPTIONS.frequencyLabel.default };
  const axes = [
    { key: "timeLabel", axis: "time", lengthPt: layout.panelWidth, grow: "--width" },
    { key: "frequencyLabel", axis: "frequency", lengthPt: layout.seriesHeight + layout.waterfallHeight, grow: "--height" },
  ] as const;
  for (const { key, axis, lengthPt, grow } of axes) {
    const title = titles[axis];
    const width = textWidth(title, { fontSize });
    if (width <= lengthPt) continue;
    const flag = `--${flagOf(key, FIGURE_OPTIONS[key])}`;
    throw new WaterfallError(
      "E_ARGUMENT",
      `the ${axis} axis title "${title}" is ${width.toFixed(0)} pt long at ${fontSize} pt, longer than the axis (${lengthPt.toFixed(0)} pt): make the figure larger (${grow}), the text smaller (--font-size) or the title shorter (${flag})`,
    );
  }
  return titles;
}

/**
 * Refuses tick labels that would overlap: neighbouring time labels closer than
 * half their widths plus a gap, frequency labels closer than a line.
 */
function checkTickSpacing(figures: readonly FigureData[], layout: GridLayout, fontSize: number): void {
  const hint = "make the figure larger (--width, --height) or the text smaller (--font-size)";
  for (const f of figures) {
    const { time, frequency } = panelTicks(f);
    const t0 = f.timeEdgesMs[0];
    const t1 = f.timeEdgesMs[f.ncols];
    for (let i = 1; i < time.values.length; i++) {
      const apartPt = ((time.values[i] - time.values[i - 1]) / (t1 - t0)) * layout.panelWidth;
      const neededPt = (textWidth(time.labels[i - 1], { fontSize }) + textWidth(time.labels[i], { fontSize })) / 2 + STYLE.edge;
      if (apartPt < neededPt)
        throw new WaterfallError("E_ARGUMENT", `the time tick labels ${time.labels[i - 1]} and ${time.labels[i]} would overlap at ${fontSize} pt: ${hint}`);
    }
    const [f0, f1] = f.freqExtent;
    const linePt = fontSize * STYLE.lineHeight;
    for (let i = 1; i < frequency.values.length; i++) {
      const apartPt = ((frequency.values[i] - frequency.values[i - 1]) / Math.abs(f1 - f0)) * layout.waterfallHeight;
      if (apartPt < linePt)
        throw new WaterfallError(
          "E_ARGUMENT",
          `the frequency tick labels ${frequency.labels[i - 1]} and ${frequency.labels[i]} would overlap at ${fontSize} pt: ${hint}`,
        );
    }
  }
}

/** One colour scale for all panels: the lowest vmin and the highest vmax. */
function shareScale(panels: SpecPanel[]): SpecPanel[] {
  const vmin = Math.min(...panels.map((p) => p.figure.vmin));
  const vmax = Math.max(...panels.map((p) => p.figure.vmax));
  const limitsFrom = { vmin: "the lowest of the panels' vmin (shared scale)", vmax: "the highest of the panels' vmax (shared scale)" };
  return panels.map((p) => ({ ...p, figure: { ...p.figure, vmin, vmax, limitsFrom } }));
}

/**
 * The figure as Vega-Lite, laid out in points with the real font so that no
 * label clips and the page is exactly the requested size. Render it with
 * `renderFigure`, or with any Vega-Lite tool.
 */
export function figureSpec(input: SpecPanel[], options: FigureOptions = {}): VegaLiteSpec {
  if (input.length === 0) throw new WaterfallError("E_ARGUMENT", "a figure needs at least one panel");
  const columns = options.columns ?? input.length;
  if (!(Number.isInteger(columns) && columns >= 1)) throw new WaterfallError("E_ARGUMENT", `columns must be a positive integer, got ${columns}`);
  const panels = options.sharedScale ? shareScale(input) : input;
  const figures = panels.map((p) => p.figure);
  const rows = Math.ceil(panels.length / columns);
  const fontSize = options.fontSize ?? FIGURE_OPTIONS.fontSize.default;
  const size = defaultSize(rows, columns);

  // Frequency labels on the first column, and on any panel whose band differs from its row's first.
  const tickKey = (f: FigureData) => `${panelTicks(f).frequency.values.join(",")}|${f.freqExtent.join(",")}`;
  const labelled = figures.map((f, i) => i % columns === 0 || tickKey(f) !== tickKey(figures[i - (i % columns)]));
  const lastColumn = figures.filter((_, i) => i % columns === columns - 1 || i === figures.length - 1);
  const parts = panels[0].parts;
  const rugged = panels.some((p) => p.maskRug);
  const barred = panels.filter((p) => p.colorbar);
  const bar = barred.length
    ? colorbarColumn(
        barred.map((p) => p.figure),
        barred.find((p) => p.colorbarLabel)?.colorbarLabel,
        fontSize,
      )
    : undefined;
  const sideColumns = sideColumnsFor(parts, rugged, bar);
  const rugLines = (panelWidth: number) => Math.max(0, ...panels.map((p) => (p.maskRug ? legendLines(p.figure, panelWidth, fontSize) : 0)));
  const curveBeside = Boolean(parts?.has("snrdm") && figures.some((f) => f.snrCurve && f.dmTime));
  const withText = Boolean(parts?.has("text"));
  // The first S/N tick label sits at the left edge of the curves column, under the time labels' overhang.
  const sideXLabelReach = curveBeside
    ? Math.max(...figures.map((f) => textWidth(snrTicks(snrDomain(f), Infinity, fontSize).labels[0] ?? "", { fontSize }) / 2))
    : 0;
  // A grown page keeps the tutorial's waterfall size: side columns widen it, text lengthens it.
  const sidePt = sideColumns.reduce((sum, c) => sum + c.gapPt + c.extraPt + c.fraction * ((size.widthIn * POINTS_PER_INCH) / columns) * 0.8, 0);
  const widthPt = options.widthIn !== undefined ? options.widthIn * POINTS_PER_INCH : size.widthIn * POINTS_PER_INCH + columns * sidePt;
  const solve = (xLabelOverhang: number, titleLines: { panel: number; figure: number }, textLines: number, rugLegend = 1) =>
    gridLayout({
      widthPt,
      heightPt: options.heightIn !== undefined ? options.heightIn * POINTS_PER_INCH : size.heightIn * POINTS_PER_INCH + rows * textBlockPt(textLines, fontSize),
      fontSize,
      rows,
      columns,
      yTickLabels: figures.filter((_, i) => labelled[i]).flatMap((f) => panelTicks(f).frequency.labels),
      innerYLabels: labelled.some((l, i) => l && i % columns !== 0),
      panelTitleLines: titleLines.panel,
      figureTitleLines: titleLines.figure,
      wspace: 0.1, // the tutorial's
      xLabelOverhang,
      dmTickLabels: figures.flatMap((f) => (parts && !parts.has("dmtime") ? [] : (panelTicks(f).dm?.labels ?? []))),
      timeseries: parts ? parts.has("timeseries") : true,
      sideColumns,
      dmAxisAt: curveBeside ? "side" : "plane",
      sideXLabelReach,
      textLines,
      ...(rugged ? { rugLegendLines: rugLegend } : {}),
    });
  // Titles wrap to the panels' width and the label to the figure's, text under a panel to its view; the layout makes room for their lines.
  const textOf = (width: number) => figures.map((f) => (withText ? wrapItems(textItems(f), width, fontSize) : []));
  const draft = solve(0, { panel: panels.some((p) => p.title) ? 1 : 0, figure: options.label ? 1 : 0 }, 0);
  const titleLines = panels.map((p) => (p.title ? wrapText(p.title, draft.panelWidth, fontSize) : []));
  const labelLines = options.label ? wrapText(options.label, draft.widthPt - 2 * STYLE.edge, fontSize) : [];
  const titles = { panel: Math.max(0, ...titleLines.map((l) => l.length)), figure: labelLines.length };
  const overhang = Math.max(...lastColumn.map((f) => rightOverhang(f, draft.panelWidth, fontSize)));
  let layout = solve(overhang, titles, 0, rugLines(draft.panelWidth));
  if (rugged && rugLines(layout.panelWidth) !== rugLines(draft.panelWidth)) layout = solve(overhang, titles, 0, rugLines(layout.panelWidth));
  let text = textOf(layout.viewWidth);
  // wrapped lines take height, which leaves the width alone: at most a pass or two to agree
  for (let pass = 0; pass < 3 && withText; pass++) {
    const lines = Math.max(0, ...text.map((t) => t.length));
    layout = solve(overhang, titles, lines, rugLines(layout.panelWidth));
    text = textOf(layout.viewWidth);
    if (Math.max(0, ...text.map((t) => t.length)) === lines) break;
  }

  const axisTitles = checkedAxisTitles(options, layout, fontSize);
  checkTickSpacing(figures, layout, fontSize);
  const views = panels.map((p, i) =>
    panelSpec(p.figure, layout, {
      cmap: p.cmap ?? LOOK_OPTIONS.cmap.default,
      title: titleLines[i].length > 1 ? titleLines[i] : p.title,
      showFrequencyLabels: labelled[i],
      axisTitles,
      imageDpi: p.imageDpi ?? LOOK_OPTIONS.imageDpi.default,
      parts: p.parts,
      textLines: text[i],
      maskRug: p.maskRug,
      colorbar: p.colorbar,
      colorbarLabel: p.colorbarLabel,
      fontSize,
    }),
  );
  const only = figures.length === 1 ? figures[0] : undefined;
  return {
    $schema: SCHEMA,
    description: only ? `Waterfall${only.source ? ` of ${only.source}` : ""} at DM ${only.dm}` : `${panels.length} waterfall panels`,
    usermeta: {
      wfall: {
        widthPt: layout.widthPt,
        heightPt: layout.heightPt,
        padding: layout.padding,
        panels: figures.map((f) => ({
          source: f.source,
          dm: f.dm,
          peak: f.peak,
          samples: [f.sampleStart, f.sampleEnd],
          vmin: f.vmin,
          vmax: f.vmax,
          limitsFrom: f.limitsFrom,
          saturated: saturatedFraction(f.intensity, f.vmax),
          ...(f.measurement ? { measurement: f.measurement } : {}),
        })),
      } satisfies FigureMeta,
    },
    background: "white",
    padding: 2,
    config: figureConfig(layout, fontSize),
    ...(options.label ? { title: { text: labelLines.length > 1 ? labelLines : options.label, anchor: "middle", frame: "group" } } : {}),
    ...(views.length === 1 ? views[0] : { columns, spacing: { row: layout.rowGap, column: layout.columnGap }, bounds: "flush", concat: views }),
  };
}
