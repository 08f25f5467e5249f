/**
 * Reading and processing in one call, as figures and `plot prepare` need it:
 * a large channel-major file streams through {@link processChannelGulps} in
 * blocks of channels, a large time-major one (a filterbank) through
 * {@link processTimeGulps} in gulps of time samples (memory bounded by a
 * block or two gulps and the subbanded result); everything else is read
 * whole and processed in memory. Both give the same numbers.
 */
import { type Input, inputLabel, readPlanned, withPlannedRead } from "../formats/index.js";
import type { Waterfall } from "../model.js";
import { PROCESS_OPTIONS, type ProcessOptions } from "../options/process.js";
import type { ReadOptions } from "../options/read.js";
import { checkOptions } from "../options/spec.js";
import { type Processed, processWaterfall, sweepTargetOf } from "../process.js";
import { channelGulpsRefusal, DEFAULT_GULP_BYTES, processChannelGulps } from "./channel-gulps.js";
import { processTimeGulps, timeGulpsRefusal } from "./time-gulps.js";

/** What a read was, without its samples (a streamed read never holds them all). */
export type WaterfallRead = Omit<Waterfall, "intensity" | "weights">;

/** A processed waterfall and how it was read. */
export interface ReadAndProcessed extends Processed {
  waterfall: WaterfallRead;
  /** Why the samples were read whole, or undefined when they streamed. */
  inMemory?: string;
}

/** When to stream. */
export interface StreamTuning {
  /** Stream when the samples read take more than this many bytes as float32. Default `WFALL_STREAM_BYTES`, else 256 MiB. */
  streamAboveBytes?: number;
  /** Bytes of samples per block: as float32 for blocks of channels, as stored for gulps of time samples. Default 32 MiB. */
  gulpBytes?: number;
}

/** Reads at most this many float32 bytes whole by default: below it a second pass costs more than the memory saved. */
export const STREAM_ABOVE_BYTES = 256 << 20;

/** The streaming threshold: `WFALL_STREAM_BYTES` when set (0 streams every read that can stream), else {@link STREAM_ABOVE_BYTES}. */
function streamAboveBytes(): number {
  const env = Number(process.env.WFALL_STREAM_BYTES);
  return process.env.WFALL_STREAM_BYTES !== undefined && Number.isFinite(env) && env >= 0 ? env : STREAM_ABOVE_BYTES;
}

/**
 * Reads `input` (holding the dispersion sweep around the range asked for)
 * and processes it as `processWaterfall(openWaterfall(...))` does, streaming
 * when the samples are large and the file and options allow (see
 * {@link channelGulpsRefusal} and {@link timeGulpsRefusal}).
 */
export async function readProcessed(input: Input, read: ReadOptions, options: ProcessOptions, tuning: StreamTuning = {}): Promise<ReadAndProcessed> {
  checkOptions(PROCESS_OPTIONS, options, inputLabel(input));
  return withPlannedRead(input, { ...read, includeSweep: sweepTargetOf(options) }, async (opened, format, plan) => {
    const bytes = 4 * opened.nchan * plan.count;
    const small = bytes <= (tuning.streamAboveBytes ?? streamAboveBytes()) ? `${bytes} bytes are read whole` : undefined;
    const several = typeof input === "string" ? undefined : "several files";
    let refusal = small ?? several;
    if (refusal === undefined && opened.timeRows) {
      refusal = timeGulpsRefusal(opened, options, plan.window, plan.count);
      if (refusal === undefined) return processTimeGulps(opened, format, plan, options, tuning.gulpBytes);
    } else if (refusal === undefined) {
      refusal = channelGulpsRefusal(opened, options);
      if (refusal === undefined) return processChannelGulps(opened, format, plan, options, tuning.gulpBytes ?? DEFAULT_GULP_BYTES);
    }
    const waterfall = await readPlanned(opened, format, plan);
    // a large read held whole is worth knowing (memory): say why it could not stream
    if (!small) waterfall.notes.push(`read whole (${(bytes / 2 ** 20).toFixed(0)} MiB as float32), not streamed: ${refusal}`);
    return { ...processWaterfall(waterfall, options), waterfall, inMemory: refusal };
  });
}
