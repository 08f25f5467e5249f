/**
 * The memory limit on what a reader allocates: every reader checks the bytes
 * it is about to allocate against it first, so a hostile or huge file is
 * refused with a message rather than exhausting memory.
 */
import { totalmem } from "node:os";

import { WaterfallError } from "../errors.js";

/** The default limit in bytes: `WFALL_MAX_BYTES` when set, else half the machine's memory. */
export function defaultMaxBytes(): number {
  const env = Number(process.env.WFALL_MAX_BYTES);
  return Number.isFinite(env) && env > 0 ? env : Math.floor(totalmem() / 2);
}

/**
 * Throws `E_TOO_LARGE` when `what` would take more than `limit` bytes.
 * `remedy` is a way out besides raising the limit (e.g. reading less).
 */
export function checkSize(bytes: number, limit: number, what: string, file: string | undefined, remedy?: string): void {
  if (bytes > limit) {
    const ways = remedy ? `${remedy}, or set WFALL_MAX_BYTES to raise it` : "set WFALL_MAX_BYTES to raise it";
    throw new WaterfallError("E_TOO_LARGE", `${what} would take ${bytes} bytes, more than the limit of ${limit} (${ways})`, { file });
  }
}
