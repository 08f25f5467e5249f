/** What a command of the `plot` program is: its usage, its flags, and what it does. */
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

/** The single input of a command: `--fname` or the positional argument. */
export function singleInput(parsed: Parsed, command: string): string {
  const inputs = [...(parsed.values.get("fname") ?? []), ...parsed.positionals];
  if (inputs.length === 1) return inputs[0];
  const prefix = command === "plot" ? "" : `${command}: `; // main prefixes every message with "plot: " already
  throw new UsageError(
    inputs.length === 0 ? `${prefix}no input file given (see --help)` : `${prefix}expected one input file, got ${inputs.length}: ${inputs.join(" ")}`,
  );
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
