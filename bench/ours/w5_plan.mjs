// Workload 5b, ours: list and plan a survey manifest over COUNT files (an
// `each:` glob), then pick one shard of N, without building. Prints JSON with
// the time to load (glob, expand, check) and to select, and the peak RSS.
import { readFileSync } from "node:fs";

import { inShard, loadManifest } from "@wfall/plot";

const [manifest, shards] = process.argv.slice(2);
const start = performance.now();
const loaded = await loadManifest(manifest);
const loadSeconds = (performance.now() - start) / 1000;
const shard = { index: 0, count: Number(shards) };
const selected = loaded.figures.filter((f) => inShard(f.name, shard));
const seconds = (performance.now() - start) / 1000;
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
console.log(JSON.stringify({ seconds, loadSeconds, figures: loaded.figures.length, selected: selected.length, maxRssKiB: peakKiB }));
