/** `plot build FIGURES.yaml`: every figure of a manifest, skipping unchanged ones; `--check` for CI. */
import { buildManifest } from "../../build/build.js";
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
];

export const buildCommand: Command = {
  name: "build",
  usage:
    "plot build FIGURES.yaml [--check] [--only NAME,...] [--force] [--jobs N] [--shard I/N|auto [--shards N]] [--retry-failed]\n\nRenders every figure of a manifest (YAML or JSON; schema: @wfall/plot/schema/figures.schema.json), skipping unchanged ones. With --shard, only one shard's figures: run shards 0..N-1 anywhere (Slurm, Kubernetes: see plot emit), then plot merge.",
  flags: FLAGS,
  async run(parsed, io) {
    const file = manifestArgument(parsed, "build");
    const jobsText = lastValue(parsed, "jobs");
    const jobs = jobsText === undefined ? undefined : numberValue("jobs", jobsText);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 0))
      throw new UsageError(`--jobs expects a whole number of threads (0 or more), got '${jobsText}'`);
    const check = parsed.values.has("check");
    const shardText = lastValue(parsed, "shard");
    if (shardText === undefined && parsed.values.has("shards")) throw new UsageError("--shards goes with --shard auto");
    const shard = shardText === undefined ? undefined : resolveShard(shardText, lastValue(parsed, "shards"), process.env);
    if (shard) io.err.write(`plot: building shard ${shard.index}/${shard.count} (${shard.from})\n`);
    const report = await buildManifest(file, {
      check,
      only: parsed.values.get("only")?.flatMap((v) => v.split(",").filter(Boolean)),
      force: parsed.values.has("force"),
      jobs,
      allowOutside: parsed.values.has("allow-outside"),
      progress: io.err,
      shard,
      retryFailed: parsed.values.has("retry-failed"),
    });
    const count = (status: string) => report.figures.filter((f) => f.status === status).length;
    for (const f of report.figures) {
      if (f.status === "failed") io.err.write(`plot: ${f.where}: figure '${f.name}' failed: ${f.error!.message}\n`);
      if (f.status === "differs")
        io.err.write(
          `plot: ${f.where}: figure '${f.name}' is out of date: ${f.differing!.join(", ")} missing or different from what the manifest and inputs give\n`,
        );
    }
    io.out.write(
      check
        ? `checked ${report.figures.length} figure(s): ${count("up to date")} up to date, ${count("differs")} out of date, ${count("failed")} failed\n`
        : `built ${count("built")} figure(s), ${count("cached")} unchanged, ${count("failed")} failed\n`,
    );
    if (count("failed") > 0) return report.figures.find((f) => f.status === "failed")!.error!.isIoError ? 1 : 2;
    return report.ok ? 0 : CHECK_FAILED;
  },
};
