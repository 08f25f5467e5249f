/** `plot info FILE`: what a waterfall file holds, without drawing anything. */
import { bandEdges, describeFile, READ_OPTIONS, type FileDescription } from "@wfall/spectra";

import { INPUT_FLAG, waterfallInput, type Command } from "../command.js";
import { flagsOf, optionsFrom, type Flag } from "../flags.js";

const FLAGS: Flag[] = [INPUT_FLAG, { name: "json", takes: "nothing", help: "print JSON" }, ...flagsOf(READ_OPTIONS)];

/** A number with at most `digits` decimals and no float noise (21.183, not 21.183000000000003). */
export const fixed = (v: number, digits: number) => String(Number(v.toFixed(digits)));

/** Channel numbers as ranges: `0-10, 53, 60-63`. */
export function channelRanges(channels: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < channels.length; ) {
    let j = i;
    while (j + 1 < channels.length && channels[j + 1] === channels[j] + 1) j++;
    parts.push(j > i ? `${channels[i]}-${channels[j]}` : String(channels[i]));
    i = j + 1;
  }
  return parts.join(", ");
}

/** The description as aligned text lines. */
export function formatDescription(d: FileDescription): string {
  const { dt, df, fbottom, dm } = d.axes;
  const known = fbottom !== undefined && df !== undefined;
  const [low, high] = known ? bandEdges({ fbottom, df }, d.channels) : [0, 0];
  const band = known
    ? `${fixed(low, 6)} .. ${fixed(high, 6)} MHz (edges), ${d.channels} channels of ${fixed(df, 6)} MHz`
    : `not in the file (${d.missing.fbottom ?? d.missing.df})`;
  const centres = known ? `${fixed(low + df / 2, 6)} .. ${fixed(high - df / 2, 6)} MHz` : "unknown";
  const { zero, constant, samplesChecked } = d.constantChannels;
  const checked = samplesChecked === d.samples ? "" : ` in the first ${samplesChecked} samples`;
  const dead = [
    ...(zero.length ? [`${channelRanges(zero)} (all zero or missing${checked})`] : []),
    ...(constant.length ? [`${channelRanges(constant)} (constant${checked})`] : []),
  ];
  const lines: [string, string][] = [
    ["file", d.file],
    ["format", `${d.format}, ${d.layout}`],
    ["shape", `${d.channels} channels x ${d.samples} samples (${d.dtype})`],
    ["band", band],
    ["centres", centres],
    ["sample time", dt !== undefined ? `${fixed(dt * 1e3, 9)} ms` : `not in the file (${d.missing.dt})`],
    ["duration", dt !== undefined ? `${fixed(d.samples * dt, 6)} s` : "unknown"],
    ["DM", dm !== undefined ? `${dm} pc cm^-3` : "not in the file (taken as 0)"],
    ...(d.startMjd !== undefined ? [["start MJD", String(d.startMjd)] as [string, string]] : []),
    ["dead channels", dead.length ? `${dead.join("; ")}; channel 0 is the lowest frequency` : "none"],
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
