/**
 * A zip reader for npz archives that reads only what it is asked for: the
 * central directory from the end of the file, then one member with positioned
 * reads into a fresh, 8-byte aligned buffer (so a stored float array is used
 * in place, without a copy). Stored and deflated members, zip64 sizes.
 * Declared sizes are checked against a limit before anything is allocated.
 */
import { inflateRawSync } from "node:zlib";

import { WaterfallError } from "../errors.js";
import { crc32 } from "../native.js";
import { alignedBuffer, memorySource, openSource, type Source } from "./files.js";
import { CENTRAL, DEFLATED, EOCD, LOCAL, STORED, ZIP64_EOCD, ZIP64_EXTRA, ZIP64_LOCATOR, ZIP64_MARK } from "./zip-format.js";

/** One member of the archive, as the central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  headerOffset: number;
}

export class ZipReader {
  private constructor(
    private readonly source: Source,
    readonly file: string,
    readonly entries: Map<string, ZipEntry>,
  ) {}

  /** Opens a zip file; `file` names it in messages. */
  static async open(file: string): Promise<ZipReader> {
    const source = await openSource(file);
    try {
      await checkMagic(source, file);
    } catch (error) {
      await source.close();
      throw error;
    }
    return ZipReader.fromSource(source, file);
  }

  /** Opens zip bytes held in memory. */
  static async fromBytes(bytes: Uint8Array, file: string): Promise<ZipReader> {
    const source = memorySource(bytes, file);
    await checkMagic(source, file);
    return ZipReader.fromSource(source, file);
  }

  /**
   * Reads the directory of an archive whose signature was already recognised.
   * The reader owns `source` from here: it is closed on failure and by {@link ZipReader.close}.
   */
  static async fromSource(source: Source, file: string): Promise<ZipReader> {
    const corrupt = (why: string) => new WaterfallError("E_CORRUPT", `corrupt or truncated npz archive (${why})`, { file });
    try {
      // The end-of-central-directory record is in the last 22 + 65535 bytes.
      const tailLength = Math.min(source.size, 22 + 65535 + 20);
      const tail = new Uint8Array(tailLength);
      await source.read(source.size - tailLength, tail);
      const view = new DataView(tail.buffer);
      let eocd = -1;
      for (let i = tailLength - 22; i >= 0; i--) if (view.getUint32(i, true) === EOCD) (eocd = i), (i = -1);
      if (eocd < 0) throw corrupt("no end-of-central-directory record");
      let count = view.getUint16(eocd + 10, true);
      let directorySize = view.getUint32(eocd + 12, true);
      let directoryOffset = view.getUint32(eocd + 16, true);
      if (eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR) {
        const record = new Uint8Array(56);
        await source.read(Number(view.getBigUint64(eocd - 12, true)), record);
        const z = new DataView(record.buffer);
        if (z.getUint32(0, true) !== ZIP64_EOCD) throw corrupt("bad zip64 end-of-central-directory record");
        count = Number(z.getBigUint64(32, true));
        directorySize = Number(z.getBigUint64(40, true));
        directoryOffset = Number(z.getBigUint64(48, true));
      }
      if (directoryOffset + directorySize > source.size) throw corrupt("the central directory lies past the end of the file");
      const directory = new Uint8Array(directorySize);
      await source.read(directoryOffset, directory);
      return new ZipReader(source, file, parseDirectory(directory, count, corrupt));
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.source.close();
  }

  /**
   * The uncompressed bytes of a member, in a buffer of their own whose start
   * is 8-byte aligned. The caller checks `entry.size` against its memory
   * limit first; inflating never goes past it.
   */
  async read(entry: ZipEntry): Promise<Uint8Array> {
    const corrupt = this.#corrupt(entry);
    const dataOffset = await this.#dataOffset(entry);
    if (entry.method === STORED) {
      if (entry.compressedSize !== entry.size) throw corrupt("stored sizes disagree");
      const out = alignedBuffer(entry.size);
      // checked piece by piece as the read brings them in, not in a pass of its own afterwards
      let crc = 0;
      await this.source.read(dataOffset, out, (piece) => (crc = crc32(piece, this.file, crc)));
      if (crc !== entry.crc) throw corrupt("CRC mismatch");
      return out;
    }
    if (entry.method !== DEFLATED) throw corrupt(`unsupported compression method ${entry.method}`);
    const compressed = new Uint8Array(entry.compressedSize);
    await this.source.read(dataOffset, compressed);
    let out: Uint8Array;
    try {
      out = inflateRawSync(compressed, { maxOutputLength: Math.max(1, entry.size) });
    } catch (error) {
      const tooLong = (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
      throw corrupt(tooLong ? `it inflates past its declared ${entry.size} bytes: a zip bomb?` : (error as Error).message);
    }
    if (out.length !== entry.size) throw corrupt(`inflated to ${out.length} of ${entry.size} bytes`);
    if (crc32(out, this.file) !== entry.crc) throw corrupt("CRC mismatch");
    return out.byteOffset % 8 === 0 ? out : out.slice();
  }

  /**
   * Where a stored (uncompressed) member's bytes start in the file, for reading
   * parts of it (`readAt`); undefined for a compressed member. Its CRC is then
   * the caller's to check.
   */
  async storedOffset(entry: ZipEntry): Promise<number | undefined> {
    if (entry.method !== STORED) return undefined;
    if (entry.compressedSize !== entry.size) throw this.#corrupt(entry)("stored sizes disagree");
    return this.#dataOffset(entry);
  }

  /** Fills `target` with the file's bytes at `offset` (parts of a stored member). */
  readAt(offset: number, target: Uint8Array): Promise<void> {
    return this.source.read(offset, target);
  }

  #corrupt(entry: ZipEntry): (why: string) => WaterfallError {
    return (why) => new WaterfallError("E_CORRUPT", `member '${entry.name}' is corrupt or truncated (${why})`, { file: this.file });
  }

  /** The offset of a member's data, after its local header, checked to lie within the file. */
  async #dataOffset(entry: ZipEntry): Promise<number> {
    const corrupt = this.#corrupt(entry);
    const local = new Uint8Array(30);
    await this.source.read(entry.headerOffset, local);
    const view = new DataView(local.buffer);
    if (view.getUint32(0, true) !== LOCAL) throw corrupt("bad local header");
    const dataOffset = entry.headerOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
    if (dataOffset + entry.compressedSize > this.source.size) throw corrupt("its data runs past the end of the file");
    return dataOffset;
  }
}

/** Refuses a file that does not start like a zip archive (naming a lone .npy for what it is). */
async function checkMagic(source: Source, file: string): Promise<void> {
  if (source.size === 0) throw new WaterfallError("E_NOT_WATERFALL", "empty file, not an npz archive", { file });
  const head = new Uint8Array(Math.min(6, source.size));
  await source.read(0, head);
  const magic = String.fromCharCode(...head.subarray(0, 4));
  if (magic !== "PK\x03\x04" && magic !== "PK\x05\x06") {
    const npy = head[0] === 0x93 && String.fromCharCode(...head.subarray(1, 6)) === "NUMPY";
    throw new WaterfallError("E_NOT_WATERFALL", `not an npz (zip) archive${npy ? " (it is a single .npy array)" : ""}`, { file });
  }
}

function parseDirectory(directory: Uint8Array, count: number, corrupt: (why: string) => WaterfallError): Map<string, ZipEntry> {
  const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const entries = new Map<string, ZipEntry>();
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > directory.length || view.getUint32(at, true) !== CENTRAL) throw corrupt("bad central directory entry");
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > directory.length) throw corrupt("a central directory entry runs past its end");
    const name = new TextDecoder().decode(directory.subarray(at + 46, at + 46 + nameLength));
    const entry: ZipEntry = {
      name,
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      headerOffset: view.getUint32(at + 42, true),
    };
    readZip64Extra(view, at + 46 + nameLength, extraLength, entry);
    entries.set(name, entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Replaces 0xFFFFFFFF sizes and offsets by their zip64 extra-field values (fields that are present). */
function readZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry): void {
  const end = start + length;
  for (let at = start; at + 4 <= end; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      const fieldEnd = Math.min(at + 4 + size, end);
      const next = (current: number) => {
        if (current !== ZIP64_MARK || field + 8 > fieldEnd) return current;
        const v = Number(view.getBigUint64(field, true));
        field += 8;
        return v;
      };
      entry.size = next(entry.size);
      entry.compressedSize = next(entry.compressedSize);
      entry.headerOffset = next(entry.headerOffset);
    }
    at += 4 + size;
  }
}
