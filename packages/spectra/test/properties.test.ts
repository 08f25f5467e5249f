/**
 * Property-based tests (fast-check): random shapes, dtypes, DMs, wraps, masks
 * and reductions never crash and agree with the plain-loop reference; random
 * npz files read back exactly; random corruptions of valid files are
 * WaterfallErrors, never crashes.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { encodeNpz, Npz, Spectra, WaterfallError } from "@wfall/spectra";
import { toFloat32 } from "@wfall/spectra/internal";

import { encodeZip } from "../src/io/zip-writer.js";

import * as ref from "../../../test-utils/reference.js";

/** A waterfall of nchan x ntime with NaNs, infinities and weights in {0, 0.5, 1}. */
const waterfall = fc
  .record({ nsubLog: fc.integer({ min: 0, max: 3 }), per: fc.integer({ min: 1, max: 4 }), ntime: fc.integer({ min: 1, max: 40 }) })
  .chain(({ nsubLog, per, ntime }) => {
    const nchan = 2 ** nsubLog * per;
    return fc.record({
      nchan: fc.constant(nchan),
      ntime: fc.constant(ntime),
      nsub: fc.constant(2 ** nsubLog),
      x: fc.float32Array({ minLength: nchan * ntime, maxLength: nchan * ntime }).map((a) => a.map((v) => (Number.isFinite(v) ? Math.fround(v % 1000) : v))),
      w: fc.array(fc.constantFrom(0, 0.5, 1), { minLength: nchan * ntime, maxLength: nchan * ntime }).map((a) => Float32Array.from(a)),
    });
  });

const close = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(b[i])) expect(a[i], `[${i}]`).toBeNaN();
    else if (!Number.isFinite(b[i])) expect(a[i], `[${i}]`).toBe(b[i]);
    else expect(Math.abs(a[i] - b[i]), `[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b[i])));
  }
};

describe("Spectra agrees with the plain-loop reference", () => {
  it("dedisperse (any DM, both wraps), subband, downsample, percentile", () => {
    fc.assert(
      fc.property(
        waterfall,
        fc.double({ min: -300, max: 3000, noNaN: true }),
        fc.constantFrom("roll", "invalidate"),
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (g, dm, wrap, factor, q) => {
          const spec = new Spectra(g.x.slice(), { nchan: g.nchan, ntime: g.ntime, fbottom: 400, df: 12.5, dt: 1e-3, weights: g.w.slice() });
          spec.dedisperse(dm, { wrap: wrap as "roll" | "invalidate" });
          const shifts = ref.shiftsFor(g.nchan, 400, 12.5, dm, 1e-3);
          expect(Array.from(spec.lastShifts!)).toEqual(shifts);
          const moved = ref.dedisperse({ x: g.x, w: g.w, nchan: g.nchan, ntime: g.ntime }, shifts, wrap as "roll" | "invalidate");
          close(spec.data, moved.x);
          close(spec.weights, moved.w);
          const sub = ref.subband(moved, g.nsub);
          spec.subband(g.nsub);
          close(spec.data, sub.x);
          close(spec.weights, sub.w);
          close([spec.percentile(q)], [ref.percentile(sub.x, q)]);
          if (factor <= spec.ntime) {
            const down = ref.downsample(sub, factor);
            spec.downsample(factor);
            close(spec.data, down.x);
            close(spec.weights, down.w);
          } else {
            expect(() => spec.downsample(factor)).toThrow(WaterfallError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("masks of random channels and the one-pass maskBy never crash and blank exactly those channels", () => {
    fc.assert(
      fc.property(waterfall, fc.array(fc.nat(), { maxLength: 6 }), (g, picks) => {
        const spec = new Spectra(g.x.slice(), { nchan: g.nchan, ntime: g.ntime, fbottom: 400, df: 1, dt: 1 });
        const channels = picks.map((p) => p % g.nchan);
        spec.maskChannels(channels);
        for (const c of channels) expect(Array.from(spec.data.subarray(c * g.ntime, (c + 1) * g.ntime)).every(Number.isNaN)).toBe(true);
        spec.maskBy({ sum: 2, variance: 0.05, constant: true });
        expect(spec.maskedChannels().length).toBeLessThanOrEqual(g.nchan);
      }),
      { numRuns: 200 },
    );
  });
});

/** npy bytes of any supported dtype, written by hand (independent of our encoder). */
function npy(values: number[], shape: number[], descr: string, fortran: boolean): Uint8Array {
  const size = Number(descr.slice(2));
  const header = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': (${shape.join(", ")}${shape.length === 1 ? "," : ""}), }`;
  const padded = header + " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
  const out = new Uint8Array(10 + padded.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, padded.length, true);
  for (let i = 0; i < padded.length; i++) out[10 + i] = padded.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + padded.length);
  const little = descr[0] !== ">";
  const [rows, cols] = shape;
  for (let k = 0; k < values.length; k++) {
    // file order: C order, or column-major for Fortran
    const i = fortran ? (k % rows) * cols + Math.floor(k / rows) : k;
    const v = values[i];
    const at = k * size;
    switch (descr.slice(1)) {
      case "f4":
        view.setFloat32(at, v, little);
        break;
      case "f8":
        view.setFloat64(at, v, little);
        break;
      case "i2":
        view.setInt16(at, v, little);
        break;
      case "u1":
        view.setUint8(at, v);
        break;
    }
  }

  return out;
}

describe("npz reading", () => {
  it("random shapes and dtypes, C or Fortran order, read back exactly", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom("<f4", ">f4", "<f8", ">f8", "<i2", ">i2", "|u1"),
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        async (rows, cols, descr, fortran, compressed, seed) => {
          const rng = fc.sample(fc.integer({ min: 0, max: 250 }), { numRuns: rows * cols, seed });
          const values = rng.map((v) => (descr.endsWith("f4") || descr.endsWith("f8") ? v / 7 - 10 : v));
          const zip = encodeZip([{ name: "intensity.npy", data: npy(values, [rows, cols], descr, fortran) }], compressed);
          const npz = await Npz.fromBytes(zip, "random.npz");
          const got = toFloat32(await npz.array("intensity"), { key: "intensity" });
          expect(Array.from(got)).toEqual(values.map((v) => Math.fround(v)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("random corruptions of a valid npz are WaterfallErrors or a valid read, never a crash", async () => {
    const good = await encodeNpz(
      { intensity: { values: Float32Array.from({ length: 64 }, (_, i) => i), shape: [8, 8] }, dt: { values: Float64Array.of(1), shape: [] } },
      { compressed: true },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        async (edits, cut) => {
          const bytes = good.slice(0, good.length - (cut % 16));
          for (const { at, byte } of edits) bytes[at % bytes.length] = byte;
          try {
            const npz = await Npz.fromBytes(bytes, "mutated.npz", { maxBytes: 1 << 20 });
            for (const key of npz.keys) await npz.array(key);
          } catch (error) {
            expect(error).toBeInstanceOf(WaterfallError);
            expect((error as WaterfallError).code).not.toBe("E_INTERNAL");
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
