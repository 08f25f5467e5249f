/**
 * Channel gulps: whole channels at a time (an npz member in C order). Each gulp holds whole
 * subbands, so the in-memory steps run on it unchanged — normalising and the masks' statistics
 * need only its own channels, and the fused dedisperse-subband kernel takes the whole band's shifts
 * for its channels — and its reduced rows are the output's rows: the same numbers as processing the
 * whole waterfall, by construction.
 */
import { flipRows } from "../arrays.js";
import type { ChannelGulps } from "../formats/format.js";
import * as native from "../native.js";
import type { ProcessOptions } from "../options/process.js";
import { channelSteps } from "../process.js";
import { Spectra } from "../spectra.js";
import { pipelined } from "./pipeline.js";
import type { StreamPlan } from "./plan.js";

/** Processes a file in channel gulps. */
export async function reduceChannelGulps(plan: StreamPlan, gulps: ChannelGulps, options: ProcessOptions): Promise<Spectra> {
  const { resolved, nchan, nsub, per, factor, axes } = plan;
  const { file, first, count, flip } = resolved;
  const nout = Math.floor(count / factor);
  const shifts = plan.step && native.channelShifts(nchan, { dtSeconds: axes.dt, fbottomMhz: axes.fbottom, dfMhz: axes.df }, plan.step, file);
  // whole subbands per gulp, about gulpBytes of float32 samples
  const channels = Math.max(1, Math.floor(plan.gulpBytes / (4 * count * per))) * per;
  const items = Array.from({ length: Math.ceil(nchan / channels) }, (_, k) => [k * channels, Math.min(nchan, (k + 1) * channels)] as const);
  const intensity = new Float32Array(nsub * nout);
  const weights = plan.weights ? new Float32Array(nsub * nout) : null;
  // given frequencies that descend: our channels [c0, c1) are the file's [nchan - c1, nchan - c0), reversed
  const read = ([c0, c1]: readonly [number, number]) => {
    const rows = c1 - c0;
    const block = flip ? gulps.read(nchan - c1, nchan - c0, first, count) : gulps.read(c0, c1, first, count);
    return block.then((b) => (flip ? { intensity: flipRows(b.intensity, rows, count), weights: b.weights && flipRows(b.weights, rows, count) } : b));
  };
  await pipelined(items, read, (block, [c0, c1]) => {
    const gulp = new Spectra(block.intensity, {
      nchan: c1 - c0,
      ntime: count,
      fbottom: axes.fbottom,
      df: axes.df,
      dt: axes.dt,
      dm: axes.dm,
      weights: block.weights ?? null,
      zerosMissing: plan.zerosMissing,
      source: file,
    });
    channelSteps(gulp, options, c0);
    const subbands = (c1 - c0) / per;
    gulp.dedisperseSubbandBy(shifts ? shifts.subarray(c0, c1) : new Float64Array(c1 - c0), plan.step?.wrap, subbands, plan.dm);
    if (factor !== 1) gulp.downsample(factor);
    intensity.set(gulp.data, (c0 / per) * nout);
    weights?.set(gulp.weights, (c0 / per) * nout);
  });
  return new Spectra(intensity, {
    nchan: nsub,
    ntime: nout,
    fbottom: axes.fbottom,
    df: axes.df * (nchan / nsub),
    dt: axes.dt * factor,
    start: first * axes.dt,
    dm: plan.dm,
    weights,
    source: file,
  });
}
