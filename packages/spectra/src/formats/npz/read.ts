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
import { Npz, type NpyMember } from "../../io/npz.js";
import { npzGulps } from "./gulps.js";
import { frequencyAxis, type WaterfallAxes } from "../../model.js";
import type { ReadOptions } from "../../options/read.js";
import type { OpenedFile, WaterfallFormat } from "../format.js";
import { chooseLayout } from "./layouts.js";

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
  const { member, whole, header } = await headerOrWhole(npz, keys.intensity);
  const { shape, descr } = header;
  if (shape.length !== 2) {
    throw new WaterfallError("E_SHAPE", `key '${keys.intensity}' must be 2-D (channels x samples), got shape (${shape.join(", ")})`, { file });
  }
  const [nchan, ntime] = shape;
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

  const storedWeights = npz.has("weights") ? await headerOrWhole(npz, "weights") : undefined;
  if (storedWeights) {
    const w = storedWeights.header.shape;
    if (w.length !== 2 || w[0] !== nchan || w[1] !== ntime) {
      throw new WaterfallError("E_SHAPE", `key 'weights' has shape (${w.join(", ")}) but intensity is (${nchan}, ${ntime})`, { file });
    }
  }
  const weightsMember = storedWeights?.member;
  const used = new Set<string>([...Object.values(keys), "weights"]);
  const extra: Record<string, NpyArray> = {};
  for (const key of npz.keys.filter((k) => !used.has(k))) extra[key] = await npz.array(key);
  const rows = (values: Float32Array) => (descending ? flipRows(values, nchan, ntime) : values);

  return {
    nchan,
    ntime,
    axes,
    hints: { dt: missing("dt", keys.dt), df: missing("df", keys.df), fbottom: missing("fbottom", keys.fbottom) },
    layout: layout.name,
    dtype: descr,
    zerosMissing: layout.zerosMissing && !storedWeights,
    notes,
    rangedReads: false,
    async read() {
      const values = toFloat32(whole ?? (await npz.array(keys.intensity)), { file, key: keys.intensity });
      const weights = storedWeights && rows(toFloat32(storedWeights.whole ?? (await npz.array("weights")), { file, key: "weights" }));
      return { intensity: rows(values), ntime, weights, extra };
    },
    gulps:
      member && (!storedWeights || weightsMember)
        ? npzGulps({ intensity: member, weights: weightsMember }, { nchan, ntime, descending }, file, keys.intensity)
        : undefined,
    details: () => Object.fromEntries(Object.entries(extra).map(([k, a]) => [k, describeArray(a, file, k)])),
    close() {
      member?.close();
      weightsMember?.close();
    },
  };
}

/**
 * A member's header, so that its data can be read in parts later; or, when its header or sizes do
 * not hold together, the whole array read at once (whose reader says exactly what is wrong).
 */
async function headerOrWhole(npz: Npz, key: string): Promise<{ header: Pick<NpyArray, "descr" | "shape">; member?: NpyMember; whole?: NpyArray }> {
  const member = await npz.member(key).catch(() => undefined);
  if (member) return { header: member.header, member };
  const whole = await npz.array(key);
  return { header: whole, whole };
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
