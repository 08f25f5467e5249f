/**
 * Figure manifests: building, the cache (unchanged figures are not re-rendered,
 * a changed input re-renders only its figures), --check, byte-identical
 * rebuilds, and manifest errors that name the line and the figure.
 */
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { beforeAll, describe, expect, it } from "vitest";

import { buildManifest, loadManifest, main, manifestSchema } from "@wfall/plot";
import { openWaterfall, Spectra, writeFilterbank, writeWaterfall } from "@wfall/spectra";

import { fixtures, realDataDir, repoRoot } from "../../../test-utils/helpers.js";

const MANIFEST = `# three figures over two inputs
version: 1
defaults: { cmap: viridis }
figures:
  - name: single
    output: single.pdf
    panels:
      - { input: a.npz, dm: 87.77, title: A }
  - name: pair
    output: [pair.pdf, pair.png]
    dpi: 100
    label: "(a)"
    panels:
      - { input: a.npz, dm: 87.77, title: A }
      - { input: b.npz, dm: 87.77, title: B }
  - name: only-b
    output: only_b.svg
    panels:
      - { input: b.npz }
`;

function project(manifest = MANIFEST): string {
  const dir = mkdtempSync(join(tmpdir(), "wfall-build-"));
  copyFileSync(join(fixtures, "synthetic_128x1024.npz"), join(dir, "a.npz"));
  copyFileSync(join(fixtures, "synthetic_128x1024.npz"), join(dir, "b.npz"));
  writeFileSync(join(dir, "figures.yaml"), manifest);
  return dir;
}

const quiet = () => new PassThrough();
const statuses = (report: Awaited<ReturnType<typeof buildManifest>>) => Object.fromEntries(report.figures.map((f) => [f.name, f.status]));

describe("plot build", () => {
  let dir: string;
  let firstBytes: Record<string, Buffer>;
  const outputs = ["single.pdf", "pair.pdf", "pair.png", "only_b.svg"];

  beforeAll(async () => {
    dir = project();
    const report = await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    expect(statuses(report)).toEqual({ single: "built", pair: "built", "only-b": "built" });
    firstBytes = Object.fromEntries(outputs.map((o) => [o, readFileSync(join(dir, o))]));
  });

  it("writes every output in its format", () => {
    expect(firstBytes["single.pdf"].subarray(0, 5).toString()).toBe("%PDF-");
    expect(firstBytes["pair.png"].subarray(1, 4).toString()).toBe("PNG");
    expect(firstBytes["only_b.svg"].toString()).toMatch(/^<\?xml/);
  });

  it("skips unchanged figures: nothing is rendered or rewritten", async () => {
    const mtimes = outputs.map((o) => statSync(join(dir, o)).mtimeMs);
    const report = await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    expect(statuses(report)).toEqual({ single: "cached", pair: "cached", "only-b": "cached" });
    expect(outputs.map((o) => statSync(join(dir, o)).mtimeMs)).toEqual(mtimes);
  });

  it("a changed input re-renders only the figures that read it", async () => {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(dir, "b.npz"))).dedisperse(87.5);
    await writeWaterfall(join(dir, "b.npz"), spec);
    const report = await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    expect(statuses(report)).toEqual({ single: "cached", pair: "built", "only-b": "built" });
    expect(readFileSync(join(dir, "single.pdf")).equals(firstBytes["single.pdf"])).toBe(true);
  });

  it("a deleted or edited output is rebuilt", async () => {
    writeFileSync(join(dir, "single.pdf"), "edited by hand");
    const report = await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    expect(statuses(report).single).toBe("built");
    expect(readFileSync(join(dir, "single.pdf")).equals(firstBytes["single.pdf"])).toBe(true);
  });

  it("--force re-renders everything, byte for byte the same", async () => {
    const before = Object.fromEntries(outputs.map((o) => [o, readFileSync(join(dir, o))]));
    const report = await buildManifest(join(dir, "figures.yaml"), { force: true, jobs: 2, progress: quiet() });
    expect(statuses(report)).toEqual({ single: "built", pair: "built", "only-b": "built" });
    for (const o of outputs) expect(readFileSync(join(dir, o)).equals(before[o]), o).toBe(true);
  });

  it("renders in this thread with jobs 0 exactly as the workers do", async () => {
    const other = project();
    await buildManifest(join(other, "figures.yaml"), { jobs: 0, progress: quiet() });
    const fresh = project();
    await buildManifest(join(fresh, "figures.yaml"), { jobs: 2, progress: quiet() });
    for (const o of outputs) expect(readFileSync(join(other, o)).equals(readFileSync(join(fresh, o))), o).toBe(true);
  });

  it("--only builds the named figures and refuses unknown names", async () => {
    const report = await buildManifest(join(dir, "figures.yaml"), { only: ["pair"], force: true, progress: quiet() });
    expect(report.figures.map((f) => f.name)).toEqual(["pair"]);
    await expect(buildManifest(join(dir, "figures.yaml"), { only: ["pairs"], progress: quiet() })).rejects.toMatchObject({
      code: "E_MANIFEST",
      message: expect.stringContaining("no figure named 'pairs' (figures: single, pair, only-b)"),
    });
  });

  it("draws a progress bar with the time left on a terminal", async () => {
    const progress = Object.assign(new PassThrough(), { isTTY: true });
    let text = "";
    progress.on("data", (d) => (text += d));
    await buildManifest(join(dir, "figures.yaml"), { force: true, progress });
    expect(text).toMatch(/^\r\[\.{24}\] 0\/3 figures/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line sequence is what is tested
    expect(text).toMatch(/\r\[#{24}\] 3\/3 figures, \d+\.\d s, ~0\.0 s left {2}built \S+\x1b\[K\n$/);
  });

  it("leaves the figures found up to date out of the count", async () => {
    const fresh = project();
    await buildManifest(join(fresh, "figures.yaml"), { progress: quiet() });
    writeFileSync(join(fresh, "single.pdf"), "edited by hand");
    const progress = Object.assign(new PassThrough(), { isTTY: true });
    let text = "";
    progress.on("data", (d) => (text += d));
    await buildManifest(join(fresh, "figures.yaml"), { progress });
    expect(text).toMatch(/^\r\[\.{24}\] 0\/3 figures/); // before any figure is checked
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the terminal's erase-line sequence is what is tested
    expect(text).toMatch(/\r\[#{24}\] 1\/1 figures, \d+\.\d s, ~0\.0 s left {2}built single\x1b\[K\n$/);
  });

  it("reports progress as plain lines when not on a terminal", async () => {
    const progress = new PassThrough();
    let text = "";
    progress.on("data", (d) => (text += d));
    await buildManifest(join(dir, "figures.yaml"), { force: true, progress });
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => l.replace(/ \(.*\)$/, "")),
    ).toEqual(expect.arrayContaining(["[3/3] built only-b", "[3/3] built pair", "[3/3] built single"].filter((l) => text.includes(l))));
    expect(text).toMatch(/^\[1\/3\] built \S+ \(\d+\.\d s\)$/m);
    expect(text).toMatch(/^\[3\/3\] built \S+ \(\d+\.\d s\)$/m);
  });
});

describe("plot build warns about its inputs", () => {
  it("names the figure and the warning of an input that looks cut short, building and checking, in worker threads or not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-build-warn-"));
    const [nchan, ntime] = [16, 400];
    const levels = new Float32Array(nchan * ntime).map((_, i) => (i * 7919) % 200);
    await writeFilterbank(join(dir, "whole.fil"), new Spectra(levels, { nchan, ntime, fbottom: 1100, df: 4, dt: 5e-4, dm: 0 }), { nbits: 8 });
    const bytes = readFileSync(join(dir, "whole.fil"));
    writeFileSync(join(dir, "cut.fil"), bytes.subarray(0, bytes.length - 3)); // ends 13 bytes into the last sample
    const manifest = join(dir, "figures.yaml");
    writeFileSync(
      manifest,
      `version: 1
figures:
  - { name: cut, input: cut.fil, output: cut.svg }
  - { name: whole, input: whole.fil, output: whole.svg }
`,
    );
    const warning = "cut.fil: warning: the file ends 13 bytes into sample 399 (of 16 bytes): it looks cut short; that partial sample is left out";
    for (const jobs of [0, 1]) {
      const report = await buildManifest(manifest, { jobs, force: true, progress: quiet() });
      expect(report.figures.map((f) => [f.name, f.status, f.warnings])).toEqual([
        ["cut", "built", [join(dir, warning)]],
        ["whole", "built", undefined],
      ]);
    }
    const err = new PassThrough();
    let text = "";
    err.on("data", (d) => (text += d));
    expect(await main(["build", "--check", manifest], { out: quiet(), err })).toBe(0);
    expect(text).toContain(`plot: ${manifest}:3: figure 'cut': ${join(dir, warning)}\n`);
    expect(text).not.toMatch(/figure 'whole'/);
  });
});

describe("plot build --check", () => {
  it("passes when up to date and fails naming the figure after a DM changes", async () => {
    const dir = project();
    const manifest = join(dir, "figures.yaml");
    expect(await main(["build", manifest], { out: quiet(), err: quiet() })).toBe(0);
    expect(await main(["build", "--check", manifest], { out: quiet(), err: quiet() })).toBe(0);
    writeFileSync(manifest, MANIFEST.replace("{ input: b.npz, dm: 87.77, title: B }", "{ input: b.npz, dm: 87.9, title: B }"));
    const err = new PassThrough();
    let text = "";
    err.on("data", (d) => (text += d));
    const out = new PassThrough();
    let summary = "";
    out.on("data", (d) => (summary += d));
    expect(await main(["build", "--check", manifest], { out, err })).toBe(1);
    expect(text).toContain(
      `plot: ${manifest}:9: figure 'pair' is out of date: pair.pdf, pair.png: figure definition changed (panels[1].options.dm: 87.77 → 87.9)\n`,
    );
    expect(text).not.toMatch(/figure 'single'/);
    expect(summary).toBe("checked 3 figure(s): 2 up to date, 1 out of date, 0 failed\n");
  });

  it("fails after an input changes, and when an output is missing", async () => {
    const dir = project();
    const manifest = join(dir, "figures.yaml");
    await buildManifest(manifest, { progress: quiet() });
    const spec = Spectra.fromWaterfall(await openWaterfall(join(dir, "a.npz"))).maskChannels([60]);
    await writeWaterfall(join(dir, "a.npz"), spec);
    const report = await buildManifest(manifest, { check: true, progress: quiet() });
    expect(statuses(report)).toEqual({ single: "differs", pair: "differs", "only-b": "up to date" });
    expect(report.ok).toBe(false);
  });

  it.skipIf(!realDataDir())("the real-data examples' committed figures are up to date", async () => {
    const real = realDataDir()!;
    const report = await buildManifest(join(repoRoot, "examples/real/figures.yaml"), {
      check: true,
      progress: quiet(),
      env: { ...process.env, WFALL_REAL_DATA: real },
    });
    expect(report.figures.map((f) => [f.name, f.status])).toEqual(report.figures.map((f) => [f.name, "up to date"]));
  });

  it("the example paper's committed figures are up to date", async () => {
    const real = realDataDir();
    const manifest = join(repoRoot, "examples/paper/figures.yaml");
    const needsReal = ["b0355", "bursts-grid"];
    const all = (await loadManifest(manifest, { env: { ...process.env, WFALL_REAL_DATA: real ?? "/absent" } })).figures.map((f) => f.name);
    if (!real) console.warn(`SKIPPING ${needsReal.join(", ")} of examples/paper: ../shared/real is absent`);
    const only = real ? all : all.filter((n) => !needsReal.includes(n));
    const report = await buildManifest(manifest, { check: true, only, progress: quiet(), env: { ...process.env, WFALL_REAL_DATA: real ?? "/absent" } });
    expect(report.figures.filter((f) => f.status !== "up to date")).toEqual([]);
  });
});

describe("manifest errors name the manifest, the line and the figure", () => {
  const cases: [string, string, RegExp][] = [
    [
      "a typo'd key",
      MANIFEST.replace("{ input: b.npz }", "{ input: b.npz, dn: 3 }"),
      /figures\.yaml: line 19: figures\[2\]\.panels\[0\] \(figure 'only-b'\): unknown key 'dn' \(did you mean 'dm'\?\)/,
    ],
    ["a wrong type", MANIFEST.replace("dpi: 100", "dpi: high"), /line 11: figures\[1\]\.dpi \(figure 'pair'\): must be number/],
    ["an unknown colour map", MANIFEST.replace("cmap: viridis", "cmap: jet"), /line 3: defaults\.cmap: must be one of "viridis", "magma"/],
    [
      "a missing input",
      MANIFEST.replace("      - { input: b.npz }\n", "      - { dm: 3 }\n"),
      /line 19: figures\[2\]\.panels\[0\] \(figure 'only-b'\): missing key 'input'/,
    ],
    ["a bad output extension", MANIFEST.replace("output: single.pdf", "output: single.gif"), /line 6: figures\[0\]\.output \(figure 'single'\)/],
    ["a duplicate figure", MANIFEST.replace("name: only-b", "name: pair"), /duplicate figure name 'pair' \(.*figures\.yaml:9 and .*figures\.yaml:16\)/],
    ["two figures writing one file", MANIFEST.replace("output: only_b.svg", "output: single.pdf"), /figures 'single' and 'only-b' both write .*single\.pdf/],
    [
      "a cycle (a figure writing an input)",
      MANIFEST.replace("output: only_b.svg", "output: a.npz.svg").replace("{ input: b.npz }", "{ input: a.npz.svg }"),
      /figure 'only-b' reads .*a\.npz\.svg, which figure 'only-b' writes/,
    ],
    ["broken YAML", MANIFEST.replace("figures:", "figures: [\n  - oops"), /figures\.yaml: line \d+: not valid YAML or JSON/],
    [
      "an environment variable not named WFALL_",
      MANIFEST.replace("input: a.npz, dm: 87.77, title: A }\n  - name: pair", 'input: "${HOME}/a.npz" }\n  - name: pair'),
      /\$\{HOME\}: only WFALL_ environment variables are read .*: rename it WFALL_HOME, or declare a constant under 'variables:'/,
    ],
    [
      "a secret asked for with a default",
      MANIFEST.replace("output: single.pdf", 'output: "j_${MY_CI_TOKEN:-none}.pdf"'),
      /\$\{MY_CI_TOKEN\}: only WFALL_ environment variables are read/,
    ],
    [
      "an unset WFALL_ variable",
      MANIFEST.replace("input: a.npz, dm: 87.77, title: A }\n  - name: pair", 'input: "${WFALL_NO_SUCH_VARIABLE}/a.npz" }\n  - name: pair'),
      /environment variable WFALL_NO_SUCH_VARIABLE is not set/,
    ],
    [
      "an output outside the manifest's folder",
      MANIFEST.replace("output: single.pdf", "output: ../single.pdf"),
      /figure 'single' \(.*figures\.yaml:5\) writes \.\.\/single\.pdf, outside the manifest's folder: move it inside, or pass --allow-outside/,
    ],
    ["an absolute output", MANIFEST.replace("output: single.pdf", "output: /tmp/single.pdf"), /writes .*single\.pdf, outside the manifest's folder/],
    [
      "a YAML alias bomb",
      `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nfigures: [*d]\n`,
      /cannot expand the manifest's YAML aliases/,
    ],
    [
      "an unclosed [ on line 6",
      MANIFEST.replace("    output: single.pdf", "    output: [single.pdf"),
      /figures\.yaml: line 6: not valid YAML or JSON: Flow sequence/,
    ],
    [
      "a key without its colon on line 9",
      MANIFEST.replace("      - { input: a.npz, dm: 87.77, title: A }", "      - input: a.npz\n        dm 87.77"),
      /figures\.yaml: line 9: not valid YAML or JSON/,
    ],
    [
      "a bad indent on line 7",
      MANIFEST.replace("    panels:\n      - { input: a.npz, dm: 87.77, title: A }", "   panels:\n      - { input: a.npz, dm: 87.77, title: A }"),
      /figures\.yaml: line 7: not valid YAML or JSON/,
    ],
  ];
  for (const [name, manifest, message] of cases) {
    it(name, async () => {
      const dir = project(manifest);
      const error = await loadManifest(join(dir, "figures.yaml")).then(
        () => expect.fail("no error"),
        (e) => e,
      );
      expect(error.code).toBe("E_MANIFEST");
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(join(dir, "figures.yaml"))).toBe(true);
    });
  }

  it("the CLI prints one line and exits 2", async () => {
    const dir = project(MANIFEST.replace("{ input: b.npz }", "{ input: b.npz, dn: 3 }"));
    const err = new PassThrough();
    let text = "";
    err.on("data", (d) => (text += d));
    expect(await main(["build", join(dir, "figures.yaml")], { out: quiet(), err })).toBe(2);
    expect(text.trimEnd().split("\n")).toHaveLength(1);
  });

  it("JSON manifests work too, with line numbers", async () => {
    const dir = project(JSON.stringify({ figures: [{ name: "x", output: "x.pdf", panels: [{ input: "a.npz", dm: "high" }] }] }, null, 2));
    await expect(loadManifest(join(dir, "figures.yaml"))).rejects.toMatchObject({
      message: expect.stringMatching(/line 9: figures\[0\]\.panels\[0\]\.dm \(figure 'x'\): must be number/),
    });
  });

  it("variables with defaults resolve, relative to the manifest's folder", async () => {
    const dir = project(MANIFEST.replace("input: b.npz }", 'input: "${WFALL_TEST_DIR:-.}/b.npz" }'));
    const manifest = await loadManifest(join(dir, "figures.yaml"), {});
    expect(manifest.figures[2].panels[0].input).toBe(join(dir, "b.npz"));
  });

  it("the shipped JSON Schema is the one the option tables make (npm run generate rewrites it)", () => {
    const shipped = JSON.parse(readFileSync(join(repoRoot, "packages/plot/schema/figures.schema.json"), "utf8"));
    expect(shipped).toEqual(manifestSchema());
    expect(Object.keys(shipped.$defs.panel.properties.options.properties)).toEqual(expect.arrayContaining(["windowMs", "dm", "masks", "cmap"]));
    expect(Object.keys(shipped.$defs.figure.properties)).toEqual(expect.arrayContaining(["widthIn", "columns", "sharedScale"]));
  });

  it("the compiled manifest validator is the one ajv makes of the schema (npm run generate rewrites it)", async () => {
    const { manifestValidatorSource } = await import("../../../scripts/manifest-validator.mjs");
    const shipped = readFileSync(join(repoRoot, "packages/plot/src/build/manifest-validator.generated.ts"), "utf8");
    expect(shipped).toBe(manifestValidatorSource(manifestSchema()));
  });

  it("docs/options.md is the one the option tables make (npm run generate rewrites it)", async () => {
    const { optionsReference } = await import("../../../scripts/options-reference.mjs");
    expect(readFileSync(join(repoRoot, "docs/options.md"), "utf8")).toBe(await optionsReference());
  });

  it("values from the environment never appear in messages", async () => {
    const dir = project(MANIFEST.replace("input: b.npz }", 'input: "${WFALL_SECRET}/b.npz" }'));
    const report = await buildManifest(join(dir, "figures.yaml"), { progress: quiet(), env: { WFALL_SECRET: "s3cr3t-value" } });
    const failed = report.figures.find((f) => f.name === "only-b")!;
    expect(failed.status).toBe("failed");
    expect(failed.error!.message).toMatch(/\$\{WFALL_SECRET\}\/b\.npz: no such file/);
    expect(failed.error!.message).not.toContain("s3cr3t");
  });
});
