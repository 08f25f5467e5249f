/**
 * The parts of Vega and Vega-Lite the renderer uses, in one module. Vega is
 * composed here from its own modules instead of the `vega` package, whose
 * entry also loads the loader's network code, the canvas renderer's users and
 * the transforms of maps, force layouts, trees, labels, regressions, Voronoi
 * diagrams, word clouds and crossfilters: the parser, the view (its SVG string
 * renderer) and the transforms of Vega's core build (vega-transforms,
 * vega-view-transforms, vega-encode: everything Vega-Lite compiles to except
 * `geoshape` marks, projections and the `regression`/`loess` transforms).
 *
 * The build replaces its compiled form (dist/vega.js) with a loader of one
 * minified CommonJS bundle of this module (dist/vega.cjs,
 * scripts/bundle-vega.mjs), compiled through V8's code cache, which matters
 * to every `plot` process and build worker.
 */
import type * as Vega from "vega";
import { transforms } from "vega-dataflow";
import * as encodeTransforms from "vega-encode";
import { parse as parseVega } from "vega-parser";
import { resetSVGDefIds as resetIds, textMetrics as metrics } from "vega-scenegraph";
import * as dataTransforms from "vega-transforms";
import { View as VegaView } from "vega-view";
import * as viewTransforms from "vega-view-transforms";

export type { Spec } from "vega";
export { compile } from "vega-lite";
export type { TopLevelSpec } from "vega-lite";

// what `vega`'s entry registers, less the transforms of its optional packages
Object.assign(transforms, dataTransforms, viewTransforms, encodeTransforms);

/** Vega's parser: a Vega spec to the dataflow's runtime description. */
export const parse: typeof Vega.parse = parseVega;
/** Vega's view of a parsed spec (rendered headless: `toSVG`). */
export const View: typeof Vega.View = VegaView;
/** Restarts the SVG renderer's clip-path ids at 1. */
export const resetSVGDefIds: typeof Vega.resetSVGDefIds = resetIds;

type WidthFunction = (item: { font?: string; fontSize?: number; fontWeight?: string | number; fontStyle?: string }, text: unknown) => number;
/** Vega's text measurement hook (untyped in Vega's typings). */
export const textMetrics: { width: WidthFunction } = metrics;
