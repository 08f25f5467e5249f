/** Runs the `plot` program in this process, capturing its exit code, stdout and stderr. */
import { PassThrough } from "node:stream";

import { main } from "@wfall/plot";

export async function runPlot(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: "", err: "" };
  out.on("data", (d) => (chunks.out += d));
  err.on("data", (d) => (chunks.err += d));
  const code = await main(argv, { out, err });
  return { code, ...chunks };
}
