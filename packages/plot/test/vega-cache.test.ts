/**
 * The Vega bundle's V8 code cache (scripts/bundle-vega.mjs): this Node accepts
 * the cache the build wrote, and the cache holds more than the module's top
 * level (the warm-up figure compiled the functions a render runs).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

import { describe, expect, it } from "vitest";

import { commonJsWrapped } from "../src/cached-commonjs.js";

const bundle = fileURLToPath(new URL("../dist/vega.cjs", import.meta.url));

describe("the Vega bundle's code cache", () => {
  it("is accepted by this Node's V8 for the bundle as the loader wraps it", () => {
    const source = readFileSync(bundle, "utf8");
    const accepted = new Script(commonJsWrapped(source), { filename: bundle, cachedData: readFileSync(`${bundle}.cache`) });
    expect(accepted.cachedDataRejected).toBe(false);
    // a cache made for other source is refused: the check above can fail
    const other = new Script(commonJsWrapped(`${source};0`), { filename: bundle, cachedData: readFileSync(`${bundle}.cache`) });
    expect(other.cachedDataRejected).toBe(true);
  });

  it("holds the functions a figure runs, not only the module's top level", () => {
    const script = new Script(commonJsWrapped(readFileSync(bundle, "utf8")), { filename: bundle });
    const topLevelOnly = script.createCachedData().length;
    expect(readFileSync(`${bundle}.cache`).length).toBeGreaterThan(1.3 * topLevelOnly);
  });

  it("the loader exports what the renderer imports", async () => {
    const vega = await import(new URL("../dist/vega.js", import.meta.url).href);
    expect([typeof vega.View, typeof vega.compile, typeof vega.parse, typeof vega.resetSVGDefIds, typeof vega.textMetrics]).toEqual([
      "function",
      "function",
      "function",
      "function",
      "object",
    ]);
  });
});
