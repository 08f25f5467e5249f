/**
 * The colour bar: a side column (see side.ts) at the right of a panel, as
 * tall as the waterfall, showing the colour map from the panel's vmin
 * (bottom) to vmax (top) with ticks, and an optional label read from bottom
 * to top, as matplotlib's `colorbar` draws it. The bar is a one-pixel-wide
 * image of the map (nearest-neighbour, like the waterfall), so its colours are
 * exactly the waterfall's. Off by default (`colorbar`).
 */
import type { ColourMap, FigureData } from "@wfall/spectra";

import { textWidth } from "./fonts.js";
import { heatmapDatum } from "./heatmap.js";
import { pixelField, STYLE, type SideColumn } from "./layout.js";
import { cellFrame, type Layer, type SideCell } from "./side.js";
import { niceTicks, type Ticks } from "./ticks.js";

/** The colour bar's column key. */
export const COLORBAR_COLUMN = "colorbar";

/** Colours in the bar (matplotlib's colormaps have 256). */
const LEVELS = 256;

/** The bar's width and its gap from the column before it, as multiples of the font size. */
const BAR = { width: 0.9, gap: 1 } as const;

/** At most this many ticks along the bar. */
const MAX_TICKS = 5;

/** Ticks along a bar from `vmin` to `vmax` (none when the range is empty). */
export function colorbarTicks(vmin: number, vmax: number): Ticks {
  if (!(vmax > vmin) || !Number.isFinite(vmax - vmin)) return { values: [], labels: [] };
  return niceTicks(vmin, vmax, MAX_TICKS);
}

/** The colour bar's side column for panels with these colour limits and label: the bar, its ticks, their labels and the label. */
export function colorbarColumn(figures: readonly FigureData[], label: string | undefined, fontSize: number): SideColumn {
  const widest = Math.max(0, ...figures.flatMap((f) => colorbarTicks(f.vmin, f.vmax).labels.map((l) => textWidth(l, { fontSize }))));
  const labelBlock = label ? STYLE.titlePadding + fontSize * STYLE.lineHeight : 0;
  return {
    key: COLORBAR_COLUMN,
    fraction: 0,
    extraPt: BAR.width * fontSize + STYLE.tickSize + STYLE.labelPadding + widest + labelBlock,
    gapPt: BAR.gap * fontSize,
  };
}

/** The bar (in the left `BAR.width` of the cell), its ticks and labels, and the label. */
export function colorbarLayers(fd: FigureData, cell: SideCell, cmap: ColourMap, label: string | undefined, fontSize: number): Layer[] {
  const { vmin, vmax } = fd;
  const x1 = cell.x0 + BAR.width * fontSize;
  // level k is drawn at the colour of the value at its middle: row 0 (vmin) at the bottom
  const ramp = Float32Array.from({ length: LEVELS }, (_, k) => vmin + ((k + 0.5) / LEVELS) * (vmax - vmin));
  const image = heatmapDatum({ data: ramp, nchan: LEVELS, ntime: 1, vmin, vmax }, cmap, 1, 1, fd.source);
  const ticks = colorbarTicks(vmin, vmax);
  const y = (v: number) => cell.bottom - ((v - vmin) / (vmax - vmin)) * (cell.bottom - cell.top);
  const labelsLeft = x1 + STYLE.tickSize + STYLE.labelPadding;
  const widest = Math.max(0, ...ticks.labels.map((l) => textWidth(l, { fontSize })));
  return [
    {
      data: { values: [image] },
      mark: { type: "image", aspect: false, smooth: false },
      encoding: { url: { field: "image", type: "nominal" }, x: { value: cell.x0 }, x2: { value: x1 }, y: { value: cell.top }, y2: { value: cell.bottom } },
    },
    cellFrame({ ...cell, x1 }),
    ...(ticks.values.length
      ? [
          {
            data: { values: ticks.values.map((v) => ({ x0: x1, x1: x1 + STYLE.tickSize, y: y(v) })) },
            mark: { type: "rule", stroke: "#000000", strokeWidth: STYLE.tickWidth, clip: false },
            encoding: { x: pixelField("x0"), x2: pixelField("x1"), y: pixelField("y") },
          },
          {
            data: { values: ticks.values.map((v, i) => ({ x: labelsLeft, y: y(v), text: ticks.labels[i] })) },
            mark: { type: "text", align: "left", baseline: "middle", fontSize, clip: false, color: "#000000" },
            encoding: { x: pixelField("x"), y: pixelField("y"), text: { field: "text", type: "nominal" } },
          },
        ]
      : []),
    ...(label
      ? [
          {
            data: { values: [{ x: labelsLeft + widest + STYLE.titlePadding, y: (cell.top + cell.bottom) / 2, text: label }] },
            // read from bottom to top, as matplotlib's vertical colour bar labels
            mark: { type: "text", align: "center", baseline: "top", angle: 270, fontSize, clip: false, color: "#000000" },
            encoding: { x: pixelField("x"), y: pixelField("y"), text: { field: "text", type: "nominal" } },
          },
        ]
      : []),
  ];
}
