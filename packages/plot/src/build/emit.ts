/**
 * `plot emit`: ready-to-submit job descriptions for a sharded build. A Slurm
 * job array (one task per shard, `--shard auto`) with a merge job that runs
 * after every task has ended, or a Kubernetes Indexed Job (one completion
 * index per shard). Shards are sized so a task lasts minutes: scheduling a
 * task costs seconds, so a task of a few seconds wastes most of its slot.
 */
import type { Job } from "kubernetes-types/batch/v1.js";
import { stringify } from "yaml";

import { VERSION } from "../version.js";

/** What a job description needs. */
export interface EmitPlan {
  /** Absolute path of the manifest. */
  manifest: string;
  /** The manifest's folder (the jobs' working directory). */
  dir: string;
  figures: number;
  shards: number;
  /** Tasks running at once. */
  parallel: number;
  /** CPUs (build threads) per task. */
  cpus: number;
  /** Estimated seconds per figure on one CPU. */
  secondsPerFigure: number;
  /** How the estimate was made, for the script's comment. */
  estimatedFrom: string;
}

/** Default length of one task, minutes. */
export const TASK_MINUTES = 10;
/** Slurm's default MaxArraySize is 1001: at most 1000 tasks unless the site raised it. */
export const MAX_SHARDS = 1000;

/**
 * The shard count for tasks of about `taskMinutes`: a task with `cpus` CPUs
 * builds `taskMinutes * 60 * cpus / secondsPerFigure` figures; at least one
 * figure per shard, at most {@link MAX_SHARDS} shards.
 */
export function chooseShards(figures: number, secondsPerFigure: number, cpus: number, taskMinutes = TASK_MINUTES): number {
  const perTask = Math.max(1, Math.floor((taskMinutes * 60 * cpus) / Math.max(secondsPerFigure, 1e-3)));
  return Math.max(1, Math.min(figures, MAX_SHARDS, Math.ceil(figures / perTask)));
}

/** Expected seconds of one task of the plan. */
export function taskSeconds(plan: EmitPlan): number {
  return (Math.ceil(plan.figures / plan.shards) * plan.secondsPerFigure) / plan.cpus;
}

/** A shell word in single quotes. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function slurmTime(seconds: number): string {
  const minutes = Math.max(15, Math.ceil((seconds * 3) / 60)); // three times the estimate, at least 15 min
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}:00`;
}

/** The command that runs `plot` here (the compute nodes are assumed to see the same paths). */
export function plotCommandHere(): string {
  return [process.execPath, process.argv[1] ?? "plot"].map(shellQuote).join(" ");
}

/**
 * A bash script that submits the array and its merge job with `sbatch`.
 * The merge waits for every task to end (`afterany`, not `afterok`): one
 * failed candidate must not leave the merge pending forever, and the merge
 * is what reports failures.
 */
export function slurmScript(plan: EmitPlan, plot = plotCommandHere()): string {
  const q = shellQuote;
  const logs = `${plan.dir}/.slurm-logs`;
  const estimate = taskSeconds(plan);
  return `#!/bin/bash
# Builds ${plan.manifest}
# as a Slurm job array of ${plan.shards} shard(s) (about ${Math.ceil(plan.figures / plan.shards)} of its ${plan.figures} figures each,
# ${plan.cpus} CPU(s) per task, at most ${plan.parallel} task(s) at once), then merges the shards' reports.
# Estimated ${plan.secondsPerFigure.toFixed(3)} s per figure (${plan.estimatedFrom}): about ${Math.round(estimate)} s per task.
# Made by plot emit slurm (wfall ${VERSION}). Submit with: bash THIS_FILE
# Resubmit failed shards alone with e.g. --array=3,7: each task is told the shard count by --shards.
set -euo pipefail
PLOT=\${PLOT:-${q(plot)}}
MANIFEST=${q(plan.manifest)}
mkdir -p ${q(logs)}
array=$(sbatch --parsable --job-name=wfall-build --array=0-${plan.shards - 1}%${plan.parallel} --cpus-per-task=${plan.cpus} --time=${slurmTime(estimate)} \\
  --chdir=${q(plan.dir)} --output=${q(`${logs}/shard-%a.out`)} <<EOF
#!/bin/bash
exec $PLOT build "$MANIFEST" --shard auto --shards ${plan.shards} --jobs "\\\${SLURM_CPUS_PER_TASK:-1}"
EOF
)
array=\${array%%;*}
merge=$(sbatch --parsable --job-name=wfall-merge --dependency=afterany:$array --cpus-per-task=1 --time=00:30:00 \\
  --chdir=${q(plan.dir)} --output=${q(`${logs}/merge.out`)} --wrap="exec $PLOT merge '$MANIFEST'")
merge=\${merge%%;*}
echo "submitted array job $array (${plan.shards} shards) and merge job $merge; logs in ${logs}"
`;
}

/** Options of the Kubernetes Job beyond the plan. */
export interface KubernetesOptions {
  image: string;
  /** PersistentVolumeClaim holding the manifest's folder (inputs and outputs). */
  claim: string;
  /** Where the claim is mounted in the container. */
  mountPath: string;
  name: string;
}

/**
 * A Kubernetes Indexed Job (batch/v1): completion index = shard. A shard
 * that exits 2 (figures failed: their input or definition is bad, retrying
 * will not help) fails its index at once; other failures (killed, out of
 * memory, I/O) retry that index up to twice; other indexes go on either way.
 */
export function kubernetesJob(plan: EmitPlan, options: KubernetesOptions): string {
  const manifest = `${options.mountPath.replace(/\/$/, "")}/${plan.manifest.split("/").pop()}`;
  // typed as the API's Job: the compiler refuses an unknown field or a wrong type
  const job: Job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: options.name, labels: { "app.kubernetes.io/name": "wfall", "app.kubernetes.io/component": "build" } },
    spec: {
      completionMode: "Indexed",
      completions: plan.shards,
      parallelism: plan.parallel,
      backoffLimitPerIndex: 2,
      podFailurePolicy: { rules: [{ action: "FailIndex", onExitCodes: { containerName: "plot", operator: "In", values: [2] } }] },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": "wfall" } },
        spec: {
          restartPolicy: "Never",
          containers: [
            {
              name: "plot",
              image: options.image,
              workingDir: options.mountPath,
              command: ["plot", "build", manifest, "--shard", "auto", "--shards", String(plan.shards), "--jobs", String(plan.cpus)],
              resources: { requests: { cpu: String(plan.cpus), memory: `${plan.cpus}Gi` }, limits: { memory: `${2 * plan.cpus}Gi` } },
              volumeMounts: [{ name: "data", mountPath: options.mountPath }],
            },
          ],
          volumes: [{ name: "data", persistentVolumeClaim: { claimName: options.claim } }],
        },
      },
    },
  };
  const estimate = taskSeconds(plan);
  return `# Builds ${plan.manifest.split("/").pop()} (${plan.figures} figures) as a Kubernetes Indexed Job of ${plan.shards} shard(s),
# ${plan.cpus} CPU(s) each, ${plan.parallel} at once; estimated ${plan.secondsPerFigure.toFixed(3)} s per figure (${plan.estimatedFrom}): about ${Math.round(estimate)} s per pod.
# Made by plot emit k8s (wfall ${VERSION}). The image must have plot on its PATH; the claim ${options.claim}
# holds the manifest's folder, mounted at ${options.mountPath}. Then, when the Job has finished:
#   kubectl wait --for=condition=complete --timeout=-1s job/${options.name}   (or condition=failed)
#   plot merge ${manifest}   (in a pod with the same volume, or wherever the folder is mounted)
${stringify(job, { lineWidth: 0 })}`;
}
