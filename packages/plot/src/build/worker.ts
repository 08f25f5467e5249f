/** A build worker thread: renders the figures it is sent, one at a time. */
import { parentPort } from "node:worker_threads";

import type { WaterfallError } from "@wfall/spectra";

import { buildFigure, type RenderedOutput } from "../figure/build.js";
import { isWarning } from "../warnings.js";
import type { MetadataEntry } from "../metadata.js";
import type { ManifestFigure } from "./manifest.js";

export interface JobRequest {
  id: number;
  figure: ManifestFigure;
  /** Embedded in every output (the figure's provenance). */
  metadata: readonly MetadataEntry[];
}

export type JobReply =
  | { id: number; ok: true; outputs: RenderedOutput[]; warnings: string[] }
  | { id: number; ok: false; code: string; message: string; file?: string };

parentPort?.on("message", async ({ id, figure, metadata }: JobRequest) => {
  try {
    const { outputs, notes } = await buildFigure(figure, metadata);
    parentPort!.postMessage({ id, ok: true, outputs, warnings: notes.filter(isWarning) } satisfies JobReply); // copied: napi buffers cannot be transferred
  } catch (error) {
    const e = error as Partial<WaterfallError>;
    const message = (e.message ?? String(error)).replace(e.file ? `${e.file}: ` : "", ""); // the file is sent apart
    parentPort!.postMessage({ id, ok: false, code: e.code ?? "E_INTERNAL", message, file: e.file } satisfies JobReply);
  }
});
