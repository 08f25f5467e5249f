// Workload 3, ours: stream the filterbank through the native reducer
// (dedisperse, downsample, subband). Prints JSON with the wall time and peak RSS.
import { readFileSync } from "node:fs";

import { reduceFilterbank } from "@wfall/spectra";

const [file, dm, tfactor, nsub] = process.argv.slice(2);
const start = performance.now();
const spec = await reduceFilterbank(file, { dm: Number(dm), tfactor: Number(tfactor), nsub: Number(nsub) });
const seconds = (performance.now() - start) / 1000;
// VmHWM is this process's own peak (getrusage's maxrss would include the memory of the parent it was forked from).
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
console.log(JSON.stringify({ seconds, maxRssKiB: peakKiB, shape: [spec.nchan, spec.ntime] }));
