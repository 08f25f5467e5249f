/**
 * `@wfall/plot`: publication waterfall figures through Vega-Lite.
 *
 * ```ts
 * import { plotWaterfall } from "@wfall/plot";
 * await plotWaterfall("145207799_wfall.npz", { dm: 87.81, output: "145207799_wfall.pdf" });
 * ```
 *
 * @packageDocumentation
 */
export { COLOUR_MAPS, type ColourMap } from "./heatmap.js";
export { FONT_FAMILY, FONT_FILES, textWidth } from "./fonts.js";
export { autoSubbands, checkFigureOptions, DEFAULTS, processSpectra, type FigureOptions, type ProcessOptions, type WaterfallOptions } from "./options.js";
export { FORMATS, renderFigure, renderSvg, type FigureFormat, type RenderOptions } from "./render.js";
export { figureDataFor, waterfallSpec, type FigureMeta, type VegaLiteSpec } from "./waterfall-spec.js";
export { defaultOutput, formatOf, plotWaterfall, type PlotResult, type PlotWaterfallOptions } from "./plot-waterfall.js";
export { main } from "./cli.js";
export { defaultSize, multiPanelSpec, type MultiPanelOptions, type PanelInput } from "./multi-panel.js";
export { buildManifest, type BuildOptions, type BuildReport, type FigureOutcome, type FigureStatus } from "./build.js";
export { expandVariables, loadManifest, MANIFEST_SCHEMA, type Manifest, type ManifestFigure, type ManifestPanel } from "./manifest.js";
export { renderManifestFigure, type RenderedOutput } from "./figure-job.js";
