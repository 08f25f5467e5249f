/** `plot build FIGURES.yaml`: every figure of a manifest, skipping unchanged ones; `--check` for CI. */
import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

import { writeFileAtomic } from "@wfall/spectra/internal";

import { buildManifest, type BuildReport } from "../../build/build.js";
import { describeMismatches } from "../../build/check.js";
import { explainFigure } from "../../build/explain.js";
import { repositoryState } from "../../build/git.js";
import { junitXml } from "../../build/junit.js";
import { loadManifest } from "../../build/manifest.js";
import { stepSummary } from "../../build/summary.js";
import { writeTexMacros } from "../../build/tex.js";
import { resolveShard } from "../../build/shard.js";
import { manifestArgument, type Command } from "../command.js";
import { lastValue, numberValue, UsageError, type Flag } from "../flags.js";

/** Exit code of `plot build --check` when a committed figure is out of date. */
export const CHECK_FAILED = 1;

const FLAGS: Flag[] = [
  { name: "check", takes: "nothing", help: "render in memory and fail, naming each figure, when a committed output differs" },
  { name: "only", takes: "one", arg: "NAME,...", help: "build only these figures (comma-separated; repeatable)", defaultText: "all", repeatable: true },
  { name: "force", takes: "nothing", help: "render every figure, even those unchanged since the last build" },
  { name: "jobs", takes: "one", arg: "N", help: "worker threads (0: render in this thread)", defaultText: "the number of cores" },
  { name: "allow-outside", takes: "nothing", help: "let figures write outside the manifest's folder (absolute paths, ..) and 'each' reach files there" },
  {
    name: "shard",
    takes: "one",
    arg: "I/N|auto",
    help: "build only shard I of N (0-based; a figure's shard is a hash of its name); auto: from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX",
  },
  { name: "shards", takes: "one", arg: "N", help: "the shard count for --shard auto (needed for a Kubernetes Indexed Job)" },
  { name: "retry-failed", takes: "nothing", help: "build only the figures `plot status` lists as failed or missing" },
  { name: "report", takes: "one", arg: "DIR", help: "with --check: write expected, actual and difference images (PNG) of each differing output into DIR" },
  { name: "junit", takes: "one", arg: "FILE", help: "write the outcome as JUnit XML (one test case per figure) for CI" },
  {
    name: "explain",
    takes: "one",
    arg: "NAME",
    help: "print what figure NAME's cache key is made of and whether (and why) it would be rendered again; renders nothing",
  },
  { name: "emit-tex", takes: "one", arg: "FILE", help: "write LaTeX macros linking each figure to its manifest entry at the repository's commit" },
];

/** Where GitHub Actions wants a job summary (set only there). */
async function writeStepSummary(report: BuildReport, manifest: string, check: boolean): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) await appendFile(file, stepSummary(report, manifest, check));
}

export const buildCommand: Command = {
  name: "build",
  usage:
    "plot build FIGURES.yaml [--check [--report DIR]] [--junit FILE] [--only NAME,...] [--force] [--jobs N] [--emit-tex FILE] [--shard I/N|auto [--shards N]] [--retry-failed]\n       plot build FIGURES.yaml --explain NAME\n\nRenders every figure of a manifest (YAML or JSON; schema: @wfall/plot/schema/figures.schema.json), skipping unchanged ones, and records in each file what it was made from. Keep the cache beside the manifest (.FIGURES.yaml.wfall-cache.json) out of git. With --shard, only one shard's figures: run shards 0..N-1 anywhere (Slurm, Kubernetes: see plot emit), then plot merge.",
  flags: FLAGS,
  async run(parsed, io) {
    const manifest = manifestArgument(parsed, "build");
    const jobsText = lastValue(parsed, "jobs");
    const jobs = jobsText === undefined ? undefined : numberValue("jobs", jobsText);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 0))
      throw new UsageError(`--jobs expects a whole number of threads (0 or more), got '${jobsText}'`);
    const allowOutside = parsed.values.has("allow-outside");
    const explain = lastValue(parsed, "explain");
    if (explain !== undefined) {
      io.out.write(await explainFigure(manifest, explain, { allowOutside }));
      return 0;
    }
    const check = parsed.values.has("check");
    const reportDir = lastValue(parsed, "report");
    if (reportDir !== undefined && !check) throw new UsageError("--report compares committed figures: use it with --check");
    const shardText = lastValue(parsed, "shard");
    if (shardText === undefined && parsed.values.has("shards")) throw new UsageError("--shards goes with --shard auto");
    const shard = shardText === undefined ? undefined : resolveShard(shardText, lastValue(parsed, "shards"), process.env);
    if (shard) io.err.write(`plot: building shard ${shard.index}/${shard.count} (${shard.from})\n`);
    const report = await buildManifest(manifest, {
      check,
      only: parsed.values.get("only")?.flatMap((v) => v.split(",").filter(Boolean)),
      force: parsed.values.has("force"),
      jobs,
      allowOutside,
      reportDir,
      progress: io.err,
      shard,
      retryFailed: parsed.values.has("retry-failed"),
    });
    const count = (status: string) => report.figures.filter((f) => f.status === status).length;
    for (const f of report.figures) {
      if (f.status === "failed") io.err.write(`plot: ${f.where}: figure '${f.name}' failed: ${f.error!.message}\n`);
      if (f.status === "differs") io.err.write(`plot: ${f.where}: figure '${f.name}' is out of date: ${describeMismatches(f.mismatches ?? [])}\n`);
      for (const note of f.notes ?? []) io.err.write(`plot: ${f.where}: figure '${f.name}' is up to date, but ${note}\n`);
      for (const warning of f.warnings ?? []) io.err.write(`plot: ${f.where}: figure '${f.name}': ${warning}\n`);
    }
    if (count("differs") > 0) {
      const images = reportDir ? `; images of each difference are in ${reportDir}` : "; --report DIR writes images of each difference";
      io.err.write(`plot: update them with \`plot build ${manifest}\` and commit the figures${images}\n`);
    }
    io.out.write(
      check
        ? `checked ${report.figures.length} figure(s): ${count("up to date")} up to date, ${count("differs")} out of date, ${count("failed")} failed\n`
        : `built ${count("built")} figure(s), ${count("cached")} unchanged, ${count("failed")} failed\n`,
    );
    const junit = lastValue(parsed, "junit");
    if (junit !== undefined) {
      await mkdir(dirname(junit), { recursive: true });
      await writeFileAtomic(junit, Buffer.from(junitXml(report, manifest)));
    }
    await writeStepSummary(report, manifest, check);
    const tex = lastValue(parsed, "emit-tex");
    if (tex !== undefined) {
      await mkdir(dirname(tex), { recursive: true });
      const loaded = await loadManifest(manifest, { allowOutside });
      await writeTexMacros(tex, loaded, await repositoryState(dirname(loaded.file)));
    }
    if (count("failed") > 0) return report.figures.find((f) => f.status === "failed")!.error!.isIoError ? 1 : 2;
    return report.ok ? 0 : CHECK_FAILED;
  },
};
