/**
 * Provenance in the figure files, deterministic: each output of `plot build`
 * records its figure's name, definition hash, the SHA-256 of each input, the
 * wfall version and the clean repository's commit (PDF document information,
 * PNG text chunks, SVG <metadata>), the same inputs still give the same bytes
 * in any folder, and committing the figures never makes them out of date. The
 * build cache holds paths relative to the manifest.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import { describe, expect, it } from "vitest";

import { buildFigure, buildManifest, loadManifest, main } from "@wfall/plot";

import { manifestProject, python, pythonSha256 } from "../../../test-utils/helpers.js";
import { pdfObjects } from "../../../test-utils/inspect.js";

const MANIFEST = `version: 1
figures:
  - name: b6
    output: [b6.pdf, b6.png, b6.svg]
    dpi: 50
    panels:
      - { input: data/b6.npz, title: "FRB 20121102A \u03bd" }
`;

const project = () => manifestProject(MANIFEST, { "data/b6.npz": "frb121102_B6_wfall.npz" }, "wfall-provenance-");

const quiet = () => new PassThrough();
const files = ["b6.pdf", "b6.png", "b6.svg"];
const bytesOf = (dir: string) => Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f))]));
const sha256sum = pythonSha256;

/** The PDF's document information dictionary, read with the test's own PDF reader: key to the raw string token. */
function pdfInfo(pdf: Buffer): Record<string, string> {
  const objects = pdfObjects(pdf);
  const id = Number(/\/Info (\d+) 0 R/.exec(pdf.toString("latin1").slice(pdf.lastIndexOf("trailer")))![1]);
  const dict = objects.get(id)!.dict;
  return Object.fromEntries([...dict.matchAll(/\/(\w+) (\((?:\\.|[^\\)])*\)|<[0-9A-F]+>)/g)].map(([, k, v]) => [k, v]));
}

/** A PDF literal string token's text (the escapes this writer uses: \\ \( \)). */
const literal = (token: string) => token.slice(1, -1).replace(/\\([\\()])/g, "$1");

/** PNG text chunks, read with Pillow. */
function pngText(file: string): Record<string, string> {
  return JSON.parse(
    execFileSync(python(), ["-c", "import json,sys; from PIL import Image; print(json.dumps(Image.open(sys.argv[1]).text))", file], { encoding: "utf8" }),
  );
}

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", ...args], {
    cwd: dir,
    encoding: "utf8",
  }).trim();
}

describe("provenance in the figure files", () => {
  it("records the figure, its definition's hash, each input's SHA-256 and the version, in PDF, PNG and SVG", async () => {
    const dir = project();
    await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    const inputSha = sha256sum(join(dir, "data", "b6.npz"));

    const info = pdfInfo(readFileSync(join(dir, "b6.pdf")));
    expect(info.Title).toBe("(b6)");
    expect(info.Creator).toBe("(wfall 0.2.0 \\(plot build\\))");
    expect(info.Producer).toBe("(svg2pdf)");
    const fromPdf = JSON.parse(literal(info.WfallProvenance));
    expect(fromPdf.figure).toBe("b6");
    expect(fromPdf.inputs).toEqual([{ path: "data/b6.npz", sha256: inputSha }]);
    expect(fromPdf.tool.wfall).toBe("0.2.0");
    expect(fromPdf.definition.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fromPdf.definition.entry.panels[0]).toEqual({ input: "data/b6.npz", options: {}, title: "FRB 20121102A \u03bd" });
    // the hash is of the entry as canonical JSON (sorted keys, no spaces, non-ASCII escaped), as Python's json writes it
    const canonicalSha = execFileSync(
      python(),
      [
        "-c",
        "import hashlib,json,sys; print(hashlib.sha256(json.dumps(json.loads(sys.argv[1]), sort_keys=True, separators=(',', ':')).encode()).hexdigest())",
        JSON.stringify(fromPdf.definition.entry),
      ],
      { encoding: "utf8" },
    ).trim();
    expect(fromPdf.definition.sha256).toBe(canonicalSha);
    expect(fromPdf.commit).toBeUndefined(); // not in a git repository
    expect(literal(info.WfallProvenance)).not.toContain(dir); // nothing of this machine's paths

    const text = pngText(join(dir, "b6.png"));
    expect(text.Title).toBe("b6");
    expect(text.Software).toBe("wfall 0.2.0 (plot build)");
    expect(JSON.parse(text.WfallProvenance)).toEqual(fromPdf);

    const svg = readFileSync(join(dir, "b6.svg"), "utf8");
    const block = /<metadata xmlns:wfall="urn:wfall:metadata">(.*?)<\/metadata>/.exec(svg)![1];
    const json = /<wfall:WfallProvenance>(.*?)<\/wfall:WfallProvenance>/
      .exec(block)![1]
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");
    expect(JSON.parse(json)).toEqual(fromPdf);
    expect(json).toContain("FRB 20121102A \\u03bd"); // ASCII: escaped the same way in every format
  });

  it("the same inputs give the same bytes: rebuilt, and in another folder", async () => {
    const first = project();
    await buildManifest(join(first, "figures.yaml"), { progress: quiet() });
    const before = bytesOf(first);
    await buildManifest(join(first, "figures.yaml"), { force: true, progress: quiet() });
    const second = project();
    await buildManifest(join(second, "figures.yaml"), { jobs: 0, progress: quiet() });
    for (const f of files) {
      expect(readFileSync(join(first, f)).equals(before[f]), f).toBe(true);
      expect(readFileSync(join(second, f)).equals(before[f]), f).toBe(true);
    }
  });

  it("records the clean repository's commit; committing the figures leaves --check passing", async () => {
    const dir = project();
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "data and manifest");
    const first = git(dir, "rev-parse", "HEAD");
    await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    const recorded = JSON.parse(pngText(join(dir, "b6.png")).WfallProvenance);
    expect(recorded.commit).toBe(first);

    writeFileSync(join(dir, ".gitignore"), "*.wfall-cache.json\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "figures");
    expect(git(dir, "rev-parse", "HEAD")).not.toBe(first);
    const check = await buildManifest(join(dir, "figures.yaml"), { check: true, progress: quiet() });
    expect(check.figures.map((f) => f.status)).toEqual(["up to date"]);

    // Uncommitted changes to tracked files: no commit is recorded.
    writeFileSync(join(dir, "figures.yaml"), MANIFEST.replace("dpi: 50", "dpi: 51"));
    await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    expect(JSON.parse(pngText(join(dir, "b6.png")).WfallProvenance).commit).toBeUndefined();
  });

  it("figures made before provenance pass --check when their content is the same, with a note", async () => {
    const dir = project();
    const manifest = await loadManifest(join(dir, "figures.yaml"));
    const { outputs } = await buildFigure(manifest.figures[0]); // no metadata: as wfall wrote figures before
    for (const o of outputs) writeFileSync(o.path, o.bytes);
    const err = new PassThrough();
    let text = "";
    err.on("data", (d) => (text += d));
    expect(await main(["build", "--check", join(dir, "figures.yaml")], { out: quiet(), err })).toBe(0);
    expect(text).toContain("figure 'b6' is up to date, but its files record no provenance: `plot build --force` adds it\n");
  });
});

describe("the build cache", () => {
  it("holds paths relative to the manifest, so the project can move", async () => {
    const dir = project();
    await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    const cache = readFileSync(join(dir, ".figures.yaml.wfall-cache.json"), "utf8");
    expect(cache).not.toContain(dir);
    expect(Object.keys(JSON.parse(cache).figures.b6.outputs)).toEqual(files);
    const moved = `${dir}-moved`;
    renameSync(dir, moved);
    const report = await buildManifest(join(moved, "figures.yaml"), { progress: quiet() });
    expect(report.figures.map((f) => f.status)).toEqual(["cached"]);
  });

  it("--emit-tex writes a macro per figure: its commit and its manifest entry", async () => {
    const dir = project();
    git(dir, "init", "-q");
    git(dir, "remote", "add", "origin", "git@github.com:someone/paper.git");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "data and manifest");
    const head = git(dir, "rev-parse", "HEAD");
    copyFileSync(join(dir, "figures.yaml"), join(dir, "figures.yaml")); // unchanged: still clean
    const out = new PassThrough();
    expect(await main(["build", "--emit-tex", join(dir, "tex", "figures.tex"), join(dir, "figures.yaml")], { out, err: quiet() })).toBe(0);
    const tex = readFileSync(join(dir, "tex", "figures.tex"), "utf8");
    expect(tex).toContain("\\providecommand{\\wfallrepository}{https://github.com/someone/paper}\n");
    expect(tex).toContain(`\\@namedef{wfall@commit@b6}{${head}}\n`);
    expect(tex).toContain("\\@namedef{wfall@entry@b6}{figures.yaml\\#L3}\n");
    expect(tex).toContain("\\providecommand{\\wfallurl}[1]{\\wfallrepository/blob/\\wfallcommit{#1}/\\wfallentry{#1}}\n");
  });
});

describe("provenance of figures made over many files (each:) and in shards", () => {
  const EACH = `version: 1
variables: { DATA: data }
figures:
  - name: "burst-{stem}"
    each: "data/*.npz"
    output: "out/{stem}.png"
    dpi: 30
    input: "\${DATA}/{stem}.npz"
`;
  const eachProject = () => manifestProject(EACH, { "data/a.npz": "frb121102_B6_wfall.npz", "data/b.npz": "frb121102_B6_wfall.npz" }, "wfall-provenance-each-");
  const recorded = (file: string) => JSON.parse(pngText(file).WfallProvenance);

  it("records each expanded figure's paths as the manifest writes them: file put in, variables and folder not", async () => {
    const dir = eachProject();
    await buildManifest(join(dir, "figures.yaml"), { progress: quiet() });
    const made = recorded(join(dir, "out", "b.png"));
    expect(made.figure).toBe("burst-b");
    expect(made.inputs).toEqual([{ path: "${DATA}/b.npz", sha256: sha256sum(join(dir, "data", "b.npz")) }]);
    expect(made.definition.entry.outputs).toEqual(["out/b.png"]);
    expect(made.definition.entry.panels[0].input).toBe("${DATA}/b.npz");
    expect(JSON.stringify(made)).not.toContain(dir);
  });

  it("records mask files (masksIn, masksOut) as the manifest writes them, so the definition does not depend on the folder", async () => {
    const definitions = await Promise.all(
      [0, 1].map(async () => {
        const dir = manifestProject(
          MANIFEST.replace('title: "FRB 20121102A \u03bd" }', "options: { masksIn: data/given.json, masksOut: out/masks.json } }"),
          { "data/b6.npz": "frb121102_B6_wfall.npz" },
          "wfall-provenance-masks-",
        );
        writeFileSync(join(dir, "data", "given.json"), JSON.stringify({ masked: [{ lowMhz: 1300, highMhz: 1302, origin: "manual" }] }));
        const report = await buildManifest(join(dir, "figures.yaml"), { jobs: 0, progress: quiet() });
        expect(report.figures.map((f) => [f.status, f.error?.message])).toEqual([["built", undefined]]);
        const made = recorded(join(dir, "b6.png"));
        expect(made.definition.entry.panels[0].options).toMatchObject({ masksIn: "data/given.json", masksOut: "out/masks.json" });
        expect(made.inputs.map((i: { path: string }) => i.path)).toEqual(["data/b6.npz", "data/given.json"]);
        expect(JSON.stringify(made)).not.toContain(dir);
        return made.definition.sha256;
      }),
    );
    expect(definitions[0]).toBe(definitions[1]);
  });

  it("shards record what their figures were made from: after plot merge the build skips them and explains why", async () => {
    const dir = eachProject();
    const manifest = join(dir, "figures.yaml");
    for (const shard of ["0/2", "1/2"]) expect(await main(["build", "--shard", shard, manifest], { out: quiet(), err: quiet() })).toBe(0);
    const lines = ["shard-0-of-2.jsonl", "shard-1-of-2.jsonl"]
      .flatMap((f) =>
        readFileSync(join(dir, ".figures.yaml.wfall-shards", f), "utf8")
          .split("\n")
          .filter(Boolean),
      )
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.figure, l.made.inputs[0].path]).sort()).toEqual([
      ["burst-a", "${DATA}/a.npz"],
      ["burst-b", "${DATA}/b.npz"],
    ]);
    expect(await main(["merge", manifest], { out: quiet(), err: quiet() })).toBe(0);
    const report = await buildManifest(manifest, { progress: quiet() });
    expect(report.figures.map((f) => f.status)).toEqual(["cached", "cached"]);
    const out = new PassThrough();
    let text = "";
    out.on("data", (c) => (text += c));
    expect(await main(["build", "--explain", "burst-a", manifest], { out, err: quiet() })).toBe(0);
    expect(text).toContain("last build (.figures.yaml.wfall-cache.json): the same key\n");
    expect(text).toContain("plot build would skip it: nothing it depends on has changed\n");
    expect(await main(["build", "--check", manifest], { out: quiet(), err: quiet() })).toBe(0);
  });
});
