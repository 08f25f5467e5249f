/**
 * One waterfall panel as Vega-Lite: the time series (a steps-post line) on top
 * of the heatmap image, sharing the time axis, with no gap, heights 1:3.
 */
import type { ColourMap, FigureData } from "@wfall/spectra";

import { heatmapPng, pixelRepeats, pngDataUrl, waterfallBlock } from "./heatmap.js";
import { STYLE, type GridLayout } from "./layout.js";
import { axisDomain, dmTicks, frequencyTicks, timeTicks, type Ticks } from "./ticks.js";

/** matplotlib's "tab:blue". */
export const SERIES_COLOUR = "#1f77b4";
/** matplotlib's "tab:orange": a model time series over the data's. */
export const MODEL_COLOUR = "#ff7f0e";

/** How one panel is drawn. */
export interface PanelStyle {
  cmap: ColourMap;
  /** Panel title (e.g. a TNS name), drawn above the time series; several lines when wrapped. */
  title?: string | string[];
  /** Frequency tick labels and the axis title (only the first column shows them). */
  showFrequencyLabels: boolean;
  /** Minimum pixels per inch of the embedded heatmap. */
  imageDpi: number;
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
 * view), drawn after the data so the heatmap cannot cover it.
 */
export function frameLayer(top: number, bottom: number): Record<string, unknown> {
  return {
    data: { values: [{}] },
    mark: { type: "rect", fill: null, stroke: "#000000", strokeWidth: STYLE.spineWidth, clip: false },
    encoding: { x: { value: 0 }, x2: { value: "width" }, y: { value: top }, y2: { value: bottom } },
  };
}

const decimalsOf = (labels: string[]) => Math.max(0, ...labels.map((l) => (l.includes(".") ? l.split(".")[1].length : 0)));

/**
 * One panel as a single Vega-Lite view: the time series in the top quarter and
 * the heatmap in the rest, sharing the time scale, each with its own y scale
 * (their ranges split the view, so there is no gap and the heights are 1:3).
 */
export function panelSpec(fd: FigureData, layout: GridLayout, style: PanelStyle): Record<string, unknown> {
  const t0 = fd.timeEdgesMs[0];
  const t1 = fd.timeEdgesMs[fd.ncols];
  const [f0, f1] = fd.freqExtent;
  const { time, frequency, dm } = panelTicks(fd);
  const top = layout.seriesHeight;
  const bottom = top + layout.waterfallHeight;
  const height = bottom + (fd.dmTime ? layout.dmTimeHeight : 0);
  const steps = Array.from({ length: fd.ncols + 1 }, (_, k) => ({
    t: fd.timeEdgesMs[k],
    flux: fd.timeseries[Math.min(k, fd.ncols - 1)],
  }));
  const [repeatX, repeatY] = pixelRepeats(fd.ncols, fd.nchan, layout.panelWidth, layout.waterfallHeight, style.imageDpi);
  const timeScale = { domain: [t0, t1], nice: false, zero: false };

  const series = {
    data: { values: steps },
    mark: { type: "line", interpolate: "step-after", stroke: SERIES_COLOUR, strokeWidth: STYLE.lineWidth, clip: true },
    encoding: {
      x: { field: "t", type: "quantitative", scale: timeScale },
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
  const waterfall = {
    data: { values: [{ image: pngDataUrl(heatmapPng(waterfallBlock(fd), style.cmap, repeatX, repeatY, fd.source)) }] },
    mark: { type: "image", aspect: false, smooth: false },
    encoding: {
      url: { field: "image", type: "nominal" },
      x: {
        datum: t0,
        type: "quantitative",
        scale: timeScale,
        axis: { title: "Time [ms]", values: time.values, format: `.${decimalsOf(time.labels)}f` },
      },
      x2: { datum: t1 },
      y: {
        datum: f0,
        type: "quantitative",
        scale: { domain: axisDomain(f0, f1, frequency), range: [bottom, top], nice: false, zero: false },
        axis: {
          title: style.showFrequencyLabels ? "Frequency [MHz]" : null,
          values: frequency.values,
          format: `.${decimalsOf(frequency.labels)}f`,
          labels: style.showFrequencyLabels,
        },
      },
      y2: { datum: f1 },
    },
  };
  const planes = fd.dmTime ? [dmTimeLayer(fd, layout, style, dm!, bottom, height), frameLayer(bottom, height)] : [];
  return {
    width: layout.panelWidth,
    height,
    ...(style.title ? { title: { text: style.title } } : {}),
    resolve: { scale: { y: "independent" }, axis: { y: "independent" } },
    layer: [series, ...(fd.modelTimeseries ? [modelLayer(fd, series)] : []), waterfall, ...planes, frameLayer(0, top), frameLayer(top, bottom)],
  };
}

/** The model time series over the data's: the same steps and scales, in another colour. */
function modelLayer(fd: FigureData, series: { mark: object; encoding: object }): Record<string, unknown> {
  const model = fd.modelTimeseries!;
  const steps = Array.from({ length: fd.ncols + 1 }, (_, k) => ({ t: fd.timeEdgesMs[k], flux: model[Math.min(k, fd.ncols - 1)] }));
  return { data: { values: steps }, mark: { ...series.mark, stroke: MODEL_COLOUR }, encoding: series.encoding };
}

/** The DM-time plane under the waterfall, with its DM axis on the right. */
function dmTimeLayer(fd: FigureData, layout: GridLayout, style: PanelStyle, ticks: Ticks, top: number, bottom: number): Record<string, unknown> {
  const plane = fd.dmTime!;
  const block = { data: plane.intensity, nchan: plane.ndm, ntime: fd.ncols, vmin: plane.vmin, vmax: plane.vmax };
  const [repeatX, repeatY] = pixelRepeats(fd.ncols, plane.ndm, layout.panelWidth, layout.dmTimeHeight, style.imageDpi);
  const [d0, d1] = plane.dmRange;
  return {
    data: { values: [{ image: pngDataUrl(heatmapPng(block, style.cmap, repeatX, repeatY, fd.source)) }] },
    mark: { type: "image", aspect: false, smooth: false },
    encoding: {
      url: { field: "image", type: "nominal" },
      x: { datum: fd.timeEdgesMs[0], type: "quantitative" },
      x2: { datum: fd.timeEdgesMs[fd.ncols] },
      y: {
        datum: d0,
        type: "quantitative",
        scale: { domain: [d0, d1], range: [bottom, top], nice: false, zero: false },
        axis: {
          title: "DM [pc cm\u207b\u00b3]",
          orient: "right",
          values: ticks.values,
          format: `.${decimalsOf(ticks.labels)}f`,
          minExtent: layout.dmAxisExtent,
          maxExtent: layout.dmAxisExtent,
        },
      },
      y2: { datum: d1 },
    },
  };
}
