/**
 * The columns right of a panel's waterfall, and what they draw: the burst's
 * spectrum beside the waterfall (sharing its frequency axis) and the
 * S/N-vs-DM curve beside the DM-time plane (sharing its DM axis).
 *
 * A side column is declared once in {@link sideColumnsFor} (its width and the
 * gap before it, see `SideColumn` in layout.ts); the layout places it and
 * `panelSpec` asks the column's drawer for its layers with the cell it got.
 * Another narrow strip beside the waterfall (a mask rug) is one more entry.
 */
import type { FigureData } from "@wfall/spectra";

import type { PanelContents } from "../figure/contents.js";
import { textWidth } from "./fonts.js";
import { STYLE, type SideColumn, type SideColumnPlace } from "./layout.js";
import { RUG } from "./rug.js";
import { decimalsFor, niceStep, multiplesWithin, tickLabel, type Ticks } from "./ticks.js";

/** A Vega-Lite layer (plain JSON). */
export type Layer = Record<string, unknown>;

/** The column of curves: the spectrum (waterfall row) and the S/N-vs-DM curve (DM-time row). */
export const CURVES_COLUMN = "curves";

/** The curves column is a quarter of the waterfall's width, as in CHIME's and most papers' figures. */
const CURVES_FRACTION = 0.25;

/** matplotlib's "tab:blue", the time series' colour. */
export const SERIES_COLOUR = "#1f77b4";
const MASKED_FILL = "#bdbdbd";
const GUIDE_COLOUR = "#8c8c8c";
const INTERVAL_FILL = "#ff7f0e";

/** The mask rug's column (spec/rug.ts): a narrow strip right beside the waterfall. */
export const RUG_COLUMN = "rug";

/**
 * The side columns a panel with these parts (and a mask rug, when asked for) has, left to right;
 * a colour bar (spec/colorbar.ts), when given, comes last.
 */
export function sideColumnsFor(parts: PanelContents | undefined, maskRug = false, colorbar?: SideColumn): SideColumn[] {
  const columns: SideColumn[] = [];
  if (maskRug) columns.push({ key: RUG_COLUMN, fraction: 0, extraPt: RUG.width, gapPt: RUG.gap });
  if (parts?.has("spectrum") || parts?.has("snrdm")) columns.push({ key: CURVES_COLUMN, fraction: CURVES_FRACTION, extraPt: 0, gapPt: STYLE.edge });
  if (colorbar) columns.push(colorbar);
  return columns;
}

/** A side column's cell in one row: its x range and its top and bottom, pixels of the view. */
export interface SideCell {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
}

export function cellOf(place: SideColumnPlace, top: number, bottom: number): SideCell {
  return { x0: place.x0, x1: place.x1, top, bottom };
}

/** A linear scale over `domain` drawn across `[from, to]` pixels. */
const scale = (domain: [number, number], from: number, to: number) => ({ domain, range: [from, to], nice: false, zero: false });

/** `[lo, hi]` of the finite values with 5% margins (matplotlib's), including 0 when `withZero`. */
function domainOf(values: ArrayLike<number>, withZero: boolean): [number, number] {
  let lo = withZero ? 0 : Infinity;
  let hi = withZero ? 0 : -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) [lo, hi] = [Math.min(lo, values[i]), Math.max(hi, values[i])];
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  const margin = hi > lo ? 0.05 * (hi - lo) : Math.max(1, Math.abs(lo)) * 0.05;
  return [lo - margin, hi + margin];
}

/** An axes frame around a cell (matplotlib's spines), drawn after the data. */
export function cellFrame(cell: SideCell): Layer {
  return {
    data: { values: [{}] },
    mark: { type: "rect", fill: null, stroke: "#000000", strokeWidth: STYLE.spineWidth, clip: false },
    encoding: { x: { value: cell.x0 }, x2: { value: cell.x1 }, y: { value: cell.top }, y2: { value: cell.bottom } },
  };
}

/**
 * The spectrum beside the waterfall: the on-pulse minus off-pulse mean of
 * each channel as vertical steps over the channel's band, a dashed zero line,
 * and grey bands over masked channels. No value axis: the intensity units are
 * the waterfall's.
 */
export function spectrumLayers(fd: FigureData, cell: SideCell, frequencyDomain: [number, number]): Layer[] {
  const spectrum = fd.spectrum;
  if (!spectrum) return [];
  const edge = (c: number) => fd.fbottom + c * fd.df;
  const steps: { v: number; f: number; run: number; k: number }[] = [];
  let run = 0;
  for (let c = 0; c < fd.nchan; c++) {
    const v = spectrum.values[c];
    if (!Number.isFinite(v)) {
      run++;
      continue;
    }
    steps.push({ v, f: edge(c), run, k: steps.length }, { v, f: edge(c + 1), run, k: steps.length + 1 });
  }
  const x = scale(domainOf(spectrum.values, true), cell.x0, cell.x1);
  const y = scale(frequencyDomain, cell.bottom, cell.top);
  const masked = spectrum.masked.map((c) => ({ f0: edge(c), f1: edge(c + 1) }));
  return [
    ...(masked.length
      ? [
          {
            data: { values: masked },
            mark: { type: "rect", fill: MASKED_FILL, stroke: null, clip: true },
            encoding: {
              x: { value: cell.x0 },
              x2: { value: cell.x1 },
              y: { field: "f0", type: "quantitative", scale: y, axis: null },
              y2: { field: "f1" },
            },
          },
        ]
      : []),
    {
      data: { values: [{ v: 0 }] },
      mark: { type: "rule", stroke: GUIDE_COLOUR, strokeWidth: 0.5, strokeDash: [2, 2] },
      encoding: { x: { field: "v", type: "quantitative", scale: x, axis: null }, y: { value: cell.top }, y2: { value: cell.bottom } },
    },
    {
      data: { values: steps },
      mark: { type: "line", stroke: SERIES_COLOUR, strokeWidth: STYLE.lineWidth, clip: true },
      encoding: {
        x: { field: "v", type: "quantitative", scale: x, axis: null },
        y: { field: "f", type: "quantitative", scale: y, axis: null },
        detail: { field: "run", type: "nominal" },
        order: { field: "k", type: "quantitative" },
      },
    },
    cellFrame(cell),
  ];
}

/**
 * S/N ticks over the lower 80% of the domain (the last label stays inside the
 * column): three when their labels fit the column's `widthPt` with room
 * between them, else two, else one.
 */
export function snrTicks(domain: [number, number], widthPt: number, fontSize: number): Ticks {
  const span = 0.8 * (domain[1] - domain[0]);
  let ticks: Ticks = { values: [], labels: [] };
  for (const count of [3, 2, 1]) {
    const step = niceStep(span, count);
    const values = multiplesWithin(domain[0], domain[0] + span, step).slice(0, count);
    ticks = { values, labels: values.map((v) => tickLabel(v, decimalsFor(step))) };
    const spacing = values.length > 1 ? ((values[1] - values[0]) / (domain[1] - domain[0])) * widthPt : Infinity;
    const widest = Math.max(...ticks.labels.map((l) => textWidth(l, { fontSize })));
    if (spacing >= widest + 2 * STYLE.edge) break;
  }
  return ticks;
}

/** The S/N axis's domain for a figure's curve. */
export function snrDomain(fd: FigureData): [number, number] {
  return domainOf(fd.snrCurve?.snr ?? [], true);
}

/**
 * The S/N-vs-DM curve beside the DM-time plane: S/N along x, DM along the
 * plane's y scale, the interval where the S/N stays within 1 of its maximum
 * shaded and the best DM dashed. `dmAxis` is the DM axis when it is drawn at
 * this column's right edge.
 */
export function snrCurveLayers(fd: FigureData, cell: SideCell, dmDomain: [number, number], dmAxis: Record<string, unknown> | null, fontSize: number): Layer[] {
  const curve = fd.snrCurve;
  if (!curve) return [];
  const points = Array.from(curve.dms, (dm, j) => ({ dm, snr: curve.snr[j], j })).filter((p) => Number.isFinite(p.snr));
  const xDomain = snrDomain(fd);
  const ticks = snrTicks(xDomain, cell.x1 - cell.x0, fontSize);
  const x = scale(xDomain, cell.x0, cell.x1);
  const y = scale(dmDomain, cell.bottom, cell.top);
  const decimals = Math.max(0, ...ticks.labels.map((l) => (l.includes(".") ? l.split(".")[1].length : 0)));
  return [
    {
      data: { values: [{ lo: curve.dmLow, hi: curve.dmHigh }] },
      mark: { type: "rect", fill: INTERVAL_FILL, opacity: 0.25, stroke: null, clip: true },
      encoding: { x: { value: cell.x0 }, x2: { value: cell.x1 }, y: { field: "lo", type: "quantitative", scale: y, axis: null }, y2: { field: "hi" } },
    },
    {
      data: { values: [{ dm: curve.bestDm }] },
      mark: { type: "rule", stroke: INTERVAL_FILL, strokeWidth: 0.8, strokeDash: [3, 2], clip: true },
      encoding: { x: { value: cell.x0 }, x2: { value: cell.x1 }, y: { field: "dm", type: "quantitative", scale: y, axis: null } },
    },
    {
      data: { values: points },
      mark: { type: "line", stroke: SERIES_COLOUR, strokeWidth: STYLE.lineWidth, clip: true },
      encoding: {
        x: { field: "snr", type: "quantitative", scale: x, axis: { title: "S/N", orient: "bottom", values: ticks.values, format: `.${decimals}f` } },
        y: { field: "dm", type: "quantitative", scale: y, axis: dmAxis },
        order: { field: "j", type: "quantitative" },
      },
    },
    cellFrame(cell),
  ];
}
