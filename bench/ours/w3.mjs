// Workload 3, ours: stream the filterbank through the native reducer
// (dedisperse, downsample, subband). Prints JSON with the wall time and peak RSS.
import { reduceFilterbank } from "@wfall/spectra";

const [file, dm, tfactor, nsub] = process.argv.slice(2);
const start = performance.now();
const spec = await reduceFilterbank(file, { dm: Number(dm), tfactor: Number(tfactor), nsub: Number(nsub) });
const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ seconds, maxRssKiB: process.resourceUsage().maxRSS, shape: [spec.nchan, spec.ntime] }));
