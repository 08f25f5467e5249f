// Workload 5, ours: `plot build` of a thumbnail manifest (one figure per
// candidate, `each:`), in this process with JOBS worker threads. Prints JSON
// with the wall time, the CPU time (all threads), the figures built and this
// process's peak RSS.
import { readFileSync } from "node:fs";

import { buildManifest } from "@wfall/plot";

const [manifest, jobs] = process.argv.slice(2);
const start = performance.now();
const report = await buildManifest(manifest, { jobs: Number(jobs), force: true, progress: { write: () => true } });
const seconds = (performance.now() - start) / 1000;
const { user, system } = process.cpuUsage();
const failed = report.figures.filter((f) => f.status === "failed");
if (failed.length > 0) throw new Error(`${failed.length} figures failed, e.g. ${failed[0].name}: ${failed[0].error?.message}`);
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
console.log(JSON.stringify({ seconds, cpuSeconds: (user + system) / 1e6, figures: report.figures.length, maxRssKiB: peakKiB }));
