/**
 * The streaming path: a file of any size processed in gulps through the fused kernels, in memory
 * that does not grow with it, with the numbers the in-memory path gives. {@link processFile}
 * (process.ts) chooses it when the format reads gulps and the options reduce the data.
 */
import type { ProcessOptions } from "../options/process.js";
import type { Spectra } from "../spectra.js";
import { reduceChannelGulps } from "./channels.js";
import type { StreamPlan } from "./plan.js";
import { reduceTimeGulps } from "./time.js";

export { streamPlan, type StreamOptions, type StreamPlan } from "./plan.js";

/** Processes a file along its streaming plan. */
export function processStreamed(plan: StreamPlan, options: ProcessOptions): Promise<Spectra> {
  return plan.gulps.kind === "channels" ? reduceChannelGulps(plan, plan.gulps, options) : reduceTimeGulps(plan, plan.gulps);
}
