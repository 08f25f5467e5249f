/** `plot prepare FILE -o OUT.npz`: the processed waterfall, as an npz numpy and the tutorial's scripts read. */
import { basename } from "node:path";

import { openWaterfall, PROCESS_OPTIONS, processWaterfall, READ_OPTIONS, WaterfallError, writeWaterfall } from "@wfall/spectra";
import { sweepTargetOf } from "@wfall/spectra/internal";

import { VERSION } from "../../version.js";
import { printNotes, waterfallInput, type Command } from "../command.js";
import { flagsOf, lastValue, optionsFrom, UsageError, type Flag } from "../flags.js";

const FLAGS: Flag[] = [
  { name: "output", short: "o", takes: "one", arg: "FILE", help: "output npz (required)" },
  { name: "compressed", takes: "nothing", help: "deflate the npz (np.savez_compressed)" },
  // prepare keeps every channel unless told: subbanding is the figure's default, not the data's
  ...flagsOf(PROCESS_OPTIONS).map((f) => (f.name === "nsub" ? { ...f, defaultText: "all (no subbanding)" } : f)),
  ...flagsOf(READ_OPTIONS),
];

export const prepareCommand: Command = {
  name: "prepare",
  usage:
    "plot prepare FILE [--dm DM] [--nsub N] [masks] -o OUTPUT.npz\n\nWrites the processed (dedispersed, masked, subbanded) waterfall as an npz that numpy and the tutorial's scripts read, with a 'provenance' key (JSON) saying what was done.",
  flags: FLAGS,
  async run(parsed, io) {
    const input = await waterfallInput(parsed, "prepare");
    const output = lastValue(parsed, "output");
    if (!output) throw new UsageError("prepare: the output file is required (-o OUTPUT.npz)");
    const files = typeof input === "string" ? [input] : input;
    if (files.includes(output)) throw new WaterfallError("E_ARGUMENT", "the output path is the input file; choose another name", { file: output });
    const options = { ...optionsFrom(PROCESS_OPTIONS, parsed) };
    options.nsub ??= "all";
    const read = optionsFrom(READ_OPTIONS, parsed);
    const waterfall = await openWaterfall(input, { ...read, includeSweep: sweepTargetOf(options) });
    const { spectra, notes, applied } = processWaterfall(waterfall, options);
    printNotes(
      [...waterfall.notes, ...notes].map((n) => `${waterfall.file}: ${n}`),
      io,
    );
    const provenance = { tool: `wfall ${VERSION}`, input: files.map((f) => basename(f)).join(" "), format: waterfall.layout, read, processing: applied };
    await writeWaterfall(output, spectra, { compressed: parsed.values.has("compressed"), extra: { provenance: { text: JSON.stringify(provenance) } } });
    io.out.write(`prepared waterfall (${spectra.nchan} channels x ${spectra.ntime} samples, DM ${spectra.dm}) saved to: ${output}\n`);
    return 0;
  },
};
