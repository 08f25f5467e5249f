/** What the CLI loads lazily for figures: specs and rendering (the manifest build is apart: build.js). */
export { multiPanelSpec } from "./multi-panel.js";
export { defaultOutput, formatOf, plotWaterfall } from "./plot-waterfall.js";
export { renderFigure } from "./render.js";
export { figureDataFor, waterfallSpec } from "./waterfall-spec.js";
