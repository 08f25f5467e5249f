/** What a command of the `plot` program is: its usage, its flags, and what it does. */
import type { Input } from "@wfall/spectra";
import { expandPattern, isPattern } from "@wfall/spectra/internal";

import { UsageError, type Flag, type Parsed } from "./flags.js";

/** Where a command writes. */
export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

export interface Command {
  name: string;
  /** The usage line(s) and a sentence on what it does. */
  usage: string;
  flags: readonly Flag[];
  /** Runs it; returns the exit code. */
  run(parsed: Parsed, io: Io): Promise<number>;
}

/**
 * The input of a command: `--fname` or the positional arguments. Several
 * files, or a quoted pattern such as "obs_*.fits" (wildcards in the file
 * name), are one waterfall: PSRFITS files of one observation.
 */
export async function waterfallInput(parsed: Parsed, command: string): Promise<Input> {
  const given = [...(parsed.values.get("fname") ?? []), ...parsed.positionals];
  const prefix = command === "plot" ? "" : `${command}: `; // main prefixes every message with "plot: " already
  if (given.length === 0) throw new UsageError(`${prefix}no input file given (see --help)`);
  const files: string[] = [];
  for (const path of given) files.push(...(isPattern(path) ? await expandPattern(path) : [path]));
  return files.length === 1 ? files[0] : files;
}

/** The one manifest file a command takes. */
export function manifestArgument(parsed: Parsed, command: string): string {
  if (parsed.positionals.length !== 1)
    throw new UsageError(`${command}: expected one manifest file, got ${parsed.positionals.length}: ${parsed.positionals.join(" ") || "none"} (see --help)`);
  return parsed.positionals[0];
}

/** Writes notes about how inputs were read to stderr, one line each. */
export function printNotes(notes: readonly string[], io: Io): void {
  for (const note of notes) io.err.write(`plot: ${note}\n`);
}
