/**
 * Deterministic shards of a manifest's figures, for any engine that can
 * start N copies of a command (Slurm job arrays, Kubernetes Indexed Jobs,
 * GNU parallel, a CI matrix). A figure belongs to shard
 * `sha256(name) mod N`: it depends on nothing but the name and N, so adding
 * or removing a figure moves no other, and every figure is in exactly one
 * shard (two shards never write one file: manifests refuse shared outputs).
 */
import { createHash } from "node:crypto";

import { WaterfallError } from "@wfall/spectra";

const usage = (message: string) => new WaterfallError("E_ARGUMENT", message);

/** Shard `index` of `count` (0-based). */
export interface Shard {
  index: number;
  count: number;
}

/** Where the shard came from, said on stderr by `--shard auto`. */
export interface ResolvedShard extends Shard {
  from: string;
}

/** The shard a figure name falls in, for `count` shards. */
export function shardOf(name: string, count: number): number {
  // 48 bits of the hash: exact in a double, and no visible bias for any practical count
  return createHash("sha256").update(name).digest().readUIntBE(0, 6) % count;
}

/** Whether a figure belongs to a shard. */
export function inShard(name: string, shard: Shard): boolean {
  return shard.count === 1 || shardOf(name, shard.count) === shard.index;
}

function wholeNumber(text: string | undefined, what: string, min: number): number {
  if (text === undefined || !/^\d+$/.test(text.trim())) throw usage(`${what} must be a whole number, got '${text ?? ""}'`);
  const n = Number(text.trim());
  if (n < min) throw usage(`${what} must be at least ${min}, got ${n}`);
  return n;
}

function checked(index: number, count: number, from: string): ResolvedShard {
  if (index >= count) throw usage(`shard ${index} does not exist: there are ${count} shards (0 to ${count - 1}) (${from})`);
  return { index, count, from };
}

/**
 * The shard of `--shard I/N` or `--shard auto`. `auto` reads Slurm's
 * `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT` (an array 0..N-1), or
 * Kubernetes' `JOB_COMPLETION_INDEX` with N from `--shards` (an Indexed Job
 * does not export its completion count).
 */
export function resolveShard(spec: string, shards: string | undefined, env: NodeJS.ProcessEnv): ResolvedShard {
  if (spec !== "auto") {
    const match = /^(\d+)\/(\d+)$/.exec(spec.trim());
    if (!match) throw usage(`--shard expects I/N (0-based shard I of N) or 'auto', got '${spec}'`);
    if (shards !== undefined) throw usage("--shards goes with --shard auto (for Kubernetes); --shard I/N already says N");
    return checked(Number(match[1]), wholeNumber(match[2], "the shard count N of --shard I/N", 1), `--shard ${spec}`);
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined) {
    const id = wholeNumber(env.SLURM_ARRAY_TASK_ID, "SLURM_ARRAY_TASK_ID", 0);
    const min = env.SLURM_ARRAY_TASK_MIN === undefined ? 0 : wholeNumber(env.SLURM_ARRAY_TASK_MIN, "SLURM_ARRAY_TASK_MIN", 0);
    const count =
      shards !== undefined ? wholeNumber(shards, "--shards", 1) : wholeNumber(env.SLURM_ARRAY_TASK_COUNT, "SLURM_ARRAY_TASK_COUNT (is this an array job?)", 1);
    if (min !== 0 && shards === undefined) throw usage(`the Slurm array must start at 0 (--array=0-${count - 1}), it starts at ${min}: or give --shards N`);
    return checked(id, count, `Slurm array task ${id} of ${count} (SLURM_ARRAY_TASK_ID, ${shards !== undefined ? "--shards" : "SLURM_ARRAY_TASK_COUNT"})`);
  }
  if (env.JOB_COMPLETION_INDEX !== undefined) {
    if (shards === undefined) throw usage("--shard auto found JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) but no --shards N: give the Job's completions");
    const index = wholeNumber(env.JOB_COMPLETION_INDEX, "JOB_COMPLETION_INDEX", 0);
    const count = wholeNumber(shards, "--shards", 1);
    return checked(index, count, `Kubernetes completion index ${index} of ${count} (JOB_COMPLETION_INDEX, --shards)`);
  }
  throw usage("--shard auto found neither SLURM_ARRAY_TASK_ID (a Slurm array job) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job): give --shard I/N");
}
