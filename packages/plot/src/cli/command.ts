/** What a command of the `plot` program is: its usage, its flags, and what it does. */
import {
  maskDocumentBytes,
  maskReportLines,
  masksRequested,
  PROCESS_OPTIONS,
  READ_OPTIONS,
  readProcessed,
  WaterfallError,
  type Input,
  type Processed,
  type ProcessOptions,
  type ReadOptions,
  type WaterfallRead,
} from "@wfall/spectra";
import { expandPattern, isPattern, writeFilesAtomic } from "@wfall/spectra/internal";

import { optionsFrom, UsageError, type Flag, type Parsed } from "./flags.js";
import { isWarning } from "../warnings.js";

/** The input flag of the commands that read one waterfall (it may also be given as the first argument). */
export const INPUT_FLAG: Flag = {
  name: "fname",
  takes: "one",
  arg: "FILE",
  help: "input: npz, .npy, SIGPROC .fil, FETCH/CHIME .h5 or PSRFITS (or give it as the first argument; several PSRFITS files, or a quoted pattern, are one observation)",
};

/** Where a command writes. */
export interface Io {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
  /** `--quiet`: notes are left out, warnings kept. */
  quiet?: boolean;
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
  for (const note of notes) if (!io.quiet || isWarning(note)) io.err.write(`plot: ${note}\n`);
}

/** How {@link processedInput} processes a command's input. */
export interface ProcessedInputOptions {
  /** Changes to the process flags' options (a command's own defaults). */
  overrides?: (options: ProcessOptions) => ProcessOptions;
  /** An output file the command will write, refused when it is one of the inputs. */
  output?: string;
}

/** A command's input as read and processed, with what the read and processing did. */
export interface ProcessedInput extends Processed {
  input: Input;
  files: string[];
  waterfall: WaterfallRead;
  read: ReadOptions;
  /** The JSON mask file `--masks-out` asks for, not yet written ({@link writeMaskFile}). */
  maskFile?: { path: string; bytes: Uint8Array };
}

/** Writes the mask file `--masks-out` asked for, if any, and says so on stderr. */
export async function writeMaskFile(processed: Pick<ProcessedInput, "maskFile">, io: Io): Promise<void> {
  if (!processed.maskFile) return;
  await writeFilesAtomic([processed.maskFile]);
  printNotes([`masks saved to: ${processed.maskFile.path}`], io);
}

/**
 * Reads a command's input (one file, or several files of one observation)
 * with its read flags, holding the dispersion sweep around a time range,
 * processes it as a figure would (the process flags, then `overrides`), and
 * reports on stderr how it was read, what processing decided on its own and
 * (when masks were asked for) what was masked.
 */
export async function processedInput(parsed: Parsed, command: string, io: Io, how: ProcessedInputOptions = {}): Promise<ProcessedInput> {
  const input = await waterfallInput(parsed, command);
  const files = typeof input === "string" ? [input] : [...input];
  if (how.output !== undefined && files.includes(how.output))
    throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: how.output });
  const options = (how.overrides ?? ((o) => o))(optionsFrom(PROCESS_OPTIONS, parsed));
  if (options.masksOut !== undefined && (options.masksOut === how.output || files.includes(options.masksOut)))
    throw new WaterfallError("E_ARGUMENT", "--masks-out names an input or the output file; choose another name", { file: options.masksOut });
  const read = optionsFrom(READ_OPTIONS, parsed);
  // a large channel-major file streams in blocks of channels; the result is the same
  const processed = await readProcessed(input, read, options);
  const { waterfall } = processed;
  printNotes(
    [...waterfall.notes, ...processed.notes].map((n) => `${waterfall.file}: ${n}`),
    io,
  );
  // what was masked, by origin, when masks were asked for; the masks' remarks always
  const mask = processed.spectra.channelMask;
  printNotes(maskReportLines(mask, waterfall.file, masksRequested(options)), io);
  const maskFile = options.masksOut !== undefined ? { path: options.masksOut, bytes: maskDocumentBytes(mask, waterfall.file) } : undefined;
  return { input, files, read, ...processed, maskFile };
}
