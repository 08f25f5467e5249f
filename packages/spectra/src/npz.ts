/**
 * The `.npz` container (`np.savez` / `np.savez_compressed`): a zip archive of
 * `.npy` members. Members are decoded on demand, after their declared size has
 * been checked against a limit, so a large or hostile archive costs nothing
 * until a member is asked for.
 */
import { totalmem } from "node:os";

import JSZip from "jszip";

import { WaterfallError } from "./errors.js";
import { readInput } from "./files.js";
import { encodeNpy, parseNpy, type NpyArray } from "./npy.js";

/** Options for reading archives. */
export interface ReadNpzOptions {
  /**
   * Largest uncompressed member accepted, in bytes. Default: half the machine's
   * memory, or the `WFALL_MAX_BYTES` environment variable when set.
   */
  maxBytes?: number;
}

/** The default member size limit (see {@link ReadNpzOptions.maxBytes}). */
export function defaultMaxBytes(): number {
  const env = Number(process.env.WFALL_MAX_BYTES);
  return Number.isFinite(env) && env > 0 ? env : Math.floor(totalmem() / 2);
}

/** A zip (npz) file whose members are `.npy` arrays. */
export class Npz {
  private constructor(
    readonly file: string,
    private readonly zip: JSZip,
    private readonly maxBytes: number,
  ) {}

  /** Opens an npz file (reads its directory; members are decoded by {@link Npz.array}). */
  static async open(file: string, options: ReadNpzOptions = {}): Promise<Npz> {
    return Npz.fromBytes(await readInput(file), file, options);
  }

  /** Opens npz bytes; `file` is used in error messages. */
  static async fromBytes(bytes: Uint8Array, file: string, options: ReadNpzOptions = {}): Promise<Npz> {
    if (bytes.length === 0) throw new WaterfallError("E_NOT_NPZ", "empty file, not an npz archive", { file });
    const magic = String.fromCharCode(...bytes.subarray(0, 4));
    if (magic !== "PK\x03\x04" && magic !== "PK\x05\x06") {
      const hint = bytes[0] === 0x93 && String.fromCharCode(...bytes.subarray(1, 6)) === "NUMPY" ? " (it is a single .npy array)" : "";
      throw new WaterfallError("E_NOT_NPZ", `not an npz (zip) archive${hint}`, { file });
    }
    try {
      const zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
      return new Npz(file, zip, options.maxBytes ?? defaultMaxBytes());
    } catch (error) {
      throw new WaterfallError("E_NPZ_CORRUPT", `corrupt or truncated npz archive (${(error as Error).message})`, { file, cause: error });
    }
  }

  /** Array names, without the `.npy` suffix, in archive order. */
  get keys(): string[] {
    return Object.values(this.zip.files)
      .filter((f) => !f.dir)
      .map((f) => f.name.replace(/\.npy$/, ""));
  }

  has(key: string): boolean {
    return this.member(key) !== null;
  }

  private member(key: string): JSZip.JSZipObject | null {
    return this.zip.file(`${key}.npy`) ?? this.zip.file(key);
  }

  /** Decodes one member; a missing key is an `E_NPZ_MISSING_KEY` error listing the keys present. */
  async array(key: string): Promise<NpyArray> {
    const member = this.member(key);
    if (!member) {
      throw new WaterfallError("E_NPZ_MISSING_KEY", `missing key '${key}' (the archive has: ${this.keys.join(", ") || "nothing"})`, { file: this.file });
    }
    // jszip records the central directory's sizes before anything is inflated.
    const declared = (member as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize;
    if (typeof declared === "number" && declared > this.maxBytes) {
      throw new WaterfallError("E_TOO_LARGE", `key '${key}' would take ${declared} bytes, more than the limit of ${this.maxBytes} (set WFALL_MAX_BYTES to raise it)`, { file: this.file });
    }
    let bytes: Uint8Array;
    try {
      bytes = await member.async("uint8array");
    } catch (error) {
      throw new WaterfallError("E_NPZ_CORRUPT", `key '${key}' cannot be decompressed (${(error as Error).message})`, { file: this.file, cause: error });
    }
    if (typeof declared === "number" && bytes.length !== declared) {
      throw new WaterfallError("E_NPZ_CORRUPT", `key '${key}' is truncated: ${bytes.length} of ${declared} bytes`, { file: this.file });
    }
    return parseNpy(bytes, { file: this.file, key });
  }
}

/** An array to store: C-ordered float values and their shape (`[]` for a scalar). */
export interface NpzEntry {
  values: Float32Array | Float64Array;
  shape: readonly number[];
}

/** Options for writing archives. */
export interface WriteNpzOptions {
  /** Deflate members, as `np.savez_compressed` does. Default false (`np.savez`). */
  compressed?: boolean;
}

/** Fixed member timestamps keep archives byte-identical from run to run. */
const EPOCH = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/** Encodes arrays as npz bytes that `np.load` reads back identically. */
export async function encodeNpz(entries: Record<string, NpzEntry>, options: WriteNpzOptions = {}): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const [key, { values, shape }] of Object.entries(entries)) {
    zip.file(`${key}.npy`, encodeNpy(values, shape), { date: EPOCH, createFolders: false, binary: true });
  }
  return zip.generateAsync({
    type: "uint8array",
    compression: options.compressed ? "DEFLATE" : "STORE",
    compressionOptions: { level: 6 },
    platform: "DOS",
  });
}
