/**
 * `Spectra`: a waterfall in memory with its axes, mirroring CHIME's
 * `iautils.spectra.Spectra`. Heavy work runs in the native core on the whole
 * array; operations that keep the shape work in place and return `this`.
 */
import ndarray from "ndarray";

import { argmax, sliceColumns } from "./arrays.js";
import { dedispersionStep, referenceFrequency, type DedisperseOptions } from "./dedispersion.js";
import { WaterfallError } from "./errors.js";
import { bestDmByStructureOf, dmTimePlaneOf, type DmTrialOptions, type MeasureInput, type PlaneComputeOptions } from "./measure.js";
import { channelCentres, checkAxes, type Waterfall } from "./model.js";
import * as native from "./native.js";
import { NORMALISATIONS, type MeasuredPlane, type Normalisation, type Reduced, type StructureDm, type WaterfallView } from "./native.js";

/** Axes and weights of a new {@link Spectra}. */
export interface SpectraOptions {
  nchan: number;
  ntime: number;
  /** Lower edge of the band, MHz (channel `i` is centred at `fbottom + (i + 1/2)·df`). */
  fbottom: number;
  /** Channel width, MHz, positive. */
  df: number;
  /** Sample time, s. */
  dt: number;
  /** Time of the start of sample 0, s. Default 0. */
  start?: number;
  /** The DM the data are dedispersed to now. Default 0. */
  dm?: number;
  /** Weights in [0, 1] beside the intensity; default 1 for every finite sample. */
  weights?: Float32Array | null;
  /**
   * Without a weights array: whether exactly-zero samples have weight 0 (the
   * tutorial's rule for data read from disk, where 0 marks a dropped sample).
   * Default false.
   */
  zerosMissing?: boolean;
  /** The file the data came from, named in error messages. */
  source?: string;
  /** Modified Julian Date of the start of the file (time 0 of `start`), when the file says. */
  startMjd?: number;
  /** How the data were last dedispersed: the constant (default {@link K_DM_CHIME}) ... */
  kdm?: number;
  /** ... and the frequency aligned to, MHz (`Infinity`: infinite frequency). Default the highest channel's centre. */
  referenceMhz?: number;
}

/** Per-channel statistics of valid samples; NaN for a channel without one. */
export interface ChannelStats {
  count: Float64Array;
  sum: Float64Array;
  mean: Float64Array;
  /** Population variance (ddof 0). */
  variance: Float64Array;
  median: Float64Array;
  /** Median absolute deviation from the median, unscaled. */
  mad: Float64Array;
}

/** A half-open index range `[start, end)`, like a Python slice. */
export type IndexRange = readonly [start: number, end: number];

function axis(n: number, first: number, step: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = first + i * step;
  return out;
}

/** A dynamic spectrum: `intensity[nchan][ntime]` float32, row 0 the lowest frequency. */
export class Spectra {
  #data: Float32Array;
  /**
   * `null` while the weights are implied by the intensity: 0 for NaN (and for
   * exact zeros when `#zerosMissing`), 1 otherwise. A full-resolution
   * waterfall then needs no second array of its size.
   */
  #weights: Float32Array | null;
  #zerosMissing: boolean;
  #nchan: number;
  #ntime: number;
  #df: number;
  #dt: number;
  #dm: number;
  #lastShifts: Float64Array | undefined;
  #kdm: number;
  #referenceMhz: number;
  /** Lower edge of the band, MHz: channel `i` is centred at `fbottom + (i + 1/2)·df`. */
  readonly fbottom: number;
  readonly start: number;
  readonly source: string | undefined;
  /** Modified Julian Date of the start of the file (time 0 of {@link Spectra.start}), when the file says. */
  readonly startMjd: number | undefined;

  /**
   * Wraps (does not copy) a row-major intensity array.
   * @throws {WaterfallError} `E_SHAPE` when the length is not `nchan * ntime`, `E_VALUE` for bad axes.
   */
  constructor(intensity: Float32Array, options: SpectraOptions) {
    const { nchan, ntime, fbottom, df, dt, start = 0, dm = 0, weights = null, zerosMissing = false, source, startMjd } = options;
    if (!(intensity instanceof Float32Array)) throw new WaterfallError("E_DTYPE", "intensity must be a Float32Array", { file: source });
    if (!(Number.isSafeInteger(nchan) && Number.isSafeInteger(ntime) && nchan > 0 && ntime > 0)) {
      throw new WaterfallError("E_SHAPE", `shape must be positive integers, got ${nchan} x ${ntime}`, { file: source });
    }
    if (intensity.length !== nchan * ntime) {
      throw new WaterfallError("E_SHAPE", `intensity has ${intensity.length} values but ${nchan} x ${ntime} needs ${nchan * ntime}`, { file: source });
    }
    if (weights && !(weights instanceof Float32Array && weights.length === intensity.length)) {
      throw new WaterfallError("E_SHAPE", `weights must be a Float32Array of ${intensity.length} values`, { file: source });
    }
    checkAxes({ dt, df, dm, fbottom }, source);
    if (!Number.isFinite(start)) throw new WaterfallError("E_VALUE", `start must be a finite number of seconds, got ${start}`, { file: source });
    this.#data = intensity;
    this.#weights = weights;
    this.#zerosMissing = !weights && zerosMissing;
    this.#nchan = nchan;
    this.#ntime = ntime;
    this.#df = df;
    this.#dt = dt;
    this.#dm = dm;
    this.fbottom = fbottom;
    this.start = start;
    this.source = source;
    this.startMjd = startMjd;
    this.#kdm = options.kdm ?? native.K_DM_CHIME;
    this.#referenceMhz = options.referenceMhz ?? referenceFrequency({ fbottom, df }, nchan);
  }

  /**
   * A Spectra over a waterfall read from disk (sharing its intensity array).
   * Weights are the file's own when it stores them; otherwise, as the tutorial
   * does, 0 where the intensity is exactly 0 (or NaN) and 1 elsewhere.
   */
  static fromWaterfall(wf: Waterfall): Spectra {
    return new Spectra(wf.intensity, {
      ...wf,
      weights: wf.weights ?? null,
      zerosMissing: wf.zerosMissing ?? !wf.weights,
      source: wf.file,
      startMjd: wf.startMjd,
    });
  }

  get nchan(): number {
    return this.#nchan;
  }
  get ntime(): number {
    return this.#ntime;
  }
  /** Channel width, MHz. */
  get df(): number {
    return this.#df;
  }
  /** Sample time, s. */
  get dt(): number {
    return this.#dt;
  }
  /** The DM the data are dedispersed to now, pc cm^-3. */
  get dm(): number {
    return this.#dm;
  }

  /**
   * How the data were last dedispersed: the dispersion constant and the
   * frequency aligned to (MHz, `Infinity` for infinite frequency), which is
   * the frequency arrival times refer to. Before any dedispersion: the
   * defaults (CHIME's constant, the highest channel), assumed for the file.
   */
  get dispersion(): { kdm: number; referenceMhz: number } {
    return { kdm: this.#kdm, referenceMhz: this.#referenceMhz };
  }

  /** Per-channel shifts (samples, positive = toward earlier time) of the last dedispersion. */
  get lastShifts(): Float64Array | undefined {
    return this.#lastShifts;
  }

  /** The row-major intensity array itself (not a copy). */
  get data(): Float32Array {
    return this.#data;
  }

  /** The intensity as an ndarray view `[nchan][ntime]` on the same memory. */
  get intensity(): ndarray.NdArray<Float32Array> {
    return ndarray(this.#data, [this.#nchan, this.#ntime]);
  }

  /** The weights array (made on first access while the weights are implied by the intensity). */
  get weights(): Float32Array {
    if (!this.#weights) {
      this.#weights = native.validWeights(this.#view(), this.source);
      this.#zerosMissing = false;
    }
    return this.#weights;
  }

  /** The data and weights (the array, or how the intensity implies them) as the core sees them. */
  #view(): WaterfallView {
    return { data: this.#data, weights: this.#weights, zerosMissing: this.#zerosMissing, nchan: this.#nchan, ntime: this.#ntime };
  }

  #axes(): native.Axes {
    return { dtSeconds: this.#dt, fbottomMhz: this.fbottom, dfMhz: this.#df };
  }

  /** Channel centres `fbottom + (i + 1/2)·df`, MHz. */
  get freqs(): Float64Array {
    return channelCentres(this, this.#nchan);
  }
  /** Sample start times `start + j*dt`, s. */
  get times(): Float64Array {
    return axis(this.#ntime, this.start, this.#dt);
  }
  /** Sample centre times `start + (j + 1/2)*dt`, s. */
  get centerTimes(): Float64Array {
    return axis(this.#ntime, this.start + this.#dt / 2, this.#dt);
  }

  /**
   * Samples `[first, first + count)` as a new Spectra (a copy) with
   * everything else of this one (axes, DM, how it was dedispersed), its
   * `start` moved to the first of them.
   * @throws {WaterfallError} `E_RANGE` for an empty range or one outside the data.
   */
  slice(first: number, count: number): Spectra {
    if (!(Number.isSafeInteger(first) && Number.isSafeInteger(count) && first >= 0 && count >= 1 && first + count <= this.#ntime)) {
      throw new WaterfallError("E_RANGE", `samples ${first}..${first + count - 1} are outside the ${this.#ntime} samples`, { file: this.source });
    }
    const cut = (data: Float32Array) => sliceColumns(data, this.#nchan, this.#ntime, first, count);
    return new Spectra(cut(this.#data), {
      nchan: this.#nchan,
      ntime: count,
      fbottom: this.fbottom,
      df: this.#df,
      dt: this.#dt,
      start: this.start + first * this.#dt,
      dm: this.#dm,
      weights: this.#weights && cut(this.#weights),
      zerosMissing: this.#zerosMissing,
      source: this.source,
      startMjd: this.startMjd,
      kdm: this.#kdm,
      referenceMhz: this.#referenceMhz,
    });
  }

  /** A deep copy. */
  clone(): Spectra {
    return this.#over(this.#data.slice(), this.#weights?.slice() ?? null);
  }

  /** A Spectra with this one's axes over the given arrays. */
  #over(data: Float32Array, weights: Float32Array | null): Spectra {
    return new Spectra(data, {
      nchan: this.#nchan,
      ntime: this.#ntime,
      fbottom: this.fbottom,
      df: this.#df,
      dt: this.#dt,
      start: this.start,
      dm: this.#dm,
      weights,
      zerosMissing: this.#zerosMissing,
      source: this.source,
      startMjd: this.startMjd,
      kdm: this.#kdm,
      referenceMhz: this.#referenceMhz,
    });
  }

  /**
   * A Spectra over the same arrays (no copy). Steps that make new arrays
   * (`subband`, `dedisperseSubband`, `downsample`) leave `this` as it was;
   * steps in place (`dedisperse`, masks, `normalise`) write into both.
   */
  sharingArrays(): Spectra {
    return this.#over(this.#data, this.#weights);
  }

  /**
   * Dedisperses to `dm` from the current DM, in place: channel i moves earlier
   * by `round(kdm * (dm - this.dm) * (f_i^-2 - f_ref^-2) / dt)` samples (ties to
   * even), weights moving with it. Returns `this`.
   * @throws {WaterfallError} `E_DM_RANGE` for a non-finite DM.
   */
  dedisperse(dm: number, options: DedisperseOptions = {}): this {
    const step = dedispersionStep(this.#dm, dm, options, this.source);
    this.#lastShifts = native.dedisperse(this.#view(), this.#axes(), step, this.source);
    this.#dedispersed(dm, options);
    return this;
  }

  /**
   * `dedisperse(dm, options).subband(nsub)` in one pass over the data: each
   * channel is added to its subband already shifted, the full-resolution data
   * are read once and never rewritten. Returns `this`.
   */
  dedisperseSubband(dm: number, nsub: number, options: DedisperseOptions = {}): this {
    const step = dedispersionStep(this.#dm, dm, options, this.source);
    const out = native.dedisperseSubband(this.#view(), this.#axes(), step, nsub, this.source);
    this.#lastShifts = native.channelShifts(this.#nchan, this.#axes(), step, this.source);
    this.#dedispersed(dm, options);
    this.#df *= this.#nchan / out.nchan;
    this.#replace(out);
    return this;
  }

  #dedispersed(dm: number, options: DedisperseOptions): void {
    this.#dm = dm;
    this.#kdm = options.kdm ?? native.K_DM_CHIME;
    this.#referenceMhz = referenceFrequency(this, this.#nchan, options.reference);
  }

  /** Sets the given channels to NaN (weight 0), in place. Returns `this`. */
  maskChannels(channels: Iterable<number>): this {
    const list = Array.from(channels);
    native.maskChannels(this.#view(), list, this.source);
    return this;
  }

  /** Channels whose `|nansum over time| > threshold` (tutorial default 2), or with no valid sample. */
  channelsBySum(threshold = 2): number[] {
    return this.#channelsBy({ sum: threshold });
  }

  /** Channels whose population variance over time, skipping missing samples, `> threshold` (tutorial default 0.05), or with no valid sample. */
  channelsByVariance(threshold = 0.05): number[] {
    return this.#channelsBy({ variance: threshold });
  }

  /** Masks the channels {@link Spectra.channelsBySum} selects. Returns `this`. */
  maskBySum(threshold = 2): this {
    return this.maskBy({ sum: threshold });
  }

  /** Masks the channels {@link Spectra.channelsByVariance} selects. Returns `this`. */
  maskByVariance(threshold = 0.05): this {
    return this.maskBy({ variance: threshold });
  }

  /**
   * Masks, from one pass of channel statistics: channels with `|nansum| >
   * sum`, with `nanvar > variance`, constant channels when `constant`, and
   * channels without a valid sample. Returns `this`.
   */
  maskBy(rules: { sum?: number; variance?: number; constant?: boolean }): this {
    return this.maskChannels(this.#channelsBy(rules));
  }

  #channelsBy({ sum, variance, constant }: { sum?: number; variance?: number; constant?: boolean }): number[] {
    for (const threshold of [sum, variance]) if (threshold !== undefined) this.#checkThreshold(threshold);
    const m = this.#moments(false);
    return this.#select(
      (c) =>
        m.count[c] === 0 ||
        (sum !== undefined && Math.abs(m.sum[c]) > sum) ||
        (variance !== undefined && m.variance[c] > variance) ||
        (constant === true && m.variance[c] === 0),
    );
  }

  /** Channels without any valid (finite) sample. */
  maskedChannels(): number[] {
    const { count } = this.#moments(false);
    return this.#select((c) => count[c] === 0);
  }

  #checkThreshold(threshold: number): void {
    if (!(Number.isFinite(threshold) && threshold >= 0)) {
      throw new WaterfallError("E_ARGUMENT", `mask threshold must be a non-negative number, got ${threshold}`, { file: this.source });
    }
  }

  #select(keep: (channel: number) => boolean): number[] {
    const out: number[] = [];
    for (let c = 0; c < this.#nchan; c++) if (keep(c)) out.push(c);
    return out;
  }

  #moments(weighted: boolean) {
    return native.channelMoments(this.#view(), weighted, this.source);
  }

  /**
   * Per-channel statistics over finite samples (and, when `weighted`, only
   * samples of positive weight). The masks use the unweighted ones, as numpy's
   * `nansum`/`nanvar` on the intensity do in the tutorial.
   */
  channelStats(options: { weighted?: boolean } = {}): ChannelStats {
    const weighted = options.weighted ?? false;
    const moments = this.#moments(weighted);
    const medians = native.channelMedians(this.#view(), weighted, this.source);
    return { ...moments, ...medians };
  }

  /** Turns samples that are exactly 0 into NaN (weight 0), in place. Returns `this`. */
  zerosToNaN(): this {
    native.zerosToNan(this.#view(), this.source);
    return this;
  }

  /**
   * Averages groups of `nchan / nsub` adjacent channels (weighted, skipping missing samples):
   * `fbottom` is kept, `df` grows by `nchan / nsub`. Returns `this`.
   * @throws {WaterfallError} `E_NSUB_DIVISOR` when `nsub` does not divide `nchan`.
   */
  subband(nsub: number): this {
    const out = native.subband(this.#view(), nsub, this.source);
    this.#df *= this.#nchan / out.nchan;
    this.#replace(out);
    return this;
  }

  /**
   * Averages groups of `factor` adjacent samples (weighted, skipping missing samples); a
   * trailing partial group is dropped; `dt` grows by `factor`. Returns `this`.
   */
  downsample(factor: number): this {
    const out = native.downsample(this.#view(), factor, this.source);
    this.#dt *= factor;
    this.#replace(out);
    return this;
  }

  #replace(out: Reduced): void {
    this.#data = out.intensity;
    this.#weights = out.weights;
    this.#zerosMissing = false;
    this.#nchan = out.nchan;
    this.#ntime = out.ntime;
  }

  /**
   * Normalises each channel in place over its valid samples (finite, weight > 0):
   * `fractional` = x/mean - 1, `zscore` = (x - mean)/std, `robust` =
   * (x - median)/(1.4826 MAD). A channel that cannot be normalised (no valid
   * sample, or zero mean/spread) is masked. Returns `this`.
   */
  normalise(method: Normalisation = "fractional"): this {
    if (!NORMALISATIONS.includes(method))
      throw new WaterfallError("E_ARGUMENT", `normalisation must be ${NORMALISATIONS.join(", ")}, got '${method}'`, { file: this.source });
    // Normalising turns zeros into other values: implied zero weights must become explicit first.
    if (this.#zerosMissing && this.#data.includes(0)) void this.weights;
    native.normalise(this.#view(), method, this.source);
    return this;
  }

  /** Sum over channels of every sample, skipping missing ones (`np.nansum(intensity, axis=0)`; ±inf are skipped too). */
  timeseries(): Float64Array {
    return native.timeseries(this.#view(), this.source);
  }

  #measureInput(): MeasureInput {
    return { view: this.#view(), axes: this.#axes(), dm: this.#dm, dispersion: this.dispersion, source: this.source };
  }

  /**
   * The DM-time plane (`[trials][ntime]`, float64): row `j` is the band-summed
   * time series dedispersed from the current DM to trial DM `j`, with the
   * constant and reference of the last dedispersion, computed on the core's
   * thread pool. Samples shifted past an end add nothing unless `wrap: "roll"`.
   * Do not modify this Spectra until the promise settles.
   */
  dmTimePlane(options: PlaneComputeOptions): Promise<MeasuredPlane> {
    return dmTimePlaneOf(this.#measureInput(), options);
  }

  /**
   * DM_phase's structure-maximising DM over the trial DMs (at least 3, and 22
   * samples), with its uncertainty, on the core's thread pool. Do not modify
   * this Spectra until the promise settles.
   */
  bestDmByStructure(options: DmTrialOptions): Promise<StructureDm> {
    return bestDmByStructureOf(this.#measureInput(), options);
  }

  /** Index of the brightest sample of the time series (the first on ties). */
  peak(): number {
    return argmax(this.timeseries());
  }

  /**
   * numpy's `nanpercentile` (linear method) over a block, by default the whole
   * waterfall. Ranges are half-open like Python slices. NaN when the block holds
   * no valid value.
   * @throws {WaterfallError} `E_RANGE` when a range is empty or outside the data.
   */
  percentile(q: number, block?: { channels?: IndexRange; samples?: IndexRange }): number;
  percentile(q: readonly number[], block?: { channels?: IndexRange; samples?: IndexRange }): number[];
  percentile(q: number | readonly number[], block: { channels?: IndexRange; samples?: IndexRange } = {}): number | number[] {
    const [c0, c1] = block.channels ?? [0, this.#nchan];
    const [s0, s1] = block.samples ?? [0, this.#ntime];
    const qs = typeof q === "number" ? [q] : [...q];
    const range = { channelStart: c0, channelEnd: c1, sampleStart: s0, sampleEnd: s1 };
    const values = native.percentiles(this.#view(), range, qs, this.source);
    return typeof q === "number" ? values[0] : values;
  }
}
