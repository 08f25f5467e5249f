/**
 * Inputs a manifest declares under `inputs:` with their SHA-256:
 *
 *   inputs:
 *     data/145207799_wfall.npz: { sha256: 5b1c... }
 *
 * A declared input that no panel reads is an error when the manifest loads;
 * a file whose content does not match is an error before anything renders.
 */
import { WaterfallError } from "@wfall/spectra";

import { closestName } from "../suggest.js";

/** One declared input. */
export interface DeclaredInput {
  /** The path as written under `inputs:`. */
  written: string;
  /** The resolved path. */
  path: string;
  sha256: string;
  /** The manifest line it is declared on. */
  line: number;
}

/** What a manifest's `inputs:` section holds (schema-checked). */
export type RawInputs = Record<string, { sha256: string }>;

/**
 * Resolves the declarations and refuses any that matches no panel's input
 * (a typo would otherwise leave the real input unchecked).
 */
export function declaredInputs(
  raw: RawInputs | undefined,
  read: { written: string; path: string }[],
  resolve: (written: string) => string,
  lineOf: (written: string) => number,
  fail: (message: string) => never,
): DeclaredInput[] {
  const readPaths = new Set(read.map((r) => r.path));
  return Object.entries(raw ?? {}).map(([written, { sha256 }]) => {
    const path = resolve(written);
    const line = lineOf(written);
    if (!readPaths.has(path)) {
      const suggestion = closestName(
        written,
        read.map((r) => r.written),
        Math.max(3, Math.floor(written.length / 4)),
      );
      fail(`line ${line}: inputs: '${written}' is read by no figure${suggestion ? ` (did you mean '${suggestion}'?)` : ""}`);
    }
    return { written, path, sha256: sha256.toLowerCase(), line };
  });
}

/**
 * Compares the declared checksums with the files' (`hashes`: resolved path to
 * SHA-256, null when unreadable); throws on the first file that is missing or
 * differs. Declarations of files not in `hashes` (not needed now) are skipped.
 */
export function verifyDeclaredInputs(declared: readonly DeclaredInput[], hashes: ReadonlyMap<string, string | null>, manifest: string): void {
  for (const input of declared) {
    if (!hashes.has(input.path)) continue;
    const actual = hashes.get(input.path);
    if (actual === null) {
      throw new WaterfallError("E_FILE_NOT_FOUND", `cannot read ${input.written}, declared with its SHA-256 on line ${input.line}`, { file: manifest });
    }
    if (actual !== input.sha256) {
      throw new WaterfallError(
        "E_CHECKSUM",
        `${input.written} has SHA-256 ${actual}, but line ${input.line} declares ${input.sha256}: it is not the file the figures were made from (if the change is intended, update the checksum)`,
        { file: manifest },
      );
    }
  }
}
