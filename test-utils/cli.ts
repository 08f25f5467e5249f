/** Runs the `plot` program in this process, collecting what it writes. */
import { PassThrough } from "node:stream";

import { main } from "@wfall/plot";

/** The exit code and what `plot ARGV...` wrote to stdout and stderr. */
export async function runCli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: "", err: "" };
  out.on("data", (d) => (chunks.out += d));
  err.on("data", (d) => (chunks.err += d));
  const code = await main(argv, { out, err });
  return { code, ...chunks };
}
