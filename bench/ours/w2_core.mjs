// Workload 2's in-memory core, ours, on data already in memory: the fused
// dedisperse+subband pass, the two-step version, and the masks' statistics
// pass. Prints JSON of median seconds.
import { openWaterfall } from "@wfall/spectra";
import { dedispersionStep, native } from "@wfall/spectra/internal";

const [file, dm, nsub, repeats] = process.argv.slice(2);
const wf = await openWaterfall(file);
const axes = { dtSeconds: wf.dt, fbottomMhz: wf.fbottom, dfMhz: wf.df };
const step = dedispersionStep(wf.dm, Number(dm));
const view = (data) => ({ data, weights: null, zerosMissing: true, nchan: wf.nchan, ntime: wf.ntime });
const median = (fn) => {
  const times = [];
  for (let i = 0; i < Number(repeats); i++) {
    const t = performance.now();
    fn();
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
};
const fused = median(() => native.dedisperseSubband(view(wf.intensity), axes, step, Number(nsub)));
const copy = wf.intensity.slice();
const twoStep = median(() => {
  native.dedisperse(view(copy), axes, step);
  native.subband(view(copy), Number(nsub));
});
const masks = median(() => native.channelMoments(view(wf.intensity), false));
console.log(JSON.stringify({ fused, twoStep, masks, bytes: wf.intensity.byteLength }));
