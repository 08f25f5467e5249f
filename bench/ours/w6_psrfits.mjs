// Workload 6, ours: a PSRFITS search-mode file (4-bit AABBCRCI) to the total-intensity waterfall
// (AA + BB, row 0 the lowest frequency). Prints JSON with the wall time and peak RSS.
import { readFileSync } from "node:fs";

import { openWaterfall } from "@wfall/spectra";

const [file] = process.argv.slice(2);
const start = performance.now();
const wf = await openWaterfall(file);
const seconds = (performance.now() - start) / 1000;
// VmHWM is this process's own peak (getrusage's maxrss would include the memory of the parent it was forked from).
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
console.log(JSON.stringify({ seconds, maxRssKiB: peakKiB, shape: [wf.nchan, wf.ntime] }));
