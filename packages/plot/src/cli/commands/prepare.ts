/** `plot prepare FILE -o OUT.npz`: the processed waterfall, as an npz numpy and the tutorial's scripts read. */
import {
  encodeWaterfall,
  maskDocumentBytes,
  maskReportLines,
  masksRequested,
  openWaterfall,
  PROCESS_OPTIONS,
  processSpectra,
  READ_OPTIONS,
  Spectra,
  WaterfallError,
} from "@wfall/spectra";
import { writeFilesAtomic } from "@wfall/spectra/internal";

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
    const waterfall = await openWaterfall(input, optionsFrom(READ_OPTIONS, parsed));
    printNotes(
      waterfall.notes.map((n) => `${input}: ${n}`),
      io,
    );
    const options = optionsFrom(PROCESS_OPTIONS, parsed);
    if (options.masksOut === output || options.masksOut === input)
      throw new WaterfallError("E_ARGUMENT", "--masks-out names the input or the output npz; choose another name", { file: options.masksOut });
    const spectra = processSpectra(Spectra.fromWaterfall(waterfall), options);
    const mask = spectra.channelMask;
    printNotes(maskReportLines(mask, input, masksRequested(options)), io);
    const files = [{ path: output, bytes: await encodeWaterfall(spectra, { compressed: parsed.values.has("compressed") }) }];
    if (options.masksOut) files.push({ path: options.masksOut, bytes: maskDocumentBytes(mask, input) });
    await writeFilesAtomic(files);
    io.out.write(`prepared waterfall (${spectra.nchan} channels x ${spectra.ntime} samples, DM ${spectra.dm}) saved to: ${output}\n`);
    if (options.masksOut) io.out.write(`masks saved to: ${options.masksOut}\n`);
    return 0;
  },
};
