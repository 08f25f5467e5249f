/**
 * `plot build --check` that explains: the reason for each stale figure (an
 * input's contents, the figure's definition, the tool's version, the same
 * inputs giving other bytes, a missing output), the report images, the JUnit
 * file and the GitHub step summary, `--explain`, declared input checksums and
 * loud graph errors.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import { buildManifest, loadManifest, main } from "@wfall/plot";
import { openWaterfall, Spectra, writeWaterfall } from "@wfall/spectra";

import { fixtures, manifestProject, python, pythonSha256 } from "../../../test-utils/helpers.js";
import { decodePng } from "../../../test-utils/inspect.js";

const MANIFEST = `version: 1
figures:
  - name: single
    output: single.pdf
    panels:
      - { input: a.npz, dm: 87.77, title: A }
  - name: pair
    output: [pair.pdf, pair.svg]
    label: "(a)"
    panels:
      - { input: a.npz, dm: 87.77, title: A }
      - { input: b.npz, dm: 87.77, title: B }
  - name: only-b
    output: only_b.png
    dpi: 60
    panels:
      - { input: b.npz }
`;

const project = (manifest = MANIFEST) => manifestProject(manifest, { "a.npz": "synthetic_128x1024.npz", "b.npz": "synthetic_128x1024.npz" }, "wfall-check-");

const quiet = () => new PassThrough();

/** Runs the CLI; returns its exit code, stdout and stderr. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const [out, err] = [new PassThrough(), new PassThrough()];
  let [outText, errText] = ["", ""];
  out.on("data", (d) => (outText += d));
  err.on("data", (d) => (errText += d));
  const code = await main(args, { out, err });
  return { code, out: outText, err: errText };
}

async function built(manifest = MANIFEST): Promise<string> {
  const dir = project(manifest);
  const report = await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
  expect(report.ok).toBe(true);
  return dir;
}

async function maskChannel(file: string, channel: number): Promise<void> {
  const spectra = Spectra.fromWaterfall(await openWaterfall(file)).maskChannels([channel]);
  await writeWaterfall(file, spectra);
}

/** Reads an XML file with Python's parser (an independent reader): the test cases and their failures. */
function parseJunit(file: string): { tests: string; failures: string; cases: { name: string; failure?: string; error?: string }[] } {
  const script = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find("testsuite")
cases = [{"name": c.get("name"), **({"failure": c.find("failure").get("message")} if c.find("failure") is not None else {}),
          **({"error": c.find("error").get("message")} if c.find("error") is not None else {})} for c in suite.findall("testcase")]
print(json.dumps({"tests": root.get("tests"), "failures": root.get("failures"), "cases": cases}))
`;
  return JSON.parse(execFileSync(python(), ["-c", script, file], { encoding: "utf8" }));
}

describe("--check says why a figure is out of date", () => {
  it("an input's contents changed: names the input, only for the figures that read it", async () => {
    const dir = await built();
    await maskChannel(join(dir, "b.npz"), 60);
    const { code, out, err } = await cli(["build", "--check", join(dir, "figures.yaml")]);
    expect(code).toBe(1);
    expect(err).toContain(`figures.yaml:7: figure 'pair' is out of date: pair.pdf, pair.svg: input contents changed (b.npz)\n`);
    expect(err).toContain(`figures.yaml:13: figure 'only-b' is out of date: only_b.png: input contents changed (b.npz)\n`);
    expect(err).not.toContain("'single'");
    expect(err).toContain(`update them with \`plot build ${join(dir, "figures.yaml")}\``);
    expect(out).toBe("checked 3 figure(s): 1 up to date, 2 out of date, 0 failed\n");
  });

  it("the figure's definition changed: names the option and both values", async () => {
    const dir = await built();
    writeFileSync(join(dir, "figures.yaml"), MANIFEST.replace("{ input: b.npz, dm: 87.77, title: B }", "{ input: b.npz, dm: 87.9, title: B }"));
    const { code, err } = await cli(["build", "--check", join(dir, "figures.yaml")]);
    expect(code).toBe(1);
    expect(err).toContain("figure 'pair' is out of date: pair.pdf, pair.svg: figure definition changed (panels[1].options.dm: 87.77 → 87.9)\n");
    expect(err.match(/out of date/g)).toHaveLength(1);
  });

  it("the tool's version changed (a figure made by an older wfall)", async () => {
    const dir = await built();
    for (const file of ["pair.pdf", "pair.svg"]) {
      const bytes = readFileSync(join(dir, file), "latin1");
      expect(bytes).toContain('"wfall":"0.2.0"');
      writeFileSync(join(dir, file), bytes.replace('"wfall":"0.2.0"', '"wfall":"0.1.9"'), "latin1"); // same length: the PDF's offsets hold
    }
    const { code, err } = await cli(["build", "--check", join(dir, "figures.yaml")]);
    expect(code).toBe(1);
    expect(err).toContain("figure 'pair' is out of date: pair.pdf, pair.svg: tool or font version changed (wfall 0.1.9 → 0.2.0)\n");
  });

  it("the same inputs give different bytes, and a missing output is 'missing'", async () => {
    const dir = await built();
    const svg = readFileSync(join(dir, "pair.svg"), "utf8");
    writeFileSync(join(dir, "pair.svg"), svg.replace(/fill="#000000"/g, 'fill="#ff0000"')); // the text turns red; the provenance is intact
    rmSync(join(dir, "pair.pdf"));
    const report = join(dir, "report");
    const { code, err } = await cli(["build", "--check", "--report", report, join(dir, "figures.yaml")]);
    expect(code).toBe(1);
    expect(err).toMatch(/figure 'pair' is out of date: pair\.pdf: missing; pair\.svg: same inputs, definition and versions, but different bytes/);
    // A missing output: only the picture of what it should be.
    expect(existsSync(join(report, "pair", "pair.pdf.actual.png"))).toBe(true);
    expect(existsSync(join(report, "pair", "pair.pdf.expected.png"))).toBe(false);
    // The recoloured text shows in the difference image, and nowhere else.
    const diff = decodePng(readFileSync(join(report, "pair", "pair.svg.diff.png")));
    const expected = decodePng(readFileSync(join(report, "pair", "pair.svg.expected.png")));
    const actual = decodePng(readFileSync(join(report, "pair", "pair.svg.actual.png")));
    expect([diff.width, diff.height]).toEqual([expected.width, expected.height]);
    let red = 0;
    let changed = 0;
    for (let i = 0; i < diff.width * diff.height; i++) {
      const [r, g, b] = [diff.pixels[i * diff.channels], diff.pixels[i * diff.channels + 1], diff.pixels[i * diff.channels + 2]];
      const differs = [0, 1, 2].some((c) => expected.pixels[i * expected.channels + c] !== actual.pixels[i * actual.channels + c]);
      if (differs) changed++;
      if (r === 255 && g < 128 && b < 128) red++;
      else expect(differs, `pixel ${i} differs but is not red`).toBe(false);
    }
    expect(changed).toBeGreaterThan(100);
    expect(red).toBe(changed);
  });

  it("--report shows an input change where the pixels changed, in PDF and PNG outputs", async () => {
    const dir = await built();
    await maskChannel(join(dir, "b.npz"), 60);
    const report = join(dir, "report");
    await buildManifest(join(dir, "figures.yaml"), { check: true, reportDir: report, progress: quiet() });
    for (const file of ["pair/pair.pdf", "only-b/only_b.png"]) {
      const diff = decodePng(readFileSync(join(report, `${file}.diff.png`)));
      let red = 0;
      for (let i = 0; i < diff.width * diff.height; i++) if (diff.pixels[i * diff.channels + 1] < 128) red++;
      expect(red, file).toBeGreaterThan(0);
      expect(red, file).toBeLessThan((diff.width * diff.height) / 4); // one channel of the waterfall, not the whole figure
      for (const side of ["expected", "actual"]) expect(decodePng(readFileSync(join(report, `${file}.${side}.png`))).width, file).toBe(diff.width);
    }
    expect(existsSync(join(report, "single"))).toBe(false);
  });
});

describe("CI reports", () => {
  it("--junit writes one test case per figure that an XML parser reads, naming the failing figure", async () => {
    const dir = await built();
    await maskChannel(join(dir, "b.npz"), 60);
    writeFileSync(join(dir, "figures.yaml"), `${MANIFEST}  - name: broken\n    output: broken.pdf\n    panels:\n      - { input: absent.npz }\n`);
    const junit = join(dir, "ci", "junit.xml");
    const result = await cli(["build", "--check", "--junit", junit, join(dir, "figures.yaml")]);
    expect(result.code, result.err).toBe(2);
    const parsed = parseJunit(junit);
    expect(parsed.tests).toBe("4");
    expect(parsed.failures).toBe("2");
    expect(parsed.cases.map((c) => c.name)).toEqual(["single", "pair", "only-b", "broken"]);
    expect(parsed.cases[0]).toEqual({ name: "single" });
    expect(parsed.cases[1].failure).toBe("pair.pdf, pair.svg: input contents changed (b.npz)");
    expect(parsed.cases[3].error).toMatch(/absent\.npz: no such file/);
  });

  it("on GitHub Actions, a job summary with the stale figures and why", async () => {
    const dir = await built();
    await maskChannel(join(dir, "a.npz"), 3);
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "earlier steps' summary\n");
    const previous = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = summary;
    try {
      await cli(["build", "--check", join(dir, "figures.yaml")]);
    } finally {
      if (previous === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = previous;
    }
    const text = readFileSync(summary, "utf8");
    expect(text.startsWith("earlier steps' summary\n### ❌ `plot build --check ")).toBe(true);
    expect(text).toContain("3 figure(s), 1 up to date, 2 out of date, 0 failed");
    expect(text).toContain("| `single` | out of date | single.pdf: input contents changed (a.npz) |");
    expect(text).toContain("| `pair` | out of date | pair.pdf, pair.svg: input contents changed (a.npz) |");
    expect(text).not.toContain("only-b");
  });
});

describe("plot build --explain", () => {
  it("prints the key's parts and whether and why the figure would be rendered again", async () => {
    const dir = await built();
    const sha = pythonSha256;
    let { code, out } = await cli(["build", "--explain", "pair", join(dir, "figures.yaml")]);
    expect(code).toBe(0);
    expect(out).toContain(`figure 'pair' (${join(dir, "figures.yaml")}:7) writes pair.pdf, pair.svg\n`);
    expect(out).toMatch(/cache key [0-9a-f]{64}, the SHA-256 of:\n {2}definition {2}[0-9a-f]{64}\n/);
    expect(out).toContain(`  input       a.npz  sha256 ${sha(join(dir, "a.npz"))}\n  input       b.npz  sha256 ${sha(join(dir, "b.npz"))}\n`);
    expect(out).toMatch(/ {2}tool {8}wfall 0\.2\.0, fonts sha256 [0-9a-f]{64}\n/);
    expect(out).toContain("last build (.figures.yaml.wfall-cache.json): the same key\n");
    expect(out).toContain("  pair.pdf: as the last build wrote it; records the same definition, inputs and versions\n");
    expect(out.endsWith("plot build would skip it: nothing it depends on has changed\n")).toBe(true);

    await maskChannel(join(dir, "b.npz"), 60);
    rmSync(join(dir, "pair.svg"));
    ({ out } = await cli(["build", "--explain", "pair", join(dir, "figures.yaml")]));
    expect(out).toContain("  pair.pdf: as the last build wrote it; records input contents changed (b.npz)\n");
    expect(out).toContain("  pair.svg: missing\n");
    expect(out.endsWith("plot build would render it again: input contents changed (b.npz); pair.svg is missing\n")).toBe(true);

    const unknown = await cli(["build", "--explain", "pairs", join(dir, "figures.yaml")]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("no figure named 'pairs' (figures: single, pair, only-b)");
  });
});

describe("declared input checksums and graph errors", () => {
  const withInputs = (sha: string, key = "a.npz") => `inputs:\n  ${key}: { sha256: "${sha}" }\n${MANIFEST}`;
  const shaOfFixture = () => pythonSha256(join(fixtures, "synthetic_128x1024.npz"));

  it("a matching SHA-256 builds", async () => {
    const dir = project(withInputs(shaOfFixture()));
    expect((await buildManifest(join(dir, "figures.yaml"), { progress: quiet() })).ok).toBe(true);
  });

  it("a mismatch is an error before anything renders", async () => {
    const dir = project(withInputs("0".repeat(64)));
    const { code, err } = await cli(["build", join(dir, "figures.yaml")]);
    expect(code).toBe(2);
    expect(err).toBe(
      `plot: ${join(dir, "figures.yaml")}: a.npz has SHA-256 ${shaOfFixture()}, but line 2 declares ${"0".repeat(64)}: it is not the file the figures were made from (if the change is intended, update the checksum)\n`,
    );
    for (const output of ["single.pdf", "pair.pdf", "only_b.png"]) expect(existsSync(join(dir, output)), output).toBe(false);
  });

  it("a declaration that no panel reads is an error, with a suggestion", async () => {
    const dir = project(withInputs(shaOfFixture(), "a.nzp"));
    await expect(loadManifest(join(dir, "figures.yaml"))).rejects.toMatchObject({
      code: "E_MANIFEST",
      message: `${join(dir, "figures.yaml")}: line 2: inputs: 'a.nzp' is read by no figure (did you mean 'a.npz'?)`,
    });
  });

  it("a malformed checksum is a schema error naming the line", async () => {
    const dir = project(withInputs("abc"));
    await expect(loadManifest(join(dir, "figures.yaml"))).rejects.toMatchObject({
      message: expect.stringMatching(/line 2: inputs\.a\.npz\.sha256: is not valid/),
    });
  });
});
