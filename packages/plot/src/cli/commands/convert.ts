/**
 * `plot convert FILE --to filterbank|npz -o OUT`: a waterfall in another
 * format, read with every reading option (the job of PRESTO's psrfits2fil.py,
 * for any input format). Values are kept exactly: a filterbank is written as
 * 32-bit floats (masked samples stay NaN), an npz as float32.
 */
import { extname } from "node:path";

import { inputLabel, openWaterfall, READ_OPTIONS, Spectra, WaterfallError, writeFilterbank, writeWaterfall } from "@wfall/spectra";

import { INPUT_FLAG, printNotes, waterfallInput, type Command } from "../command.js";
import { flagsOf, lastValue, optionsFrom, UsageError, type Flag } from "../flags.js";

const TARGETS = { filterbank: [".fil"], npz: [".npz"] } as const;
type Target = keyof typeof TARGETS;

const FLAGS: Flag[] = [
  INPUT_FLAG,
  { name: "to", takes: "one", arg: "filterbank|npz", help: "the output format", defaultText: "from the output's extension: .fil or .npz" },
  { name: "output", short: "o", takes: "one", arg: "FILE", help: "output file (required)" },
  { name: "compressed", takes: "nothing", help: "npz only: deflate it (np.savez_compressed)" },
  ...flagsOf(READ_OPTIONS),
];

function targetOf(to: string | undefined, output: string): Target {
  if (to !== undefined) {
    if (!Object.hasOwn(TARGETS, to)) throw new UsageError(`convert: --to must be filterbank or npz, got '${to}'`);
    return to as Target;
  }
  const ext = extname(output).toLowerCase();
  const found = (Object.keys(TARGETS) as Target[]).find((t) => (TARGETS[t] as readonly string[]).includes(ext));
  if (!found) throw new UsageError(`convert: cannot tell the output format from '${ext || output}': give --to filterbank or --to npz`);
  return found;
}

export const convertCommand: Command = {
  name: "convert",
  usage:
    "plot convert FILE [FILE...] --to filterbank|npz -o OUTPUT [reading options]\n\nWrites a waterfall (e.g. PSRFITS search mode, with --pol, --no-scales, --no-offsets, --no-weights, --start, --duration) as a SIGPROC filterbank of 32-bit floats or an npz, values unchanged.",
  flags: FLAGS,
  async run(parsed, io) {
    const input = await waterfallInput(parsed, "convert");
    const output = lastValue(parsed, "output");
    if (!output) throw new UsageError("convert: the output file is required (-o OUTPUT.fil or OUTPUT.npz)");
    const target = targetOf(lastValue(parsed, "to"), output);
    if ((typeof input === "string" ? [input] : input).includes(output)) {
      throw new WaterfallError("E_ARGUMENT", "the output path is an input file; choose another name", { file: output });
    }
    if (parsed.values.has("compressed") && target !== "npz") throw new UsageError("convert: --compressed applies to npz output only");
    const waterfall = await openWaterfall(input, optionsFrom(READ_OPTIONS, parsed));
    printNotes(
      waterfall.notes.map((n) => `${inputLabel(input)}: ${n}`),
      io,
    );
    const spectra = Spectra.fromWaterfall(waterfall);
    if (target === "filterbank") {
      const tstart = waterfall.startMjd === undefined ? 0 : waterfall.startMjd + waterfall.start / 86400;
      await writeFilterbank(output, spectra, { nbits: 32, header: { tstart } });
    } else {
      await writeWaterfall(output, spectra, { compressed: parsed.values.has("compressed") });
    }
    io.out.write(`converted ${inputLabel(input)} (${spectra.nchan} channels x ${spectra.ntime} samples) to ${target}: ${output}\n`);
    return 0;
  },
};
