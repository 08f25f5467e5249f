/** `plot prepare FILE -o OUT.npz`: the processed waterfall, as an npz numpy and the tutorial's scripts read. */
import { basename } from "node:path";

import { encodeWaterfall, PROCESS_OPTIONS, READ_OPTIONS, type ProcessOptions } from "@wfall/spectra";
import { writeFilesAtomic } from "@wfall/spectra/internal";

import { VERSION } from "../../version.js";
import { INPUT_FLAG, processedInput, type Command } from "../command.js";
import { flagsOf, lastValue, UsageError, type Flag } from "../flags.js";

const FLAGS: Flag[] = [
  INPUT_FLAG,
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
    const output = lastValue(parsed, "output");
    if (!output) throw new UsageError("prepare: the output file is required (-o OUTPUT.npz)");
    // prepare keeps every channel unless told
    const overrides = (options: ProcessOptions) => ({ ...options, nsub: options.nsub ?? "all" });
    const { files, waterfall, read, spectra, applied, maskFile } = await processedInput(parsed, "prepare", io, { overrides, output });
    // Every mask step (given, file, statistics, RFI methods) with its option and parameters, as the mask_* keys record them.
    const processing = { ...applied, maskSteps: spectra.channelMask.steps };
    const provenance = { tool: `wfall ${VERSION}`, input: files.map((f) => basename(f)).join(" "), format: waterfall.layout, read, processing };
    const npz = await encodeWaterfall(spectra, { compressed: parsed.values.has("compressed"), extra: { provenance: { text: JSON.stringify(provenance) } } });
    await writeFilesAtomic([{ path: output, bytes: npz }, ...(maskFile ? [maskFile] : [])]);
    io.out.write(`prepared waterfall (${spectra.nchan} channels x ${spectra.ntime} samples, DM ${spectra.dm}) saved to: ${output}\n`);
    if (maskFile) io.out.write(`masks saved to: ${maskFile.path}\n`);
    return 0;
  },
};
