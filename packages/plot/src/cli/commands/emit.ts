/** `plot emit slurm|k8s FIGURES.yaml`: a ready job description for a sharded build. */
import { resolve } from "node:path";

import { chooseShards, kubernetesJob, MAX_SHARDS, slurmScript, taskSeconds, TASK_MINUTES, type EmitPlan } from "../../build/emit.js";
import { loadManifest, type Manifest } from "../../build/manifest.js";
import { latestRecords } from "../../build/report-lines.js";
import { buildFigure } from "../../figure/build.js";
import { VERSION } from "../../version.js";
import type { Command } from "../command.js";
import { lastValue, numberValue, UsageError, type Flag, type Parsed } from "../flags.js";

const FLAGS: Flag[] = [
  { name: "shards", takes: "one", arg: "N", help: "number of shards (tasks)", defaultText: "tasks of about --task-minutes, see below" },
  { name: "parallel", takes: "one", arg: "P", help: "tasks running at once", defaultText: "20, at most the shards" },
  { name: "cpus", takes: "one", arg: "C", help: "CPUs per task (its build threads)", defaultText: "2" },
  { name: "task-minutes", takes: "one", arg: "M", help: "aim for tasks of about M minutes when choosing the shard count", defaultText: String(TASK_MINUTES) },
  { name: "seconds-per-figure", takes: "one", arg: "S", help: "one CPU's seconds per figure, instead of measuring", defaultText: "measured" },
  { name: "image", takes: "one", arg: "IMAGE", help: "k8s: container image with plot on its PATH", defaultText: `wfall:${VERSION}` },
  { name: "claim", takes: "one", arg: "NAME", help: "k8s: PersistentVolumeClaim holding the manifest's folder", defaultText: "wfall-data" },
  { name: "mount", takes: "one", arg: "PATH", help: "k8s: where the claim is mounted", defaultText: "/data" },
  { name: "name", takes: "one", arg: "NAME", help: "k8s: the Job's name", defaultText: "wfall-build" },
  { name: "allow-outside", takes: "nothing", help: "the manifest may write outside its folder (as for plot build)" },
];

function count(parsed: Parsed, flag: string, fallback: number, min = 1): number {
  const text = lastValue(parsed, flag);
  if (text === undefined) return fallback;
  const n = numberValue(flag, text);
  if (!(Number.isInteger(n) && n >= min)) throw new UsageError(`--${flag} expects a whole number of at least ${min}, got '${text}'`);
  return n;
}

/**
 * One CPU's seconds per figure: the median of what earlier builds recorded,
 * else the time of a warm in-memory render of one figure (a first render
 * loads Vega and the fonts, so it is done twice).
 */
async function secondsPerFigure(manifest: Manifest): Promise<{ seconds: number; from: string }> {
  const times = [...latestRecords(manifest.file).values()]
    .filter((r) => r.status === "built" && r.seconds > 0)
    .map((r) => r.seconds)
    .sort((a, b) => a - b);
  if (times.length > 0) return { seconds: times[Math.floor(times.length / 2)], from: `median of ${times.length} figure(s) in earlier builds' reports` };
  const figure = manifest.figures[0];
  try {
    await buildFigure(figure);
    const start = performance.now();
    await buildFigure(figure);
    return { seconds: (performance.now() - start) / 1000, from: `one warm render of '${figure.name}' here` };
  } catch (error) {
    return { seconds: 1, from: `a guess: rendering '${figure.name}' failed (${(error as Error).message})` };
  }
}

export const emitCommand: Command = {
  name: "emit",
  usage: `plot emit slurm|k8s FIGURES.yaml [--shards N] [--parallel P] [--cpus C]

Prints a sharded build of a manifest for a scheduler: a bash script that submits
a Slurm job array (one task per shard, running plot build --shard auto) and a
merge job that runs plot merge once every task has ended; or a Kubernetes
Indexed Job (one completion index per shard). Paths are this machine's: the
compute nodes must see the manifest's folder at the same path (Slurm) or on a
volume (k8s).

Shard sizes: scheduling a task costs seconds, so a task should last minutes.
Without --shards, the count is chosen so a task of C CPUs lasts about
--task-minutes: N = ceil(figures / (minutes * 60 * C / seconds-per-figure)),
between 1 and ${MAX_SHARDS} (Slurm's default MaxArraySize); seconds per figure is
the median recorded by earlier builds, else one warm render measured here.
A figure's shard is a hash of its name: adding candidates moves no other.`,
  flags: FLAGS,
  async run(parsed, io) {
    const [engine, file, ...rest] = parsed.positionals;
    if (engine !== "slurm" && engine !== "k8s") throw new UsageError(`emit: expected slurm or k8s, got '${engine ?? ""}' (see --help)`);
    if (file === undefined || rest.length > 0) throw new UsageError("emit: expected one manifest file (see --help)");
    const manifest = await loadManifest(file, { allowOutside: parsed.values.has("allow-outside") });
    const cpus = count(parsed, "cpus", 2);
    const minutesText = lastValue(parsed, "task-minutes");
    const minutes = minutesText === undefined ? TASK_MINUTES : numberValue("task-minutes", minutesText);
    if (!(minutes > 0)) throw new UsageError(`--task-minutes must be above 0, got '${minutesText}'`);
    const givenText = lastValue(parsed, "seconds-per-figure");
    const given = givenText === undefined ? undefined : numberValue("seconds-per-figure", givenText);
    if (given !== undefined && !(given > 0)) throw new UsageError(`--seconds-per-figure must be above 0, got '${givenText}'`);
    const estimate = given !== undefined ? { seconds: given, from: "--seconds-per-figure" } : await secondsPerFigure(manifest);
    const figures = manifest.figures.length;
    const shards = count(parsed, "shards", chooseShards(figures, estimate.seconds, cpus, minutes));
    const plan: EmitPlan = {
      manifest: resolve(file),
      dir: manifest.dir,
      figures,
      shards,
      parallel: Math.min(count(parsed, "parallel", 20), shards),
      cpus,
      secondsPerFigure: estimate.seconds,
      estimatedFrom: estimate.from,
    };
    const seconds = taskSeconds(plan);
    io.err.write(`plot: ${figures} figure(s) in ${shards} shard(s), about ${Math.round(seconds)} s per task (${estimate.from})\n`);
    if (seconds < 60 && shards > 1) io.err.write(`plot: tasks of under a minute spend much of their time being scheduled: consider fewer shards\n`);
    io.out.write(
      engine === "slurm"
        ? slurmScript(plan)
        : kubernetesJob(plan, {
            image: lastValue(parsed, "image") ?? `wfall:${VERSION}`,
            claim: lastValue(parsed, "claim") ?? "wfall-data",
            mountPath: lastValue(parsed, "mount") ?? "/data",
            name: lastValue(parsed, "name") ?? "wfall-build",
          }),
    );
    return 0;
  },
};
