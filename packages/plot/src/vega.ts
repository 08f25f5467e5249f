/**
 * The parts of Vega and Vega-Lite the renderer uses, in one module: the build
 * replaces its compiled form (dist/vega.js) with a loader of one minified
 * CommonJS bundle of both libraries (dist/vega.cjs, scripts/bundle-vega.mjs),
 * compiled through V8's code cache, which loads in a third of the time of
 * their hundreds of ES modules and skips compiling what a figure runs. That
 * matters to every `plot` process and build worker.
 */
export { parse, View } from "vega";
export type { Spec } from "vega";
export { compile } from "vega-lite";
export type { TopLevelSpec } from "vega-lite";
import * as vega from "vega";

type WidthFunction = (item: { font?: string; fontSize?: number; fontWeight?: string | number; fontStyle?: string }, text: unknown) => number;

/** Vega's text measurement hook and SVG id counter (exported at run time, untyped). */
export const { textMetrics, resetSVGDefIds } = vega as unknown as {
  textMetrics: { width: WidthFunction };
  resetSVGDefIds: () => void;
};
