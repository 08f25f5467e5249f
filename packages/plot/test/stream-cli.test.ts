/**
 * `plot prepare` and `plot` give the same bytes whether the npz streams in
 * blocks of channels (WFALL_STREAM_BYTES=0: every read that can stream does)
 * or is read whole: the command line goes through the streaming path.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeAll, describe, expect, it } from "vitest";

import { runCli } from "../../../test-utils/cli.js";
import { runPython } from "../../../test-utils/helpers.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "wfall-stream-cli-"));
  runPython("python/npz_stream_fixtures.py", [dir]);
});
afterEach(() => {
  delete process.env.WFALL_STREAM_BYTES;
});

/** Runs `plot ARGS` read whole, then streamed, writing to `name` in each; returns both outputs and runs. */
async function bothWays(args: (output: string) => string[], name: string) {
  const results = [];
  for (const env of [undefined, "0"]) {
    if (env === undefined) delete process.env.WFALL_STREAM_BYTES;
    else process.env.WFALL_STREAM_BYTES = env;
    const output = join(dir, `${env ?? "whole"}-${name}`);
    const run = await runCli(args(output));
    expect(run.code, run.err).toBe(0);
    results.push({ bytes: readFileSync(output), err: run.err });
  }
  return results;
}

describe("the command line streams large npz members", () => {
  it("plot prepare writes the same npz, provenance and mask report", async () => {
    const file = join(dir, "dead.npz");
    const [whole, streamed] = await bothWays(
      (o) => ["prepare", file, "--dm", "30", "--nsub", "64", "--mask-channels", "5,6", "--mask-freq", "600:610", "-o", o],
      "prepared.npz",
    );
    expect(streamed.err).toBe(whole.err);
    expect(streamed.err).toMatch(/masked/);
    expect(Buffer.compare(streamed.bytes, whole.bytes)).toBe(0);
  });

  it("plot draws the same figure from a time range", async () => {
    const file = join(dir, "raw.npz");
    const [whole, streamed] = await bothWays((o) => ["--fname", file, "--dm", "30", "--start", "0.1", "--duration", "0.4", "--figname", o], "figure.svg");
    expect(streamed.err).toBe(whole.err);
    expect(streamed.bytes.toString()).toBe(whole.bytes.toString());
  });
});
