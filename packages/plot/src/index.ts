/**
 * `@wfall/plot`: publication waterfall figures through Vega-Lite, and the `plot` command.
 *
 * ```ts
 * import { plotWaterfall } from "@wfall/plot";
 * await plotWaterfall("145207799_wfall.npz", { dm: 87.81, output: "145207799_wfall.pdf" });
 * ```
 *
 * Every figure (one panel or several, from the API, the command line or a
 * manifest) is a {@link FigureDescription} rendered by {@link buildFigure}.
 *
 * @packageDocumentation
 */
export type { FigureDescription, PanelDescription } from "./figure/description.js";
export { buildFigure, figureOf, formatOf, type BuiltFigure, type RenderedOutput } from "./figure/build.js";
export { defaultOutput, plotWaterfall, singlePanelFigure, writeFigure, type PlotWaterfallOptions } from "./figure/write.js";
export { figureDataFor } from "./figure/data.js";
export { CONTENT_OPTIONS, FIGURE_OPTIONS, LOOK_OPTIONS, PANEL_OPTIONS, PANEL_PARTS, PANEL_PRESETS, type FigureOptions, type PanelOptions } from "./options.js";
export { panelContents, type PanelContents, type PanelPart } from "./figure/contents.js";
export { dmCurvesSpec, type DmCurvesOptions } from "./spec/dm-curves.js";
export { defaultSize, figureSpec, type FigureMeta, type SpecPanel, type VegaLiteSpec } from "./spec/figure.js";
export { FONT_FAMILY, FONT_FILES, textWidth } from "./spec/fonts.js";
export { FORMATS, renderFigure, renderFigures, renderSvg, type FigureFormat, type RenderOptions } from "./render.js";
export { buildManifest, type BuildOptions, type BuildReport, type FigureOutcome, type FigureStatus } from "./build/build.js";
export { expandVariables, loadManifest, type LoadManifestOptions, type Manifest, type ManifestFigure } from "./build/manifest.js";
export { manifestSchema } from "./build/schema.js";
export { inShard, resolveShard, shardOf, type ResolvedShard, type Shard } from "./build/shard.js";
export { latestRecords, shardReportPath, type FigureRecord } from "./build/report-lines.js";
export { surveyStatus, type FigureState, type FigureStatusLine, type SurveyStatus } from "./build/status.js";
export { mergeShardReports, type MergeResult } from "./build/merge.js";
export { chooseShards, kubernetesJob, slurmScript, type EmitPlan, type KubernetesOptions } from "./build/emit.js";
export { writeGallery, type GalleryOptions, type GalleryResult } from "./gallery/gallery.js";
export { DIAGNOSTICS_SOURCES, type Diagnostics, type DiagnosticsSource } from "./gallery/diagnostics.js";
export { LABELS_FILE } from "./gallery/labels.js";
export { main } from "./cli/main.js";
export { VERSION } from "./version.js";
