/**
 * Vega-Lite compiled once per figure shape (compile-cache.ts): for figures of
 * many shapes and values (FETCH candidates, bursts at other DMs, titles,
 * labels, tick counts, panel lists, colour bars, sizes), interleaved so that
 * shapes repeat, the cached compile is JSON-equal to a fresh compile of the
 * same spec, with and without the heatmaps set aside, and the cache really
 * was used; PNG and SVG bytes are those of a render with the cache emptied
 * before each figure. A shape whose compile derives a value from a masked
 * number (a temporal domain) is never filled from a template.
 */
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { figureOf, renderFigure, renderSvg, type FigureDescription, type VegaLiteSpec } from "@wfall/plot";

import { fixtures } from "../../../test-utils/helpers.js";
import { candidateFolder } from "../../../test-utils/survey.js";
import { clearCompileCache, compileCached, compileCacheStats } from "../src/compile-cache.js";
import { setImagesAside } from "../src/image-placeholders.js";
import { compile, type TopLevelSpec } from "../src/vega.js";

const CANDIDATES = 8;
const burst = join(fixtures, "burst_64x2048.npz");

/** Figures of many shapes: candidates (some titled, each at its own DM), bursts with options and panel lists. */
function figures(cands: string): FigureDescription[] {
  const candidate = (i: number): FigureDescription => {
    const input = join(cands, `cand_0000${i}.h5`);
    const panel = [{ input }, { input, title: `cand ${i}` }, { input, options: { cmap: "magma" as const } }, { input, title: "" }][i % 4];
    return { outputs: [], panels: [panel] };
  };
  const bursts: FigureDescription[] = [
    { outputs: [], panels: [{ input: burst }] },
    { outputs: [], panels: [{ input: burst, title: "FRB 20240101A\nsecond line", options: { dm: 12.5 } }] },
    { outputs: [], label: "(b)", panels: [{ input: burst, options: { dm: 3 } }] },
    { outputs: [], panels: [{ input: burst, options: { dm: 7, colorbar: true, colorbarLabel: "S/N" } }] },
    { outputs: [], panels: [{ input: burst, options: { dm: 9, panels: ["timeseries", "waterfall", "spectrum"] as never } }] },
    { outputs: [], widthIn: 5, panels: [{ input: burst, options: { dm: 11, panels: ["timeseries", "waterfall", "spectrum"] as never } }] },
    { outputs: [], timeLabel: "t [ms]", panels: [{ input: burst, options: { dm: 20, windowMs: 10 } }] },
    { outputs: [], fontSize: 7, panels: [{ input: burst, options: { dm: 21, windowMs: 40 } }] },
    {
      outputs: [],
      columns: 1,
      panels: [
        { input: burst, options: { dm: 5 } },
        { input: burst, title: "B", options: { dm: 6 } },
      ],
    },
  ];
  return [...Array.from({ length: CANDIDATES }, (_, i) => candidate(i)), ...bursts];
}

let specs: VegaLiteSpec[];

beforeAll(async () => {
  specs = [];
  for (const figure of figures(candidateFolder(CANDIDATES))) specs.push((await figureOf(figure)).spec);
}, 180_000);

const fresh = (spec: VegaLiteSpec) => JSON.stringify(compile(structuredClone(spec) as unknown as TopLevelSpec).spec);
const cached = (spec: VegaLiteSpec) => JSON.stringify(compileCached(structuredClone(spec) as unknown as TopLevelSpec));

describe("Vega-Lite compiled once per figure shape", () => {
  it("gives a fresh compile's Vega spec for every figure, shapes interleaved, and is used", () => {
    clearCompileCache();
    const order = [...specs, ...specs.toReversed()];
    for (const spec of order) {
      expect(cached(spec)).toBe(fresh(spec));
      const { spec: light } = setImagesAside(spec);
      expect(cached(light)).toBe(fresh(light));
    }
    const { hits, shapes, uncacheable } = compileCacheStats();
    expect(uncacheable).toBe(0);
    expect(shapes).toBeLessThan(order.length);
    expect(hits).toBeGreaterThan(order.length); // the second half is all hits, at least
  });

  it("renders the same PNG and SVG bytes as a render with the cache emptied", async () => {
    for (const spec of [specs[0], specs[CANDIDATES], specs[CANDIDATES + 4]]) {
      clearCompileCache();
      const first = [await renderFigure(spec, { format: "png", dpi: 60 }), await renderSvg(spec)];
      for (const other of specs) await renderSvg(other); // fill the cache with every shape
      const hitsBefore = compileCacheStats().hits;
      const again = [await renderFigure(spec, { format: "png", dpi: 60 }), await renderSvg(spec)];
      expect(compileCacheStats().hits).toBeGreaterThan(hitsBefore);
      expect(Buffer.compare(again[0] as Buffer, first[0] as Buffer)).toBe(0);
      expect(again[1]).toBe(first[1]);
    }
  }, 60_000);

  it("never fills a shape whose compile derives values from its numbers", () => {
    clearCompileCache();
    // Vega-Lite turns a temporal scale's domain into datetime expressions: not a copy of the numbers
    const points = (from: number): VegaLiteSpec =>
      ({
        width: 90,
        height: 50,
        data: { values: [{ a: 1 }] },
        mark: "point",
        encoding: { x: { field: "a", type: "temporal", scale: { domain: [from, 2 * from + 1] } } },
      }) as unknown as VegaLiteSpec;
    for (const from of [100, 130, 170]) expect(cached(points(from))).toBe(fresh(points(from)));
    expect(compileCacheStats()).toEqual({ hits: 0, shapes: 1, uncacheable: 1 });
  });
});
