// The automatic masks' cost against one read of the same data: each repetition
// reads the file (header, I/O, unpacking: `openWaterfall`), runs the automatic
// masks on it in memory as `--mask-auto` does (`Spectra.maskRfi`: zero-DM only
// on data at DM 0, then one pass of channel statistics and the flags), and
// times the harness's read probe (a parallel sum) on the same float32 bytes.
// Prints JSON of median seconds.
//
//   node --expose-gc bench/ours/masks.mjs FILE REPEATS
import { openWaterfall, Spectra } from "@wfall/spectra";
import { native } from "@wfall/spectra/internal";

const [file, repeats] = process.argv.slice(2);
const median = (times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
const seconds = (since) => (performance.now() - since) / 1000;

const fileRead = [];
const auto = [];
const probe = [];
let info;
for (let i = 0; i < Number(repeats); i++) {
  globalThis.gc?.(); // the previous repetition's waterfall (4 GiB for a 1 GiB 8-bit filterbank) goes first
  let t = performance.now();
  const wf = await openWaterfall(file);
  fileRead.push(seconds(t));
  t = performance.now();
  native.readAll(wf.intensity);
  probe.push(seconds(t));
  const spectra = Spectra.fromWaterfall(wf);
  t = performance.now();
  const flags = spectra.maskRfi({ zeroDm: wf.dm === 0 ? "recommended" : undefined, auto: true });
  auto.push(seconds(t));
  info = { zeroDm: flags.zeroDm ?? null, masked: flags.origin.filter((o) => o !== null).length, bytes: wf.intensity.byteLength, shape: [wf.nchan, wf.ntime] };
}
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ auto: median(auto), readProbe: median(probe), fileRead: median(fileRead), maxRssMiB, ...info }));
