/**
 * What both streaming paths (blocks of channels, gulps of time samples)
 * share: the options they leave to the in-memory path, a one-sample skeleton
 * of the band on which the in-memory code builds the mask record, and the
 * reduced result as the in-memory path describes it.
 */
import { referenceFrequency } from "../dedispersion.js";
import type { OpenedFile, WaterfallFormat } from "../formats/format.js";
import type { ReadPlan } from "../formats/index.js";
import type { ChannelMask } from "../masks/record.js";
import type { ProcessOptions } from "../options/process.js";
import { normalisationOf, subbandsFor } from "../process.js";
import { Spectra } from "../spectra.js";

/** The options that ask for RFI statistics across channels (the streaming paths leave them to the in-memory one). */
const RFI_OPTIONS = ["zeroDm", "maskIqrm", "maskSk", "maskMad", "maskTukey", "maskCfod", "maskAuto"] as const satisfies readonly (keyof ProcessOptions)[];

/** Why options or a file's own masks keep a read whole whatever its layout (undefined: they do not). */
export function optionsRefusal(opened: OpenedFile, options: ProcessOptions): string | undefined {
  if (opened.channelMask) return "the file records channel masks of its own";
  const rfi = RFI_OPTIONS.find((key) => options[key] !== undefined && options[key] !== false);
  if (rfi) return `--${rfi} needs statistics across every channel`;
  if (subbandsFor(opened.nchan, options.nsub) === null) return "the channels are kept (no subbands): the result is full resolution";
  return undefined;
}

/**
 * The band of a planned read as a Spectra of one sample (1) per channel, with
 * `channelMask`: the in-memory steps that depend on the band only (given
 * masks) or on decisions taken from the whole file run on it, building the
 * mask record exactly as on the whole array.
 */
export function bandSkeleton(opened: OpenedFile, format: WaterfallFormat, plan: ReadPlan, channelMask?: ChannelMask): Spectra {
  const { axes, file } = plan;
  return Spectra.fromWaterfall({
    ...axes,
    intensity: new Float32Array(opened.nchan).fill(1),
    nchan: opened.nchan,
    ntime: 1,
    start: plan.first * axes.dt,
    zerosMissing: false,
    file,
    format: format.name,
    layout: opened.layout,
    dtype: opened.dtype,
    notes: [],
    channelMask,
    fileDescending: (opened.descending ?? false) || plan.flip,
  });
}

/** Channels of a skeleton masked now (NaN). */
export function maskedOf(skeleton: Spectra): number[] {
  return indicesWhere(skeleton.data, Number.isNaN);
}

/** The indices of the values that `keep` keeps. */
export function indicesWhere(values: ArrayLike<number>, keep: (v: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (keep(values[i])) out.push(i);
  return out;
}

/** What a reduced result is, besides its samples. */
export interface ReducedResult {
  opened: OpenedFile;
  plan: ReadPlan;
  /** The resolved options. */
  options: ProcessOptions;
  nsub: number;
  ntime: number;
  /** Seconds of its first sample, and its sample time. */
  start: number;
  dt: number;
  channelMask: ChannelMask;
}

/** The subbanded (dedispersed, ...) samples as a Spectra with everything the in-memory path gives it. */
export function reducedSpectra(intensity: Float32Array, weights: Float32Array, r: ReducedResult): Spectra {
  const { axes, file } = r.plan;
  const { options, opened } = r;
  return new Spectra(intensity, {
    ...axes,
    nchan: r.nsub,
    ntime: r.ntime,
    df: axes.df * (opened.nchan / r.nsub),
    dt: r.dt,
    start: r.start,
    dm: options.dm ?? axes.dm,
    weights,
    source: file,
    startMjd: opened.startMjd,
    channelMask: r.channelMask,
    fileDescending: (opened.descending ?? false) || r.plan.flip,
    kdm: options.dm === undefined ? undefined : options.kdm,
    referenceMhz: referenceFrequency(axes, opened.nchan, options.dm === undefined ? undefined : options.reference),
    normalised: normalisationOf(options),
  });
}
