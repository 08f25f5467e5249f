/**
 * `plot status FIGURES.yaml` and `plot merge FIGURES.yaml`: where a sharded
 * build stands (done / failed / missing, from the shard reports), exiting 1
 * when anything is failed or missing. `merge` also folds the shards' reports
 * into the manifest's build cache (a later `plot build` skips what the
 * shards made) and writes the manifest's `gallery:` when it has one.
 */
import { relative } from "node:path";

import { mergeShardReports } from "../../build/merge.js";
import { loadManifest, type Manifest } from "../../build/manifest.js";
import { shardReportFiles } from "../../build/report-lines.js";
import { surveyStatus, type SurveyStatus } from "../../build/status.js";
import { manifestArgument, type Command, type Io } from "../command.js";
import { lastValue, numberValue, UsageError, type Flag, type Parsed } from "../flags.js";

/** Exit code when a figure is failed or missing. */
export const INCOMPLETE = 1;

const FLAGS: Flag[] = [
  { name: "list", takes: "one", arg: "N", help: "list at most N failed and missing figures (0: none)", defaultText: "20" },
  { name: "allow-outside", takes: "nothing", help: "the manifest may write outside its folder (as for plot build)" },
];

/** The manifest and the --list limit of `status` and `merge`. */
async function surveyArguments(parsed: Parsed, command: string): Promise<{ file: string; limit: number; manifest: Manifest }> {
  const file = manifestArgument(parsed, command);
  const text = lastValue(parsed, "list");
  const limit = text === undefined ? 20 : numberValue("list", text);
  if (!(Number.isInteger(limit) && limit >= 0)) throw new UsageError(`--list expects a whole number (0 or more), got '${text}'`);
  return { file, limit, manifest: await loadManifest(file, { allowOutside: parsed.values.has("allow-outside") }) };
}

/** Prints the counts, then up to `limit` failed and missing figures; returns the exit code. */
export function printStatus(manifestFile: string, status: SurveyStatus, reports: number, limit: number, io: Io): number {
  const { done, failed, missing } = status.counts;
  const total = status.figures.length;
  io.out.write(`${manifestFile}: ${total} figure(s): ${done} done, ${failed} failed, ${missing} missing (${reports} shard report(s))\n`);
  const unfinished = status.figures.filter((f) => f.state !== "done");
  for (const line of unfinished.slice(0, limit)) {
    io.out.write(`${line.state.padEnd(8)}${line.figure.name}  ${line.figure.where}: ${line.reason}\n`);
  }
  if (unfinished.length > limit) io.out.write(`... and ${unfinished.length - limit} more (--list N shows more)\n`);
  if (status.unknown > 0) io.out.write(`(${status.unknown} report line(s) name figures the manifest no longer has)\n`);
  if (unfinished.length > 0) io.err.write(`plot: ${failed} failed and ${missing} missing: rebuild them with plot build ${manifestFile} --retry-failed\n`);
  return unfinished.length > 0 ? INCOMPLETE : 0;
}

export const statusCommand: Command = {
  name: "status",
  usage:
    "plot status FIGURES.yaml [--list N]\n\nSays which figures of a manifest are done, failed or missing, from the reports its builds and shards wrote; exits 1 when any is failed or missing.",
  flags: FLAGS,
  async run(parsed, io) {
    const { file, limit, manifest } = await surveyArguments(parsed, "status");
    return printStatus(file, surveyStatus(manifest), shardReportFiles(file).length, limit, io);
  },
};

export const mergeCommand: Command = {
  name: "merge",
  usage:
    "plot merge FIGURES.yaml [--list N]\n\nAfter the shards of a build (plot build --shard): says which figures are done, failed or missing, folds the shards' reports into the build cache, and writes the manifest's gallery; exits 1 when any figure is failed or missing.",
  flags: FLAGS,
  async run(parsed, io) {
    const { file, limit, manifest } = await surveyArguments(parsed, "merge");
    const merged = await mergeShardReports(manifest);
    const code = printStatus(file, merged.status, shardReportFiles(file).length, limit, io);
    io.out.write(`cache: ${merged.cached} figure(s) recorded\n`);
    if (merged.gallery) io.out.write(`gallery: ${relative(process.cwd(), merged.gallery.page)} (${merged.gallery.figures} figures)\n`);
    return code;
  },
};
