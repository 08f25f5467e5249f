/** Everything the CLI loads lazily: figure specs, rendering and the manifest build. */
export { buildManifest } from "./build.js";
export { multiPanelSpec } from "./multi-panel.js";
export { defaultOutput, formatOf, plotWaterfall } from "./plot-waterfall.js";
export { renderFigure } from "./render.js";
export { figureDataFor, waterfallSpec } from "./waterfall-spec.js";
