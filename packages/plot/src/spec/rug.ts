/**
 * The mask rug: a narrow strip right of the waterfall (a side column, see
 * side.ts) with one coloured band
 * per run of masked channels (at their band edges in MHz, on the waterfall's
 * frequency scale), coloured by origin, and a legend line under the panel's
 * time axis naming the origins shown. Off by default (`maskRug`).
 */
import { MASK_ORIGINS, maskIntervals, type FigureData, type MaskOrigin } from "@wfall/spectra";

import { textWidth } from "./fonts.js";
import { pixelField, STYLE } from "./layout.js";

/** Colours of the origins (Okabe-Ito where they go, greys for the file and normalisation). */
export const RUG_COLOURS: Record<MaskOrigin, string> = {
  file: "#7f7f7f",
  manual: "#000000",
  freq: "#000000",
  maskfile: "#56b4e9",
  rfifind: "#009e73",
  constant: "#b8b8b8",
  normalise: "#b8b8b8",
  sum: "#0072b2",
  variance: "#0072b2",
  iqrm: "#d55e00",
  sk: "#cc79a7",
  mad: "#e69f00",
  tukey: "#e69f00",
  cfod: "#e69f00",
};

/** Strip width and its gap from the waterfall, points. */
export const RUG = { width: 4, gap: 2, minBand: 0.6, swatch: 0.7, itemGap: 0.8 } as const;

/** The origins a panel's rug shows, in their canonical order. */
export function rugOrigins(fd: FigureData): MaskOrigin[] {
  const shown = new Set(maskIntervals(fd.channelMask).map((i) => i.origin));
  return MASK_ORIGINS.filter((o) => shown.has(o));
}

/** Legend items laid out in lines no wider than `widthPt`: `[x, line]` for each origin. */
function legendPlaces(origins: MaskOrigin[], widthPt: number, fontSize: number): { origin: MaskOrigin; x: number; line: number }[] {
  const out: { origin: MaskOrigin; x: number; line: number }[] = [];
  const label = textWidth("masked:", { fontSize }) + RUG.itemGap * fontSize;
  let x = label;
  let line = 0;
  for (const origin of origins) {
    const width = RUG.swatch * fontSize + 0.3 * fontSize + textWidth(origin, { fontSize });
    if (x + width > widthPt && x > label) {
      line++;
      x = label;
    }
    out.push({ origin, x, line });
    x += width + RUG.itemGap * fontSize;
  }
  return out;
}

/** How many legend lines a panel `widthPt` wide needs (0 without masks). */
export function legendLines(fd: FigureData, widthPt: number, fontSize: number): number {
  const places = legendPlaces(rugOrigins(fd), widthPt, fontSize);
  return places.length ? places[places.length - 1].line + 1 : 0;
}

/** Geometry of the panel the rug is drawn beside (points, from the view's top-left). */
export interface RugFrame {
  panelWidth: number;
  /** The rug's column: its left and right edges. */
  x0: number;
  x1: number;
  /** Top and bottom of the waterfall. */
  top: number;
  bottom: number;
  /** The waterfall's frequency scale domain, MHz (bottom to top). */
  domain: [number, number];
  /** Where the legend's first line starts (below the time axis title). */
  legendTop: number;
  fontSize: number;
}

/** The rug's layers: the coloured bands, the strip's outline and the legend. */
export function rugLayers(fd: FigureData, frame: RugFrame): Record<string, unknown>[] {
  const { top, bottom, domain, fontSize } = frame;
  const { x0, x1 } = frame;
  const y = (mhz: number) => bottom - ((mhz - domain[0]) / (domain[1] - domain[0])) * (bottom - top);
  const bands = maskIntervals(fd.channelMask).map((i) => {
    let [y0, y1] = [y(i.highMhz), y(i.lowMhz)];
    if (y1 - y0 < RUG.minBand) [y0, y1] = [(y0 + y1 - RUG.minBand) / 2, (y0 + y1 + RUG.minBand) / 2];
    return { y0: Math.max(top, y0), y1: Math.min(bottom, y1), colour: RUG_COLOURS[i.origin], origin: i.origin };
  });
  const swatch = RUG.swatch * fontSize;
  const lineHeight = fontSize * STYLE.lineHeight;
  const places = legendPlaces(rugOrigins(fd), frame.panelWidth, fontSize);
  const legendY = (line: number) => frame.legendTop + line * lineHeight;
  return [
    {
      data: { values: bands },
      mark: { type: "rect", clip: false, strokeWidth: 0 },
      encoding: { x: { value: x0 }, x2: { value: x1 }, y: pixelField("y0"), y2: pixelField("y1"), fill: { field: "colour", type: "nominal", scale: null } },
    },
    {
      data: { values: [{}] },
      mark: { type: "rect", fill: null, stroke: "#000000", strokeWidth: 0.4, clip: false },
      encoding: { x: { value: x0 }, x2: { value: x1 }, y: { value: top }, y2: { value: bottom } },
    },
    ...(places.length
      ? [
          {
            data: {
              values: [
                { x: 0, y: legendY(0), text: "masked:" },
                ...places.map((p) => ({ x: p.x + swatch + 0.3 * fontSize, y: legendY(p.line), text: p.origin })),
              ],
            },
            mark: { type: "text", align: "left", baseline: "top", fontSize, clip: false, color: "#000000" },
            encoding: { x: pixelField("x"), y: pixelField("y"), text: { field: "text", type: "nominal" } },
          },
          {
            data: {
              values: places.map((p) => ({
                x0: p.x,
                x1: p.x + swatch,
                y0: legendY(p.line) + (lineHeight - swatch) / 2 - 0.08 * fontSize,
                y1: legendY(p.line) + (lineHeight + swatch) / 2 - 0.08 * fontSize,
                colour: RUG_COLOURS[p.origin],
              })),
            },
            mark: { type: "rect", clip: false, strokeWidth: 0 },
            encoding: {
              x: pixelField("x0"),
              x2: pixelField("x1"),
              y: pixelField("y0"),
              y2: pixelField("y1"),
              fill: { field: "colour", type: "nominal", scale: null },
            },
          },
        ]
      : []),
  ];
}
