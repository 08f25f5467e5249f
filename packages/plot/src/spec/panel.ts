/**
 * One waterfall panel as Vega-Lite: the time series (a steps-post line) on top
 * of the heatmap image, sharing the time axis, with no gap, heights 1:3; and,
 * as its parts ask, the DM-time plane below, the spectrum and the S/N-vs-DM
 * curve in a column to the right (side.ts), the on-pulse window shaded on the
 * time series, and the numbers under it (textbox.ts). One view: every part
 * has its own scales, whose ranges split the view.
 */
import type { ColourMap, FigureData } from "@wfall/spectra";

import type { PanelContents } from "../figure/contents.js";
import { COLORBAR_COLUMN, colorbarLayers } from "./colorbar.js";
import { heatmapDatum, pixelRepeats, waterfallBlock } from "./heatmap.js";
import { STYLE, type GridLayout } from "./layout.js";
import { rugLayers } from "./rug.js";
import { cellOf, CURVES_COLUMN, RUG_COLUMN, SERIES_COLOUR, snrCurveLayers, spectrumLayers, type Layer } from "./side.js";
import { textLayers } from "./textbox.js";
import { axisDomain, dmTicks, frequencyTicks, timeTicks, type Ticks } from "./ticks.js";

export { SERIES_COLOUR } from "./side.js";

/** The tutorial's parts: what a panel shows when nothing else is asked for. */
const TUTORIAL_PARTS: PanelContents = new Set(["timeseries", "waterfall", "dmtime"]);
/** matplotlib's "tab:orange": a model time series over the data's. */
export const MODEL_COLOUR = "#ff7f0e";

/** How one panel is drawn. */
export interface PanelStyle {
  cmap: ColourMap;
  /** Panel title (e.g. a TNS name), drawn above the time series; several lines when wrapped. */
  title?: string | string[];
  /** Frequency tick labels and the axis title (only the first column shows them). */
  showFrequencyLabels: boolean;
  /** The titles of the time and frequency axes. */
  axisTitles: { time: string; frequency: string };
  /** Minimum pixels per inch of the embedded heatmap. */
  imageDpi: number;
  /** The parts to draw (default: the time series, the waterfall, and a DM-time plane when the data have one). */
  parts?: PanelContents;
  /** The lines of text under the panel (already wrapped to its width). */
  textLines?: string[];
  /** Draw the mask rug (spec/rug.ts); the layout must have its column. */
  maskRug?: boolean;
  /** Draw a colour bar (spec/colorbar.ts), with this label if given; the layout must have its column. */
  colorbar?: boolean;
  colorbarLabel?: string;
  /** Label font size, pt (the rug's legend, the S/N curve's ticks, the text). */
  fontSize?: number;
}

/** The ticks a panel will use (the layout measures their labels first). */
export function panelTicks(fd: FigureData): { time: Ticks; frequency: Ticks; dm?: Ticks } {
  return {
    time: timeTicks(fd.timeEdgesMs[0], fd.timeEdgesMs[fd.ncols]),
    frequency: frequencyTicks(fd.freqExtent[0], fd.freqExtent[1]),
    ...(fd.dmTime ? { dm: dmTicks(...fd.dmTime.dmRange) } : {}),
  };
}

/** The y range of the time series with matplotlib's 5% margins. */
export function seriesDomain(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  const margin = hi > lo ? 0.05 * (hi - lo) : Math.max(1, Math.abs(lo)) * 0.05;
  return [lo - margin, hi + margin];
}

/**
 * An axes frame (matplotlib's spines) from `top` to `bottom` (pixels of the
 * view) across the waterfall's width (`right`, default the view's width),
 * drawn after the data so the heatmap cannot cover it.
 */
export function frameLayer(top: number, bottom: number, right: number | "width" = "width"): Record<string, unknown> {
  return {
    data: { values: [{}] },
    mark: { type: "rect", fill: null, stroke: "#000000", strokeWidth: STYLE.spineWidth, clip: false },
    encoding: { x: { value: 0 }, x2: { value: right }, y: { value: top }, y2: { value: bottom } },
  };
}

const decimalsOf = (labels: string[]) => Math.max(0, ...labels.map((l) => (l.includes(".") ? l.split(".")[1].length : 0)));

/**
 * One panel as a single Vega-Lite view: the time series in the top quarter and
 * the heatmap in the rest, sharing the time scale, each with its own y scale
 * (their ranges split the view, so there is no gap and the heights are 1:3);
 * the other parts in their own rows and columns of the same view.
 */
export function panelSpec(fd: FigureData, layout: GridLayout, style: PanelStyle): Record<string, unknown> {
  const parts = style.parts ?? TUTORIAL_PARTS;
  const t0 = fd.timeEdgesMs[0];
  const t1 = fd.timeEdgesMs[fd.ncols];
  const [f0, f1] = fd.freqExtent;
  const { time, frequency, dm } = panelTicks(fd);
  const top = layout.seriesHeight;
  const bottom = top + layout.waterfallHeight;
  const plane = fd.dmTime && parts.has("dmtime") ? fd.dmTime : undefined;
  const height = bottom + (plane ? layout.dmTimeHeight : 0);
  const sided = layout.viewWidth > layout.panelWidth;
  const right = sided ? layout.panelWidth : "width";
  const [repeatX, repeatY] = pixelRepeats(fd.ncols, fd.nchan, layout.panelWidth, layout.waterfallHeight, style.imageDpi);
  // With side columns every part has its own x scale: the time scale then spans the waterfall only.
  const timeScale = { domain: [t0, t1], nice: false, zero: false, ...(sided ? { range: [0, layout.panelWidth] } : {}) };
  const hiddenTime = (encoding: Record<string, unknown>) => ({ ...encoding, scale: timeScale, ...(sided ? { axis: null } : {}) });
  const frequencyDomain = axisDomain(f0, f1, frequency);

  const layers: Layer[] = [];
  if (parts.has("timeseries")) {
    if (parts.has("onpulse") && fd.measurement) layers.push(onPulseLayer(fd, top, hiddenTime));
    layers.push(seriesLayer(fd, fd.timeseries, SERIES_COLOUR, top, hiddenTime));
    if (fd.modelTimeseries) layers.push(seriesLayer(fd, fd.modelTimeseries, MODEL_COLOUR, top, hiddenTime));
  }
  layers.push({
    data: { values: [heatmapDatum(waterfallBlock(fd), style.cmap, repeatX, repeatY, fd.source)] },
    mark: { type: "image", aspect: false, smooth: false },
    encoding: {
      url: { field: "image", type: "nominal" },
      x: {
        datum: t0,
        type: "quantitative",
        scale: timeScale,
        axis: { title: style.axisTitles.time, values: time.values, format: `.${decimalsOf(time.labels)}f` },
      },
      x2: { datum: t1 },
      y: {
        datum: f0,
        type: "quantitative",
        scale: { domain: frequencyDomain, range: [bottom, top], nice: false, zero: false },
        axis: {
          title: style.showFrequencyLabels ? style.axisTitles.frequency : null,
          values: frequency.values,
          format: `.${decimalsOf(frequency.labels)}f`,
          labels: style.showFrequencyLabels,
        },
      },
      y2: { datum: f1 },
    },
  });
  const curves = layout.sideColumns.find((c) => c.key === CURVES_COLUMN);
  const dmAxis = dm && plane ? dmAxisOf(dm, layout) : null;
  const curveBeside = Boolean(curves && parts.has("snrdm") && fd.snrCurve);
  if (plane) layers.push(dmTimeLayer(fd, layout, style, bottom, height, curveBeside ? null : dmAxis, hiddenTime), frameLayer(bottom, height, right));
  if (curves && parts.has("spectrum")) layers.push(...spectrumLayers(fd, cellOf(curves, top, bottom), frequencyDomain));
  if (curves && plane && curveBeside) layers.push(...snrCurveLayers(fd, cellOf(curves, bottom, height), plane.dmRange, dmAxis, style.fontSize ?? 9));
  const rugColumn = layout.sideColumns.find((c) => c.key === RUG_COLUMN);
  if (style.maskRug && rugColumn && layout.rugLegendOffset !== undefined)
    layers.push(
      ...rugLayers(fd, {
        panelWidth: layout.panelWidth,
        x0: rugColumn.x0,
        x1: rugColumn.x1,
        top,
        bottom,
        domain: frequencyDomain,
        legendTop: height + layout.rugLegendOffset,
        fontSize: style.fontSize ?? 9,
      }),
    );
  const colorbar = layout.sideColumns.find((c) => c.key === COLORBAR_COLUMN);
  if (style.colorbar && colorbar) layers.push(...colorbarLayers(fd, cellOf(colorbar, top, bottom), style.cmap, style.colorbarLabel, style.fontSize ?? 9));
  if (parts.has("timeseries")) layers.push(frameLayer(0, top, right));
  layers.push(frameLayer(top, bottom, right));
  if (style.textLines?.length) layers.push(...textLayers(style.textLines, layout.textTop, layout.textLineHeight, style.fontSize ?? 9));
  const independentX = sided ? { x: "independent" } : {};
  return {
    width: sided ? layout.viewWidth : layout.panelWidth,
    height,
    ...(style.title ? { title: { text: style.title } } : {}),
    resolve: { scale: { ...independentX, y: "independent" }, axis: { ...independentX, y: "independent" } },
    layer: layers,
  };
}

/**
 * A time series (the data's, or a model of it) as a steps-post line over the
 * top `top` pixels, on one scale for the data and the model.
 */
function seriesLayer(
  fd: FigureData,
  values: ArrayLike<number>,
  colour: string,
  top: number,
  time: (encoding: Record<string, unknown>) => Record<string, unknown>,
): Layer {
  const steps = Array.from({ length: fd.ncols + 1 }, (_, k) => ({ t: fd.timeEdgesMs[k], flux: values[Math.min(k, fd.ncols - 1)] }));
  return {
    data: { values: steps },
    mark: { type: "line", interpolate: "step-after", stroke: colour, strokeWidth: STYLE.lineWidth, clip: true },
    encoding: {
      x: time({ field: "t", type: "quantitative" }),
      y: {
        field: "flux",
        type: "quantitative",
        scale: {
          domain: seriesDomain(fd.modelTimeseries ? [...fd.timeseries, ...fd.modelTimeseries] : fd.timeseries),
          range: [top, 0],
          nice: false,
          zero: false,
        },
        axis: null,
      },
    },
  };
}

/** The on-pulse samples of the measurement, shaded across the time series. */
function onPulseLayer(fd: FigureData, top: number, time: (encoding: Record<string, unknown>) => Record<string, unknown>): Layer {
  const [on0, on1] = fd.measurement!.onPulse;
  const edge = (sample: number) => (sample - fd.peak - 0.5) * fd.dt * 1000;
  const t0 = Math.max(edge(on0), fd.timeEdgesMs[0]);
  const t1 = Math.min(edge(on1), fd.timeEdgesMs[fd.ncols]);
  return {
    data: { values: [{ t0, t1 }] },
    mark: { type: "rect", fill: "#7f7f7f", opacity: 0.25, stroke: null, clip: true },
    encoding: { x: time({ field: "t0", type: "quantitative" }), x2: { field: "t1" }, y: { value: 0 }, y2: { value: top } },
  };
}

/** The DM axis (title, ticks), at the right of the view moved back to the plane's edge when a column sits between. */
function dmAxisOf(ticks: Ticks, layout: GridLayout): Record<string, unknown> {
  return {
    title: "DM [pc cm\u207b\u00b3]",
    orient: "right",
    values: ticks.values,
    format: `.${decimalsOf(ticks.labels)}f`,
    minExtent: layout.dmAxisExtent,
    maxExtent: layout.dmAxisExtent,
    ...(layout.dmAxisOffset && layout.sideColumns.length ? { offset: layout.dmAxisOffset } : {}),
  };
}

/** The DM-time plane under the waterfall (its DM axis on the right, or beside the S/N-vs-DM curve when `axis` is null). */
function dmTimeLayer(
  fd: FigureData,
  layout: GridLayout,
  style: PanelStyle,
  top: number,
  bottom: number,
  axis: Record<string, unknown> | null,
  time: (encoding: Record<string, unknown>) => Record<string, unknown>,
): Layer {
  const plane = fd.dmTime!;
  const block = { data: plane.intensity, nchan: plane.ndm, ntime: fd.ncols, vmin: plane.vmin, vmax: plane.vmax };
  const [repeatX, repeatY] = pixelRepeats(fd.ncols, plane.ndm, layout.panelWidth, layout.dmTimeHeight, style.imageDpi);
  const [d0, d1] = plane.dmRange;
  const sided = layout.viewWidth > layout.panelWidth;
  return {
    data: { values: [heatmapDatum(block, style.cmap, repeatX, repeatY, fd.source)] },
    mark: { type: "image", aspect: false, smooth: false },
    encoding: {
      url: { field: "image", type: "nominal" },
      x: sided ? time({ datum: fd.timeEdgesMs[0], type: "quantitative" }) : { datum: fd.timeEdgesMs[0], type: "quantitative" },
      x2: { datum: fd.timeEdgesMs[fd.ncols] },
      y: { datum: d0, type: "quantitative", scale: { domain: [d0, d1], range: [bottom, top], nice: false, zero: false }, axis },
      y2: { datum: d1 },
    },
  };
}
