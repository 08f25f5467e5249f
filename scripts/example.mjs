#!/usr/bin/env node
// The README's first quick-start command: the embedded real burst (FRB 121102
// B6, Arecibo), dedispersed and subbanded, summarised.
import { prepareFigureData, readWaterfall, Spectra } from "@wfall/spectra";

const file = new URL("../fixtures/frb121102_B6_wfall.npz", import.meta.url).pathname;
const spec = Spectra.fromWaterfall(await readWaterfall(file));
spec.dedisperse(562.056).subband(32);
const fig = prepareFigureData(spec, { window: 0.01 });
console.log(`FRB 121102 burst B6 (Arecibo): ${spec.nchan} subbands x ${spec.ntime} samples, DM ${spec.dm}`);
console.log(`peak at sample ${fig.peak} (${(fig.peak * spec.dt * 1000).toFixed(2)} ms), colour limits ${fig.vmin.toFixed(3)} .. ${fig.vmax.toFixed(3)}`);
