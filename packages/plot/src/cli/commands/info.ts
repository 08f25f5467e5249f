/** `plot info FILE`: what a waterfall file holds, without drawing anything. */
import { bandEdges, describeFile, READ_OPTIONS, type FileDescription } from "@wfall/spectra";

import { waterfallInput, type Command } from "../command.js";
import { flagsOf, optionsFrom, type Flag } from "../flags.js";

const FLAGS: Flag[] = [{ name: "json", takes: "nothing", help: "print JSON" }, ...flagsOf(READ_OPTIONS)];

/** A number with at most `digits` decimals and no float noise (21.183, not 21.183000000000003). */
export const fixed = (v: number, digits: number) => String(Number(v.toFixed(digits)));

/** The description as aligned text lines. */
export function formatDescription(d: FileDescription): string {
  const { dt, df, fbottom, dm } = d.axes;
  const band =
    fbottom !== undefined && df !== undefined
      ? (() => {
          const [low, high] = bandEdges({ fbottom, df }, d.channels);
          return `${fixed(low, 6)} .. ${fixed(high, 6)} MHz, ${d.channels} channels of ${fixed(df, 6)} MHz`;
        })()
      : `not in the file (${d.missing.fbottom ?? d.missing.df})`;
  const lines: [string, string][] = [
    ["file", d.file],
    ["format", `${d.format}, ${d.layout}`],
    ["shape", `${d.channels} channels x ${d.samples} samples (${d.dtype})`],
    ["band", band],
    ["sample time", dt !== undefined ? `${fixed(dt * 1e3, 9)} ms` : `not in the file (${d.missing.dt})`],
    ["duration", dt !== undefined ? `${fixed(d.samples * dt, 6)} s` : "unknown"],
    ["DM", dm !== undefined ? `${dm} pc cm^-3` : "not in the file (taken as 0)"],
    ...(d.startMjd !== undefined ? [["start MJD", String(d.startMjd)] as [string, string]] : []),
    ...d.notes.map((n): [string, string] => ["note", n]),
    ...Object.entries(d.details).map(([k, v]): [string, string] => [`  ${k}`, typeof v === "number" ? fixed(v, 12) : String(v)]),
  ];
  return `${lines.map(([k, v]) => `${k.padEnd(14)} ${v}`).join("\n")}\n`;
}

export const infoCommand: Command = {
  name: "info",
  usage:
    "plot info FILE [FILE...] [--json]\n\nPrints what a file holds: format, layout, shape, band, sample time, DM, duration, header (several PSRFITS files: one observation).",
  flags: FLAGS,
  async run(parsed, io) {
    const description = await describeFile(await waterfallInput(parsed, "info"), optionsFrom(READ_OPTIONS, parsed));
    io.out.write(parsed.values.has("json") ? `${JSON.stringify(description, null, 2)}\n` : formatDescription(description));
    return 0;
  },
};
