/**
 * The `plot` program: picks the command, parses its flags (made from the
 * option tables, see `flags.ts`), runs it, and turns any failure into one line
 * on stderr and an exit code (2: bad usage or input; 1: I/O failures, a stale
 * figure under `build --check`, a bug).
 *
 *   plot --fname X_wfall.npz --dm 87.81 --figname X_wfall.pdf   (the tutorial's flags)
 *   plot prepare X_wfall.npz --dm 87.81 --nsub 128 -o X_prepared.npz
 *   plot convert obs.fits --to filterbank -o obs.fil
 */
import { WaterfallError } from "@wfall/spectra";
import { removeTemporaryFiles } from "@wfall/spectra/internal";

import { VERSION } from "../version.js";
import type { Command, Io } from "./command.js";
import { helpLines, parseFlags, UsageError, type Flag } from "./flags.js";

// Commands load lazily: figures (Vega, fonts) and builds (workers, YAML) only when asked for.
const COMMANDS: Record<string, () => Promise<Command>> = {
  plot: async () => (await import("./commands/plot.js")).plotCommand,
  prepare: async () => (await import("./commands/prepare.js")).prepareCommand,
  multi: async () => (await import("./commands/multi.js")).multiCommand,
  build: async () => (await import("./commands/build.js")).buildCommand,
  info: async () => (await import("./commands/info.js")).infoCommand,
  view: async () => (await import("./commands/view.js")).viewCommand,
  status: async () => (await import("./commands/status.js")).statusCommand,
  merge: async () => (await import("./commands/status.js")).mergeCommand,
  emit: async () => (await import("./commands/emit.js")).emitCommand,
  gallery: async () => (await import("./commands/gallery.js")).galleryCommand,
  convert: async () => (await import("./commands/convert.js")).convertCommand,
  snr: async () => (await import("./commands/snr.js")).snrCommand,
  dm: async () => (await import("./commands/dm.js")).dmCommand,
};

const COMMAND_LIST = `Commands:
  plot prepare    write the processed waterfall as an npz (plot prepare --help)
  plot multi      several waterfalls in one figure (plot multi --help)
  plot build      render the figures of a manifest (plot build --help)
  plot info       what a file holds (plot info --help)
  plot view       interactive viewer and triage in the browser (plot view --help)
  plot status     which figures of a (sharded) build are done, failed, missing
  plot merge      after a sharded build: status, cache, gallery
  plot emit       a Slurm job array or Kubernetes Indexed Job for a sharded build
  plot gallery    a static HTML page of a manifest's built figures
  plot convert    a waterfall as a filterbank or npz, e.g. from PSRFITS (plot convert --help)
  plot snr        the burst's S/N, width and arrival time (plot snr --help)
  plot dm         the best DM by S/N and by structure (plot dm --help)
`;

const COMMON_FLAGS: Flag[] = [
  { name: "help", short: "h", takes: "nothing", help: "show this help" },
  { name: "debug", takes: "nothing", help: "print stack traces of errors" },
];
const VERSION_FLAG: Flag = { name: "version", takes: "nothing", help: "print the version (alone: plot --version)" };

function helpText(command: Command): string {
  const commands = command.name === "plot" ? `\n\n${COMMAND_LIST}` : "\n";
  const flags = [...command.flags, ...COMMON_FLAGS, ...(command.name === "plot" ? [VERSION_FLAG] : [])];
  return `Usage: ${command.usage}${commands}\nOptions:\n${helpLines(flags).join("\n")}\n\nChannel numbers count from 0 at the lowest frequency.\n`;
}

/** Exit code for an error: 2 for bad usage or input, 1 for I/O failures and bugs. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof WaterfallError) return error.isIoError ? 1 : 2;
  return 1;
}

let signalsHandled = false;

/**
 * On Ctrl-C or a kill: removes unfinished temporary outputs, then re-raises
 * the signal so the process dies of it at once (the shell sees 130 or 143).
 * Exiting normally instead would wait for native work on the thread pool,
 * which can block indefinitely (a FIFO nobody writes to).
 */
export function dieCleanlyOnSignals(): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      removeTemporaryFiles();
      process.kill(process.pid, signal);
    });
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  if (argv.length === 1 && argv[0] === "--version") {
    io.out.write(`plot (wfall) ${VERSION}\n`);
    return 0;
  }
  const named = argv[0] !== undefined && Object.hasOwn(COMMANDS, argv[0]) && argv[0] !== "plot";
  const command = await COMMANDS[named ? argv[0] : "plot"]();
  const parsed = parseFlags(named ? argv.slice(1) : argv, [...command.flags, ...COMMON_FLAGS]);
  if (parsed.values.has("help")) {
    io.out.write(helpText(command));
    return 0;
  }
  return command.run(parsed, io);
}

/**
 * Runs the command line; returns the exit code. Errors are one line on
 * stderr naming the file and the problem (a stack trace only with --debug).
 */
export async function main(argv: string[], io: Partial<Io> = {}): Promise<number> {
  const streams: Io = { out: io.out ?? process.stdout, err: io.err ?? process.stderr };
  dieCleanlyOnSignals();
  try {
    return await run(argv, streams);
  } catch (error) {
    const known = error instanceof UsageError || error instanceof WaterfallError;
    const message = known ? (error as Error).message : `internal error: ${(error as Error)?.message ?? String(error)}`;
    streams.err.write(`plot: ${message.replace(/\s*\n\s*/g, " ")}\n`);
    if (argv.includes("--debug") && error instanceof Error) streams.err.write(`${error.stack}\n`);
    return exitCodeFor(error);
  }
}
