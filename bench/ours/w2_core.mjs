// Workload 2's in-memory core, ours, on data already in memory: the fused
// dedisperse+subband pass, the two-step version, and the masks' statistics
// pass. Prints JSON of median seconds.
import * as core from "@wfall/native";
import { readWaterfall } from "@wfall/spectra";

const [file, dm, nsub, repeats] = process.argv.slice(2);
const wf = await readWaterfall(file);
const plan = { deltaDm: Number(dm) - wf.dm, kDm: 1 / 2.41e-4, reference: "top", wrap: "roll", dt: wf.dt, fbottom: wf.fbottom, df: wf.df };
const median = (fn) => {
  const times = [];
  for (let i = 0; i < Number(repeats); i++) {
    const t = performance.now();
    fn();
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
};
const fused = median(() => core.dedisperseSubband(wf.intensity, null, true, wf.nchan, wf.ntime, plan, Number(nsub)));
const copy = wf.intensity.slice();
const twoStep = median(() => {
  core.dedisperse(copy, null, wf.nchan, wf.ntime, plan);
  core.subband(copy, null, true, wf.nchan, wf.ntime, Number(nsub));
});
const masks = median(() => core.channelMoments(wf.intensity, null, false, wf.nchan, wf.ntime));
console.log(JSON.stringify({ fused, twoStep, masks, bytes: wf.intensity.byteLength }));
