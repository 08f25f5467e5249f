/**
 * `Spectra`: a waterfall in memory with its axes, mirroring CHIME's
 * `iautils.spectra.Spectra`. Heavy work runs in the native core on the whole
 * array; operations that keep the shape work in place and return `this`.
 */
import ndarray from "ndarray";

import { argmax, sliceColumns } from "./arrays.js";
import { dedispersionStep, referenceFrequency, type DedisperseOptions } from "./dedispersion.js";
import { WaterfallError } from "./errors.js";
import { copyMask, emptyMask, maskedOn, recordOrigin, type ChannelMask, type MaskGrid, type MaskOrigin, type MaskStep } from "./masks/record.js";
import { describeRfiSteps, rfiRequest, type RfiFlags, type RfiMethods } from "./masks/rfi.js";
import { bestDmByStructureOf, dmTimePlaneOf, type DmTrialOptions, type MeasureInput, type PlaneComputeOptions } from "./measure.js";
import { channelCentres, checkAxes, type Waterfall } from "./model.js";
import * as native from "./native.js";
import {
  NORMALISATIONS,
  ZERO_DM_VARIANTS,
  type MeasuredPlane,
  type Normalisation,
  type Reduced,
  type StructureDm,
  type WaterfallView,
  type Wrap,
  type ZeroDmVariant,
} from "./native.js";

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
  /**
   * Channel masks already applied, with their origins (what the file marks bad,
   * or the masks of a prepared file). Default: none.
   */
  channelMask?: ChannelMask;
  /** Whether the file stores its channels from the highest frequency (rows were flipped on reading). Default false. */
  fileDescending?: boolean;
  /** Modified Julian Date of the start of the file (time 0 of `start`), when the file says. */
  startMjd?: number;
  /** How the data were last dedispersed: the constant (default {@link K_DM_CHIME}) ... */
  kdm?: number;
  /** ... and the frequency aligned to, MHz (`Infinity`: infinite frequency). Default the highest channel's centre. */
  referenceMhz?: number;
  /** How the values were normalised, when they were: an exact zero is then a value, not a dropped sample. */
  normalised?: Normalisation;
}

/** How a mask step is reported: its description, the option that asked for it, its parameters. */
export type MaskStepInfo = Partial<Pick<MaskStep, "description" | "option" | "parameters">>;

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

/** The count, sum, mean and variance of each channel ({@link Spectra.channelMoments}). */
export type ChannelMoments = Pick<ChannelStats, "count" | "sum" | "mean" | "variance">;

/** The statistics the channel masks decide on ({@link Spectra.maskBy}). */
export type MaskMoments = Pick<ChannelStats, "count" | "sum" | "variance">;

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
  #mask: ChannelMask;
  /** Whether the file stores its channels from the highest frequency (its channel 0 is our last row). */
  readonly fileDescending: boolean;
  #kdm: number;
  #referenceMhz: number;
  /** Lower edge of the band, MHz: channel `i` is centred at `fbottom + (i + 1/2)·df`. */
  readonly fbottom: number;
  readonly start: number;
  readonly source: string | undefined;
  /** Modified Julian Date of the start of the file (time 0 of {@link Spectra.start}), when the file says. */
  readonly startMjd: number | undefined;
  #normalised: Normalisation | undefined;
  /**
   * Channels {@link Spectra.maskBy} wrote as NaN since the arrays were made or
   * last handed out (whoever holds them may write into them):
   * {@link Spectra.dedisperseSubband} leaves them out of its pass unread, which
   * gives the sums that reading their NaN gives.
   */
  #leftOut: number[] = [];

  /**
   * Wraps (does not copy) a row-major intensity array.
   * @throws {WaterfallError} `E_SHAPE` when the length is not `nchan * ntime`, `E_VALUE` for bad axes.
   */
  constructor(intensity: Float32Array, options: SpectraOptions) {
    const {
      nchan,
      ntime,
      fbottom,
      df,
      dt,
      start = 0,
      dm = 0,
      weights = null,
      zerosMissing = false,
      source,
      startMjd,
      channelMask,
      fileDescending = false,
    } = options;
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
    this.fileDescending = fileDescending;
    this.#mask = channelMask ? copyMask(channelMask) : emptyMask({ nchan, fbottom, df });
    this.startMjd = startMjd;
    this.#kdm = options.kdm ?? native.K_DM_CHIME;
    this.#referenceMhz = options.referenceMhz ?? referenceFrequency({ fbottom, df }, nchan);
    this.#normalised = options.normalised;
  }

  /**
   * A Spectra over a waterfall read from disk (sharing its intensity array).
   * Weights are the file's own when it stores them; otherwise, as the tutorial
   * does, 0 where the intensity is exactly 0 (or NaN) and 1 elsewhere.
   */
  static fromWaterfall(wf: Waterfall): Spectra {
    const spectra = new Spectra(wf.intensity, {
      ...wf,
      weights: wf.weights ?? null,
      zerosMissing: wf.zerosMissing ?? !wf.weights,
      source: wf.file,
      startMjd: wf.startMjd,
      channelMask: undefined,
      fileDescending: wf.fileDescending,
    });
    if (wf.channelMask) spectra.#adoptMask(wf.channelMask);
    return spectra;
  }

  /** Takes a file's channel masks (on this grid or a finer one of the same band) and masks their channels. */
  #adoptMask(mask: ChannelMask): void {
    this.#mask = copyMask(mask);
    // channels without a valid sample are masked already (and stay as the file has them, e.g. zeros of weight 0)
    const recorded = maskedOn(this.#mask, this.#grid());
    if (recorded.length === 0) return;
    const empty = new Set(native.emptyChannels(this.#view(), this.#zerosMissing, this.source));
    const masked = recorded.filter((c) => !empty.has(c));
    if (masked.length) native.maskChannels(this.#view(), masked, this.source);
  }

  /** The channel grid of the data now. */
  #grid(): MaskGrid {
    return { nchan: this.#nchan, fbottom: this.fbottom, df: this.#df };
  }

  /**
   * The channel masks so far and where each came from, on the grid the data had
   * when they were first masked (the full resolution: subbanding keeps it). A copy.
   */
  get channelMask(): ChannelMask {
    return copyMask(this.#mask);
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
    this.#leftOut = [];
    return this.#data;
  }

  /** The intensity as an ndarray view `[nchan][ntime]` on the same memory. */
  get intensity(): ndarray.NdArray<Float32Array> {
    this.#leftOut = [];
    return ndarray(this.#data, [this.#nchan, this.#ntime]);
  }

  /** The weights array (made on first access while the weights are implied by the intensity). */
  get weights(): Float32Array {
    this.#leftOut = [];
    if (!this.#weights) {
      this.#weights = native.validWeights(this.#view(), this.source);
      this.#zerosMissing = false;
    }
    return this.#weights;
  }

  /** How {@link Spectra.normalise} last normalised the values (an exact zero is then a value, not a dropped sample). */
  get normalised(): Normalisation | undefined {
    return this.#normalised;
  }

  /**
   * The weights a file must store: `null` while they are implied and reading
   * the intensity back from an npz implies the same ones (zeros are missing
   * there, so only data whose zeros are values need the array).
   */
  weightsToStore(): Float32Array | null {
    if (this.#weights === null && (this.#zerosMissing || !native.containsZero(this.#data))) return null;
    return this.weights;
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
    return this.#over(cut(this.#data), this.#weights && cut(this.#weights), { ntime: count, start: this.start + first * this.#dt });
  }

  /** A deep copy. */
  clone(): Spectra {
    return this.#over(this.#data.slice(), this.#weights?.slice() ?? null);
  }

  /** A Spectra with this one's axes over the given arrays (of `ntime` samples from `start`, by default this one's). */
  #over(data: Float32Array, weights: Float32Array | null, time: { ntime: number; start: number } = { ntime: this.#ntime, start: this.start }): Spectra {
    return new Spectra(data, {
      nchan: this.#nchan,
      ntime: time.ntime,
      fbottom: this.fbottom,
      df: this.#df,
      dt: this.#dt,
      start: time.start,
      dm: this.#dm,
      weights,
      zerosMissing: this.#zerosMissing,
      source: this.source,
      channelMask: this.#mask,
      fileDescending: this.fileDescending,
      startMjd: this.startMjd,
      kdm: this.#kdm,
      referenceMhz: this.#referenceMhz,
      normalised: this.#normalised,
    });
  }

  /**
   * A Spectra over the same arrays (no copy). Steps that make new arrays
   * (`subband`, `dedisperseSubband`, `downsample`) leave `this` as it was;
   * steps in place (`dedisperse`, masks, `normalise`) write into both.
   */
  sharingArrays(): Spectra {
    this.#leftOut = []; // either may write into the arrays now
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
   * are read once and never rewritten (the channels masked just before are
   * left out unread). Returns `this`.
   */
  dedisperseSubband(dm: number, nsub: number, options: DedisperseOptions = {}): this {
    const step = dedispersionStep(this.#dm, dm, options, this.source);
    const out = native.dedisperseSubband(this.#view(), this.#axes(), step, nsub, this.source, this.#leftOut);
    this.#lastShifts = native.channelShifts(this.#nchan, this.#axes(), step, this.source);
    this.#dedispersed(dm, options);
    this.#df *= this.#nchan / out.nchan;
    this.#replace(out);
    return this;
  }

  /**
   * The subbands of these channels dedispersed by the given per-channel shifts
   * (samples, positive = toward earlier time), as {@link Spectra.dedisperseSubband}
   * makes them: for a block of channels cut from a larger band, with that
   * band's shifts, the block's subbands exactly as in the whole. Leaves this
   * Spectra as it was.
   */
  subbandsShiftedBy(shifts: Float64Array, nsub: number, wrap?: Wrap): Reduced {
    return native.dedisperseSubbandBy(this.#view(), shifts, wrap, nsub, this.source);
  }

  #dedispersed(dm: number, options: DedisperseOptions): void {
    this.#dm = dm;
    this.#kdm = options.kdm ?? native.K_DM_CHIME;
    this.#referenceMhz = referenceFrequency(this, this.#nchan, options.reference);
  }

  /**
   * Sets the given channels to NaN (weight 0), in place, and records their
   * origin (default `manual`) for the channels not masked before. Returns `this`.
   */
  maskChannels(channels: Iterable<number>, origin: MaskOrigin = "manual", step: MaskStepInfo = {}): this {
    const list = Array.from(channels);
    native.maskChannels(this.#view(), list, this.source);
    this.#record(list, origin, { description: `${list.length} channel(s) given`, ...step });
    return this;
  }

  /** Records `origin` for `channels` (of the data's grid now) and the step that masked them. */
  #record(channels: readonly number[], origin: MaskOrigin, step: MaskStepInfo & { description: string }): void {
    const taken = recordOrigin(this.#mask, this.#grid(), channels, origin);
    this.#mask.steps.push({ ...step, method: origin, channels: taken });
  }

  /** Channels found without a valid sample: the origin `file`, with a step only when some had no origin yet. */
  #recordFound(channels: readonly number[], description: string): void {
    const taken = recordOrigin(this.#mask, this.#grid(), channels, "file");
    if (taken > 0) this.#mask.steps.push({ method: "file", description, channels: taken });
  }

  /** Adds a remark to the mask record (shown with the masks' summary). */
  noteMask(note: string): this {
    this.#mask.notes.push(note);
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
   * channels without a valid sample. `moments`: those statistics of the data
   * as they are now when the caller has them ({@link Spectra.channelMoments},
   * or the streaming paths' passes over the whole file for a skeleton of the
   * band): that pass is then not made. Returns `this`.
   */
  maskBy(
    rules: { sum?: number; variance?: number; constant?: boolean },
    options: Partial<Record<"sum" | "variance" | "constant", string>> = {},
    moments?: MaskMoments,
  ): this {
    const { empty, sum, variance, constant } = this.#rulesBy(rules, moments);
    const masked = [...new Set([...empty, ...sum, ...variance, ...constant])];
    native.maskChannels(this.#view(), masked, this.source);
    this.#leftOut.push(...masked);
    this.#recordFound(empty, "every sample missing");
    if (rules.sum !== undefined)
      this.#record(sum, "sum", { description: `|sum over time| > ${rules.sum}`, option: options.sum, parameters: { sum: rules.sum } });
    if (rules.variance !== undefined)
      this.#record(variance, "variance", {
        description: `variance over time > ${rules.variance}`,
        option: options.variance,
        parameters: { variance: rules.variance },
      });
    if (rules.constant) this.#record(constant, "constant", { description: "constant in time", option: options.constant });
    return this;
  }

  #channelsBy(rules: { sum?: number; variance?: number; constant?: boolean }): number[] {
    const { empty, sum, variance, constant } = this.#rulesBy(rules);
    return [...new Set([...empty, ...sum, ...variance, ...constant])].sort((a, b) => a - b);
  }

  /** The channels each rule selects, from one pass of statistics (`empty`: no valid sample). */
  #rulesBy({ sum, variance, constant }: { sum?: number; variance?: number; constant?: boolean }, moments?: MaskMoments) {
    for (const threshold of [sum, variance]) if (threshold !== undefined) this.#checkThreshold(threshold);
    if (moments && moments.count.length !== this.#nchan)
      throw new WaterfallError("E_SHAPE", `moments of ${moments.count.length} channels given for ${this.#nchan} channels`, { file: this.source });
    const m = moments ?? this.#moments(false);
    return {
      empty: this.#select((c) => m.count[c] === 0),
      sum: sum === undefined ? [] : this.#select((c) => Math.abs(m.sum[c]) > sum),
      variance: variance === undefined ? [] : this.#select((c) => m.variance[c] > variance),
      constant: constant === true ? this.#select((c) => m.variance[c] === 0) : [],
    };
  }

  /**
   * Zero-DM subtraction (Eatough, Keane & Lyne 2009) in place: `sigpyproc`
   * (`x - sum_c x * bp/sum(bp) + bp`, bandpass-weighted, for power data) or
   * `jess` (`x - mean over channels + bp`, any data), with the channel means
   * as bandpass. Returns `this`.
   * @throws {WaterfallError} `E_ARGUMENT` on data already dedispersed (DM not 0): it would subtract the burst.
   */
  zeroDm(variant: ZeroDmVariant, step: MaskStepInfo = {}): this {
    if (!ZERO_DM_VARIANTS.includes(variant))
      throw new WaterfallError("E_ARGUMENT", `zero-DM variant must be ${ZERO_DM_VARIANTS.join(" or ")}, got '${variant}'`, { file: this.source });
    this.#refuseDedispersed();
    this.#explicitZeroWeights();
    native.zeroDm(this.#view(), variant, this.source);
    this.#mask.steps.push({ method: "zerodm", description: `zero-DM (${variant}) subtracted`, ...step, channels: 0, parameters: { variant } });
    return this;
  }

  #refuseDedispersed(): void {
    if (this.#dm !== 0)
      throw new WaterfallError(
        "E_ARGUMENT",
        `zero-DM subtraction belongs before dedispersion, but these data are at DM ${this.#dm}: it would subtract the burst itself (if the file's DM is wrong, give --file-dm 0)`,
        { file: this.source },
      );
  }

  /** Operations that change values need the zero-means-missing rule as explicit weights first. */
  #explicitZeroWeights(): void {
    if (this.#zerosMissing && native.containsZero(this.#data)) void this.weights;
  }

  /**
   * Flags channels by the named RFI methods from one pass of channel statistics
   * (after zero-DM, when asked, which changes the data in place) and masks them,
   * each channel keeping the first method that flagged it as its origin (order:
   * constant, IQRM, SK, MAD, Tukey, cfod, then the automatic mask). Channels
   * without a valid sample get the origin `file`. `options` names the option
   * that asked for each method, for messages. Returns what each method did.
   * @throws {WaterfallError} `E_ARGUMENT` for zero-DM on dedispersed data, or SK on data that are not power.
   */
  maskRfi(methods: RfiMethods, options: Partial<Record<keyof RfiMethods, string>> = {}): RfiFlags {
    if (methods.zeroDm) this.#refuseDedispersed();
    if (methods.zeroDm) this.#explicitZeroWeights();
    const result = native.flagChannels(this.#view(), this.#axes(), rfiRequest(methods), this.source);
    const flagged = result.origin.flatMap((o, c) => (o === "" ? [] : [c]));
    const empty = result.empty.flatMap((e, c) => (e ? [c] : []));
    native.maskChannels(this.#view(), [...flagged, ...empty], this.source);
    this.#recordFound(empty, "no valid sample");
    for (const { channels, ...step } of describeRfiSteps(methods, result, options)) {
      if (step.method === "zerodm") this.#mask.steps.push({ ...step, channels: 0 });
      else this.#record(channels, step.method, step);
    }
    return { ...result, origin: result.origin.map((o) => (o === "" ? null : (o as MaskOrigin))) };
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
   * The count, sum, mean and variance of {@link channelStats} alone: one pass
   * over the samples, without the medians (a selection per channel).
   */
  channelMoments(options: { weighted?: boolean } = {}): ChannelMoments {
    return this.#moments(options.weighted ?? false);
  }

  /**
   * Per-channel statistics over finite samples (and, when `weighted`, only
   * samples of positive weight). The masks use the unweighted ones, as numpy's
   * `nansum`/`nanvar` on the intensity do in the tutorial.
   */
  channelStats(options: { weighted?: boolean } = {}): ChannelStats {
    const weighted = options.weighted ?? false;
    const moments = this.channelMoments({ weighted });
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
    this.#leftOut = [];
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
    this.#explicitZeroWeights();
    const masked = native.normalise(this.#view(), method, this.source);
    return this.#normalisedBy(method, masked > 0);
  }

  /**
   * Records a normalisation computed elsewhere (the streaming path, gulp by
   * gulp, for a skeleton of the band) as {@link Spectra.normalise} records
   * its own: `unnormalised` are the channels it could not normalise (no
   * valid sample, or no spread), which are masked. Returns `this`.
   */
  markNormalised(method: Normalisation, unnormalised: readonly number[]): this {
    native.maskChannels(this.#view(), [...unnormalised], this.source);
    return this.#normalisedBy(method, unnormalised.length > 0);
  }

  #normalisedBy(method: Normalisation, masked: boolean): this {
    this.#normalised = method;
    if (masked) {
      // the channels it could not normalise are now without a valid sample; those not masked before are its own
      const { count } = this.#moments(true);
      this.#record(
        this.#select((c) => count[c] === 0),
        "normalise",
        { description: `could not be normalised (${method}: no spread)` },
      );
    }
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
