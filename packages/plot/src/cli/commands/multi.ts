/** `plot multi A B C`: several waterfalls in one figure (the tutorial's `plot_intensity_wfalls_multi.py`). */
import { READ_OPTIONS } from "@wfall/spectra";

import type { FigureDescription } from "../../figure/description.js";
import { FIGURE_OPTIONS, PANEL_OPTIONS } from "../../options.js";
import type { Command } from "../command.js";
import { flagsOf, numberValue, optionsFrom, UsageError, type Flag } from "../flags.js";
import { runFigure, SPEC_FLAG } from "./plot.js";

const FLAGS: Flag[] = [
  {
    name: "figname",
    takes: "one",
    arg: "FILE",
    help: "output figure; .pdf, .svg, .png, .jpg or .webp (repeatable)",
    defaultText: "wfall.pdf, as the tutorial",
    repeatable: true,
  },
  { name: "dm", takes: "numbers", arg: "DM", help: "target DM of each input, in order", defaultText: "the DM of each file" },
  { name: "titles", takes: "texts", arg: "TEXT", help: "title of each panel, in order (e.g. TNS names)" },
  SPEC_FLAG,
  ...flagsOf(PANEL_OPTIONS, ["dm"]),
  ...flagsOf(FIGURE_OPTIONS),
  ...flagsOf(READ_OPTIONS),
];

export const multiCommand: Command = {
  name: "multi",
  usage:
    'plot multi A B ... [--dm DM_A DM_B ...] [--titles T_A T_B ...] [--label "(a)"] [--masks] [--figname OUT.pdf]\n\nDraws several waterfalls side by side, as the tutorial\'s plot_intensity_wfalls_multi.py (add --masks for its two channel masks). Give the input files first.',
  flags: FLAGS,
  async run(parsed, io) {
    const inputs = parsed.positionals;
    if (inputs.length === 0) throw new UsageError("multi: no input files given (see --help)");
    const dms = parsed.values.get("dm")?.map((v) => numberValue("dm", v));
    const titles = parsed.values.get("titles");
    for (const [name, list] of [
      ["--dm", dms],
      ["--titles", titles],
    ] as const) {
      if (list && list.length !== inputs.length) throw new UsageError(`multi: ${name} has ${list.length} value(s) for ${inputs.length} input file(s)`);
    }
    const read = optionsFrom(READ_OPTIONS, parsed);
    const description: FigureDescription = {
      ...optionsFrom(FIGURE_OPTIONS, parsed),
      outputs: parsed.values.get("figname") ?? ["wfall.pdf"],
      options: optionsFrom(PANEL_OPTIONS, parsed),
      panels: inputs.map((input, i) => ({ input, read, title: titles?.[i], options: dms ? { dm: dms[i] } : {} })),
    };
    await runFigure(description, parsed, io);
    return 0;
  },
};
