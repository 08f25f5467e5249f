/**
 * The Vega-Lite `config` that makes figures look like matplotlib's defaults:
 * DejaVu Sans, black 0.8 pt frame, ticks 3.5 pt outward, no grid, labels at the
 * requested size, normal-weight titles.
 */
import { FONT_FAMILY } from "./fonts.js";
import { STYLE, type GridLayout } from "./layout.js";

/** A Vega-Lite config object (kept loosely typed: it is plain JSON users may edit). */
export type VegaLiteConfig = Record<string, unknown>;

export function figureConfig(layout: Pick<GridLayout, "xAxisExtent" | "yAxisExtent">, fontSize: number): VegaLiteConfig {
  const black = "#000000";
  return {
    font: `${FONT_FAMILY}, sans-serif`,
    aria: false,
    background: "white",
    view: { stroke: null }, // frames are drawn on top of the marks by panel.frameLayer
    axis: {
      domain: false,
      grid: false,
      tickColor: black,
      tickSize: STYLE.tickSize,
      tickWidth: STYLE.tickWidth,
      tickRound: false,
      translate: 0,
      labelColor: black,
      labelFontSize: fontSize,
      labelPadding: STYLE.labelPadding,
      labelFlush: false,
      labelOverlap: false,
      titleColor: black,
      titleFontSize: fontSize,
      titleFontWeight: "normal",
      titlePadding: STYLE.titlePadding,
    },
    axisX: { minExtent: layout.xAxisExtent, maxExtent: layout.xAxisExtent },
    axisY: { minExtent: layout.yAxisExtent, maxExtent: layout.yAxisExtent },
    title: { fontSize, fontWeight: "normal", color: black, offset: STYLE.panelTitleOffset },
  };
}
