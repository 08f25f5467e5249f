/**
 * npz reading and writing against numpy: every dtype, byte order, memory order
 * and container numpy writes reads back to numpy's own float32 conversion;
 * broken files fail with a code and a message naming the file and the key;
 * written files load in numpy with identical values and bytes.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Npz, openWaterfall, Spectra, writeWaterfall, type ErrorCode } from "@wfall/spectra";
import { encodeNpy, toFloat32 } from "@wfall/spectra/internal";

import { expectClose, runPython } from "../../../test-utils/helpers.js";

let dir: string;
let expected: Npz;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "wfall-npz-"));
  runPython("python/npz_variants.py", [dir]);
  expected = await Npz.open(join(dir, "expected.npz"));
});
afterAll(() => expected.close());

const variants = ["f4", "f8", "f4_big_endian", "f8_big_endian", "f2", "i2", "u1", "f4_fortran", "f8_fortran"];

describe("openWaterfall reads what numpy writes", () => {
  for (const variant of variants) {
    for (const container of ["", "_compressed"]) {
      it(`${variant}${container}`, async () => {
        const wf = await openWaterfall(join(dir, `${variant}${container}.npz`));
        expect([wf.nchan, wf.ntime]).toEqual([5, 7]);
        expect(wf.dt).toBe(0.00098304);
        expect(wf.df).toBe(3.125);
        expect(wf.dm).toBe(87.5);
        expect(wf.fbottom).toBe(400.1953125);
        const want = toFloat32(await expected.array(variant), { key: variant });
        expectClose(wf.intensity, want, 0, variant); // exact: the same float32 numpy computes
      });
    }
  }

  it("keeps extra keys and accepts one-element and integer scalars", async () => {
    const wf = await openWaterfall(join(dir, "extra_keys.npz"));
    expect(wf.dt).toBe(0.00098304);
    expect(wf.dm).toBe(87);
    expect(Object.keys(wf.extra).sort()).toEqual(["beams", "tns_name"]);
    expect(wf.extra.beams.shape).toEqual([4]);
    expect(wf.extra.tns_name.descr).toBe("<U9");
  });

  it("shares memory with the decoded archive for aligned float32 (no copy)", async () => {
    const wf = await openWaterfall(join(dir, "f4.npz"));
    expect(wf.intensity.buffer.byteLength).toBeGreaterThan(wf.intensity.byteLength);
  });
});

describe("broken inputs are errors naming the file, the key and the problem", () => {
  const cases: [string, ErrorCode, RegExp][] = [
    ["missing.npz", "E_FILE_NOT_FOUND", /no such file/],
    ["empty.npz", "E_NOT_WATERFALL", /empty file/],
    ["not_a_zip.npz", "E_NOT_WATERFALL", /not a waterfall file: expected npz, npy/],
    ["plain_npy_named.npz", "E_MISSING_KEY", /a \.npy holds no axes/],
    ["truncated.npz", "E_CORRUPT", /corrupt or truncated/],
    ["missing_dt.npz", "E_MISSING_KEY", /missing key 'dt' \(the archive has: intensity, df, dm, fbottom\)/],
    ["one_dimensional.npz", "E_SHAPE", /key 'intensity' must be 2-D .* got shape \(35\)/],
    ["three_dimensional.npz", "E_SHAPE", /must be 2-D .* \(5, 7, 1\)/],
    ["zero_channels.npz", "E_SHAPE", /empty: 0 channels x 7 samples/],
    ["complex.npz", "E_DTYPE", /key 'intensity': dtype '<c8' is complex/],
    ["object.npz", "E_DTYPE", /dtype '\|O' is object/],
    ["negative_dt.npz", "E_VALUE", /dt must be a positive number of seconds, got -0.001/],
    ["zero_df.npz", "E_VALUE", /df must be a positive channel width/],
  ];
  for (const [name, code, message] of cases) {
    it(`${name}: ${code}`, async () => {
      const file = join(dir, name);
      const error = await openWaterfall(file).then(
        () => expect.fail("no error"),
        (e) => e,
      );
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`${file}: `)).toBe(true);
      expect(error.file).toBe(file);
    });
  }

  it("a directory is not a file", async () => {
    await expect(openWaterfall(dir)).rejects.toMatchObject({ code: "E_NOT_A_FILE" });
  });

  it("a member larger than the limit is refused before it is inflated", async () => {
    await expect(openWaterfall(join(dir, "f4_compressed.npz"), { maxBytes: 100 })).rejects.toMatchObject({
      code: "E_TOO_LARGE",
      message: expect.stringMatching(/key 'intensity' would take \d+ bytes, more than the limit of 100/),
    });
  });

  it("a header that lies about the shape is caught", async () => {
    const npy = encodeNpy(new Float32Array(6), [2, 3]);
    const text = new TextDecoder("latin1").decode(npy.subarray(10, 80)).replace("(2, 3)", "(2, 4)");
    for (let i = 0; i < text.length; i++) npy[10 + i] = text.charCodeAt(i);
    const { parseNpy } = await import("@wfall/spectra/internal");
    expect(() => parseNpy(npy, { file: "x.npz", key: "intensity" })).toThrow(/truncated: shape \(2, 4\) of <f4 needs 32 bytes of data but only 24/);
  });
});

describe("writeWaterfall writes what numpy reads", () => {
  for (const compressed of [false, true]) {
    it(`${compressed ? "np.savez_compressed" : "np.savez"} layout, identical values and bytes`, async () => {
      const spec = Spectra.fromWaterfall(await openWaterfall(join(dir, "f8.npz")));
      spec.dedisperse(120);
      void spec.weights; // explicit weights are stored
      const out = join(mkdtempSync(join(tmpdir(), "wfall-write-")), "out.npz");
      await writeWaterfall(out, spec, { compressed });
      const seen = JSON.parse(runPython("python/npz_inspect.py", [out]));
      expect(Object.keys(seen)).toEqual(["intensity", "weights", "dt", "df", "dm", "fbottom"]);
      expect(seen.intensity).toMatchObject({ dtype: "<f4", shape: [5, 7], identical_to_np_save: true, compression: compressed ? 8 : 0 });
      expect(seen.weights).toMatchObject({ dtype: "<f4", shape: [5, 7], identical_to_np_save: true });
      for (const key of ["dt", "df", "dm", "fbottom"]) expect(seen[key]).toMatchObject({ dtype: "<f8", shape: [], identical_to_np_save: true });
      expect(seen.dm.values).toEqual([120]);
      expect(seen.intensity.values).toEqual(Array.from(spec.data, (v) => (Number.isNaN(v) ? null : v)));
      expect(seen.weights.values).toEqual(Array.from(spec.weights));
    });
  }

  it("leaves out weights the intensity implies (NaN, and zeros of a tutorial npz): reading back gives the same ones", async () => {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(dir, "f8.npz")));
    spec.dedisperse(120, { wrap: "invalidate" });
    expect(spec.data.some(Number.isNaN)).toBe(true);
    const out = join(mkdtempSync(join(tmpdir(), "wfall-write-")), "out.npz");
    await writeWaterfall(out, spec);
    expect(Object.keys(JSON.parse(runPython("python/npz_inspect.py", [out])))).toEqual(["intensity", "dt", "df", "dm", "fbottom"]);
    expect(Array.from(Spectra.fromWaterfall(await openWaterfall(out)).weights)).toEqual(Array.from(spec.weights));
    // zeros that are values (normalised data read from a format without the zero rule) need the array
    const values = new Spectra(Float32Array.of(0, 1, 2, 3), { nchan: 2, ntime: 2, fbottom: 400, df: 1, dt: 1 });
    expect(values.weightsToStore()).toEqual(Float32Array.of(1, 1, 1, 1));
  });

  it("is byte-identical across runs and leaves no temporary file", async () => {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(dir, "f4.npz")));
    const folder = mkdtempSync(join(tmpdir(), "wfall-write-"));
    await writeWaterfall(join(folder, "a.npz"), spec);
    await new Promise((r) => setTimeout(r, 1100)); // a different second for any timestamp
    await writeWaterfall(join(folder, "b.npz"), spec);
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(folder, "a.npz")).equals(readFileSync(join(folder, "b.npz")))).toBe(true);
    expect(readdirSync(folder).sort()).toEqual(["a.npz", "b.npz"]);
  });

  it("an unwritable folder is an E_IO error and nothing is written", async () => {
    const spec = Spectra.fromWaterfall(await openWaterfall(join(dir, "f4.npz")));
    const target = join(dir, "no-such-folder", "out.npz");
    await expect(writeWaterfall(target, spec)).rejects.toMatchObject({ code: "E_IO", message: expect.stringContaining(target) });
    expect(existsSync(target)).toBe(false);
  });

  it("a failed write keeps the previous file intact", async () => {
    const folder = mkdtempSync(join(tmpdir(), "wfall-keep-"));
    const target = join(folder, "out.npz");
    writeFileSync(target, "previous");
    const bad = { data: new Float32Array(4), weights: new Float32Array(3), nchan: 2, ntime: 2, dt: 1, df: 1, dm: 0, fbottom: 400 };
    await expect(writeWaterfall(target, bad)).rejects.toMatchObject({ code: "E_SHAPE" });
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(target, "utf8")).toBe("previous");
    expect(readdirSync(folder)).toEqual(["out.npz"]);
  });
});

describe("checksums: a member whose CRC-32 does not match is corrupt, not data", () => {
  /** The bytes of an npz with one byte of the `intensity` member's central-directory CRC changed. */
  function withWrongCrc(bytes: Buffer): Buffer {
    const out = Buffer.from(bytes);
    const at = out.lastIndexOf(Buffer.from("intensity.npy"));
    const entry = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), at); // its central directory entry
    out[entry + 16] ^= 0xff; // CRC-32 field
    return out;
  }

  for (const variant of ["f4", "f4_compressed"]) {
    it(`${variant}: a wrong CRC in the directory is E_CORRUPT`, async () => {
      const { readFileSync } = await import("node:fs");
      const file = join(dir, `${variant}_bad_crc.npz`);
      writeFileSync(file, withWrongCrc(readFileSync(join(dir, `${variant}.npz`))));
      await expect(openWaterfall(file)).rejects.toMatchObject({
        code: "E_CORRUPT",
        message: expect.stringMatching(/member 'intensity\.npy' is corrupt or truncated \(CRC mismatch\)/),
      });
    });
  }

  it("a flipped byte inside a stored member's data is E_CORRUPT", async () => {
    const { readFileSync } = await import("node:fs");
    const bytes = Buffer.from(readFileSync(join(dir, "f4.npz")));
    const header = bytes.indexOf(Buffer.from("intensity.npy")) + "intensity.npy".length + 128 + 40; // inside the float data
    bytes[header] ^= 0x01;
    const file = join(dir, "f4_flipped.npz");
    writeFileSync(file, bytes);
    await expect(openWaterfall(file)).rejects.toMatchObject({ code: "E_CORRUPT", message: expect.stringMatching(/CRC mismatch/) });
  });

  it("a member read in several pieces (checked as they arrive) reads whole, and a byte flipped in a later piece is E_CORRUPT", async () => {
    const { readFileSync } = await import("node:fs");
    const [nchan, ntime] = [64, 40000]; // 10 MB of float32: five pieces and a short one
    const intensity = Float32Array.from({ length: nchan * ntime }, (_, i) => ((i * 7919) % 1000) / 7 + 1);
    const file = join(dir, "large.npz");
    await writeWaterfall(file, new Spectra(intensity, { nchan, ntime, fbottom: 400, df: 1, dt: 1e-3 }));
    expect(Array.from((await openWaterfall(file)).intensity)).toEqual(Array.from(intensity));
    const bytes = Buffer.from(readFileSync(file));
    bytes[bytes.indexOf(Buffer.from("intensity.npy")) + 9_000_000] ^= 0x01; // in the fifth 2 MiB piece
    writeFileSync(file, bytes);
    await expect(openWaterfall(file)).rejects.toMatchObject({ code: "E_CORRUPT", message: expect.stringMatching(/intensity\.npy.*CRC mismatch/) });
  });
});
