/** The native core is safe to call from several worker threads at once: results equal the main thread's. */
import { join } from "node:path";
import { Worker } from "node:worker_threads";

import { expect, it } from "vitest";

import { openWaterfall, Spectra } from "@wfall/spectra";

import { fixtures, repoRoot } from "../../../test-utils/helpers.js";

const input = join(fixtures, "synthetic_128x1024.npz");

/** What each thread computes: a dedispersed, masked, subbanded waterfall and its percentiles. */
const job = `
  const { parentPort, workerData } = require("node:worker_threads");
  (async () => {
    const { openWaterfall, Spectra } = await import(workerData.spectra);
    const results = [];
    for (let i = 0; i < 20; i++) {
      const spec = Spectra.fromWaterfall(await openWaterfall(workerData.input));
      spec.dedisperse(87.77 + i).maskBy({ sum: 2, variance: 0.05 }).subband(32);
      results.push([Array.from(spec.data.subarray(0, 64)), spec.percentile([2.5, 97.5])]);
    }
    parentPort.postMessage(results);
  })();
`;

it("four worker threads running kernels at once agree with the main thread", async () => {
  const spectra = join(repoRoot, "packages/spectra/dist/index.js");
  const runs = Array.from({ length: 4 }, () => {
    const worker = new Worker(job, { eval: true, workerData: { input, spectra }, execArgv: [] });
    return new Promise<unknown[]>((resolve, reject) => worker.on("message", resolve).on("error", reject));
  });
  const expected: unknown[] = [];
  for (let i = 0; i < 20; i++) {
    const spec = Spectra.fromWaterfall(await openWaterfall(input));
    spec
      .dedisperse(87.77 + i)
      .maskBy({ sum: 2, variance: 0.05 })
      .subband(32);
    expected.push([Array.from(spec.data.subarray(0, 64)), spec.percentile([2.5, 97.5])]);
  }
  for (const result of await Promise.all(runs)) expect(result).toEqual(expected);
});
