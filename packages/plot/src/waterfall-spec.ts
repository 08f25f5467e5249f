/**
 * `waterfallSpec`: a single waterfall figure as a plain Vega-Lite spec.
 */
import { prepareFigureData, Spectra, type DmTimePlane, type FigureData } from "@wfall/spectra";

import { figureConfig } from "./config.js";
import { textWidth } from "./fonts.js";
import { gridLayout, POINTS_PER_INCH, type GridLayout } from "./layout.js";
import { checkFigureOptions, DEFAULTS, processSpectra, type WaterfallOptions } from "./options.js";
import { panelSpec, panelTicks } from "./panel.js";

/** A Vega-Lite specification (plain JSON). */
export type VegaLiteSpec = Record<string, unknown>;

/** What `renderFigure` needs to reproduce the exact figure size (kept in the spec's `usermeta`). */
export interface FigureMeta {
  widthPt: number;
  heightPt: number;
  padding: GridLayout["padding"];
}

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * The figure data of a Spectra after the options' processing (the Spectra
 * itself is not modified); a DM-time plane on the same time axis (from a
 * FETCH/your candidate) is cropped to the same window.
 */
export function figureDataFor(spec: Spectra, options: WaterfallOptions, dmTime?: DmTimePlane): FigureData {
  const processed = processSpectra(spec.clone(), options);
  return prepareFigureData(processed, {
    dmTime: dmTime && options.downsample !== undefined && options.downsample !== 1 ? downsampleDmTime(dmTime, options.downsample) : dmTime,
    window: (options.windowMs ?? DEFAULTS.windowMs) / 1000,
    vmin: options.vmin,
    vmax: options.vmax,
    vminPercentile: options.vminPercentile,
    vmaxPercentile: options.vmaxPercentile,
  });
}

/** A DM-time plane averaged in time as the waterfall is, so the two stay on one time axis. */
function downsampleDmTime(plane: DmTimePlane, factor: number): DmTimePlane {
  // the plane's rows are DM trials; Spectra's axes other than time do not matter here
  const rows = new Spectra(plane.data.slice(), { nchan: plane.ndm, ntime: plane.ntime, fbottom: 1, df: 1, dt: 1 }).downsample(factor);
  return { ...plane, data: rows.data, ntime: rows.ntime };
}

/** How far (pt) the last time-tick label reaches past the right edge of a panel `panelWidth` wide. */
export function rightOverhang(fd: FigureData, panelWidth: number, fontSize: number): number {
  const { time } = panelTicks(fd);
  const t0 = fd.timeEdgesMs[0];
  const t1 = fd.timeEdgesMs[fd.ncols];
  const last = time.values.length - 1;
  if (last < 0) return 0;
  const distance = ((t1 - time.values[last]) / (t1 - t0)) * panelWidth;
  return Math.max(0, textWidth(time.labels[last], { fontSize }) / 2 - distance);
}

export function figureMeta(layout: GridLayout): { wfall: FigureMeta } {
  return { wfall: { widthPt: layout.widthPt, heightPt: layout.heightPt, padding: layout.padding } };
}

/**
 * A waterfall figure as Vega-Lite: the time series over the heatmap, in the
 * tutorial's layout (4.26 x 3 in, heights 1:3, no gap, 9 pt labels, viridis).
 * From a Spectra, the options' processing (DM, masks, subbands) is applied to
 * a copy first. Render it with `renderFigure`, or with any Vega-Lite tool.
 */
export function waterfallSpec(input: Spectra | FigureData, options: WaterfallOptions = {}): VegaLiteSpec {
  checkFigureOptions(options, input instanceof Spectra ? input.source : input.source);
  const fd = input instanceof Spectra ? figureDataFor(input, options) : input;
  const fontSize = options.fontSize ?? DEFAULTS.fontSize;
  const { frequency, dm } = panelTicks(fd);
  const solve = (xLabelOverhang: number) =>
    gridLayout({
      widthPt: (options.widthIn ?? DEFAULTS.widthIn) * POINTS_PER_INCH,
      heightPt: (options.heightIn ?? DEFAULTS.heightIn) * POINTS_PER_INCH,
      fontSize,
      rows: 1,
      columns: 1,
      yTickLabels: frequency.labels,
      panelTitles: Boolean(options.title),
      wspace: 0,
      xLabelOverhang,
      dmTickLabels: dm?.labels,
    });
  const layout = solve(rightOverhang(fd, solve(0).panelWidth, fontSize));
  return {
    $schema: SCHEMA,
    description: `Waterfall${fd.source ? ` of ${fd.source}` : ""} at DM ${fd.dm}`,
    usermeta: figureMeta(layout),
    background: "white",
    padding: 2,
    config: figureConfig(layout, fontSize),
    ...panelSpec(fd, layout, {
      cmap: options.cmap ?? DEFAULTS.cmap,
      title: options.title,
      showFrequencyLabels: true,
      imageDpi: options.imageDpi ?? DEFAULTS.imageDpi,
    }),
  };
}
