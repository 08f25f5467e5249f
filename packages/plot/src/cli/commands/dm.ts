/** `plot dm FILE --dm-range LO HI`: the best DM by S/N and by structure, and their curves. */
import { bestDm, MEASURE_OPTIONS, PROCESS_OPTIONS, READ_OPTIONS, WINDOW_OPTIONS, type BestDm } from "@wfall/spectra";
import { writeFilesAtomic } from "@wfall/spectra/internal";

import { formatOf } from "../../figure/build.js";
import { FIGURE_OPTIONS } from "../../options.js";
import { renderFigures } from "../../render.js";
import { dmCurvesSpec } from "../../spec/dm-curves.js";
import { INPUT_FLAG, processedInput, writeMaskFile, type Command } from "../command.js";
import { flagsOf, lastValue, optionsFrom, UsageError, type Flag } from "../flags.js";
import { fixed } from "./info.js";
import { WHERE_FLAGS } from "./snr.js";

const FLAGS: Flag[] = [
  INPUT_FLAG,
  { name: "json", takes: "nothing", help: "print JSON" },
  { name: "figname", takes: "one", arg: "FILE", help: "also draw the S/N and structure curves; .pdf, .svg or .png (repeatable)", repeatable: true },
  { name: "title", takes: "one", arg: "TEXT", help: "title above the curves" },
  ...flagsOf(MEASURE_OPTIONS),
  ...flagsOf(PROCESS_OPTIONS).map((f) =>
    f.name === "dm" ? { ...f, help: "dedisperse to this DM first (the burst is found there)", defaultText: "the middle of --dm-range" } : f,
  ),
  ...WHERE_FLAGS,
  ...flagsOf(READ_OPTIONS),
  ...flagsOf(FIGURE_OPTIONS, ["columns", "sharedScale", "label"]),
];

/** The result as aligned text lines. */
export function formatBestDm(file: string, r: BestDm): string {
  const structure =
    r.structure.uncertainty > 0
      ? `${fixed(r.structure.dm, 4)} +/- ${fixed(r.structure.uncertainty, 4)}`
      : `${fixed(r.structure.dm, 4)} (no maximum in the fit range)`;
  const lines: [string, string][] = [
    ["file", file],
    ["trials", `${r.curve.length} DMs from ${fixed(r.curve[0].dm, 6)} to ${fixed(r.curve[r.curve.length - 1].dm, 6)} (${r.method})`],
    [
      "S/N",
      `${fixed(r.snr.dm, 4)} +/- ${fixed(r.snr.uncertainty, 4)} pc cm^-3, S/N ${fixed(r.snr.snr, 2)} (${r.snr.definition})${r.snr.bounded ? "" : ", interval reaches the end of the trials"}`,
    ],
    ["structure", `${structure} pc cm^-3 (DM_phase, S/N ${fixed(r.structure.snr, 2)}, samples ${r.structureSamples[0]} .. ${r.structureSamples[1] - 1})`],
  ];
  return `${lines.map(([k, v]) => `${k.padEnd(10)} ${v}`).join("\n")}\n`;
}

export const dmCommand: Command = {
  name: "dm",
  usage:
    "plot dm FILE --dm-range LO HI [--trials N] [--json] [--figname OUT.pdf]\n\nFinds the best DM by S/N (the S/N-vs-DM curve of the DM-time plane) and by structure (DM_phase), each with its uncertainty. The data are dedispersed to --dm (default the middle of the range) and processed as for a figure; the burst is found there.",
  flags: FLAGS,
  async run(parsed, io) {
    const measure = optionsFrom(MEASURE_OPTIONS, parsed);
    const range = measure.dmRange;
    if (!range) throw new UsageError("dm: --dm-range LOW HIGH is required");
    const processed = await processedInput(parsed, "dm", io, { overrides: (o) => ({ ...o, dm: o.dm ?? (range[0] + range[1]) / 2 }) });
    const { waterfall, spectra } = processed;
    const result = await bestDm(spectra, { ...measure, dmRange: range, ...optionsFrom(WINDOW_OPTIONS, parsed) });
    if (!(result.structure.uncertainty > 0))
      io.err.write(`plot: ${waterfall.file}: DM_phase's fit has no maximum in its range: its DM is the middle of the range, without uncertainty\n`);
    const outputs = parsed.values.get("figname") ?? [];
    if (outputs.length) {
      const figure = optionsFrom(FIGURE_OPTIONS, parsed);
      const spec = dmCurvesSpec(result, { ...figure, title: lastValue(parsed, "title") });
      const files = await renderFigures(spec, outputs.map(formatOf), { dpi: figure.dpi });
      await writeFilesAtomic(outputs.map((path, i) => ({ path, bytes: files[i] })));
    }
    const { snr, structure, curve, ...rest } = result;
    io.out.write(
      parsed.values.has("json")
        ? `${JSON.stringify({ snr, structure, curve, ...rest, file: waterfall.file }, null, 2)}\n`
        : formatBestDm(waterfall.file, result),
    );
    for (const path of outputs) io.out.write(`curves saved to: ${path}\n`);
    await writeMaskFile(processed, io);
    return 0;
  },
};
