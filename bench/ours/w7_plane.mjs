// Workload 5, ours: the DM-time plane (trials over 0 .. 2 DM, FETCH's range)
// of a waterfall already in memory, by the automatic method and by brute
// force. Prints JSON of median seconds, the method auto chose, and peak RSS.
//   node bench/ours/w7_plane.mjs FILE DM TRIALS REPEATS BRUTE_REPEATS [START_S DURATION_S]
import { readFileSync } from "node:fs";

import { openWaterfall, Spectra } from "@wfall/spectra";

const [file, dm, trials, repeats, bruteRepeats, start, duration] = process.argv.slice(2);
const read = start === undefined ? {} : { start: Number(start), duration: Number(duration) };
const spectra = Spectra.fromWaterfall(await openWaterfall(file, read));
const options = { dmRange: [0, 2 * Number(dm)], trials: Number(trials), wrap: "roll" };
async function median(method, n) {
  const times = [];
  let used;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const plane = await spectra.dmTimePlane({ ...options, method });
    times.push((performance.now() - t) / 1000);
    used =
      plane.method === "subband"
        ? `subband (${plane.nsub} subbands, ${plane.groups} groups, shifts within ${plane.maxShiftErrorSamples.toFixed(2)} + 1 samples)`
        : plane.method;
  }
  return { seconds: times.sort((a, b) => a - b)[Math.floor(times.length / 2)], used };
}
const auto = await median("auto", Number(repeats));
const brute = await median("brute", Number(bruteRepeats));
const peakKiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]);
console.log(JSON.stringify({ auto: auto.seconds, method: auto.used, brute: brute.seconds, shape: [spectra.nchan, spectra.ntime], maxRssKiB: peakKiB }));
