#!/usr/bin/env node
// Mutation fuzzing of the waterfall readers: valid npz (and filterbank) files
// with random bit flips, byte writes, truncations and splices are read, then
// drawn from; every failure must be a WaterfallError other than E_INTERNAL.
// Anything else (a crash, a TypeError, a native panic) is a finding, saved to
// fuzz/regressions/npz and replayed by the test suite. Each input is written
// to CURRENT_INPUT before it is tried, so a caller that kills a hung run
// (scripts/fuzz.mjs) can keep the input that hung.
//
//   node fuzz/npz.mjs SECONDS [CURRENT_INPUT]
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { encodeNpz } from "@wfall/spectra";

import { exercise, isFinding } from "./exercise.mjs";

const seconds = Number(process.argv[2] ?? 30);
const here = new URL(".", import.meta.url).pathname;
const file = process.argv[3] ?? join(mkdtempSync(join(tmpdir(), "wfall-fuzz-")), "input");

/** A small waterfall npz, stored or deflated. */
async function seed(compressed, nchan, ntime) {
  const values = Float32Array.from({ length: nchan * ntime }, (_, i) => Math.sin(i) * (i % 7 === 0 ? 0 : 1));
  const scalar = (v) => ({ values: Float64Array.of(v), shape: [] });
  return encodeNpz({ intensity: { values, shape: [nchan, ntime] }, dt: scalar(1e-3), df: scalar(3.125), dm: scalar(10), fbottom: scalar(400) }, { compressed });
}

function filterbankSeed() {
  const parts = [];
  const string = (s) => parts.push(Buffer.from(Int32Array.of(s.length).buffer), Buffer.from(s, "latin1"));
  const int = (k, v) => (string(k), parts.push(Buffer.from(Int32Array.of(v).buffer)));
  const double = (k, v) => (string(k), parts.push(Buffer.from(Float64Array.of(v).buffer)));
  string("HEADER_START");
  int("nchans", 16), int("nbits", 4), int("nifs", 1), double("tsamp", 1e-3), double("fch1", 1500), double("foff", -1), double("tstart", 60000);
  string("HEADER_END");
  parts.push(Buffer.from(Array.from({ length: 8 * 200 }, (_, i) => (i * 37) % 256)));
  return Buffer.concat(parts);
}

const seeds = [await seed(false, 8, 64), await seed(true, 8, 64), await seed(false, 3, 5), filterbankSeed()];
const random = (n) => Math.floor(Math.random() * n);

function mutate(bytes) {
  const out = Buffer.from(bytes);
  const edits = 1 + random(6);
  let data = out;
  for (let e = 0; e < edits; e++) {
    switch (random(5)) {
      case 0:
        data[random(data.length)] ^= 1 << random(8);
        break;
      case 1:
        data[random(data.length)] = random(256);
        break;
      case 2:
        data = data.subarray(0, random(data.length + 1));
        break;
      case 3: {
        const at = random(data.length);
        data = Buffer.concat([data.subarray(0, at), data.subarray(random(data.length)), data.subarray(at)]);
        break;
      }
      default:
        if (data.length >= 4) data.writeUInt32LE([0, 1, 0xffffffff, 0x7fffffff, 64][random(5)] >>> 0, random(data.length - 3));
    }
  }
  return data;
}

const deadline = Date.now() + seconds * 1000;
let runs = 0;
let findings = 0;
while (Date.now() < deadline) {
  const bytes = mutate(seeds[random(seeds.length)]);
  writeFileSync(file, bytes);
  runs++;
  try {
    await exercise(file);
  } catch (error) {
    if (!isFinding(error)) continue;
    findings++;
    const name = `crash-${Date.now()}-${runs}`;
    writeFileSync(join(here, "regressions", "npz", name), bytes);
    console.error(`finding ${name}: ${error?.stack ?? error}`);
  }
}
console.log(JSON.stringify({ runs, findings, seconds }));
