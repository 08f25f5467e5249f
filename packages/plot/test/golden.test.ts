/**
 * Golden figures: each named figure of the example manifests has its Vega-Lite
 * spec and SVG committed in test/golden, normalised (test-utils/golden.ts).
 * A change shows in review as a readable diff and a `-changed.svg` to open;
 * the byte-exact `plot build --check` stays the CI regeneration check.
 */
import { join } from "node:path";

import { describe, it } from "vitest";

import { figureOf, loadManifest, renderSvg } from "@wfall/plot";

import { expectGolden, normalise } from "../../../test-utils/golden.js";
import { realDataDir, repoRoot } from "../../../test-utils/helpers.js";

const golden = join(repoRoot, "packages/plot/test/golden");
const real = realDataDir();
const env = { ...process.env, WFALL_REAL_DATA: real ?? "/absent" };

for (const group of ["paper", "real"]) {
  describe(`the ${group} examples`, async () => {
    const manifest = await loadManifest(join(repoRoot, "examples", group, "figures.yaml"), { env });
    for (const figure of manifest.figures) {
      const needsReal = figure.inputs.some((input) => input.startsWith("/absent"));
      if (needsReal) console.warn(`SKIPPING the golden files of ${figure.name}: ../shared/real is absent`);
      it.skipIf(needsReal)(figure.name, async () => {
        const { spec } = await figureOf(figure);
        expectGolden(
          join(golden, `${figure.name}.vl.json`),
          normalise(`${JSON.stringify(spec, null, 2)}\n`)
            .replaceAll(repoRoot, "<repo>")
            .replaceAll(real ?? "\0", "<real>"),
        );
        expectGolden(join(golden, `${figure.name}.svg`), normalise(await renderSvg(spec)));
      });
    }
  });
}
