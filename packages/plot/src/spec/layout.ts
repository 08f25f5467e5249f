/**
 * Figure geometry in points (1/72 in): margins measured from the real font so
 * that no label is clipped, and panel sizes filling the requested figure size
 * exactly. Distances follow matplotlib's defaults (ticks 3.5 pt out, 3.5 pt
 * label pad, 4 pt axis-label pad, 0.8 pt spines) so figures look like the
 * tutorial's.
 */
import { WaterfallError } from "@wfall/spectra";

import { textWidth } from "./fonts.js";

export const POINTS_PER_INCH = 72;

/** matplotlib's default distances, points. */
export const STYLE = {
  tickSize: 3.5,
  tickWidth: 0.8,
  labelPadding: 3.5,
  titlePadding: 4,
  spineWidth: 0.8,
  lineWidth: 1,
  /** Blank border around the figure's outermost text. */
  edge: 4,
  /** Space between a panel title and the panel. */
  panelTitleOffset: 3,
  /** Text height as a multiple of the font size (ascender to descender of DejaVu Sans). */
  lineHeight: 1.17,
} as const;

/** What determines a grid's geometry. */
export interface GridInput {
  widthPt: number;
  heightPt: number;
  fontSize: number;
  rows: number;
  columns: number;
  /** All y tick labels drawn (the widest decides the space they take). */
  yTickLabels: string[];
  /** Whether panels after the first column also carry frequency labels (their band differs). */
  innerYLabels?: boolean;
  /** Whether panels carry titles above them. */
  /** Lines of the longest panel title (0: no titles). */
  panelTitleLines: number;
  /** Text of the figure title, if any. */
  /** Lines of the figure's label above the panels (0: none). */
  figureTitleLines: number;
  /** Horizontal gap between panels as a fraction of a panel's width (matplotlib's wspace). */
  wspace: number;
  /** How far the rightmost x tick label reaches past a panel's right edge, pt. */
  xLabelOverhang: number;
  /** Tick labels of a DM axis on the right of DM-time planes under the waterfalls, when there are any. */
  dmTickLabels?: string[];
}

/** The resulting geometry, points. */
export interface GridLayout {
  widthPt: number;
  heightPt: number;
  padding: { left: number; top: number; right: number; bottom: number };
  panelWidth: number;
  seriesHeight: number;
  waterfallHeight: number;
  columnGap: number;
  rowGap: number;
  /** Space reserved for the y axis ticks and labels of the first column. */
  yAxisExtent: number;
  /** Space reserved for the x axis ticks and labels. */
  xAxisExtent: number;
  /** Height of the DM-time plane under each waterfall (0 when there is none). */
  dmTimeHeight: number;
  /** Space reserved for the DM axis ticks and labels on the right. */
  dmAxisExtent: number;
}

/** Solves the layout; throws when the requested size leaves no room for the plots. */
export function gridLayout(input: GridInput): GridLayout {
  const { fontSize: s, rows, columns } = input;
  const text = s * STYLE.lineHeight;
  const widestY = Math.max(0, ...input.yTickLabels.map((label) => textWidth(label, { fontSize: s })));
  const yAxisExtent = STYLE.tickSize + STYLE.labelPadding + widestY;
  const xAxisExtent = STYLE.tickSize + STYLE.labelPadding + text;
  const xAxisBlock = xAxisExtent + STYLE.titlePadding + text;
  const panelTitleBlock = input.panelTitleLines ? input.panelTitleLines * text + STYLE.panelTitleOffset : 0;
  const figureTitleBlock = input.figureTitleLines ? input.figureTitleLines * text + STYLE.panelTitleOffset : 0;

  const left = STYLE.edge + text + STYLE.titlePadding + yAxisExtent;
  const dmLabels = input.dmTickLabels ?? [];
  const dmAxisExtent = dmLabels.length ? STYLE.tickSize + STYLE.labelPadding + Math.max(...dmLabels.map((l) => textWidth(l, { fontSize: s }))) : 0;
  const right = STYLE.edge + Math.max(input.xLabelOverhang, dmAxisExtent ? dmAxisExtent + STYLE.titlePadding + text : 0);
  const top = STYLE.edge + figureTitleBlock + panelTitleBlock;
  const bottom = STYLE.edge + xAxisBlock;
  const rowGap = xAxisBlock + 2 * STYLE.edge + panelTitleBlock;

  // columns * w + (columns - 1) * gap = available width, gap = wspace * w, or room for labels
  const availableWidth = input.widthPt - left - right;
  const labelledGap = input.innerYLabels ? left - STYLE.edge + 2 * STYLE.edge : 0;
  let panelWidth = availableWidth / (columns + (columns - 1) * input.wspace);
  if (input.wspace * panelWidth < labelledGap) panelWidth = (availableWidth - (columns - 1) * labelledGap) / columns;
  const plotHeight = (input.heightPt - top - bottom - (rows - 1) * rowGap) / rows;
  if (!(panelWidth > 10 && plotHeight > 10)) {
    throw new WaterfallError(
      "E_ARGUMENT",
      `a ${(input.widthPt / POINTS_PER_INCH).toFixed(2)} x ${(input.heightPt / POINTS_PER_INCH).toFixed(2)} in figure leaves no room for ${rows} x ${columns} panels at ${s} pt text`,
    );
  }
  return {
    widthPt: input.widthPt,
    heightPt: input.heightPt,
    padding: { left, top, right, bottom },
    panelWidth,
    // heights 1:3 (the tutorial's), or 1:3:2 with a DM-time plane
    seriesHeight: plotHeight / (dmAxisExtent ? 6 : 4),
    waterfallHeight: (plotHeight * 3) / (dmAxisExtent ? 6 : 4),
    dmTimeHeight: dmAxisExtent ? (plotHeight * 2) / 6 : 0,
    dmAxisExtent,
    columnGap: Math.max(input.wspace * panelWidth, labelledGap),
    rowGap,
    yAxisExtent,
    xAxisExtent,
  };
}

/**
 * `text` broken into lines no wider than `widthPt` at `fontSize`: at spaces
 * where it can, inside a word where a word alone is too wide. Titles are
 * wrapped, never clipped.
 */
export function wrapText(text: string, widthPt: number, fontSize: number): string[] {
  const fits = (line: string) => textWidth(line, { fontSize }) <= widthPt;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = "";
    let rest = word;
    while (!fits(rest) && rest.length > 1) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}
