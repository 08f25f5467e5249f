/**
 * Image marks written without Vega's image loads (src/image-loads.ts): the
 * same SVG as Vega writes after its loads have settled, without the 10 ms
 * polling timer and the second render.
 */
import { afterEach, describe, expect, it, vi } from "vitest";

import { withoutImageLoads } from "../src/image-loads.js";
import { compile, parse, resetSVGDefIds, View, type Spec } from "../src/vega.js";

const url = (i: number) => `data:image/png;base64,wfall_image_${i}_`;

/** A layered Vega-Lite figure with two image marks (one from data, one a constant URL) and a rule. */
function figure(): Spec {
  return compile({
    width: 200,
    height: 100,
    layer: [
      {
        data: { values: [{ image: url(0), x: 0, x2: 50, y: 0, y2: 10 }] },
        mark: { type: "image", aspect: false },
        encoding: {
          url: { field: "image", type: "nominal" },
          x: { field: "x", type: "quantitative" },
          x2: { field: "x2" },
          y: { field: "y", type: "quantitative" },
          y2: { field: "y2" },
        },
      },
      {
        data: { values: [{}] },
        mark: { type: "image", url: url(1), width: 20, height: 20, aspect: false },
      },
      { data: { values: [{ x: 10 }] }, mark: "rule", encoding: { x: { field: "x", type: "quantitative" } } },
    ],
  }).spec;
}

/** The SVG Vega writes for `vg`, and how many timers it set while writing it. */
async function written(vg: Spec): Promise<{ svg: string; timers: number }> {
  const timers = vi.spyOn(globalThis, "setTimeout");
  const view = new View(parse(vg), { renderer: "none" });
  try {
    resetSVGDefIds();
    const svg = await view.toSVG();
    return { svg, timers: timers.mock.calls.length };
  } finally {
    view.finalize();
    timers.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("image marks without Vega's image loads", () => {
  it("writes the same SVG as Vega does after its loads, without a timer", async () => {
    const vg = figure();
    const loaded = await written(vg);
    const direct = await written(withoutImageLoads(vg));
    expect(loaded.timers).toBeGreaterThan(0); // Vega's polling: what is skipped
    expect(direct.timers).toBe(0);
    expect(direct.svg).toBe(loaded.svg);
    for (const i of [0, 1]) expect(direct.svg).toContain(`href="${url(i)}"`);
  });

  it("encodes an image beside each url rule it can copy, in nested marks too, and leaves the spec given alone", () => {
    const vg = {
      marks: [
        { type: "group", marks: [{ type: "image", encode: { update: { url: { signal: "datum.u" } } } }] },
        { type: "image", encode: { enter: { url: { value: "a.png" } }, update: { url: [{ test: "datum.k", value: "b.png" }, { value: "c.png" }] } } },
        { type: "rect", encode: { update: { url: { value: "not an image mark" } } } },
      ],
    } as unknown as Spec;
    const before = JSON.stringify(vg);
    const out = withoutImageLoads(vg) as unknown as {
      marks: { marks?: { encode: Record<string, Record<string, unknown>> }[]; encode: Record<string, Record<string, unknown>> }[];
    };
    expect(JSON.stringify(vg)).toBe(before);
    expect(out.marks[0].marks?.[0].encode.update.image).toEqual({ signal: "{url: (datum.u), src: (datum.u), complete: false, width: 0, height: 0}" });
    expect(out.marks[1].encode.enter.image).toEqual({ value: { url: "a.png", src: "a.png", complete: false, width: 0, height: 0 } });
    expect(out.marks[1].encode.update.image).toBeUndefined(); // production rules: left to Vega
    expect(out.marks[2].encode.update.image).toBeUndefined();
  });
});
