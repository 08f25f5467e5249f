/**
 * File-name patterns (`obs_*.fits`), for a sequence of files given as one
 * argument or one manifest entry: `*`, `?` and `[...]` in the last path
 * component only, so a pattern lists one folder and never walks a tree (a
 * manifest is untrusted input). `*` and `?` do not match a leading dot, as in
 * the shell.
 */
import { existsSync, promises as fs } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

import { WaterfallError } from "../errors.js";
import { ioError } from "./files.js";

/** The most files a pattern may match. */
export const MAX_GLOB_MATCHES = 10000;

const WILDCARD = /[*?[]/;

/** Whether `path` is a pattern: it has a wildcard and is not the name of an existing file. */
export function isPattern(path: string, baseDir = "."): boolean {
  return WILDCARD.test(path) && !existsSync(resolve(baseDir, path));
}

/** The regular expression of a file-name pattern. */
function patternRegExp(pattern: string, where: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) throw new WaterfallError("E_ARGUMENT", `the pattern '${where}' has a '[' without its ']'`);
      const body = pattern.slice(i + 1, close);
      const negated = body.startsWith("!") || body.startsWith("^");
      const set = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, "\\$&");
      source += `[${negated ? "^" : ""}${set}]`;
      i = close;
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/**
 * The files a pattern matches, sorted by name, written as the pattern is
 * (a relative pattern gives paths relative to `baseDir`, where it is looked
 * up); `E_FILE_NOT_FOUND` when none matches, `E_ARGUMENT` for wildcards in a
 * folder name.
 */
export async function expandPattern(pattern: string, baseDir = "."): Promise<string[]> {
  const full = resolve(baseDir, pattern);
  const dir = dirname(full);
  if (WILDCARD.test(dir)) {
    throw new WaterfallError("E_ARGUMENT", `the pattern '${pattern}' has wildcards in a folder name: only the file name may have them (obs_*.fits)`);
  }
  const name = basename(full);
  const regexp = patternRegExp(name, pattern);
  let entries: import("node:fs").Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw ioError(error, dir, "read");
  }
  const matches = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && regexp.test(e.name) && (name.startsWith(".") || !e.name.startsWith(".")))
    .map((e) => join(dirname(pattern), e.name))
    .sort();
  if (matches.length === 0) throw new WaterfallError("E_FILE_NOT_FOUND", `no file matches the pattern '${pattern}'`);
  if (matches.length > MAX_GLOB_MATCHES)
    throw new WaterfallError("E_ARGUMENT", `the pattern '${pattern}' matches ${matches.length} files, more than ${MAX_GLOB_MATCHES}`);
  return matches;
}
