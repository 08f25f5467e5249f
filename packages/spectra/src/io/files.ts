/**
 * File-system helpers with the library's error conventions: reads that name
 * the file and the problem, and atomic writes (temporary file in the same
 * folder, then rename) so a failure never leaves a partial output behind.
 */
import { randomBytes } from "node:crypto";
import { promises as fs, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";

import { WaterfallError } from "../errors.js";
import { checkSize, defaultMaxBytes } from "./limits.js";

/** Reads a whole file, turning file-system failures into {@link WaterfallError}s naming the file. */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    throw ioError(error, path, "read");
  }
}

/** Random access to a file's bytes (or to bytes already in memory). */
export interface Source {
  size: number;
  /**
   * Fills `target` with the bytes at `offset`; reading past the end is an
   * `E_CORRUPT` truncation. `onPiece` gets consecutive pieces of `target`,
   * front to back, each as soon as it is read, while the later ones are
   * still being read (a checksum then runs on bytes still in cache, in the
   * time the read waits).
   */
  read(offset: number, target: Uint8Array, onPiece?: (piece: Uint8Array) => void): Promise<void>;
  close(): Promise<void>;
}

const endedEarly = (file?: string) => new WaterfallError("E_CORRUPT", "the file ended early (truncated?)", { file });

/** A read past the end (an offset from a corrupt header, say) is a truncated file, not a RangeError. */
function checkWithin(size: number, offset: number, length: number, file?: string): void {
  if (!(Number.isSafeInteger(offset) && offset >= 0 && offset + length <= size)) throw endedEarly(file);
}

/** Reads at least this large are split across threads. */
const PARALLEL_READ_BYTES = 8 << 20;

/** Concurrent reads (libuv's thread pool has 4 threads). */
const READS_IN_FLIGHT = 4;

/** The pieces a read hands to its `onPiece` as they arrive: small enough to stay in cache until hashed. */
const PIECE_BYTES = 2 << 20;

/**
 * Reads `[0, length)` with `readRange(from, to)` in pieces of `PIECE_BYTES`, {@link READS_IN_FLIGHT} at
 * a time, calling `onPiece(from, to)` for each in order as soon as it and those before it are in.
 */
async function readInPieces(
  length: number,
  readRange: (from: number, to: number) => Promise<void>,
  onPiece: (from: number, to: number) => void,
): Promise<void> {
  const count = Math.ceil(length / PIECE_BYTES);
  const reads: Promise<void>[] = [];
  const start = (i: number) => {
    reads[i] = readRange(i * PIECE_BYTES, Math.min(length, (i + 1) * PIECE_BYTES));
    reads[i].catch(() => {}); // awaited below in order: a later piece's failure must not go unhandled meanwhile
  };
  for (let i = 0; i < Math.min(READS_IN_FLIGHT, count); i++) start(i);
  for (let i = 0; i < count; i++) {
    await reads[i];
    if (i + READS_IN_FLIGHT < count) start(i + READS_IN_FLIGHT);
    onPiece(i * PIECE_BYTES, Math.min(length, (i + 1) * PIECE_BYTES));
  }
}

/** Opens a file for positioned reads; a missing file or a directory is a WaterfallError naming it. */
export async function openSource(path: string): Promise<Source> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, "r");
  } catch (error) {
    throw ioError(error, path, "read");
  }
  let stat: import("node:fs").Stats;
  try {
    stat = await handle.stat();
  } catch (error) {
    await handle.close();
    throw ioError(error, path, "read");
  }
  if (stat.isDirectory()) {
    await handle.close();
    throw new WaterfallError("E_NOT_A_FILE", "is a directory, not a file", { file: path });
  }
  if (!stat.isFile()) {
    // a pipe (`plot <(zcat x.fil)`) or a device: no size and no positioned reads, so read it all first
    try {
      return memorySource(await readStream(handle, path), path);
    } finally {
      await handle.close();
    }
  }
  const readRange = async (target: Uint8Array, from: number, to: number, offset: number) => {
    for (let done = from; done < to; ) {
      const { bytesRead } = await handle.read(target, done, to - done, offset + done);
      if (bytesRead === 0) throw endedEarly(path);
      done += bytesRead;
    }
  };
  return {
    size: stat.size,
    async read(offset, target, onPiece) {
      checkWithin(stat.size, offset, target.length, path);
      if (onPiece) {
        await readInPieces(
          target.length,
          (from, to) => readRange(target, from, to, offset),
          (from, to) => onPiece(target.subarray(from, to)),
        );
        return;
      }
      // Large reads go in concurrent parts (libuv's thread pool): ~1.5x faster from the page cache.
      const parts = target.length >= PARALLEL_READ_BYTES ? READS_IN_FLIGHT : 1;
      const step = Math.ceil(target.length / parts);
      await Promise.all(Array.from({ length: parts }, (_, i) => readRange(target, i * step, Math.min(target.length, (i + 1) * step), offset)));
    },
    close: () => handle.close(),
  };
}

/** Reads a pipe to its end, refusing more than the memory limit. */
async function readStream(handle: fs.FileHandle, path: string): Promise<Uint8Array> {
  const limit = defaultMaxBytes();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const chunk = new Uint8Array(1 << 20);
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    checkSize(total, limit, "the piped input", path);
    chunks.push(chunk.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks);
}

/** Random access to bytes already in memory; `file` names them in errors. */
export function memorySource(bytes: Uint8Array, file?: string): Source {
  return {
    size: bytes.length,
    async read(offset, target, onPiece) {
      checkWithin(bytes.length, offset, target.length, file);
      target.set(bytes.subarray(offset, offset + target.length));
      onPiece?.(target);
    },
    async close() {},
  };
}

/** A buffer of `size` bytes whose first byte is 8-byte aligned, not zero-filled (it is read into at once). */
export function alignedBuffer(size: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
}

/** Converts a Node file-system error into a WaterfallError. */
export function ioError(error: unknown, path: string, action: "read" | "write"): WaterfallError {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === "ENOENT" && action === "read") return new WaterfallError("E_FILE_NOT_FOUND", "no such file", { file: path, cause: error });
  if (code === "ENOENT") return new WaterfallError("E_IO", "cannot write: the folder does not exist", { file: path, cause: error });
  if (code === "EISDIR") return new WaterfallError("E_NOT_A_FILE", "is a directory, not a file", { file: path, cause: error });
  if (code === "EACCES" || code === "EPERM") return new WaterfallError("E_IO", `permission denied (cannot ${action})`, { file: path, cause: error });
  const detail = (error as Error)?.message ?? String(error);
  return new WaterfallError("E_IO", `cannot ${action}: ${detail}`, { file: path, cause: error });
}

/** Temporary files of atomic writes in progress, removed if the process exits mid-write. */
const pending = new Set<string>();
let cleanupInstalled = false;

/**
 * Removes the temporary files of atomic writes still in progress. Runs on
 * process exit; a command-line program that handles SIGINT/SIGTERM calls it
 * before re-raising the signal (a signal's default action skips exit handlers).
 */
export function removeTemporaryFiles(): void {
  for (const tmp of pending) {
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed or removed
    }
  }
  pending.clear();
}

function removePendingOnExit(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once("exit", removeTemporaryFiles);
}

/** The temporary name used while writing `path` (hidden, unique, same folder). */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** Writes `bytes` to a new temporary file beside `path`, flushed to disk; returns its name. */
async function writeTemporary(path: string, bytes: Uint8Array): Promise<string> {
  const tmp = temporaryName(path);
  pending.add(tmp);
  try {
    const handle = await fs.open(tmp, "wx");
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return tmp;
  } catch (error) {
    await fs.rm(tmp, { force: true });
    pending.delete(tmp);
    throw ioError(error, path, "write");
  }
}

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same folder,
 * flushed, then renamed over `path`. On failure the temporary file is removed
 * and any previous `path` is left untouched.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  await writeFilesAtomic([{ path, bytes }]);
}

/**
 * Writes several files all or nothing: every one goes to a temporary file
 * first, and only when all of them are on disk are they renamed into place.
 * A failure leaves none of them (and no temporary file) behind.
 */
export async function writeFilesAtomic(files: readonly { path: string; bytes: Uint8Array }[]): Promise<void> {
  removePendingOnExit();
  const written: { tmp: string; path: string }[] = [];
  try {
    for (const { path, bytes } of files) written.push({ tmp: await writeTemporary(path, bytes), path });
    for (const { tmp, path } of written) {
      try {
        await fs.rename(tmp, path);
      } catch (error) {
        throw ioError(error, path, "write");
      }
    }
  } catch (error) {
    await Promise.all(written.map(({ tmp }) => fs.rm(tmp, { force: true })));
    throw error;
  } finally {
    for (const { tmp } of written) pending.delete(tmp);
  }
}
