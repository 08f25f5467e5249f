/**
 * One figure, four routes: the `plot` command, `plot multi`, a one-figure
 * manifest and the API describe the same figure and write the same bytes
 * (a manifest's figure adds only its provenance metadata). Multi-panel
 * figures agree between `plot multi` and a manifest, masks included.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import { buildManifest, main, plotWaterfall } from "@wfall/plot";

import { fixtures } from "../../../test-utils/helpers.js";
import { withoutMetadata } from "../../../test-utils/inspect.js";

const quiet = () => new PassThrough();
const cli = async (argv: string[]) => expect(await main(argv, { out: quiet(), err: quiet() })).toBe(0);

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "wfall-routes-"));
  copyFileSync(join(fixtures, "synthetic_128x1024.npz"), join(dir, "burst.npz"));
  copyFileSync(join(fixtures, "frb121102_B6_wfall.npz"), join(dir, "b6.npz"));
  return dir;
}

describe("a one-panel figure", () => {
  for (const format of ["pdf", "svg", "png"]) {
    it(`is byte-identical through plot, plot multi, a manifest and the API (${format})`, async () => {
      const dir = project();
      const input = join(dir, "burst.npz");
      const out = (route: string) => join(dir, `${route}.${format}`);
      await cli([input, "--dm", "87.77", "--title", "A burst", "--window-ms", "20", "--cmap", "magma", "--dpi", "120", "--figname", out("plot")]);
      await cli(["multi", input, "--dm", "87.77", "--titles", "A burst", "--window-ms", "20", "--cmap", "magma", "--dpi", "120", "--figname", out("multi")]);
      writeFileSync(
        join(dir, "figures.yaml"),
        `figures:\n  - name: one\n    output: manifest.${format}\n    dpi: 120\n    panels:\n      - { input: burst.npz, dm: 87.77, title: A burst, options: { windowMs: 20, cmap: magma } }\n`,
      );
      expect((await buildManifest(join(dir, "figures.yaml"), { progress: quiet(), jobs: 1 })).ok).toBe(true);
      await plotWaterfall(input, { dm: 87.77, title: "A burst", windowMs: 20, cmap: "magma", dpi: 120, output: out("api") });
      const bytes = readFileSync(out("plot"));
      for (const route of ["multi", "api"]) expect(readFileSync(out(route)).equals(bytes), route).toBe(true);
      const manifest = readFileSync(out("manifest"));
      expect(manifest.equals(bytes)).toBe(false); // it records its provenance
      expect(withoutMetadata(manifest, format as "pdf" | "svg" | "png").equals(bytes)).toBe(true);
    });
  }
});

describe("a multi-panel figure", () => {
  it("is byte-identical through plot multi and a manifest, with and without the tutorial's masks", async () => {
    const dir = project();
    const yaml = (masks: boolean) =>
      `figures:\n  - name: two\n    output: manifest-${masks}.pdf\n    label: "(a)"\n    sharedScale: true\n${masks ? "    options: { masks: true }\n" : ""}    panels:\n      - { input: burst.npz, dm: 87.7, title: A }\n      - { input: burst.npz, dm: 87.9, title: B }\n`;
    for (const masks of [false, true]) {
      await cli([
        "multi",
        join(dir, "burst.npz"),
        join(dir, "burst.npz"),
        "--dm",
        "87.7",
        "87.9",
        "--titles",
        "A",
        "B",
        "--label",
        "(a)",
        "--shared-scale",
        ...(masks ? ["--masks"] : []),
        "--figname",
        join(dir, `multi-${masks}.pdf`),
      ]);
      writeFileSync(join(dir, `figures-${masks}.yaml`), yaml(masks));
      expect((await buildManifest(join(dir, `figures-${masks}.yaml`), { progress: quiet(), jobs: 1 })).ok).toBe(true);
      const manifest = withoutMetadata(readFileSync(join(dir, `manifest-${masks}.pdf`)), "pdf");
      expect(readFileSync(join(dir, `multi-${masks}.pdf`)).equals(manifest), `masks ${masks}`).toBe(true);
    }
    expect(readFileSync(join(dir, "multi-true.pdf")).equals(readFileSync(join(dir, "multi-false.pdf")))).toBe(false);
  });
});
