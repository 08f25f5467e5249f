/**
 * The `.npz` container (`np.savez` / `np.savez_compressed`): a zip archive of
 * `.npy` members. Members are read on demand, after their declared size has
 * been checked against a limit, so a large or hostile archive costs nothing
 * until a member is asked for.
 */
import { WaterfallError } from "../errors.js";
import { checkSize, defaultMaxBytes } from "./limits.js";
import { encodeNpy, parseNpy, parseNpyHeader, type NpyArray, type NpyHeader } from "./npy.js";
import { encodeZip } from "./zip-writer.js";
import type { Source } from "./files.js";
import { STORED } from "./zip-format.js";
import { ZipReader, type Inflating, type ZipEntry } from "./zip.js";

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

  #entryOf(key: string): ZipEntry {
    const entry = this.entry(key);
    if (!entry) {
      throw new WaterfallError("E_MISSING_KEY", `missing key '${key}' (the archive has: ${this.keys.join(", ") || "nothing"})`, { file: this.file });
    }
    return entry;
  }

  /** Decodes one member; a missing key is an `E_MISSING_KEY` error listing the keys present. */
  async array(key: string): Promise<NpyArray> {
    const entry = this.#entryOf(key);
    checkSize(entry.size, this.maxBytes, `key '${key}'`, this.file);
    return parseNpy(await this.zip.read(entry), { file: this.file, key });
  }

  /** One member's header, and reads of parts of its data: nothing else is read until asked for. */
  async member(key: string): Promise<NpyMember> {
    const entry = this.#entryOf(key);
    const zip = this.zip;
    const dataStart = await zip.dataOffset(entry);
    const where = { file: this.file, key };
    let inflating: Inflating | null = null;
    /** `target.length` bytes of the member from `offset` (from its start, header included). */
    const readMember = async (offset: number, target: Uint8Array) => {
      if (entry.method === STORED) return zip.readStored(entry, dataStart, offset, target);
      if (!inflating || offset < inflating.position) {
        inflating?.close();
        inflating = await zip.inflating(entry);
      }
      await inflating.skip(offset - inflating.position);
      await inflating.read(target);
    };
    const headerBytes = async (length: number) => {
      const bytes = new Uint8Array(Math.min(entry.size, length));
      await readMember(0, bytes);
      return bytes;
    };
    let header: NpyHeader;
    try {
      header = parseNpyHeader(await headerBytes(SHORT_HEADER_BYTES), where);
    } catch (error) {
      // a header longer than the first bytes read (numpy pads them to 64 bytes; some writers add more)
      if (!(error instanceof WaterfallError && error.code === "E_CORRUPT" && entry.size > SHORT_HEADER_BYTES)) throw error;
      header = parseNpyHeader(await headerBytes(MAX_HEADER_BYTES), where);
    }
    if (header.dataBytes !== null && header.dataOffset + header.dataBytes !== entry.size) {
      const message = `header shape (${header.shape.join(", ")}) of ${header.descr} describes ${header.dataBytes} bytes but the member holds ${entry.size - header.dataOffset}`;
      throw new WaterfallError(header.dataOffset + header.dataBytes > entry.size ? "E_CORRUPT" : "E_SHAPE", `key '${key}': ${message}`, { file: this.file });
    }
    return {
      header,
      stored: entry.method === STORED,
      read: (offset, target) => readMember(header.dataOffset + offset, target),
      async finish() {
        if (entry.method === STORED) return;
        inflating ??= await zip.inflating(entry);
        await inflating.finish();
      },
      close: () => (inflating as Inflating | null)?.close(),
    };
  }
}

/** The first bytes read for a member's header; longer headers are read again in full. */
const SHORT_HEADER_BYTES = 64 << 10;
const MAX_HEADER_BYTES = (1 << 20) + 12;

/** An array member of an npz: its header, and positioned (stored) or front-to-back (deflated) reads of its data. */
export interface NpyMember {
  header: NpyHeader;
  /** Stored members read any part at once; deflated ones inflate front to back (going back starts again). */
  stored: boolean;
  /** Fills `target` with the array's data bytes from `offset` (bytes from the start of the data). */
  read(offset: number, target: Uint8Array): Promise<void>;
  /** A deflated member: reads to its end and checks its CRC. */
  finish(): Promise<void>;
  /** Stops inflating. */
  close(): void;
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

/** Encodes arrays as npz bytes that `np.load` reads back identically (the same input gives the same bytes). */
export async function encodeNpz(entries: Record<string, NpzEntry>, options: WriteNpzOptions = {}): Promise<Uint8Array> {
  const members = Object.entries(entries).map(([key, { values, shape }]) => ({ name: `${key}.npy`, data: encodeNpy(values, shape) }));
  return encodeZip(members, options.compressed ?? false);
}
