/**
 * Waterfalls in npz archives: the CHIME tutorial's layout (`get_wfall.py`:
 * `intensity` [nchan][ntime] with row 0 the lowest frequency, and the scalars
 * `dt` (s), `df` (MHz), `dm` (pc cm^-3), `fbottom` (MHz)), files written by
 * this library (with `weights`), and other tools' layouts (layouts.ts). Any
 * other key is kept in `extra`.
 */
import { flipRows } from "../../arrays.js";
import { WaterfallError } from "../../errors.js";
import type { Source } from "../../io/files.js";
import { toFloat32, toFloat64, toScalar, type NpyArray } from "../../io/npy.js";
import { Npz } from "../../io/npz.js";
import { maskFromEntries, MASK_KEYS } from "../../masks/npz-keys.js";
import { formatMaskSummary } from "../../masks/record.js";
import { frequencyAxis, type WaterfallAxes } from "../../model.js";
import type { ReadOptions } from "../../options/read.js";
import type { OpenedFile, WaterfallFormat } from "../format.js";
import { chooseLayout } from "./layouts.js";
import { storedChannelRows } from "./rows.js";

const startsWith = (head: Uint8Array, text: string) => [...text].every((c, i) => head[i] === c.charCodeAt(0));

export const npzFormat: WaterfallFormat = {
  name: "npz",
  sniff: (head) => startsWith(head, "PK\x03\x04") || startsWith(head, "PK\x05\x06"),
  ownOptions: ["layout", "keys"],
  open: openNpz,
};

async function openNpz(source: Source, file: string, options: ReadOptions): Promise<OpenedFile> {
  const npz = await Npz.fromSource(source, file, options);
  const layout = chooseLayout(npz.keys, options, file);
  const { keys } = layout;
  // a stored member is read when its samples are asked for (whole, or in blocks of channels); a compressed one now
  const stored = await npz.storedArray(keys.intensity);
  const raw = stored ? undefined : await npz.array(keys.intensity);
  const header = stored ?? (raw as NpyArray);
  if (header.shape.length !== 2) {
    throw new WaterfallError("E_SHAPE", `key '${keys.intensity}' must be 2-D (channels x samples), got shape (${header.shape.join(", ")})`, { file });
  }
  const [nchan, ntime] = header.shape;
  if (nchan === 0 || ntime === 0) throw new WaterfallError("E_SHAPE", `key '${keys.intensity}' is empty: ${nchan} channels x ${ntime} samples`, { file });

  const present = (key: string | undefined): key is string => key !== undefined && npz.has(key);
  const scalar = async (key: string | undefined) => (present(key) ? toScalar(await npz.array(key), { file, key }) : undefined);
  const axes: Partial<WaterfallAxes> = { dt: await scalar(keys.dt), dm: await scalar(keys.dm) };
  const notes: string[] = [];
  let descending = false;
  if (options.fbottom === undefined && options.freqs === undefined && present(keys.freqs)) {
    const freqs = toFloat64(await npz.array(keys.freqs), { file, key: keys.freqs });
    if (freqs.length !== nchan) throw new WaterfallError("E_SHAPE", `${freqs.length} channel frequencies for ${nchan} channels`, { file });
    ({ fbottom: axes.fbottom, df: axes.df, descending } = frequencyAxis(freqs, file, keys.freqs));
    if (descending) notes.push("frequencies descend: rows flipped to put the lowest first");
  } else {
    axes.fbottom = await scalar(keys.fbottom);
    axes.df = await scalar(keys.df);
  }
  const missing = (field: "dt" | "df" | "fbottom", key: string | undefined) =>
    `${key ? `missing key '${key}'` : `no key for ${field}`} (the archive has: ${npz.keys.join(", ")}); give --${field} or name its key with --key ${field}=NAME`;

  let weights: Float32Array | undefined;
  if (npz.has("weights")) {
    const w = await npz.array("weights");
    if (w.shape.length !== 2 || w.shape[0] !== nchan || w.shape[1] !== ntime) {
      throw new WaterfallError("E_SHAPE", `key 'weights' has shape (${w.shape.join(", ")}) but intensity is (${nchan}, ${ntime})`, { file });
    }
    weights = toFloat32(w, { file, key: "weights" });
    if (descending) weights = flipRows(weights, nchan, ntime);
  }
  const maskArrays = new Map<string, NpyArray>();
  for (const key of MASK_KEYS) if (npz.has(key)) maskArrays.set(key, await npz.array(key));
  const channelMask = maskFromEntries((key) => maskArrays.get(key), file);
  const used = new Set<string>([...Object.values(keys), "weights", ...(channelMask ? MASK_KEYS : [])]);
  const extra: Record<string, NpyArray> = {};
  for (const key of npz.keys.filter((k) => !used.has(k))) extra[key] = await npz.array(key);

  return {
    nchan,
    ntime,
    axes,
    hints: { dt: missing("dt", keys.dt), df: missing("df", keys.df), fbottom: missing("fbottom", keys.fbottom) },
    layout: layout.name,
    dtype: header.descr,
    zerosMissing: layout.zerosMissing && !weights,
    descending,
    channelMask,
    notes,
    rangedReads: false,
    channelRows: stored && !weights && !channelMask ? storedChannelRows(stored, file) : undefined,
    async read() {
      const values = toFloat32(raw ?? (await npz.array(keys.intensity)), { file, key: keys.intensity });
      return { intensity: descending ? flipRows(values, nchan, ntime) : values, ntime, weights, extra };
    },
    details: () => ({
      ...(channelMask ? { masks: formatMaskSummary(channelMask) } : {}),
      ...Object.fromEntries(Object.entries(extra).map(([k, a]) => [k, describeArray(a, file, k)])),
    }),
  };
}

/** A short description of an npz member for `plot info`: its value when it is a number or text, else its type and shape. */
function describeArray(array: NpyArray, file: string, key: string): string {
  const isText = /^[<|=]?U\d+$/.test(array.descr) && array.shape.length === 0;
  if (isText) {
    const chars = new Uint32Array(array.data.slice().buffer);
    return `'${String.fromCodePoint(...chars.filter((c) => c !== 0))}'`;
  }
  if (array.shape.length === 0 || array.shape.every((d) => d === 1)) {
    try {
      return String(toScalar(array, { file, key }));
    } catch {
      // not a number: described by type below
    }
  }
  return `${array.descr} (${array.shape.join(", ")})`;
}
