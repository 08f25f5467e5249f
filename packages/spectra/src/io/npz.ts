/**
 * The `.npz` container (`np.savez` / `np.savez_compressed`): a zip archive of
 * `.npy` members. Members are read on demand, after their declared size has
 * been checked against a limit, so a large or hostile archive costs nothing
 * until a member is asked for.
 */
import { WaterfallError } from "../errors.js";
import { checkSize, defaultMaxBytes } from "./limits.js";
import { encodeNpy, encodeNpyText, NPY_HEADER_MAX_BYTES, parseNpy, parseNpyHeader, type NpyArray, type NpyHeader } from "./npy.js";
import { encodeZip } from "./zip-writer.js";
import type { Source } from "./files.js";
import { ZipReader, type ZipEntry } from "./zip.js";

/** Options for reading archives. */
export interface ReadNpzOptions {
  /**
   * Largest uncompressed member accepted, in bytes. Default: half the machine's
   * memory, or the `WFALL_MAX_BYTES` environment variable when set.
   */
  maxBytes?: number;
}

/** A zip (npz) file whose members are `.npy` arrays, read one member at a time. */
export class Npz {
  private constructor(
    private readonly zip: ZipReader,
    private readonly maxBytes: number,
  ) {}

  /** The file it was opened from (named in messages). */
  get file(): string {
    return this.zip.file;
  }

  /** Opens an npz file: reads its directory only; members are read by {@link Npz.array}. Call {@link Npz.close} when done. */
  static async open(file: string, options: ReadNpzOptions = {}): Promise<Npz> {
    return new Npz(await ZipReader.open(file), options.maxBytes ?? defaultMaxBytes());
  }

  /** Opens an npz over a source whose zip signature was already recognised; the Npz owns the source from here. */
  static async fromSource(source: Source, file: string, options: ReadNpzOptions = {}): Promise<Npz> {
    return new Npz(await ZipReader.fromSource(source, file), options.maxBytes ?? defaultMaxBytes());
  }

  /** Opens npz bytes held in memory; `file` is used in error messages. */
  static async fromBytes(bytes: Uint8Array, file: string, options: ReadNpzOptions = {}): Promise<Npz> {
    return new Npz(await ZipReader.fromBytes(bytes, file), options.maxBytes ?? defaultMaxBytes());
  }

  /** Releases the file. */
  async close(): Promise<void> {
    await this.zip.close();
  }

  /** Array names, without the `.npy` suffix, in archive order. */
  get keys(): string[] {
    return [...this.zip.entries.keys()].filter((name) => !name.endsWith("/")).map((name) => name.replace(/\.npy$/, ""));
  }

  has(key: string): boolean {
    return this.entry(key) !== undefined;
  }

  private entry(key: string): ZipEntry | undefined {
    return this.zip.entries.get(`${key}.npy`) ?? this.zip.entries.get(key);
  }

  /** Decodes one member; a missing key is an `E_MISSING_KEY` error listing the keys present. */
  async array(key: string): Promise<NpyArray> {
    const entry = this.entry(key);
    if (!entry) {
      throw new WaterfallError("E_MISSING_KEY", `missing key '${key}' (the archive has: ${this.keys.join(", ") || "nothing"})`, { file: this.file });
    }
    checkSize(entry.size, this.maxBytes, `key '${key}'`, this.file);
    return parseNpy(await this.zip.read(entry), { file: this.file, key });
  }

  /**
   * A stored member's header and positioned reads of its data, without reading
   * the data (no size limit: the caller reads it in parts); undefined for a
   * missing or compressed member, or one whose headers are damaged (reading it
   * whole with {@link Npz.array} then says what is wrong, as it always has).
   */
  async storedArray(key: string): Promise<StoredArray | undefined> {
    const entry = this.entry(key);
    const offset = entry && (await this.zip.storedOffset(entry).catch(() => undefined));
    if (!entry || offset === undefined) return undefined;
    const head = new Uint8Array(Math.min(entry.size, NPY_HEADER_MAX_BYTES));
    await this.zip.readAt(offset, head);
    const header = parseNpyHeader(head, { file: this.file, key });
    const dataStart = offset + header.dataOffset;
    const dataBytes = entry.size - header.dataOffset;
    return {
      ...header,
      key,
      header: head.slice(0, header.dataOffset),
      crc: entry.crc,
      dataBytes,
      read: (at, target) => {
        if (at + target.length > dataBytes) throw new WaterfallError("E_CORRUPT", `key '${key}': a read past the end of its data`, { file: this.file });
        return this.zip.readAt(dataStart + at, target);
      },
    };
  }
}

/**
 * A stored (uncompressed) member read in parts: its `.npy` header, and
 * positioned reads of its data. Its CRC covers `header` then the data.
 */
export interface StoredArray extends NpyHeader {
  key: string;
  /** The member's bytes before the array data (the `.npy` preamble and header). */
  header: Uint8Array;
  /** The zip directory's CRC-32 of the whole member. */
  crc: number;
  /** Bytes of array data the member holds. */
  dataBytes: number;
  /** Fills `target` with the array's data bytes from `offset` (bytes from the data's start). */
  read(offset: number, target: Uint8Array): Promise<void>;
}

/**
 * An array to store: C-ordered float values (or text, stored as numpy unicode)
 * and their shape (`[]` for a scalar), or a string (a 0-d unicode array).
 */
export type NpzEntry = { values: Float32Array | Float64Array | readonly string[]; shape: readonly number[] } | { text: string };

/** Options for writing archives. */
export interface WriteNpzOptions {
  /** Deflate members, as `np.savez_compressed` does. Default false (`np.savez`). */
  compressed?: boolean;
}

/** Encodes arrays as npz bytes that `np.load` reads back identically (the same input gives the same bytes). */
export async function encodeNpz(entries: Record<string, NpzEntry>, options: WriteNpzOptions = {}): Promise<Uint8Array> {
  const members = Object.entries(entries).map(([key, entry]) => ({
    name: `${key}.npy`,
    data: "text" in entry ? encodeNpyText(entry.text) : encodeNpy(entry.values, entry.shape),
  }));
  return encodeZip(members, options.compressed ?? false);
}
