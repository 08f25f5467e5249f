/**
 * `processSpectra`: the processing a figure or `plot prepare` applies to a
 * waterfall, from {@link ProcessOptions}: normalise, mask, dedisperse,
 * subband, downsample. Defaults come from {@link PROCESS_OPTIONS}.
 */
import { readWhole, withResolvedFile } from "./formats/index.js";
import type { DmTimePlane, FormatName } from "./model.js";
import { checkOptions } from "./options/spec.js";
import { AUTO_SUBBANDS, PROCESS_OPTIONS, TUTORIAL_MASKS, type ProcessOptions } from "./options/process.js";
import type { ReadOptions } from "./options/read.js";
import { Spectra } from "./spectra.js";
import { processStreamed, streamPlan, type StreamOptions } from "./stream/index.js";

/** The number of subbands `nsub: "auto"` resolves to for `nchan` channels (null: keep them all). */
export function autoSubbands(nchan: number): number | null {
  return nchan > AUTO_SUBBANDS && nchan % AUTO_SUBBANDS === 0 ? AUTO_SUBBANDS : null;
}

/** The subband count the options ask for, resolved for `nchan` channels (null: keep them all). */
export function subbandsFor(nchan: number, nsub: ProcessOptions["nsub"]): number | null {
  const wanted = nsub ?? PROCESS_OPTIONS.nsub.default;
  const resolved = wanted === "auto" ? autoSubbands(nchan) : wanted;
  return resolved === nchan ? null : resolved;
}

/** The channel-mask thresholds the options ask for (`masks` fills in the tutorial's). */
export function maskThresholds(options: ProcessOptions): { sum?: number; variance?: number; constant: boolean } {
  const tutorial: Partial<typeof TUTORIAL_MASKS> = options.masks ? TUTORIAL_MASKS : {};
  return {
    sum: options.maskSum ?? tutorial.maskSum,
    variance: options.maskVariance ?? tutorial.maskVariance,
    constant: options.maskConstant ?? PROCESS_OPTIONS.maskConstant.default,
  };
}

/**
 * Applies the processing options to a Spectra in place. The tutorial's order
 * is dedisperse, mask by sum, mask by variance, subband; with circular
 * dedispersion every per-channel step (normalising, the masks) gives the same
 * result before dedispersing, so they run first, on one pass of channel
 * statistics, and dedispersion and subbanding then share one pass over the data.
 */
export function processSpectra(spectra: Spectra, options: ProcessOptions): Spectra {
  checkOptions(PROCESS_OPTIONS, options, spectra.source);
  const dedisperse = { kdm: options.kdm, reference: options.reference };
  channelSteps(spectra, options);
  const nsub = subbandsFor(spectra.nchan, options.nsub);
  if (options.dm !== undefined && nsub !== null) spectra.dedisperseSubband(options.dm, nsub, dedisperse);
  else if (options.dm !== undefined) spectra.dedisperse(options.dm, dedisperse);
  else if (nsub !== null) spectra.subband(nsub);
  const factor = options.downsample ?? PROCESS_OPTIONS.downsample.default;
  if (factor !== 1) spectra.downsample(factor);
  return spectra;
}

/**
 * The per-channel steps of {@link processSpectra}: normalising, then the masks. For a gulp of
 * channels cut from a larger waterfall, `offset` is the index of its first channel there (the
 * numbering `maskChannels` uses).
 */
export function channelSteps(spectra: Spectra, options: ProcessOptions, offset?: number): void {
  if (options.normalise) spectra.normalise(options.normalise);
  spectra.maskBy(maskThresholds(options));
  const listed = options.maskChannels ?? [];
  // in a gulp: the listed channels that fall in it (the streaming plan checked that they all exist)
  const channels = offset === undefined ? listed : listed.filter((c) => c >= offset && c < offset + spectra.nchan).map((c) => c - offset);
  if (channels.length) spectra.maskChannels(channels);
}

/** A processed file: the waterfall after the options' processing, and how the file was read. */
export interface ProcessedFile {
  spectra: Spectra;
  format: FormatName;
  /** How it was read: the npz layout, or the format's name. */
  layout: string;
  /** What the reader assumed or changed. */
  notes: string[];
  /** A DM-time plane on the input's time axis (FETCH/your candidates), not processed. */
  dmTime?: DmTimePlane;
  /** Whether it was streamed in gulps rather than read whole. */
  streamed: boolean;
}

/**
 * Reads a file and applies {@link processSpectra}'s processing. When its format reads gulps and
 * the options reduce the data (subbands, downsampling), it is streamed through the fused kernels
 * in gulps of whole channels or of consecutive samples, never whole in memory; otherwise it is
 * read whole. The numbers are the same either way.
 */
export async function processFile(file: string, read: ReadOptions, options: ProcessOptions, how: StreamOptions = {}): Promise<ProcessedFile> {
  checkOptions(PROCESS_OPTIONS, options, file);
  return withResolvedFile(file, read, async (resolved) => {
    const described = { format: resolved.format, layout: resolved.opened.layout, notes: resolved.notes };
    const plan = streamPlan(resolved, options, how);
    if (plan) return { ...described, spectra: await processStreamed(plan, options), streamed: true };
    const waterfall = await readWhole(resolved);
    return { ...described, spectra: processSpectra(Spectra.fromWaterfall(waterfall), options), dmTime: waterfall.dmTime, streamed: false };
  });
}
