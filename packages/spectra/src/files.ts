/**
 * File-system helpers with the library's error conventions: reads that name
 * the file and the problem, and atomic writes (temporary file in the same
 * folder, then rename) so a failure never leaves a partial output behind.
 */
import { randomBytes } from "node:crypto";
import { promises as fs, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";

import { WaterfallError } from "./errors.js";

/** Reads a whole file, turning file-system failures into {@link WaterfallError}s naming the file. */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    throw ioError(error, path, "read");
  }
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

function removePendingOnExit(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once("exit", () => {
    for (const tmp of pending) {
      try {
        unlinkSync(tmp);
      } catch {
        // already renamed or removed
      }
    }
  });
}

/** The temporary name used while writing `path` (hidden, unique, same folder). */
export function temporaryName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/**
 * Writes `bytes` to `path` atomically: into a temporary file in the same folder,
 * flushed, then renamed over `path`. On failure the temporary file is removed
 * and any previous `path` is left untouched.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  removePendingOnExit();
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
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw ioError(error, path, "write");
  } finally {
    pending.delete(tmp);
  }
}
