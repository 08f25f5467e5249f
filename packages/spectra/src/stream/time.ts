/**
 * Time gulps: consecutive samples of every channel (filterbanks, PSRFITS, Fortran-ordered npz
 * members). The steps that need whole channels first (normalising, the masks) get their
 * statistics from a first pass over the range; the second pass feeds the core's streaming reducer,
 * which dedisperses, subbands and downsamples as the rows go by (native `StreamReducer`).
 */
import type { TimeGulps } from "../formats/format.js";
import { alignedBuffer } from "../io/files.js";
import * as native from "../native.js";
import { channelsMaskedBy, Spectra } from "../spectra.js";
import { pipelined } from "./pipeline.js";
import type { StreamPlan } from "./plan.js";

/** A run of rows to read: file rows `[first, first + count)`, fed at virtual sample `virtual`. */
interface Segment {
  first: number;
  count: number;
  virtual: number;
}

/** Reads segments of rows into two buffers used in turn. */
function rowReader(gulps: TimeGulps, rowBytes: number, maxRows: number) {
  const buffers = [alignedBuffer(maxRows * rowBytes), alignedBuffer(maxRows * rowBytes)];
  return async (segment: Segment, index: number) => {
    const target = buffers[index % 2].subarray(0, segment.count * rowBytes);
    await gulps.readRows(segment.first, segment.count, target);
    return target;
  };
}

/** Segments of at most `maxRows` rows covering samples `[0, count)` of the range. */
function wholeRange(first: number, count: number, maxRows: number): Segment[] {
  return Array.from({ length: Math.ceil(count / maxRows) }, (_, k) => ({ first: first + k * maxRows, count: Math.min(maxRows, count - k * maxRows), virtual: k * maxRows }));
}

/**
 * Segments along the reducer's virtual axis `[v0, v1)`: virtual sample `t` is sample `t mod count`
 * of the range (circular dedispersion reads past its end into its start).
 */
function virtualRange([v0, v1]: [number, number], first: number, count: number, maxRows: number): Segment[] {
  const segments: Segment[] = [];
  for (let v = v0; v < v1; ) {
    const real = ((v % count) + count) % count;
    const rows = Math.min(maxRows, v1 - v, count - real);
    segments.push({ first: first + real, count: rows, virtual: v });
    v += rows;
  }
  return segments;
}

/** The channel maps and masked channels from a first pass of statistics (or none needed). */
async function channelSteps(plan: StreamPlan, layout: native.FilterbankLayout, read: ReturnType<typeof rowReader>, maxRows: number) {
  const { file, first, count } = plan.resolved;
  if (!plan.needsStatistics) return { masked: [...plan.maskChannels] };
  const pass = native.channelStatsPass(layout, plan.normalise === "robust", file);
  await pipelined(wholeRange(first, count, maxRows), read, (rows) => pass.add(rows));
  const stats = pass.finish();
  let moments: { count: ArrayLike<number>; sum: ArrayLike<number>; variance: ArrayLike<number> } = stats;
  let maps: native.ChannelMaps | undefined;
  if (plan.normalise) {
    maps = native.normalisationMaps(plan.normalise, stats, file);
    moments = normalisedMoments(stats, maps);
  }
  const masked = new Set([...channelsMaskedBy(plan.masks, moments), ...plan.maskChannels]);
  return { maps, masked: [...masked].sort((a, b) => a - b) };
}

/**
 * The masks' moments of normalised channels, from the raw ones: `x -> (x - centre)/scale - offset`
 * gives `sum' = (sum - n centre)/scale - n offset` and `variance' = variance / scale^2` (to rounding:
 * the in-memory path takes them from the rounded float32 values; only a statistic within rounding of
 * a threshold could decide differently). A channel the normalisation masks has no valid sample.
 */
function normalisedMoments(stats: native.PassStats, maps: native.ChannelMaps) {
  const n = stats.count.length;
  const out = { count: new Float64Array(n), sum: new Float64Array(n), variance: new Float64Array(n) };
  for (let c = 0; c < n; c++) {
    const centre = maps.centre[c];
    const scale = maps.scale[c];
    if (!Number.isFinite(scale)) continue; // masked by the normalisation: count 0
    const k = stats.count[c];
    out.count[c] = k;
    out.sum[c] = (stats.sum[c] - k * centre) / scale - k * maps.offset[c];
    out.variance[c] = stats.variance[c] / (scale * scale);
  }
  return out;
}

/** Processes a file in time gulps. */
export async function reduceTimeGulps(plan: StreamPlan, gulps: TimeGulps): Promise<Spectra> {
  const { resolved, nchan, nsub, factor, axes } = plan;
  const { file, first, count, flip } = resolved;
  const layout = { nbits: gulps.layout.nbits, nchan, descending: gulps.layout.descending !== flip };
  const rowBytes = (nchan * layout.nbits) / 8;
  // rows read at a time: about gulpBytes as float32 (the reducer takes them a few MiB at a time)
  const maxRows = Math.max(1, Math.min(count, Math.floor(plan.gulpBytes / (4 * nchan))));
  const read = rowReader(gulps, rowBytes, maxRows);
  const { maps, masked } = await channelSteps(plan, layout, read, maxRows);
  const reducer = native.streamReducer(
    layout,
    { ntime: count, nsub, factor, zerosMissing: plan.zerosMissing, masked, maps, weights: plan.weights },
    { dtSeconds: axes.dt, fbottomMhz: axes.fbottom, dfMhz: axes.df },
    plan.step,
    file,
  );
  await pipelined(virtualRange(reducer.feedRange(), first, count, maxRows), read, (rows, segment) => reducer.add(rows, segment.virtual));
  const out = reducer.finish();
  return new Spectra(out.intensity, {
    nchan: nsub,
    ntime: out.ntime,
    fbottom: axes.fbottom,
    df: axes.df * (nchan / nsub),
    dt: axes.dt * factor,
    start: first * axes.dt,
    dm: plan.dm,
    weights: plan.weights ? out.weights : null,
    source: file,
  });
}
