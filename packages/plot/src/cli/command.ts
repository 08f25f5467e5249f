/** What a command of the `plot` program is: its usage, its flags, and what it does. */
import { openWaterfall, PROCESS_OPTIONS, processSpectra, READ_OPTIONS, Spectra, type ProcessOptions } from "@wfall/spectra";

import { optionsFrom, UsageError, type Flag, type Parsed } from "./flags.js";

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
  throw new UsageError(
    inputs.length === 0 ? `${command}: no input file given (see --help)` : `${command}: expected one input file, got ${inputs.length}: ${inputs.join(" ")}`,
  );
}

/** Writes notes about how inputs were read to stderr, one line each. */
export function printNotes(notes: readonly string[], io: Io): void {
  for (const note of notes) io.err.write(`plot: ${note}\n`);
}

/**
 * Reads a command's single input with its read flags, reports how it was read,
 * and processes it as a figure would (the process flags, then `overrides`).
 */
export async function processedInput(parsed: Parsed, command: string, io: Io, overrides: (options: ProcessOptions) => ProcessOptions = (o) => o) {
  const input = singleInput(parsed, command);
  const waterfall = await openWaterfall(input, optionsFrom(READ_OPTIONS, parsed));
  printNotes(
    waterfall.notes.map((n) => `${input}: ${n}`),
    io,
  );
  return { input, spectra: processSpectra(Spectra.fromWaterfall(waterfall), overrides(optionsFrom(PROCESS_OPTIONS, parsed))) };
}
