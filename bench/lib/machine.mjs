// What machine the numbers come from, and its memory bandwidth, measured here:
// the time a parallel read of 1 GiB takes (the floor for any kernel that must
// read its input once).
import { cpus, totalmem } from "node:os";
import { availableParallelism } from "node:os";

import { native } from "@wfall/spectra/internal";

import { jsonCommand, median } from "./measure.mjs";

export function readBandwidth(bytes = 1 << 30, repeats = 7) {
  const values = new Float32Array(bytes / 4).fill(1); // touch every page first
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    native.readAll(values);
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return bytes / median(times);
}

/** The machine, with its bandwidth measured in a child process (so this one never holds the 1 GiB probe). */
export function describeMachine(childScript) {
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    bandwidth: jsonCommand(process.execPath, [childScript]).bandwidth,
  };
}
