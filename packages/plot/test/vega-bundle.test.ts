/**
 * The lean Vega bundle (src/vega.ts built by scripts/bundle-vega.mjs into
 * dist/vega.cjs): Vega composed from its own modules with the transforms of
 * Vega's core build, Vega-Lite without the whole `vega` package, colour schemes
 * made when first asked for. What the CLI and the built package render with.
 * Tests import the sources, where Vega-Lite loads the whole `vega` package: so
 * this file loads the built bundle itself and compares it with `vega`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import * as vega from "vega";
import { describe, expect, it } from "vitest";

import { repoRoot } from "../../../test-utils/helpers.js";

interface LeanVega {
  View: typeof vega.View;
  parse: typeof vega.parse;
  compile: (spec: unknown) => { spec: vega.Spec };
  resetSVGDefIds: () => void;
}

const lean = (await import(new URL("../dist/vega.js", import.meta.url).href)) as LeanVega;
const golden = join(repoRoot, "packages/plot/test/golden");
const goldenSpecs = readdirSync(golden).filter((f) => f.endsWith(".vl.json"));

async function svgOf(lib: Pick<LeanVega, "View" | "parse" | "resetSVGDefIds">, spec: vega.Spec): Promise<string> {
  const view = new lib.View(lib.parse(spec), { renderer: "none" });
  try {
    lib.resetSVGDefIds();
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const WHOLE_VEGA = vega as unknown as LeanVega;

describe("the lean Vega bundle", () => {
  it("draws every golden figure's spec as the whole vega package does", async () => {
    expect(goldenSpecs.length).toBeGreaterThan(10);
    for (const file of goldenSpecs) {
      const vl = JSON.parse(readFileSync(join(golden, file), "utf8"));
      const compiled = lean.compile(vl).spec;
      const svg = await svgOf(lean, compiled);
      expect(svg.length, file).toBeGreaterThan(1000);
      expect(svg, file).toBe(await svgOf(WHOLE_VEGA, compiled));
    }
  });

  it("draws Vega-Lite's usual transforms and a colour scheme (made when first asked for) as vega does", async () => {
    const spec = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      data: { values: Array.from({ length: 40 }, (_, i) => ({ x: i % 7, y: (i * 37) % 11, g: `g${i % 3}` })) },
      transform: [{ filter: "datum.y > 1" }, { calculate: "datum.x * 2", as: "x2" }, { window: [{ op: "rank", as: "r" }], sort: [{ field: "y" }] }],
      hconcat: [
        { mark: "bar", encoding: { x: { field: "x2", bin: true }, y: { aggregate: "count" }, color: { field: "g" } } },
        {
          mark: "rect",
          encoding: { x: { field: "x", type: "ordinal" }, y: { field: "g" }, color: { aggregate: "mean", field: "r", scale: { scheme: "viridis" } } },
        },
        {
          mark: "area",
          transform: [{ density: "y", groupby: ["g"] }],
          encoding: { x: { field: "value", type: "quantitative" }, y: { field: "density", type: "quantitative", stack: true }, color: { field: "g" } },
        },
      ],
    };
    const compiled = lean.compile(spec).spec;
    const svg = await svgOf(lean, compiled);
    expect(svg).toMatch(/fill="#[0-9a-f]{6}"/);
    expect(svg).toBe(await svgOf(WHOLE_VEGA, compiled));
  });

  it("carries Vega's core transforms only: a regression is refused by name", () => {
    const compiled = lean.compile({
      data: { values: [{ x: 1, y: 2 }] },
      mark: "line",
      transform: [{ regression: "y", on: "x" }],
      encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    }).spec;
    expect(() => vega.parse(compiled)).not.toThrow();
    expect(() => lean.parse(compiled)).toThrow(/Unrecognized transform type: "regression"/);
  });
});
