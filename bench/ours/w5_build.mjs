// Workload 5, ours: `plot build` of a thumbnail manifest (one figure per
// candidate, `each:`), in this process with JOBS worker threads. Prints JSON
// with the wall time, the time the first figure was done, the CPU time (all
// threads, and of the main thread alone), the figures built and this
// process's peak RSS.
import { readFileSync } from "node:fs";

import { buildManifest } from "@wfall/plot";

const [manifest, jobs] = process.argv.slice(2);
const start = performance.now();
let first;
const progress = { write: () => (first ??= performance.now()) > 0 }; // one line per figure done
const report = await buildManifest(manifest, { jobs: Number(jobs), force: true, progress });
const seconds = (performance.now() - start) / 1000;
const { user, system } = process.cpuUsage();
const failed = report.figures.filter((f) => f.status === "failed");
if (failed.length > 0) throw new Error(`${failed.length} figures failed, e.g. ${failed[0].name}: ${failed[0].error?.message}`);
// utime + stime of the main thread (fields 14 and 15 of its stat, in clock ticks of 10 ms)
const mainTicks = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ").slice(11, 13).map(Number);
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
console.log(
  JSON.stringify({
    seconds,
    firstFigureSeconds: (first - start) / 1000,
    cpuSeconds: (user + system) / 1e6,
    mainCpuSeconds: (mainTicks[0] + mainTicks[1]) / 100,
    figures: report.figures.length,
    maxRssKiB: peakKiB,
  }),
);
