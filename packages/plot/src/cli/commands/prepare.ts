/** `plot prepare FILE -o OUT.npz`: the processed waterfall, as an npz numpy and the tutorial's scripts read. */
import { PROCESS_OPTIONS, processFile, READ_OPTIONS, WaterfallError, writeWaterfall } from "@wfall/spectra";

import { printNotes, singleInput, type Command } from "../command.js";
import { flagsOf, lastValue, optionsFrom, UsageError, type Flag } from "../flags.js";

const FLAGS: Flag[] = [
  { name: "output", short: "o", takes: "one", arg: "FILE", help: "output npz (required)" },
  { name: "compressed", takes: "nothing", help: "deflate the npz (np.savez_compressed)" },
  ...flagsOf(PROCESS_OPTIONS),
  ...flagsOf(READ_OPTIONS),
];

export const prepareCommand: Command = {
  name: "prepare",
  usage:
    "plot prepare FILE [--dm DM] [--nsub N] [masks] -o OUTPUT.npz\n\nWrites the processed (dedispersed, masked, subbanded) waterfall as an npz that numpy and the tutorial's scripts read.",
  flags: FLAGS,
  async run(parsed, io) {
    const input = singleInput(parsed, "prepare");
    const output = lastValue(parsed, "output");
    if (!output) throw new UsageError("prepare: the output file is required (-o OUTPUT.npz)");
    if (output === input) throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: output });
    const { spectra, notes } = await processFile(input, optionsFrom(READ_OPTIONS, parsed), optionsFrom(PROCESS_OPTIONS, parsed));
    printNotes(
      notes.map((n) => `${input}: ${n}`),
      io,
    );
    await writeWaterfall(output, spectra, { compressed: parsed.values.has("compressed") });
    io.out.write(`prepared waterfall (${spectra.nchan} channels x ${spectra.ntime} samples, DM ${spectra.dm}) saved to: ${output}\n`);
    return 0;
  },
};
