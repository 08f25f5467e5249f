/**
 * Mask files: the JSON document wfall writes (`--masks-out`) and reads
 * (`--masks-in`), and PRESTO rfifind `.mask` files (read only).
 *
 * The JSON document (version 1) lists every masked channel with its number
 * (0 = the lowest frequency), its band edges and centre in MHz and its origin,
 * on the grid it was made on, plus the steps that made the masks:
 *
 * ```json
 * { "format": "wfall-channel-mask", "version": 1, "source": "28.fil",
 *   "channelNumbering": "0 = the lowest frequency",
 *   "grid": { "nchan": 336, "fbottomMhz": 1129.5, "dfMhz": 1 },
 *   "summary": { "masked": 12, "byOrigin": { "file": 2, "iqrm": 10 } },
 *   "steps": [{ "method": "iqrm", "description": "...", "option": "--mask-iqrm", "channels": 10 }],
 *   "notes": [],
 *   "masked": [{ "channel": 40, "lowMhz": 1169.5, "highMhz": 1170.5, "centreMhz": 1170, "origin": "iqrm" }] }
 * ```
 *
 * On reading, entries keep their origin (provenance survives a round trip;
 * an entry without one is `maskfile`). When the file's grid is the data's,
 * entries apply by channel number; otherwise, or without a grid, by
 * frequency (`lowMhz`..`highMhz`: every channel overlapping it). Hand-written
 * files may give only `{ "masked": [{ "lowMhz": 1200, "highMhz": 1210 }] }`.
 */
import { readFileSync } from "node:fs";

import { WaterfallError } from "../errors.js";
import { ioError } from "../io/files.js";
import * as native from "../native.js";
import type { Spectra } from "../spectra.js";
import { channelsInRange, isMaskOrigin, MASK_ORIGINS, summariseMask, type ChannelMask, type MaskGrid, type MaskOrigin } from "./record.js";

/** The `format` field of wfall's JSON mask documents. */
export const MASK_FORMAT = "wfall-channel-mask";

/** One masked channel (or a range of frequencies) of a JSON mask document. */
export interface MaskEntry {
  channel?: number;
  lowMhz?: number;
  highMhz?: number;
  centreMhz?: number;
  origin?: MaskOrigin;
}

/** wfall's JSON mask document (see the module doc). */
export interface MaskDocument {
  format: typeof MASK_FORMAT;
  version: 1;
  source?: string;
  channelNumbering: string;
  grid: { nchan: number; fbottomMhz: number; dfMhz: number };
  summary: { masked: number; byOrigin: Partial<Record<MaskOrigin, number>> };
  steps: ChannelMask["steps"];
  notes: string[];
  masked: Required<MaskEntry>[];
}

/** The JSON document of a mask record. */
export function maskDocument(mask: ChannelMask, source?: string): MaskDocument {
  const { fbottom, df } = mask.grid;
  return {
    ...maskDocumentHead(mask, source),
    masked: mask.origins.flatMap((origin, channel) =>
      origin ? [{ channel, lowMhz: fbottom + channel * df, highMhz: fbottom + (channel + 1) * df, centreMhz: fbottom + (channel + 0.5) * df, origin }] : [],
    ),
  };
}

/**
 * The JSON document of a mask record without its list of masked channels: what an npz's
 * `mask_json` holds (the npz's `mask_origin` lists the channels, one origin per channel).
 */
export function maskDocumentHead(mask: ChannelMask, source?: string): Omit<MaskDocument, "masked"> {
  const { nchan, fbottom, df } = mask.grid;
  const summary = summariseMask(mask);
  return {
    format: MASK_FORMAT,
    version: 1,
    ...(source !== undefined ? { source } : {}),
    channelNumbering: "0 = the lowest frequency",
    grid: { nchan, fbottomMhz: fbottom, dfMhz: df },
    summary: { masked: summary.masked, byOrigin: Object.fromEntries(summary.byOrigin.map((o) => [o.origin, o.channels])) },
    steps: mask.steps,
    notes: mask.notes,
  };
}

/** The bytes of a mask record's JSON document (UTF-8, two-space indent, one entry a line, newline at the end). */
export function maskDocumentBytes(mask: ChannelMask, source?: string): Uint8Array {
  const { masked, ...rest } = maskDocument(mask, source);
  const head = JSON.stringify(rest, null, 2).replace(/\n}$/, "");
  const entries = masked.map((e) => `    ${JSON.stringify(e)}`).join(",\n");
  return new TextEncoder().encode(`${head},\n  "masked": [${entries ? `\n${entries}\n  ` : ""}]\n}\n`);
}

/** A mask file as read: wfall's JSON, or an rfifind mask. */
export type MaskFileContents =
  | { kind: "json"; file: string; grid?: MaskGrid; entries: MaskEntry[] }
  | { kind: "rfifind"; file: string; info: native.RfifindMaskInfo };

const fail = (file: string, message: string) => new WaterfallError("E_VALUE", message, { file });

function parseEntries(doc: unknown, file: string): { grid?: MaskGrid; entries: MaskEntry[] } {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw fail(file, "a JSON mask file must hold an object with a 'masked' list");
  const d = doc as Record<string, unknown>;
  if (d.format !== undefined && d.format !== MASK_FORMAT) throw fail(file, `not a wfall mask file: format '${String(d.format)}', expected '${MASK_FORMAT}'`);
  if (d.version !== undefined && d.version !== 1) throw fail(file, `mask file version ${String(d.version)} is not supported (this wfall reads version 1)`);
  if (d.masked === undefined && d.format === MASK_FORMAT)
    throw fail(
      file,
      "this mask document has no 'masked' list (an npz's mask_json leaves it out: its channels are the npz's mask_origin; --masks-out writes a whole one)",
    );
  if (!Array.isArray(d.masked)) throw fail(file, "a JSON mask file must have a 'masked' list of entries");
  let grid: MaskGrid | undefined;
  if (d.grid !== undefined) {
    const g = d.grid as Record<string, unknown>;
    const ok = [g?.nchan, g?.fbottomMhz, g?.dfMhz].every((v) => typeof v === "number" && Number.isFinite(v));
    if (!ok || !(Number.isInteger(g.nchan) && (g.nchan as number) > 0 && (g.dfMhz as number) > 0))
      throw fail(file, "'grid' must be { nchan, fbottomMhz, dfMhz } with a positive integer nchan and a positive dfMhz");
    grid = { nchan: g.nchan as number, fbottom: g.fbottomMhz as number, df: g.dfMhz as number };
  }
  const entries = d.masked.map((raw, i): MaskEntry => {
    const e = raw as Record<string, unknown>;
    const where = `entry ${i} of 'masked'`;
    if (typeof e !== "object" || e === null) throw fail(file, `${where} is not an object`);
    if (e.origin !== undefined && !isMaskOrigin(e.origin))
      throw fail(file, `${where}: unknown origin '${String(e.origin)}' (known: ${MASK_ORIGINS.join(", ")})`);
    const channel = e.channel;
    if (channel !== undefined && !(Number.isInteger(channel) && (channel as number) >= 0)) throw fail(file, `${where}: channel must be a non-negative integer`);
    const [low, high] = [e.lowMhz, e.highMhz];
    const range = typeof low === "number" && typeof high === "number" && Number.isFinite(low) && Number.isFinite(high) && low < high;
    if ((low !== undefined || high !== undefined) && !range) throw fail(file, `${where}: lowMhz and highMhz must be numbers with lowMhz < highMhz`);
    if (channel === undefined && !range) throw fail(file, `${where} has neither a channel nor lowMhz/highMhz`);
    if (channel !== undefined && !range && !grid)
      throw fail(file, `${where} gives a channel number but the file has no 'grid' to say which band it belongs to`);
    return {
      channel: channel as number | undefined,
      lowMhz: low as number | undefined,
      highMhz: high as number | undefined,
      origin: e.origin as MaskOrigin | undefined,
    };
  });
  return { grid, entries };
}

/** Reads a mask file: wfall's JSON (recognised by its first character) or a PRESTO rfifind `.mask`. */
export function readMaskFile(file: string): MaskFileContents {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw ioError(error, file, "read");
  }
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  if (text.startsWith("{")) {
    let doc: unknown;
    try {
      doc = JSON.parse(new TextDecoder().decode(bytes));
    } catch (error) {
      throw fail(file, `not valid JSON: ${(error as Error).message}`);
    }
    return { kind: "json", file, ...parseEntries(doc, file) };
  }
  return { kind: "rfifind", file, info: native.parseRfifindMask(bytes, file) };
}

const sameGrid = (a: MaskGrid, b: MaskGrid) => a.nchan === b.nchan && Math.abs(a.df - b.df) <= 1e-9 * b.df && Math.abs(a.fbottom - b.fbottom) <= 1e-6 * b.df;

/** The channels of `grid` each entry masks, by origin. */
function entryChannels(contents: Extract<MaskFileContents, { kind: "json" }>, grid: MaskGrid): Map<MaskOrigin, number[]> {
  const byChannel = contents.grid !== undefined && sameGrid(contents.grid, grid);
  const out = new Map<MaskOrigin, number[]>();
  for (const [i, e] of contents.entries.entries()) {
    let channels: number[];
    if (byChannel && e.channel !== undefined) {
      if (e.channel >= grid.nchan) throw fail(contents.file, `entry ${i}: channel ${e.channel} does not exist (the data have ${grid.nchan})`);
      channels = [e.channel];
    } else if (e.lowMhz !== undefined && e.highMhz !== undefined) {
      channels = channelsInRange(grid, [e.lowMhz, e.highMhz]);
    } else {
      const g = contents.grid!;
      throw fail(
        contents.file,
        `the mask was made for ${g.nchan} channels of ${g.df} MHz from ${g.fbottom} MHz, these data have ${grid.nchan} of ${grid.df} MHz from ${grid.fbottom} MHz, and entry ${i} has no lowMhz/highMhz to place it by frequency`,
      );
    }
    const origin = e.origin ?? "maskfile";
    out.set(origin, [...(out.get(origin) ?? []), ...channels]);
  }
  return out;
}

/** Masks the channels a mask file lists; `option` names the option that gave it (for messages). */
export function applyMaskFile(spectra: Spectra, contents: MaskFileContents, option?: string): void {
  const grid: MaskGrid = { nchan: spectra.nchan, fbottom: spectra.fbottom, df: spectra.df };
  if (contents.kind === "rfifind") {
    const m = contents.info;
    const centre = spectra.fbottom + spectra.df / 2;
    if (m.numchan !== spectra.nchan || Math.abs(m.lofreqMhz - centre) > 1e-3 * spectra.df || Math.abs(m.dfreqMhz - spectra.df) > 1e-6 * spectra.df) {
      throw fail(
        contents.file,
        `the rfifind mask is for ${m.numchan} channels of ${m.dfreqMhz} MHz with the lowest centred at ${m.lofreqMhz} MHz; these data have ${spectra.nchan} of ${spectra.df} MHz with the lowest centred at ${centre} MHz`,
      );
    }
    if (m.intervalCells > 0)
      spectra.noteMask(
        `${contents.file}: rfifind also masks ${m.intervalCells} channel-interval cells in some of its ${m.numint} intervals; wfall applies only the ${m.alwaysMasked.length} channels masked throughout`,
      );
    spectra.maskChannels(m.alwaysMasked, "rfifind", {
      description: `rfifind mask ${contents.file}: channels zapped or masked in every interval (-time ${m.timeSigma}, -freqsig ${m.freqSigma})`,
      option,
      parameters: { timeSigma: m.timeSigma, freqSigma: m.freqSigma, intervals: m.numint },
    });
    return;
  }
  for (const [origin, channels] of entryChannels(contents, grid))
    spectra.maskChannels([...new Set(channels)], origin, { description: `from the mask file ${contents.file}`, option });
}
