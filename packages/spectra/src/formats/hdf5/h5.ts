/**
 * h5wasm, loaded on first use, with the compression filters real candidate
 * files use (h5py's LZF, and blosc, bitshuffle, lz4, zstd, bz2 from
 * `h5wasm-plugins`; gzip and shuffle are built in), and reads that fail
 * loudly: HDF5's error handler is made to throw (so no `HDF5-DIAG` trace
 * reaches stderr and no value of a failed read is ever used), and every
 * failure becomes one {@link WaterfallError} line naming the file and what
 * could not be read.
 */
import { WaterfallError } from "../../errors.js";
import { checkSize } from "../../io/limits.js";

type H5 = typeof import("h5wasm/node").default;
export type H5File = InstanceType<H5["File"]>;
export type H5Dataset = InstanceType<H5["Dataset"]>;
type H5Group = InstanceType<H5["Group"]>;

/** Short names of registered HDF5 filters, by id, for messages. */
export const FILTER_NAMES: Readonly<Record<number, string>> = {
  1: "gzip",
  2: "shuffle",
  3: "fletcher32",
  4: "szip",
  5: "nbit",
  6: "scaleoffset",
  307: "bzip2",
  32000: "lzf",
  32001: "blosc",
  32004: "lz4",
  32008: "bitshuffle",
  32013: "zfp",
  32015: "zstd",
  32017: "sz",
  32018: "fcidecomp",
  32024: "sz3",
  32026: "blosc2",
  32028: "sperr",
};

/** The filters h5wasm and h5wasm-plugins decode, for messages. */
const AVAILABLE = "gzip, shuffle, fletcher32, scaleoffset, nbit, lzf, blosc, blosc2, bitshuffle, lz4, zstd, bzip2, zfp";

let loading: Promise<H5> | undefined;

/** h5wasm with its throwing error handler and the plugin filters (a WebAssembly module of a few MB). */
export function hdf5(): Promise<H5> {
  loading ??= (async () => {
    const { default: lib } = await import("h5wasm/node");
    const module = await lib.ready;
    module.activate_throwing_error_handler();
    const { install_local_plugins } = await import("h5wasm-plugins");
    install_local_plugins(module);
    return lib;
  })();
  return loading;
}

/**
 * What an HDF5 error says went wrong, in one line: the innermost entry of its
 * error stack that names a filter, else the innermost one outside the plugin
 * search (whose entries only list the folders searched).
 */
export function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const entries = [...text.matchAll(/#\d+: .*? in (\S+)\(\): (.+)$/gm)].map((m) => ({ at: m[1], what: m[2].trim() }));
  const reason =
    entries.filter((e) => /filter/i.test(e.what)).at(-1)?.what ??
    entries.filter((e) => !e.at.startsWith("H5PL")).at(-1)?.what ??
    text.split("\n").find((l) => l.trim()) ??
    "unknown error";
  return reason.replace(/\s+/g, " ").trim();
}

/** Opens an HDF5 file read-only; a damaged file is one `E_CORRUPT` line. */
export async function openHdf5(file: string): Promise<H5File> {
  const lib = await hdf5();
  try {
    return new lib.File(file, "r");
  } catch (error) {
    throw new WaterfallError("E_CORRUPT", `cannot open as HDF5: ${hdf5Reason(error)}`, { file, cause: error });
  }
}

/** The object at `path`, or undefined (a missing or unreadable path is not an error here). */
export function getObject(f: H5File | H5Group, path: string): unknown {
  try {
    return f.get(path) ?? undefined;
  } catch {
    return undefined;
  }
}

/** The dataset at `path` with `rank` dimensions, or undefined. */
export function dataset(f: H5File | H5Group, path: string, rank: number): H5Dataset | undefined {
  const d = getObject(f, path) as H5Dataset | undefined;
  try {
    return d?.shape?.length === rank ? d : undefined;
  } catch {
    return undefined;
  }
}

function filterNames(d: H5Dataset): string {
  try {
    return d.filters.map((f) => `${FILTER_NAMES[f.id] ?? f.name ?? "unknown"} (${f.id})`).join(", ");
  } catch {
    return "";
  }
}

/**
 * A numeric dataset's values, after checking they fit in `maxBytes` (as
 * float32 as well); a failed read (a filter that is not available, damaged
 * chunks) is one line naming the dataset, its filters and HDF5's reason,
 * never a partial result.
 */
function readNumbers(d: H5Dataset, name: string, file: string, maxBytes: number): ArrayLike<number | bigint> {
  const shape = d.shape ?? [];
  const count = shape.reduce((a, b) => a * b, 1);
  checkSize(count * (d.metadata.size + 4), maxBytes, `dataset '${name}' (${shape.join(" x ")}, read then as float32)`, file);
  let values: unknown;
  try {
    values = d.value;
  } catch (error) {
    const filters = filterNames(d);
    const reason = hdf5Reason(error);
    const missing = /filter .* is not registered/.test(reason) ? ` (this reader has ${AVAILABLE}: rewrite the file with one of them)` : "";
    throw new WaterfallError("E_CORRUPT", `cannot read dataset '${name}'${filters ? ` (filters: ${filters})` : ""}: ${reason}${missing}`, {
      file,
      cause: error,
    });
  }
  if (!(ArrayBuffer.isView(values) && (values as unknown as ArrayLike<unknown>).length === count)) {
    throw new WaterfallError("E_DTYPE", `dataset '${name}' does not hold ${count} numbers (its type is not numeric)`, { file });
  }
  return values as unknown as ArrayLike<number | bigint>;
}

/** A numeric dataset as float32 (see {@link readNumbers}). */
export function readFloat32(d: H5Dataset, name: string, file: string, maxBytes: number): Float32Array {
  const values = readNumbers(d, name, file, maxBytes);
  return values instanceof Float32Array ? values : Float32Array.from(values, Number);
}

/** A numeric dataset as float64, for axes (see {@link readNumbers}). */
export function readFloat64(d: H5Dataset, name: string, file: string, maxBytes: number): Float64Array {
  const values = readNumbers(d, name, file, maxBytes);
  return values instanceof Float64Array ? values : Float64Array.from(values, Number);
}

/** An attribute's value, or undefined when it is absent or unreadable. */
export function attribute(obj: { attrs: unknown }, key: string): unknown {
  try {
    const attr = (obj.attrs as Record<string, { value: unknown } | undefined>)[key];
    return attr?.value;
  } catch {
    return undefined;
  }
}

/** A numeric attribute (a number, bigint, or the first of an array); undefined for absent, 'None' or unreadable ones. */
export function numberAttribute(obj: { attrs: unknown }, key: string): number | undefined {
  const v = attribute(obj, key);
  const first = Array.isArray(v) || ArrayBuffer.isView(v) ? (v as ArrayLike<unknown>)[0] : v;
  if (typeof first !== "number" && typeof first !== "bigint") return undefined;
  const n = Number(first);
  return Number.isFinite(n) ? n : undefined;
}

/** A text attribute (bytes decoded), or undefined. */
export function textAttribute(obj: { attrs: unknown }, key: string): string | undefined {
  const v = attribute(obj, key);
  if (typeof v === "string") return v;
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, "");
  return undefined;
}

/** A short, printable form of an attribute value for `plot info` (long arrays summarised). */
export function describeValue(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>, (x) => (typeof x === "bigint" ? Number(x) : x));
    if (items.length <= 8) return `[${items.map((x) => (typeof x === "string" ? `'${x}'` : String(x))).join(", ")}]`;
    const numeric = items.filter((x): x is number => typeof x === "number");
    const nonzero = numeric.filter((x) => x !== 0).length;
    return `${items.length} values${numeric.length === items.length ? ` (${nonzero} non-zero)` : ""}`;
  }
  return value;
}

/** Every readable attribute of `obj`, for `plot info` (an unreadable one says so). */
export function attributes(obj: { attrs: unknown }): Record<string, unknown> {
  let keys: string[] = [];
  try {
    keys = Object.keys(obj.attrs as object);
  } catch {
    return {};
  }
  return Object.fromEntries(
    keys.map((k) => {
      try {
        return [k, describeValue((obj.attrs as Record<string, { value: unknown }>)[k].value)];
      } catch (error) {
        return [k, `(unreadable: ${hdf5Reason(error)})`];
      }
    }),
  );
}
