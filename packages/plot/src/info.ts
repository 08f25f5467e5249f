/** `plot info`: what a waterfall file holds, without drawing anything. */
import { detectFormat, openWaterfall, readFilterbankInfo, type OpenOptions, type WaterfallFormat } from "@wfall/spectra";

export interface FileDescription {
  file: string;
  format: WaterfallFormat;
  layout?: string;
  channels: number;
  samples: number;
  /** Lowest and highest channel frequencies, MHz, and the channel width. */
  frequencies: { lowest: number; highest: number; width: number; order: string };
  sampleTime: number;
  duration: number;
  dm: number;
  notes: string[];
  /** The filterbank header, the npz's other keys, or the candidate's DM-time plane. */
  header?: Record<string, unknown>;
}

/** Describes a file; a filterbank's samples are not read, only its header. */
export async function describeFile(file: string, options: OpenOptions = {}): Promise<FileDescription> {
  const format = await detectFormat(file);
  if (format === "filterbank") {
    const info = await readFilterbankInfo(file);
    const lowest = info.fbottom;
    return {
      file,
      format,
      layout: "SIGPROC filterbank",
      channels: info.nchans,
      samples: info.nsamples,
      frequencies: { lowest, highest: lowest + (info.nchans - 1) * Math.abs(info.foff), width: Math.abs(info.foff), order: info.foff < 0 ? "descending in the file, flipped on reading" : "ascending" },
      sampleTime: info.tsamp,
      duration: info.nsamples * info.tsamp,
      dm: typeof info.header.refdm === "number" ? info.header.refdm : 0,
      notes: [`${info.nbits}-bit samples, ${info.headerBytes}-byte header`, ...(info.unknownKeywords.length ? [`unknown header keywords: ${info.unknownKeywords.join(", ")}`] : [])],
      header: info.header,
    };
  }
  const wf = await openWaterfall(file, options);
  const extra = Object.fromEntries(Object.entries(wf.extra).map(([k, a]) => [k, `${a.descr} (${a.shape.join(", ")})`]));
  return {
    file,
    format,
    layout: wf.layout,
    channels: wf.nchan,
    samples: wf.ntime,
    frequencies: { lowest: wf.fbottom, highest: wf.fbottom + (wf.nchan - 1) * wf.df, width: wf.df, order: "row 0 lowest" },
    sampleTime: wf.dt,
    duration: wf.ntime * wf.dt,
    dm: wf.dm,
    notes: wf.notes ?? [],
    header: wf.dmTime ? { ...extra, dmTime: `${wf.dmTime.ndm} trials, DM ${wf.dmTime.dmRange.join(" .. ")}` } : extra,
  };
}

const fixed = (v: number, digits: number) => Number(v.toFixed(digits)).toString();

/** The description as aligned text lines. */
export function formatDescription(d: FileDescription): string {
  const lines: [string, string][] = [
    ["file", d.file],
    ["format", `${d.format}${d.layout ? `, ${d.layout}` : ""}`],
    ["shape", `${d.channels} channels x ${d.samples} samples`],
    ["frequencies", `${fixed(d.frequencies.lowest, 6)} .. ${fixed(d.frequencies.highest, 6)} MHz, ${fixed(d.frequencies.width, 6)} MHz channels (${d.frequencies.order})`],
    ["sample time", `${fixed(d.sampleTime * 1e3, 6)} ms`],
    ["duration", `${fixed(d.duration, 6)} s`],
    ["DM", `${d.dm} pc cm^-3`],
    ...d.notes.map((n): [string, string] => ["note", n]),
    ...Object.entries(d.header ?? {}).map(([k, v]): [string, string] => [`  ${k}`, String(v)]),
  ];
  return lines.map(([k, v]) => `${k.padEnd(14)} ${v}`).join("\n") + "\n";
}
