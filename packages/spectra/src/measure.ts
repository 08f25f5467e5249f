/**
 * Burst measurements (the core's `measure` kernels; research.md §5.2): the
 * S/N and width of a burst by a named definition with its arrival time, the
 * DM-time plane, the S/N-vs-DM curve, and the best DM by S/N and by
 * structure (DM_phase). Everything runs on the waterfall as it is now (after
 * whatever normalising, masking, dedispersion, subbanding and downsampling
 * were applied): the numbers describe the data a figure draws.
 */
import { WaterfallError } from "./errors.js";
import { figureWindow, type WindowCentreOptions } from "./figure-window.js";
import * as native from "./native.js";
import type { MeasuredPlane, SnrCurve, SnrDefinition, StructureDm, WaterfallView, Wrap } from "./native.js";
import { DEFAULT_TRIALS } from "./options/measure.js";
import type { IndexRange, Spectra } from "./spectra.js";

const SECONDS_PER_DAY = 86400;

/** How {@link measureSnr} measures. */
export interface SnrMeasureOptions {
  /** Default "heimdall". */
  definition?: SnrDefinition;
  /** Samples `[start, end)` in which to look for the burst; the noise comes from the whole series. Default all. */
  search?: IndexRange;
  /** `peak`: the width masked around the peak, samples. Default: the `heimdall` width found in the same search. */
  widthSamples?: number;
  /** Largest boxcar, samples (heimdall, weq: default min(4096, the search); presto: 30). */
  maxWidthSamples?: number;
  /** Heimdall's `get_rms` constant 1.4862 instead of 1.4826 (heimdall, weq). */
  heimdallConstant?: boolean;
}

/** A burst's S/N, width and arrival time (what `plot snr --json` prints). */
export interface BurstSnr {
  definition: SnrDefinition;
  snr: number;
  /** The boxcar width (heimdall, presto), the masked width (peak) or `W_eq` (weq, fractional). */
  widthSamples: number;
  widthMs: number;
  /** The sample at the centre of the best window (peak: the brightest sample). */
  peakSample: number;
  /** Centre of the peak sample, s from the start of the file, at the reference frequency. */
  peakSeconds: number;
  /** `peakSeconds` as an MJD (topocentric, the file's time scale), when the file gives a start MJD. */
  peakMjd?: number;
  /** The same at infinite frequency: `peakMjd − K_DM·DM/f_ref²`. */
  peakMjdInfinite?: number;
  /** The frequency arrival times refer to (the dedispersion reference), MHz; `null` for infinite frequency. */
  referenceMhz: number | null;
  /** DM of the time series, pc cm^-3. */
  dm: number;
  /** Dispersion constant, MHz² s cm³ / pc. */
  kdm: number;
  /** On-pulse samples `[start, end)` (the best window). */
  onPulse: [number, number];
  /** Samples `[start, end)` searched. */
  search: [number, number];
  /** Sample time, s. */
  dt: number;
}

/** What {@link measureSnr} needs of a waterfall: its time axis and how it was dedispersed. */
type TimedSeries = Pick<Spectra, "dt" | "start" | "dm" | "startMjd" | "dispersion" | "source" | "ntime">;

/**
 * The S/N, width and arrival time of the burst in the band-summed time series
 * of `spectra` (or in `series`, when already computed from it).
 * @throws {WaterfallError} `E_EMPTY_WINDOW` for a series without noise or valid samples, `E_RANGE` for a search outside it.
 */
export function measureSnr(spectra: TimedSeries & { timeseries(): Float64Array }, options: SnrMeasureOptions = {}, series?: Float64Array): BurstSnr {
  const file = spectra.source;
  const values = series ?? spectra.timeseries();
  const [searchStart, searchEnd] = options.search ?? [0, values.length];
  const common = { maxWidthSamples: options.maxWidthSamples, heimdallConstant: options.heimdallConstant, searchStart, searchEnd };
  const definition = options.definition ?? "heimdall";
  let widthSamples = options.widthSamples;
  if (definition === "peak" && widthSamples === undefined) widthSamples = native.measureSnr(values, common, file).widthSamples;
  const r = native.measureSnr(values, { ...common, definition, widthSamples }, file);
  return {
    ...arrival(spectra, r.peakSample),
    definition,
    snr: r.snr,
    widthSamples: r.widthSamples,
    widthMs: r.widthSamples * spectra.dt * 1000,
    onPulse: [r.onStart, r.onEnd],
    search: [searchStart, searchEnd],
    dt: spectra.dt,
  };
}

/** The time of sample `peakSample` from the file's start, as an MJD too, and its reference. */
function arrival(spectra: TimedSeries, peakSample: number) {
  const { kdm, referenceMhz } = spectra.dispersion;
  const peakSeconds = spectra.start + (peakSample + 0.5) * spectra.dt;
  const infiniteDelay = Number.isFinite(referenceMhz) ? (kdm * spectra.dm) / referenceMhz ** 2 : 0;
  const mjd =
    spectra.startMjd === undefined
      ? {}
      : { peakMjd: spectra.startMjd + peakSeconds / SECONDS_PER_DAY, peakMjdInfinite: spectra.startMjd + (peakSeconds - infiniteDelay) / SECONDS_PER_DAY };
  return { peakSample, peakSeconds, ...mjd, referenceMhz: Number.isFinite(referenceMhz) ? referenceMhz : null, dm: spectra.dm, kdm };
}

/** Trial DMs: `trials` values from `dmRange[0]` to `dmRange[1]`, both included. */
export interface DmTrialOptions {
  /** `[low, high]`, pc cm^-3, `0 <= low < high`. */
  dmRange: readonly [number, number];
  /** Default 256 (FETCH's). */
  trials?: number;
}

/** The core's trial grid for `options`, checked. */
export function dmTrials(options: DmTrialOptions, file?: string): native.DmTrials {
  const [low, high] = options.dmRange;
  const count = options.trials ?? DEFAULT_TRIALS;
  if (!(Number.isFinite(low) && Number.isFinite(high) && low >= 0 && low < high))
    throw new WaterfallError("E_DM_RANGE", `the trial DMs must run from a low DM >= 0 to a higher one, got ${low} .. ${high}`, { file });
  if (!(Number.isSafeInteger(count) && count >= 3))
    throw new WaterfallError("E_ARGUMENT", `the number of trial DMs must be an integer of at least 3, got ${count}`, { file });
  return { start: low, step: (high - low) / (count - 1), count };
}

/** FETCH's trial range for a burst at `dm`: `0 .. 2·dm`. */
export function fetchDmRange(dm: number): [number, number] {
  return [0, 2 * dm];
}

/** How {@link dmTimePlaneOf} computes. */
export interface PlaneComputeOptions extends DmTrialOptions {
  /** "auto" (default): exact brute force when small, two-stage subband dedispersion when it saves 4x the work. */
  method?: native.PlaneMethod;
  /** Samples shifted past an end: "invalidate" (default: they add nothing) or "roll" (wrapped around). */
  wrap?: Wrap;
}

/** A waterfall as the core's measurements take it. */
export interface MeasureInput {
  view: WaterfallView;
  axes: native.Axes;
  dm: number;
  dispersion: { kdm: number; referenceMhz: number };
  source?: string;
}

function dispersionOf(input: MeasureInput, wrap: Wrap = "invalidate"): native.Dispersion {
  const { kdm, referenceMhz } = input.dispersion;
  return Number.isFinite(referenceMhz) ? { dmNow: input.dm, kDm: kdm, referenceMhz, wrap } : { dmNow: input.dm, kDm: kdm, reference: "infinite", wrap };
}

/**
 * The DM-time plane: row `j` is the band-summed time series dedispersed from
 * the current DM to trial `j`, with the reference and constant of the last
 * dedispersion (used by `Spectra.dmTimePlane`).
 */
export async function dmTimePlaneOf(input: MeasureInput, options: PlaneComputeOptions): Promise<MeasuredPlane> {
  const trials = dmTrials(options, input.source);
  return native.dmTimePlane(input.view, input.axes, dispersionOf(input, options.wrap), trials, { method: options.method }, input.source);
}

/** DM_phase's structure-maximising DM over the trials (used by `Spectra.bestDmByStructure`). */
export async function bestDmByStructureOf(input: MeasureInput, options: DmTrialOptions): Promise<StructureDm> {
  const trials = dmTrials(options, input.source);
  return native.bestDmByStructure(input.view, input.axes, dispersionOf(input, "roll"), trials, undefined, input.source);
}

/** The S/N of every row of a plane by `definition` (each row searched whole) and the DM of largest S/N. */
export function snrVersusDm(plane: MeasuredPlane, definition: SnrDefinition = "heimdall", file?: string): SnrCurve {
  return native.dmSnrCurve(plane, { definition }, file);
}

/** The best DM by S/N and by structure, and the curves behind them (what `plot dm --json` prints). */
export interface BestDm {
  /** The burst at the current DM (S/N within the figure's window), whose samples the structure is measured around. */
  burst: BurstSnr;
  /** Samples `[start, end)` given to DM_phase: the on-pulse window widened by the largest shift of the trials, `2·width` and 16 samples each side. */
  structureSamples: [number, number];
  /** The trial of largest S/N; `uncertainty` is half the interval where the S/N stays within 1 of it. */
  snr: { dm: number; uncertainty: number; snr: number; definition: SnrDefinition; dmLow: number; dmHigh: number; bounded: boolean };
  /** DM_phase's fitted maximum of the coherent power and its uncertainty (DM_phase's). */
  structure: { dm: number; uncertainty: number; snr: number; fitted: boolean };
  /** Per trial: its DM, S/N and coherent power `C(d)` (DM_phase's curve). */
  curve: { dm: number; snr: number | null; structure: number }[];
  /** How the plane was computed ("brute" or "subband"). */
  method: string;
}

/** What {@link bestDm} needs: the trials, the S/N definition, and where the burst is (the figure's window rules). */
export type BestDmOptions = DmTrialOptions & WindowCentreOptions & { definition?: SnrDefinition };

/**
 * The largest shift in samples any channel makes between the current DM and
 * the farthest trial (with the constant and reference of the last dedispersion).
 */
export function largestShiftSamples(spectra: Spectra, dmRange: readonly [number, number]): number {
  const { kdm, referenceMhz } = spectra.dispersion;
  const inverseRef = Number.isFinite(referenceMhz) ? referenceMhz ** -2 : 0;
  const ddm = Math.max(Math.abs(dmRange[0] - spectra.dm), Math.abs(dmRange[1] - spectra.dm));
  const delays = [spectra.freqs[0], spectra.freqs[spectra.nchan - 1]].map((f) => Math.abs(kdm * ddm * (f ** -2 - inverseRef)));
  return Math.ceil(Math.max(...delays) / spectra.dt);
}

/**
 * The best DM of the burst in `spectra` over the trials, by S/N (the rows of
 * the DM-time plane, each searched whole, measured by `definition`) and by
 * structure (DM_phase, on the samples around the burst: it loses the burst in
 * the noise of a long series), both relative to the data as they are
 * (dedispersed to `spectra.dm`). The burst is found as a figure finds it
 * (`peak`, `peakTime`, `windowMs`).
 */
export async function bestDm(spectra: Spectra, options: BestDmOptions): Promise<BestDm> {
  const definition = options.definition ?? "heimdall";
  const series = spectra.timeseries();
  const window = figureWindow(spectra, series, options);
  const burst = measureSnr(spectra, { definition, search: [window.sampleStart, window.sampleEnd] }, series);
  const margin = largestShiftSamples(spectra, options.dmRange) + 2 * Math.ceil(burst.widthSamples) + 16;
  const structureSamples: [number, number] = [Math.max(0, burst.onPulse[0] - margin), Math.min(spectra.ntime, burst.onPulse[1] + margin)];
  const [plane, structure] = await Promise.all([
    spectra.dmTimePlane(options),
    spectra.slice(structureSamples[0], structureSamples[1] - structureSamples[0]).bestDmByStructure(options),
  ]);
  const curve = snrVersusDm(plane, definition, spectra.source);
  const finite = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    burst,
    structureSamples,
    snr: {
      dm: curve.bestDm,
      uncertainty: curve.dmUncertainty,
      snr: curve.snrMax,
      definition,
      dmLow: curve.dmLow,
      dmHigh: curve.dmHigh,
      bounded: curve.bounded,
    },
    structure: { dm: structure.bestDm, uncertainty: structure.dmUncertainty, snr: structure.snrMax, fitted: structure.fitted },
    curve: Array.from(curve.dms, (dm, j) => ({ dm, snr: finite(curve.snr[j]), structure: structure.curve[j] })),
    method: plane.method,
  };
}
