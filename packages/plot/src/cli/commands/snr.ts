/** `plot snr FILE`: the S/N, width and arrival time of the burst, by a named definition. */
import { figureWindow, measureSnr, MEASURE_OPTIONS, PROCESS_OPTIONS, READ_OPTIONS, WINDOW_OPTIONS, type BurstSnr } from "@wfall/spectra";

import { INPUT_FLAG, processedInput, type Command } from "../command.js";
import { flagsOf, optionsFrom, type Flag } from "../flags.js";
import { fixed } from "./info.js";

/** The window options that say where the burst is (not how it is coloured). */
export const WHERE_FLAGS = flagsOf(WINDOW_OPTIONS, ["vmin", "vmax", "vminPercentile", "vmaxPercentile", "offPulseSamples"]);

const FLAGS: Flag[] = [
  INPUT_FLAG,
  { name: "json", takes: "nothing", help: "print JSON" },
  ...flagsOf(MEASURE_OPTIONS, ["dmRange", "trials"]),
  ...flagsOf(PROCESS_OPTIONS),
  ...WHERE_FLAGS,
  ...flagsOf(READ_OPTIONS),
];

/** The measurement as aligned text lines. */
export function formatSnr(file: string, m: BurstSnr): string {
  const at = m.referenceMhz === null ? "infinite frequency" : `${fixed(m.referenceMhz, 6)} MHz`;
  const lines: [string, string][] = [
    ["file", file],
    ["definition", m.definition],
    ["S/N", fixed(m.snr, 3)],
    ["width", `${fixed(m.widthSamples, 3)} samples = ${fixed(m.widthMs, 6)} ms`],
    ["peak", `sample ${m.peakSample}, ${fixed(m.peakSeconds, 9)} s from the start of the file, at ${at}`],
    ...(m.peakMjd !== undefined
      ? [
          ["peak MJD", `${m.peakMjd.toFixed(10)} at ${at}`] as [string, string],
          ["", `${m.peakMjdInfinite!.toFixed(10)} at infinite frequency`] as [string, string],
        ]
      : []),
    ["on-pulse", `samples ${m.onPulse[0]} .. ${m.onPulse[1] - 1}`],
    ["DM", `${m.dm} pc cm^-3 (K_DM ${fixed(m.kdm, 9)} MHz^2 s cm^3 / pc)`],
  ];
  return `${lines.map(([k, v]) => `${k.padEnd(11)} ${v}`).join("\n")}\n`;
}

/** The measurement with the issue's keys first, as `--json` prints it. */
export function snrJson(file: string, m: BurstSnr): Record<string, unknown> {
  const { definition, snr, widthSamples, widthMs, peakSample, peakSeconds, peakMjd, peakMjdInfinite, dm, ...rest } = m;
  return { definition, snr, widthSamples, widthMs, peakSample, peakSeconds, peakMjd, peakMjdInfinite, dm, ...rest, file };
}

export const snrCommand: Command = {
  name: "snr",
  usage:
    "plot snr FILE [--dm DM] [--definition heimdall|presto|peak|weq] [--json]\n\nMeasures the burst's S/N, width and arrival time in the band-summed time series (after the same processing as the figure). The burst is looked for in the window a figure would plot (--peak, --peak-time, --window-ms); the noise comes from the whole series.",
  flags: FLAGS,
  async run(parsed, io) {
    const { waterfall, spectra } = await processedInput(parsed, "snr", io);
    const { definition } = optionsFrom(MEASURE_OPTIONS, parsed);
    const series = spectra.timeseries();
    const window = figureWindow(spectra, series, optionsFrom(WINDOW_OPTIONS, parsed));
    const m = measureSnr(spectra, { definition, search: [window.sampleStart, window.sampleEnd] }, series);
    io.out.write(parsed.values.has("json") ? `${JSON.stringify(snrJson(waterfall.file, m), null, 2)}\n` : formatSnr(waterfall.file, m));
    return 0;
  },
};
