/** `plot prepare FILE -o OUT.npz`: the processed waterfall, as an npz numpy and the tutorial's scripts read. */
import { openWaterfall, PROCESS_OPTIONS, processSpectra, READ_OPTIONS, Spectra, WaterfallError, writeWaterfall } from "@wfall/spectra";

import { printNotes, waterfallInput, type Command } from "../command.js";
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
    const input = await waterfallInput(parsed, "prepare");
    const output = lastValue(parsed, "output");
    if (!output) throw new UsageError("prepare: the output file is required (-o OUTPUT.npz)");
    if ((typeof input === "string" ? [input] : input).includes(output))
      throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: output });
    const waterfall = await openWaterfall(input, optionsFrom(READ_OPTIONS, parsed));
    printNotes(
      waterfall.notes.map((n) => `${waterfall.file}: ${n}`),
      io,
    );
    const spectra = processSpectra(Spectra.fromWaterfall(waterfall), optionsFrom(PROCESS_OPTIONS, parsed));
    await writeWaterfall(output, spectra, { compressed: parsed.values.has("compressed") });
    io.out.write(`prepared waterfall (${spectra.nchan} channels x ${spectra.ntime} samples, DM ${spectra.dm}) saved to: ${output}\n`);
    return 0;
  },
};
