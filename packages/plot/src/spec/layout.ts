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

/** A Vega-Lite encoding of a data field given in pixels of the view (no scale). */
export const pixelField = (field: string) => ({ field, type: "quantitative", scale: null });

/**
 * A column right of each panel's waterfall (the spectrum, a mask rug, ...):
 * `fraction` of the waterfall's width plus `extraPt`, after a gap of `gapPt`.
 */
export interface SideColumn {
  key: string;
  fraction: number;
  extraPt: number;
  gapPt: number;
}

/** Where a side column lies in its panel's view, pt from the view's left edge. */
export interface SideColumnPlace {
  key: string;
  x0: number;
  x1: number;
}

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
  /** Whether panels have the time series on top (default true). */
  timeseries?: boolean;
  /** Columns right of the waterfall, left to right. */
  sideColumns?: SideColumn[];
  /**
   * The DM axis beside the DM-time plane ("plane", the default) or beside an S/N-vs-DM curve ("side": at the right
   * of the first side column with a width of its own, the curves; columns after it, such as a colour bar, span the
   * waterfall's row only).
   */
  dmAxisAt?: "plane" | "side";
  /** How far the first x tick label of a side column in the bottom row reaches left of it, pt (0 without such labels). */
  sideXLabelReach?: number;
  /** Lines of text under each panel. */
  textLines?: number;
  /** Lines of the mask rug's legend under the time axis (0: no rug legend); the rug itself is a side column. */
  rugLegendLines?: number;
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
  /** Width of a panel's view: the waterfall (`panelWidth`) and its side columns. */
  viewWidth: number;
  sideColumns: SideColumnPlace[];
  /** Pixels to move the DM axis from the view's right edge to the plane's (negative), when it sits beside the plane. */
  dmAxisOffset: number;
  /** Top of the text under a panel, from the top of its view, and the height of one line. */
  textTop: number;
  textLineHeight: number;
  /** With a mask rug: how far below a panel's bottom its legend starts, pt. */
  rugLegendOffset?: number;
}

/** Solves the layout; throws when the requested size leaves no room for the plots. */
export function gridLayout(input: GridInput): GridLayout {
  const { fontSize: s, rows, columns } = input;
  const text = s * STYLE.lineHeight;
  const widestY = Math.max(0, ...input.yTickLabels.map((label) => textWidth(label, { fontSize: s })));
  const yAxisExtent = STYLE.tickSize + STYLE.labelPadding + widestY;
  const xAxisExtent = STYLE.tickSize + STYLE.labelPadding + text;
  const legendBlock = input.rugLegendLines ? STYLE.titlePadding + input.rugLegendLines * text : 0;
  const xAxisBlock = xAxisExtent + STYLE.titlePadding + text + legendBlock;
  const panelTitleBlock = input.panelTitleLines ? input.panelTitleLines * text + STYLE.panelTitleOffset : 0;
  const figureTitleBlock = input.figureTitleLines ? input.figureTitleLines * text + STYLE.panelTitleOffset : 0;

  const left = STYLE.edge + text + STYLE.titlePadding + yAxisExtent;
  const dmLabels = input.dmTickLabels ?? [];
  const dmAxisExtent = dmLabels.length ? STYLE.tickSize + STYLE.labelPadding + Math.max(...dmLabels.map((l) => textWidth(l, { fontSize: s }))) : 0;
  const dmAxisBlock = dmAxisExtent ? dmAxisExtent + STYLE.titlePadding + text : 0;
  const sides = input.sideColumns ?? [];
  const dmAtSide = input.dmAxisAt === "side" && sides.length > 0;
  const textLineHeight = text;
  const textBlock = input.textLines ? STYLE.edge + input.textLines * textLineHeight : 0;
  // without the time series the waterfall's top tick label reaches half a line above the panel
  const topLabel = input.timeseries === false ? text / 2 : 0;
  const top = STYLE.edge + figureTitleBlock + panelTitleBlock + topLabel;
  const bottom = STYLE.edge + xAxisBlock + textBlock;
  const rowGap = xAxisBlock + 2 * STYLE.edge + panelTitleBlock + textBlock + topLabel;
  // The time labels' overhang lands right of the waterfall: keep it clear of the x labels of the first column
  // that has them (the first with a width of its own; narrow strips such as the mask rug come before it).
  const reach = input.sideXLabelReach ?? 0;
  const labelledColumn = sides.findIndex((c) => c.fraction > 0);
  const gapOf = (i: number) => {
    if (reach <= 0 || i !== labelledColumn) return sides[i].gapPt;
    const before = sides.slice(0, i).reduce((sum, c) => sum + c.gapPt + c.extraPt, 0);
    return Math.max(sides[i].gapPt, input.xLabelOverhang + reach + STYLE.edge - before);
  };
  const sideFraction = sides.reduce((sum, c) => sum + c.fraction, 0);
  const sideFixed = sides.reduce((sum, c, i) => sum + c.extraPt + gapOf(i), 0);
  const sideSpan = (w: number) => sideFraction * w + sideFixed;
  // The columns right of the one the DM axis sits beside (when it sits at the side)
  const after = dmAtSide ? sides.slice(labelledColumn + 1) : [];
  const spanAfter = (w: number) => after.reduce((sum, c) => sum + c.fraction * w + c.extraPt + c.gapPt, 0);
  // What a panel needs right of its view: the time labels' overhang past its side columns, the DM axis.
  const rightNeed = (w: number) => {
    const overhang = Math.max(0, input.xLabelOverhang - sideSpan(w));
    const dm = Math.max(0, dmAxisBlock - (dmAtSide ? spanAfter(w) : sideSpan(w)));
    return Math.max(overhang, dm);
  };

  // columns * view + (columns - 1) * gap = available width, gap = wspace * w, or room for labels
  const labelledGap = input.innerYLabels ? left - STYLE.edge + 2 * STYLE.edge : 0;
  // the DM axis of a panel that is not the last needs its room in the gap too, beside the next one's labels
  const gapFor = (right: number) => (dmAxisBlock && columns > 1 ? right - STYLE.edge + (labelledGap || 2 * STYLE.edge) : labelledGap);
  let panelWidth = 0;
  let right = STYLE.edge + Math.max(input.xLabelOverhang, dmAxisBlock);
  for (let pass = 0; pass < 3; pass++) {
    const minimumGap = gapFor(right);
    const availableWidth = input.widthPt - left - right - columns * sideFixed;
    panelWidth = availableWidth / (columns * (1 + sideFraction) + (columns - 1) * input.wspace);
    if (input.wspace * panelWidth < minimumGap) panelWidth = (availableWidth - (columns - 1) * minimumGap) / (columns * (1 + sideFraction));
    right = STYLE.edge + rightNeed(panelWidth);
  }
  const plotHeight = (input.heightPt - top - bottom - (rows - 1) * rowGap) / rows;
  if (!(panelWidth > 10 && plotHeight > 10)) {
    throw new WaterfallError(
      "E_ARGUMENT",
      `a ${(input.widthPt / POINTS_PER_INCH).toFixed(2)} x ${(input.heightPt / POINTS_PER_INCH).toFixed(2)} in figure leaves no room for ${rows} x ${columns} panels at ${s} pt text`,
    );
  }
  const places: SideColumnPlace[] = [];
  let x = panelWidth;
  for (const [i, c] of sides.entries()) {
    const x0 = x + gapOf(i);
    x = x0 + c.fraction * panelWidth + c.extraPt;
    places.push({ key: c.key, x0, x1: x });
  }
  const viewWidth = x;
  // heights 1:3 (the tutorial's), or 1:3:2 with a DM-time plane; 3:2 without the time series
  const units = (input.timeseries === false ? 0 : 1) + 3 + (dmAxisExtent ? 2 : 0);
  return {
    widthPt: input.widthPt,
    heightPt: input.heightPt,
    padding: { left, top, right, bottom },
    panelWidth,
    seriesHeight: input.timeseries === false ? 0 : plotHeight / units,
    waterfallHeight: (plotHeight * 3) / units,
    dmTimeHeight: dmAxisExtent ? (plotHeight * 2) / units : 0,
    dmAxisExtent,
    columnGap: Math.max(input.wspace * panelWidth, gapFor(right)),
    rowGap,
    yAxisExtent,
    xAxisExtent,
    viewWidth,
    sideColumns: places,
    dmAxisOffset: dmAtSide ? -spanAfter(panelWidth) : panelWidth - viewWidth,
    textTop: plotHeight + xAxisBlock + STYLE.edge,
    textLineHeight,
    ...(input.rugLegendLines !== undefined ? { rugLegendOffset: xAxisExtent + STYLE.titlePadding + text + STYLE.titlePadding } : {}),
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
