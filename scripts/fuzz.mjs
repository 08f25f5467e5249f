#!/usr/bin/env node
// Bounded fuzzing runs (not part of the test suite): the native entry points
// with cargo-fuzz (libFuzzer, nightly Rust) and the waterfall readers with a
// JS mutation fuzzer. Inputs that crash are copied to the regression folders
// that the tests replay; the counts go to fuzz/README.md.
//
//   node scripts/fuzz.mjs [SECONDS_PER_TARGET]   (default 60)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { repoRoot, run, step } from "./tasks.mjs";

const seconds = Number(process.argv[2] ?? 60);
const native = join(repoRoot, "native");
const rows = [];

step("cargo-fuzz", () => {
  if (spawnSync("cargo", ["fuzz", "--version"]).status !== 0) run("cargo", ["install", "cargo-fuzz", "--locked"]);
});

for (const target of ["kernels", "filterbank", "psrfits", "svg"]) {
  step(`fuzz ${target} for ${seconds} s`, () => {
    const corpus = join(native, "fuzz", "corpus", target);
    mkdirSync(corpus, { recursive: true });
    const artifacts = join(native, "fuzz", "artifacts", target);
    rmSync(artifacts, { recursive: true, force: true }); // count this run's crashes only
    const result = spawnSync(
      "cargo",
      [
        "+nightly",
        "fuzz",
        "run",
        "--release",
        target,
        corpus,
        join(native, "fuzz", "regressions", target),
        "--",
        `-max_total_time=${seconds}`,
        "-rss_limit_mb=4096",
        "-timeout=20",
      ],
      { cwd: native, encoding: "utf8", maxBuffer: 1 << 28 },
    );
    const log = `${result.stdout}\n${result.stderr}`;
    const done = [...log.matchAll(/#(\d+)\s+(?:DONE|pulse|NEW|REDUCE)/g)].pop();
    const crashes = existsSync(artifacts) ? readdirSync(artifacts) : [];
    for (const crash of crashes) copyFileSync(join(artifacts, crash), join(native, "fuzz", "regressions", target, crash));
    rows.push({ target: `native ${target} (cargo fuzz, libFuzzer)`, runs: done ? Number(done[1]) : 0, findings: crashes.length, exit: result.status });
    if (result.status !== 0 && crashes.length === 0) console.error(log.slice(-3000));
  });
}

step(`fuzz the npz/filterbank readers for ${seconds} s`, () => {
  const current = join(mkdtempSync(join(tmpdir(), "wfall-fuzz-")), "input");
  const result = spawnSync(process.execPath, [join(repoRoot, "fuzz", "npz.mjs"), String(seconds), current], {
    encoding: "utf8",
    timeout: (seconds + 60) * 1000,
  });
  if (result.stderr) console.error(result.stderr.slice(-3000));
  const summary = result.status === 0 ? JSON.parse(result.stdout.trim().split("\n").pop()) : undefined;
  if (!summary && existsSync(current)) {
    // a hang or a crash of the whole process: the input being tried is the finding
    const name = `${result.error ? "hang" : "crash"}-${Date.now()}`;
    copyFileSync(current, join(repoRoot, "fuzz", "regressions", "npz", name));
    console.error(`finding ${name}: the fuzzer ${result.error ? "hung" : `exited with ${result.status ?? result.signal}`}`);
  }
  rows.push({
    target: "JS readers (mutated npz and filterbank files)",
    runs: summary?.runs ?? 0,
    findings: summary ? summary.findings : 1,
    exit: result.status,
  });
});

const table = ["| target | executions | findings |", "|---|---|---|", ...rows.map((r) => `| ${r.target} | ${r.runs} | ${r.findings} |`)].join("\n");
const section = `Last run ${new Date().toISOString().slice(0, 10)}: \`node scripts/fuzz.mjs ${seconds}\` (${seconds} s per target).\n\n${table}`;
const readme = join(repoRoot, "fuzz", "README.md");
const text = readFileSync(readme, "utf8");
const [before, rest] = text.split("<!-- fuzz:start -->");
writeFileSync(readme, `${before}<!-- fuzz:start -->\n${section}\n<!-- fuzz:end -->${rest.split("<!-- fuzz:end -->")[1]}`);
console.log(section);
