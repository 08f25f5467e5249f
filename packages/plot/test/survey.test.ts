/**
 * Survey scale: `each:` expands a figure over files (and refuses what would
 * escape the manifest's folder), figures fall into stable shards (checked
 * against Python's hashlib), sharded builds give the same bytes as one
 * process, write JSON-lines reports that `status` and `merge` read, re-run
 * idempotently, and `--retry-failed` rebuilds only what failed. JPEG and
 * WebP thumbnails come from the PNG raster. Inputs are hashed a few at a time.
 */
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";

import { buildManifest, latestRecords, loadManifest, main, resolveShard, shardOf, surveyStatus } from "@wfall/plot";

import { python } from "../../../test-utils/helpers.js";
import { hashFiles } from "../src/build/cache.js";
import { candidateFolder, filesUnder, surveyProject } from "../../../test-utils/survey.js";
import { execFileSync } from "node:child_process";

const quiet = () => new PassThrough();
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (c) => (text += c));
  return { stream, text: () => text };
}

function folder(files: Record<string, string>, manifest: string): string {
  const dir = mkdtempSync(join(tmpdir(), "wfall-each-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  writeFileSync(join(dir, "figures.yaml"), manifest);
  return dir;
}

const EACH = (each: string, extra = "") => `version: 1
figures:
  - { name: "c-{stem}", each: "${each}", input: "{path}", title: "cand {stem}", output: "out/{stem}.png"${extra} }
`;

describe("each: one figure per file", () => {
  it("expands a glob in sorted order, substituting {stem} and {path} in name, output, title and input", async () => {
    const dir = folder({ "cands/b.h5": "", "cands/a.h5": "", "cands/c.fil": "", "cands/.hidden.h5": "", "cands/sub/d.h5": "" }, EACH("cands/*.h5"));
    const m = await loadManifest(join(dir, "figures.yaml"));
    expect(m.figures.map((f) => f.name)).toEqual(["c-a", "c-b"]);
    expect(m.figures[0].outputs).toEqual([join(dir, "out/a.png")]);
    expect(m.figures[0].inputs).toEqual([join(dir, "cands/a.h5")]);
    expect(m.figures[0].panels[0].title).toBe("cand a");
    expect(m.figures[1].where).toBe(`${join(dir, "figures.yaml")}:3 (cands/b.h5)`);
    const deep = await loadManifest(join(folder({ "x/a.h5": "", "x/y/z/b.h5": "", "x/.git/c.h5": "" }, EACH("x/**/*.h5")), "figures.yaml"));
    expect(deep.figures.map((f) => f.name)).toEqual(["c-a", "c-b"]);
  });

  it("reads a list of paths (relative to the list, comments and blank lines skipped)", async () => {
    const dir = folder(
      { "lists/cands.txt": "# survey\n../data/one.h5\n\n  ../data/two.h5  \n", "data/one.h5": "", "data/two.h5": "" },
      EACH("lists/cands.txt"),
    );
    const m = await loadManifest(join(dir, "figures.yaml"));
    expect(m.figures.map((f) => [f.name, f.inputs[0]])).toEqual([
      ["c-one", join(dir, "data/one.h5")],
      ["c-two", join(dir, "data/two.h5")],
    ]);
  });

  it("puts file names in after expanding variables: a file named ${HOME}.h5 stays a name", async () => {
    const dir = folder({ "cands/${HOME}.h5": "" }, EACH("cands/*.h5").replace('"c-{stem}"', '"c-{path}"').replace("out/{stem}.png", "out/x.png"));
    await expect(loadManifest(join(dir, "figures.yaml"))).rejects.toThrow(/would be named 'c-cands\/\$\{HOME\}\.h5': names may hold only/);
    const named = folder({ "cands/${HOME}.h5": "" }, EACH("cands/*.h5").replace('"c-{stem}"', "c"));
    const m = await loadManifest(join(named, "figures.yaml"));
    expect(m.figures[0].inputs[0]).toBe(join(named, "cands/${HOME}.h5"));
    expect(m.figures[0].outputs[0]).toBe(join(named, "out/${HOME}.png"));
  });

  const outside = mkdtempSync(join(tmpdir(), "wfall-outside-"));
  writeFileSync(join(outside, "secret.h5"), "");
  const cases: [string, () => string, RegExp][] = [
    [
      "an unknown placeholder",
      () => folder({ "a.h5": "" }, EACH("*.h5").replace("{stem}.png", "{stm}.png")),
      /uses \{stm\} \(did you mean \{stem\}\?\): only \{stem\} and \{path\} are replaced/,
    ],
    [
      "a placeholder without each",
      () => folder({ "a.h5": "" }, EACH("*.h5").replace(/each: "[^"]*", /, "")),
      /figure 'c-\{stem\}' uses \{stem\} but has no 'each:'/,
    ],
    [
      "a glob reaching outside",
      () => folder({}, EACH(`../${outside.split("/").pop()}/*.h5`)),
      /each '.*' reaches files, outside the manifest's folder: move the files inside, or pass --allow-outside/,
    ],
    [
      "a glob through a link to outside",
      () => {
        const dir = folder({}, EACH("cands/*.h5"));
        symlinkSync(outside, join(dir, "cands"));
        return dir;
      },
      /each 'cands\/\*\.h5' walks cands, a link, outside the manifest's folder/,
    ],
    [
      "a file linked from outside",
      () => {
        const dir = folder({ "cands/a.h5": "" }, EACH("cands/*.h5"));
        symlinkSync(join(outside, "secret.h5"), join(dir, "cands/b.h5"));
        return dir;
      },
      /matches cands\/b\.h5, a link, outside the manifest's folder/,
    ],
    ["a list naming files outside", () => folder({ "l.txt": `${outside}/secret.h5\n` }, EACH("l.txt")), /lists .*secret\.h5, outside the manifest's folder/],
    [
      "a stem that climbs out of the output folder",
      () => folder({ "...h5": "" }, EACH(".*.h5").replace("out/{stem}.png", "{stem}/x.png").replace('"c-{stem}"', "c")),
      /figure 'c' \(.*\) writes \.\.\/x\.png, outside the manifest's folder/,
    ],
    ["a glob matching nothing", () => folder({}, EACH("cands/*.h5")), /figure 'c-\{stem\}': each 'cands\/\*\.h5' names no file/],
    ["a file name that is not a figure name", () => folder({ "a b.h5": "" }, EACH("*.h5")), /for a b\.h5 would be named 'c-a b'/],
    ["two files with one stem", () => folder({ "a.h5": "", "a.fil": "" }, EACH("a.*")), /duplicate figure name 'c-a'/],
    ["panels and an inline input", () => folder({ "a.h5": "" }, EACH("*.h5", ", panels: [{ input: a.h5 }]")), /has both 'panels' and 'input', 'title'/],
    ["a binary file as a list", () => folder({ "a.h5": "\u0000HDF" }, EACH("a.h5")), /each 'a\.h5' is not a text file listing paths/],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what}`, async () => {
      await expect(loadManifest(join(make(), "figures.yaml"))).rejects.toThrow(message);
    });
  }

  it("reaches outside with allowOutside", async () => {
    const dir = folder({}, EACH(`${outside}/*.h5`));
    const m = await loadManifest(join(dir, "figures.yaml"), { allowOutside: true });
    expect(m.figures.map((f) => [f.name, f.inputs[0]])).toEqual([["c-secret", join(outside, "secret.h5")]]);
  });
});

describe("shards", () => {
  it("a figure's shard is sha256(name) mod N, as Python's hashlib computes it", () => {
    const names = Array.from({ length: 40 }, (_, i) => `cand-${i}-${"x".repeat(i % 7)}`);
    const script = `import hashlib,json,sys\nnames=json.loads(sys.argv[1])\nprint(json.dumps([[int.from_bytes(hashlib.sha256(n.encode()).digest()[:6],'big') % k for k in (1,3,7,200)] for n in names]))`;
    const expected = JSON.parse(execFileSync(python(), ["-c", script, JSON.stringify(names)], { encoding: "utf8" }));
    expect(names.map((n) => [1, 3, 7, 200].map((k) => shardOf(n, k)))).toEqual(expected);
  });

  it("adding names moves no other, and every name is in exactly one shard", () => {
    const before = Array.from({ length: 500 }, (_, i) => `c-${i}`);
    const after = [...before.slice(0, 250), ...Array.from({ length: 100 }, (_, i) => `new-${i}`), ...before.slice(250)];
    const shardsBefore = new Map(before.map((n) => [n, shardOf(n, 16)]));
    for (const n of after) if (shardsBefore.has(n)) expect(shardOf(n, 16)).toBe(shardsBefore.get(n));
    const sizes = new Array(16).fill(0);
    for (const n of after) sizes[shardOf(n, 16)]++;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(600);
    expect(Math.min(...sizes)).toBeGreaterThan(15); // 37.5 expected per shard: none empty or starved
  });

  it("--shard auto reads Slurm's and Kubernetes' variables and says which", () => {
    expect(resolveShard("2/5", undefined, {})).toEqual({ index: 2, count: 5, from: "--shard 2/5" });
    expect(resolveShard("auto", undefined, { SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_COUNT: "8", SLURM_ARRAY_TASK_MIN: "0" })).toMatchObject({
      index: 3,
      count: 8,
      from: expect.stringMatching(/^Slurm array task 3 of 8/),
    });
    // a resubmission of some tasks (--array=3,7) has another task count: --shards says the real one
    expect(resolveShard("auto", "8", { SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_COUNT: "2", SLURM_ARRAY_TASK_MIN: "3" })).toMatchObject({
      index: 7,
      count: 8,
    });
    expect(resolveShard("auto", "4", { JOB_COMPLETION_INDEX: "1" })).toMatchObject({
      index: 1,
      count: 4,
      from: expect.stringMatching(/^Kubernetes completion index 1 of 4/),
    });
    expect(() => resolveShard("auto", undefined, { JOB_COMPLETION_INDEX: "1" })).toThrow(/JOB_COMPLETION_INDEX .* but no --shards N/);
    expect(() => resolveShard("auto", undefined, {})).toThrow(/found neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX/);
    expect(() => resolveShard("5/5", undefined, {})).toThrow(/shard 5 does not exist: there are 5 shards/);
    expect(() => resolveShard("1-of-3", undefined, {})).toThrow(/--shard expects I\/N/);
    expect(() => resolveShard("auto", undefined, { SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "4", SLURM_ARRAY_TASK_MIN: "1" })).toThrow(
      /must start at 0/,
    );
  });
});

describe("sharded builds", () => {
  const COUNT = 24;
  let single: string;
  let sharded: string;
  beforeAll(async () => {
    single = surveyProject(COUNT);
    sharded = surveyProject(COUNT);
    const report = await buildManifest(join(single, "figures.yaml"), { progress: quiet(), jobs: 2 });
    expect(report.ok).toBe(true);
    for (let i = 0; i < 3; i++)
      expect((await buildManifest(join(sharded, "figures.yaml"), { progress: quiet(), jobs: 1, shard: { index: i, count: 3 } })).ok).toBe(true);
  });

  it("shards together write exactly the bytes of one process, each figure once", () => {
    const one = filesUnder(single, "thumbs");
    const many = filesUnder(sharded, "thumbs");
    expect(one.size).toBe(2 * COUNT);
    expect([...many.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [path, bytes] of one) expect(many.get(path)!.equals(bytes), path).toBe(true);
    const lines = [0, 1, 2].flatMap((i) =>
      readFileSync(join(sharded, ".figures.yaml.wfall-shards", `shard-${i}-of-3.jsonl`), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    );
    expect(lines.map((l) => l.figure).sort()).toEqual([...Array(COUNT).keys()].map((i) => `cand-cand_${String(i).padStart(5, "0")}`));
    for (const l of lines) expect(shardOf(l.figure, 3)).toBe(Number(l.shard.split("/")[0]));
  });

  it("a report line says the figure, its outputs' and inputs' SHA-256, the time and no error", () => {
    const record = latestRecords(join(sharded, "figures.yaml")).get("cand-cand_00007")!;
    expect(record).toMatchObject({ figure: "cand-cand_00007", status: "built", error: null, shard: `${shardOf("cand-cand_00007", 3)}/3` });
    expect(record.outputs).toEqual({
      "thumbs/cand_00007.png": sha256(readFileSync(join(sharded, "thumbs/cand_00007.png"))),
      "thumbs/cand_00007.webp": sha256(readFileSync(join(sharded, "thumbs/cand_00007.webp"))),
    });
    expect(record.inputs).toEqual({ "cands/cand_00007.h5": sha256(readFileSync(join(sharded, "cands/cand_00007.h5"))) });
    expect(record.seconds).toBeGreaterThan(0);
    expect(Date.parse(record.at)).toBeGreaterThan(Date.now() - 3600e3);
  });

  it("re-running a shard rewrites nothing (its report is its cache)", async () => {
    const before = statSync(join(sharded, "thumbs/cand_00003.png")).mtimeMs;
    const shard = { index: shardOf("cand-cand_00003", 3), count: 3 };
    const report = await buildManifest(join(sharded, "figures.yaml"), { progress: quiet(), jobs: 1, shard });
    expect(new Set(report.figures.map((f) => f.status))).toEqual(new Set(["cached"]));
    expect(statSync(join(sharded, "thumbs/cand_00003.png")).mtimeMs).toBe(before);
    const lines = readFileSync(join(sharded, ".figures.yaml.wfall-shards", `shard-${shard.index}-of-3.jsonl`), "utf8")
      .trim()
      .split("\n");
    expect(lines.length).toBe(2 * report.figures.length); // the kept lines plus this run's: the file does not grow without bound
  });

  it("status and merge say done / failed / missing and exit 1 until all are done; --retry-failed rebuilds only those", async () => {
    const dir = surveyProject(COUNT);
    const manifest = join(dir, "figures.yaml");
    writeFileSync(join(dir, "cands/cand_00005.h5"), "not an HDF5 file");
    for (let i = 0; i < 2; i++) await buildManifest(manifest, { progress: quiet(), jobs: 1, shard: { index: i, count: 3 } });
    const out = capture();
    expect(await main(["status", manifest], { out: out.stream, err: quiet() })).toBe(1);
    const missing = (await loadManifest(manifest)).figures.filter((f) => shardOf(f.name, 3) === 2).length;
    const failedInRun = shardOf("cand-cand_00005", 3) < 2 ? 1 : 0;
    expect(out.text()).toContain(`${COUNT} figure(s): ${COUNT - missing - failedInRun} done, ${failedInRun} failed, ${missing} missing (2 shard report(s))`);
    expect(out.text()).toMatch(/missing +cand-cand_\d+ {2}.*figures\.yaml:\d+ \(cands\/cand_\d+\.h5\): never built/);

    await buildManifest(manifest, { progress: quiet(), jobs: 1, shard: { index: 2, count: 3 } });
    const merged = capture();
    expect(await main(["merge", manifest], { out: merged.stream, err: quiet() })).toBe(1);
    expect(merged.text()).toContain(`${COUNT - 1} done, 1 failed, 0 missing`);
    expect(merged.text()).toMatch(/failed +cand-cand_00005 .*\(cands\/cand_00005\.h5\): E_NOT_WATERFALL: .*cand_00005\.h5: not a waterfall file/);

    copyFileSync(join(candidateFolder(COUNT), "cand_00005.h5"), join(dir, "cands/cand_00005.h5"));
    rmSync(join(dir, "thumbs/cand_00011.webp"));
    const status = surveyStatus(await loadManifest(manifest));
    expect(status.figures.find((f) => f.figure.name === "cand-cand_00011")).toMatchObject({ state: "missing", reason: "thumbs/cand_00011.webp is gone" });
    const retried = await buildManifest(manifest, { progress: quiet(), jobs: 1, retryFailed: true });
    expect(retried.figures.map((f) => [f.name, f.status]).sort()).toEqual([
      ["cand-cand_00005", "built"],
      ["cand-cand_00011", "built"],
    ]);
    expect(await main(["merge", manifest], { out: quiet(), err: quiet() })).toBe(0);
    // the merge folded the shards into the build cache: one process now finds everything current
    const whole = await buildManifest(manifest, { progress: quiet(), jobs: 0 });
    expect(new Set(whole.figures.map((f) => f.status))).toEqual(new Set(["cached"]));
  });
});

describe("JPEG and WebP thumbnails", () => {
  it("are the PNG's pixels, re-encoded: same size, close values, the same bytes every time", async () => {
    const dir = surveyProject(
      2,
      `version: 1
figures:
  - { name: "t-{stem}", each: "cands/*.h5", input: "{path}", dpi: 80, output: ["t/{stem}.png", "t/{stem}.jpg", "t/{stem}.webp"] }
`,
    );
    await buildManifest(join(dir, "figures.yaml"), { progress: quiet(), jobs: 0 });
    const grey = (file: string) => sharp(file).flatten({ background: "#ffffff" }).grayscale().raw().toBuffer({ resolveWithObject: true });
    const meanDifference = (a: Buffer, b: Buffer) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]), 0) / a.length;
    const png = await grey(join(dir, "t/cand_00000.png"));
    const otherCandidate = await grey(join(dir, "t/cand_00001.png"));
    expect(meanDifference(png.data, otherCandidate.data)).toBeGreaterThan(10); // what "a different picture" looks like
    for (const ext of ["jpg", "webp"]) {
      const file = join(dir, `t/cand_00000.${ext}`);
      expect((await sharp(file).metadata()).format).toBe(ext === "jpg" ? "jpeg" : "webp");
      const other = await grey(file);
      expect([other.info.width, other.info.height]).toEqual([png.info.width, png.info.height]);
      expect(meanDifference(png.data, other.data), ext).toBeLessThan(4); // lossy, but the same picture (brightness; chroma is subsampled)
      expect(statSync(file).size).toBeLessThan(statSync(join(dir, "t/cand_00000.png")).size);
    }
    const first = filesUnder(dir, "t");
    await buildManifest(join(dir, "figures.yaml"), { progress: quiet(), jobs: 0, force: true });
    for (const [path, bytes] of filesUnder(dir, "t")) expect(bytes.equals(first.get(path)!), path).toBe(true);
  });
});

describe("hashing a survey's inputs", () => {
  it("gives each file's SHA-256 (null when unreadable) in order, with a few files open at a time", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-hashes-"));
    const paths = Array.from({ length: 400 }, (_, i) => join(dir, `in_${i}.bin`));
    for (const [i, p] of paths.entries()) writeFileSync(p, Buffer.alloc(100_000 + i, i));
    paths.splice(7, 0, join(dir, "missing.bin"));
    const openFiles = () => readdirSync("/proc/self/fd").length;
    const before = openFiles();
    let most = before;
    let done = false;
    const hashing = hashFiles(paths).finally(() => (done = true));
    while (!done) {
      most = Math.max(most, openFiles());
      await new Promise((resolve) => setImmediate(resolve));
    }
    const hashes = await hashing;
    expect([...hashes.keys()]).toEqual(paths);
    expect([...hashes.values()]).toEqual(paths.map((p) => (p.endsWith("missing.bin") ? null : sha256(readFileSync(p)))));
    expect(most - before).toBeLessThanOrEqual(12); // 8 at a time (and the descriptors of this count)
    rmSync(dir, { recursive: true });
  });
});
