// Timing whole processes and summarising repetitions.
import { spawnSync } from "node:child_process";

/** Runs a command to completion; returns its wall time in seconds (throws with its stderr if it fails). */
export function timeCommand(command, args, options = {}) {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}): ${result.stderr?.slice(-2000)}`);
  return { seconds, stdout: result.stdout };
}

/** Runs a command that prints one JSON object; returns it. */
export function jsonCommand(command, args, options = {}) {
  const { stdout } = timeCommand(command, args, options);
  return JSON.parse(stdout.trim().split("\n").pop());
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `fn` `n` times; returns the median of what it returns (seconds). */
export function repeat(n, fn) {
  return median(Array.from({ length: n }, () => fn()));
}
