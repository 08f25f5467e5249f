/** `plot FILE`: the tutorial's waterfall figure of one file. */
import { READ_OPTIONS } from "@wfall/spectra";

import { figureOf } from "../../figure/build.js";
import type { FigureDescription } from "../../figure/description.js";
import { defaultOutput, writeFigure } from "../../figure/write.js";
import { FIGURE_OPTIONS, PANEL_OPTIONS } from "../../options.js";
import type { FigureMeta, VegaLiteSpec } from "../../spec/figure.js";
import { INPUT_FLAG, printNotes, waterfallInput, type Command, type Io } from "../command.js";
import { flagsOf, lastValue, optionsFrom, type Flag, type Parsed } from "../flags.js";

/** Flags shared by the figure commands: the Vega-Lite spec instead of rendering. */
export const SPEC_FLAG: Flag = { name: "spec", takes: "nothing", help: "print the Vega-Lite JSON instead of rendering" };

const FLAGS: Flag[] = [
  INPUT_FLAG,
  {
    name: "figname",
    takes: "one",
    arg: "FILE",
    help: "output figure; .pdf, .svg, .png, .jpg or .webp (repeatable)",
    defaultText: "the input's name with .pdf, in this folder",
    repeatable: true,
  },
  { name: "title", takes: "one", arg: "TEXT", help: "title above the panel" },
  SPEC_FLAG,
  ...flagsOf(PANEL_OPTIONS),
  ...flagsOf(FIGURE_OPTIONS, ["columns", "sharedScale"]),
  ...flagsOf(READ_OPTIONS),
];

/** The colour scale each panel was drawn with, as stderr says it (from the spec's usermeta). */
function colourScaleNotes(spec: VegaLiteSpec): string[] {
  const { panels } = (spec.usermeta as { wfall: FigureMeta }).wfall;
  const number = (v: number) => String(Number(v.toPrecision(6)));
  return panels.map((p) => `${p.source ?? "panel"}: colour scale vmin ${number(p.vmin)} (${p.limitsFrom.vmin}), vmax ${number(p.vmax)} (${p.limitsFrom.vmax})`);
}

/** Prints the spec, or renders and writes the figure, reporting what was read and the colour scale. */
export async function runFigure(description: FigureDescription, parsed: Parsed, io: Io): Promise<void> {
  const saved = description.panels.length === 1 ? "waterfall saved to" : "waterfalls saved to"; // the tutorial's words
  if (parsed.values.has("spec")) {
    const { spec, notes } = await figureOf(description);
    printNotes([...notes, ...colourScaleNotes(spec)], io);
    io.out.write(`${JSON.stringify(spec, null, 2)}\n`);
    return;
  }
  const built = await writeFigure(description);
  printNotes([...built.notes, ...colourScaleNotes(built.spec)], io);
  for (const output of built.outputs) io.out.write(`${saved}: ${output.path}\n`);
}

export const plotCommand: Command = {
  name: "plot",
  usage:
    "plot [--fname] FILE [FILE...] [--dm DM] [--figname OUT.pdf|.svg|.png] [options]\n\nDraws the tutorial's waterfall figure: the time series over the dedispersed, subbanded waterfall.",
  flags: FLAGS,
  async run(parsed, io) {
    const input = await waterfallInput(parsed, "plot");
    const outputs = parsed.values.get("figname") ?? [defaultOutput(input)];
    const description: FigureDescription = {
      ...optionsFrom(FIGURE_OPTIONS, parsed),
      outputs,
      panels: [{ input, read: optionsFrom(READ_OPTIONS, parsed), title: lastValue(parsed, "title"), options: optionsFrom(PANEL_OPTIONS, parsed) }],
    };
    await runFigure(description, parsed, io);
    return 0;
  },
};
