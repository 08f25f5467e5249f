/**
 * File globs: `*`, `?` and `[...]` within one path segment, and `**` for any
 * number of folders. Matches are sorted (the same folder gives the same list
 * on every machine), hidden names match only a pattern segment that starts
 * with a dot, as in the shell, and `**` never follows a symbolic link to a
 * folder (no loops, no escape through links). Used for several files given
 * as one argument or manifest input (`obs_*.fits`, one observation) and for
 * a manifest's `each:` (one figure per file).
 */
import { existsSync, readdirSync, type Dirent } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";

import { WaterfallError } from "../errors.js";

/** The most files a pattern of {@link expandPattern} may match. */
export const MAX_GLOB_MATCHES = 10000;

/** Whether a pattern segment has glob syntax (otherwise it names one entry). */
export function hasGlobSyntax(text: string): boolean {
  return /[*?[]/.test(text);
}

/** Whether `path` is a pattern: it has glob syntax and is not the name of an existing file. */
export function isPattern(path: string, baseDir = "."): boolean {
  return hasGlobSyntax(path) && !existsSync(resolve(baseDir, path));
}

/** A pattern segment as a regular expression over one name (a `[` without its `]` is itself). */
function segmentRegExp(segment: string): RegExp {
  let source = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") source += "[^/]*";
    else if (c === "?") source += "[^/]";
    else if (c === "[") {
      const close = segment.indexOf("]", i + 2);
      if (close < 0) {
        source += "\\[";
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      source += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      i = close;
    } else source += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

type Matcher = { kind: "literal"; name: string } | { kind: "pattern"; re: RegExp; dot: boolean } | { kind: "any-depth" };

function matchers(pattern: string): Matcher[] {
  return pattern
    .split("/")
    .filter((s) => s !== "" && s !== ".")
    .map(
      (s): Matcher =>
        s === "**"
          ? { kind: "any-depth" }
          : hasGlobSyntax(s)
            ? { kind: "pattern", re: segmentRegExp(s), dot: s.startsWith(".") }
            : { kind: "literal", name: s },
    );
}

function entries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return []; // a folder that does not exist or cannot be read matches nothing
  }
}

/** One matched file: its path relative to the glob's base, and whether a symbolic link is on the way to it. */
export interface GlobMatch {
  relative: string;
  throughLink: boolean;
}

/**
 * The files under `base` matching `pattern` (a relative, `/`-separated
 * pattern), in sorted order, as a generator: the caller sees each match as
 * the walk finds it.
 */
export function* glob(base: string, pattern: string): Generator<GlobMatch> {
  const parts = matchers(pattern);
  if (parts.length === 0) return;
  const seen = new Set<string>(); // `a/**/**/b` can reach one file twice
  function* walk(dir: string, rel: string, at: number, linked: boolean): Generator<GlobMatch> {
    const part = parts[at];
    const last = at === parts.length - 1;
    if (part.kind === "any-depth") {
      if (last) return; // a trailing `**` names folders, not files
      yield* walk(dir, rel, at + 1, linked);
      for (const entry of entries(dir)) {
        if (entry.isDirectory() && !entry.name.startsWith(".")) yield* walk(join(dir, entry.name), rel ? `${rel}/${entry.name}` : entry.name, at, linked);
      }
      return;
    }
    for (const entry of entries(dir)) {
      const ok = part.kind === "literal" ? entry.name === part.name : part.re.test(entry.name) && (part.dot || !entry.name.startsWith("."));
      if (!ok) continue;
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (last) {
        if ((entry.isFile() || entry.isSymbolicLink()) && !seen.has(path)) {
          seen.add(path);
          yield { relative: path, throughLink: linked || entry.isSymbolicLink() };
        }
      } else if (entry.isDirectory() || entry.isSymbolicLink()) yield* walk(join(dir, entry.name), path, at + 1, linked || entry.isSymbolicLink());
    }
  }
  yield* walk(base, "", 0, false);
}

/**
 * The files a pattern matches, sorted, written as the pattern is (a relative
 * pattern gives paths relative to `baseDir`, where it is looked up; an
 * absolute one absolute paths). `E_FILE_NOT_FOUND` when none matches,
 * `E_ARGUMENT` for more than {@link MAX_GLOB_MATCHES}.
 */
export function expandPattern(pattern: string, baseDir = "."): string[] {
  const segments = pattern.split("/");
  const firstWild = segments.findIndex(hasGlobSyntax);
  const prefix = segments.slice(0, firstWild).join("/") || (isAbsolute(pattern) ? "/" : ".");
  const root = resolve(baseDir, prefix);
  const matches: string[] = [];
  for (const match of glob(root, segments.slice(firstWild).join("/"))) {
    if (matches.length === MAX_GLOB_MATCHES) throw new WaterfallError("E_ARGUMENT", `the pattern '${pattern}' matches more than ${MAX_GLOB_MATCHES} files`);
    const full = join(root, match.relative);
    matches.push(isAbsolute(pattern) ? full : relative(resolve(baseDir), full) || ".");
  }
  if (matches.length === 0) throw new WaterfallError("E_FILE_NOT_FOUND", `no file matches the pattern '${pattern}'`);
  return matches;
}
