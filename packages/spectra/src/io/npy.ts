/**
 * The `.npy` format (numpy's `np.save`): a strict reader that checks every
 * header field against the data it describes, and a writer whose bytes are
 * identical to numpy's own.
 */
import { transpose } from "../arrays.js";
import { WaterfallError } from "../errors.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** numpy leaves room after the header so a growing axis can be rewritten in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;
const MAX_HEADER_BYTES = 1 << 20;

/** A parsed `.npy` array: its raw little- or big-endian bytes and what they mean. */
export interface NpyArray {
  /** numpy's type string as written in the file, e.g. `<f4`, `>f8`, `|u1`. */
  readonly descr: string;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** The element data, exactly `size * itemsize` bytes (a view, not a copy). */
  readonly data: Uint8Array;
}

/** Where an array comes from, for error messages. */
export interface NpySource {
  file?: string;
  key: string;
}

type Kind = "f" | "i" | "u" | "b";
interface Dtype {
  kind: Kind;
  itemsize: number;
  littleEndian: boolean;
}

const NUMERIC: Record<string, readonly number[]> = { f: [2, 4, 8], i: [1, 2, 4, 8], u: [1, 2, 4, 8], b: [1] };
const TYPE_STRING = /^([<>|=]?)([a-zA-Z])(\d*)$/;

function fail(source: NpySource, code: "E_HEADER" | "E_DTYPE" | "E_SHAPE" | "E_CORRUPT" | "E_TOO_LARGE", message: string): never {
  throw new WaterfallError(code, `key '${source.key}': ${message}`, { file: source.file });
}

/** Bytes per element of any fixed-size numpy type string; null for objects (pickled, no fixed size). */
function itemsizeOf(descr: string, source: NpySource): number | null {
  const m = TYPE_STRING.exec(descr);
  if (!m) fail(source, "E_HEADER", `unreadable dtype '${descr}'`);
  if (m[2] === "O") return null;
  const n = Number(m[3] || 1);
  return m[2] === "U" ? 4 * n : n;
}

/** The numeric dtype of a type string, or an `E_DTYPE` error naming it. */
function numericDtype(descr: string, source: NpySource): Dtype {
  const m = TYPE_STRING.exec(descr);
  const kind = m?.[2] as Kind | undefined;
  const itemsize = Number(m?.[3]);
  if (!m || !kind || !NUMERIC[kind]?.includes(itemsize)) {
    const what = /^[<>|=]?c/.test(descr) ? "complex" : /^[<>|=]?O/.test(descr) ? "object" : "not numeric";
    fail(source, "E_DTYPE", `dtype '${descr}' is ${what}; expected a real number type (float16/32/64, int or uint)`);
  }
  return { kind, itemsize, littleEndian: m[1] !== ">" };
}

function parseHeaderDict(text: string, source: NpySource): { descr: string; shape: number[]; fortranOrder: boolean } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  if (descr === undefined) {
    if (/'descr'\s*:\s*\[/.test(text)) fail(source, "E_DTYPE", "structured (record) arrays are not supported");
    fail(source, "E_HEADER", `header has no 'descr': ${JSON.stringify(text.trim())}`);
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (fortran === undefined || shapeText === undefined) {
    fail(source, "E_HEADER", `header lacks 'fortran_order' or 'shape': ${JSON.stringify(text.trim())}`);
  }
  const parts = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const shape = parts.map((p) => (/^\d+L?$/.test(p) ? Number.parseInt(p, 10) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) fail(source, "E_HEADER", `shape (${shapeText}) is not a tuple of non-negative integers`);
  return { descr, shape, fortranOrder: fortran === "True" };
}

/** The header of a `.npy` array and the offset of its data, from its first bytes (at least the whole header). */
export interface NpyHeader {
  descr: string;
  shape: number[];
  fortranOrder: boolean;
  /** Bytes before the data (magic, version, header). */
  dataOffset: number;
}

/** Bytes of the start of a `.npy` that always hold its header (the format's limit on it, with the preamble). */
export const NPY_HEADER_MAX_BYTES = 12 + MAX_HEADER_BYTES;

/** Parses the header of `.npy` bytes (which may be only its start): type, shape, order, where the data begin. */
export function parseNpyHeader(bytes: Uint8Array, source: NpySource): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail(source, "E_HEADER", "not a .npy array (bad magic bytes)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  if (major < 1 || major > 3) fail(source, "E_HEADER", `unknown .npy format version ${major}.${bytes[7]}`);
  const [lengthBytes, headerLength] = major === 1 ? [2, view.getUint16(8, true)] : [4, bytes.length >= 12 ? view.getUint32(8, true) : Infinity];
  const start = 8 + lengthBytes;
  if (headerLength > MAX_HEADER_BYTES || start + headerLength > bytes.length) fail(source, "E_CORRUPT", "truncated or implausible .npy header");
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLength));
  return { ...parseHeaderDict(text, source), dataOffset: start + headerLength };
}

/** Parses `.npy` bytes, checking the header and that the data has exactly the declared size. */
export function parseNpy(bytes: Uint8Array, source: NpySource): NpyArray {
  const { descr, shape, fortranOrder, dataOffset } = parseNpyHeader(bytes, source);
  const data = bytes.subarray(dataOffset);
  const itemsize = itemsizeOf(descr, source);
  if (itemsize === null) return { descr, shape, fortranOrder, data }; // a pickle: no size to check
  const size = shape.reduce((a, b) => a * b, 1);
  const expected = size * itemsize;
  if (!Number.isSafeInteger(expected)) fail(source, "E_TOO_LARGE", `shape (${shape.join(", ")}) is too large`);
  const available = data.length;
  if (available < expected) {
    fail(source, "E_CORRUPT", `truncated: shape (${shape.join(", ")}) of ${descr} needs ${expected} bytes of data but only ${available} are present`);
  }
  if (available > expected) {
    fail(source, "E_SHAPE", `header shape (${shape.join(", ")}) of ${descr} describes ${expected} bytes but the array holds ${available}`);
  }
  return { descr, shape, fortranOrder, data };
}

/** Number of elements. */
export function sizeOf(array: NpyArray): number {
  return array.shape.reduce((a, b) => a * b, 1);
}

/** IEEE half precision to single. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function reader(dtype: Dtype, view: DataView): (i: number) => number {
  const le = dtype.littleEndian;
  const k = dtype.itemsize;
  switch (`${dtype.kind}${k}`) {
    case "f2":
      return (i) => halfToFloat(view.getUint16(i * k, le));
    case "f4":
      return (i) => view.getFloat32(i * k, le);
    case "f8":
      return (i) => view.getFloat64(i * k, le);
    case "i1":
      return (i) => view.getInt8(i);
    case "u1":
    case "b1":
      return (i) => view.getUint8(i);
    case "i2":
      return (i) => view.getInt16(i * k, le);
    case "u2":
      return (i) => view.getUint16(i * k, le);
    case "i4":
      return (i) => view.getInt32(i * k, le);
    case "u4":
      return (i) => view.getUint32(i * k, le);
    case "i8":
      return (i) => Number(view.getBigInt64(i * k, le));
    default:
      return (i) => Number(view.getBigUint64(i * k, le));
  }
}

/** The values in file order as float32: a zero-copy view for aligned `<f4`, a conversion otherwise. */
function valuesInFileOrder(array: NpyArray, source: NpySource): Float32Array {
  const dtype = numericDtype(array.descr, source);
  const { data } = array;
  const n = sizeOf(array);
  if (dtype.kind === "f" && dtype.itemsize === 4 && dtype.littleEndian) {
    if (data.byteOffset % 4 === 0) return new Float32Array(data.buffer, data.byteOffset, n);
    return new Float32Array(data.slice().buffer, 0, n);
  }
  if (dtype.kind === "f" && dtype.itemsize === 8 && dtype.littleEndian && data.byteOffset % 8 === 0) {
    return new Float32Array(new Float64Array(data.buffer, data.byteOffset, n)); // native conversion
  }
  const read = reader(dtype, new DataView(data.buffer, data.byteOffset, data.byteLength));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = read(i);
  return out;
}

/**
 * The array's values as float32 in C (row-major) order: Fortran-ordered 2-D
 * arrays are transposed, other dtypes converted (float64 is rounded to float32).
 */
export function toFloat32(array: NpyArray, source: NpySource): Float32Array {
  const values = valuesInFileOrder(array, source);
  if (!array.fortranOrder || array.shape.length < 2) return values;
  if (array.shape.length > 2) fail(source, "E_SHAPE", `Fortran-ordered ${array.shape.length}-D arrays are not supported`);
  const [rows, cols] = array.shape;
  return transpose(values, rows, cols);
}

/** The values of a 1-D (or any) numeric array as float64, for axes such as channel frequencies. */
export function toFloat64(array: NpyArray, source: NpySource): Float64Array {
  const dtype = numericDtype(array.descr, source);
  const read = reader(dtype, new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength));
  return Float64Array.from({ length: sizeOf(array) }, (_, i) => read(i));
}

/** The single value of a 0-d (or one-element) numeric array, as a JS number. */
export function toScalar(array: NpyArray, source: NpySource): number {
  if (sizeOf(array) !== 1) fail(source, "E_SHAPE", `expected a single number, got shape (${array.shape.join(", ")})`);
  const dtype = numericDtype(array.descr, source);
  return reader(dtype, new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength))(0);
}

function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** Text as numpy's fixed-width unicode (`<U{n}`): UTF-32LE code points, each value padded with zeros to the longest. */
function encodeText(values: readonly string[]): { descr: string; bytes: Uint8Array } {
  let width = 1;
  for (let i = 0; i < values.length; i++) width = Math.max(width, codePoints(values[i]));
  const out = new Uint32Array(values.length * width);
  for (let i = 0; i < values.length; i++) codePoints(values[i], out, i * width);
  return { descr: `<U${width}`, bytes: new Uint8Array(out.buffer) };
}

/**
 * The number of code points of `text` (a lone surrogate counts as one, as
 * `[...text]` does), written into `out` from `at` when given. One pass over
 * the string: a mask document runs to megabytes.
 */
function codePoints(text: string, out?: Uint32Array, at = 0): number {
  let n = 0;
  for (let j = 0; j < text.length; j++, n++) {
    const c = text.codePointAt(j)!;
    if (out) out[at + n] = c;
    if (c > 0xffff) j++;
  }
  return n;
}

/** The strings of a numpy unicode (`<U{n}`) array, trailing zeros removed. */
export function toStrings(array: NpyArray, source: NpySource): string[] {
  const m = /^[<|=]U(\d+)$/.exec(array.descr);
  if (!m) fail(source, "E_DTYPE", `dtype '${array.descr}' is not text; expected numpy unicode (<U)`);
  const width = Number(m[1]);
  const count = sizeOf(array);
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  return Array.from({ length: count }, (_, i) => {
    const chars: number[] = [];
    for (let k = 0; k < width; k++) {
      const c = view.getUint32((i * width + k) * 4, true);
      if (c !== 0) chars.push(c);
    }
    return String.fromCodePoint(...chars);
  });
}

/** The `.npy` bytes of a header dict and the data after it, as `np.save` lays them out. */
function npyBytes(descr: string, shape: readonly number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) header += " ".repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += `${" ".repeat(ALIGN - (unpadded % ALIGN))}\n`;
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(data, 10 + header.length);
  return out;
}

/** Encodes a C-ordered little-endian float array, or text (`<U{n}`), exactly as `np.save` does. */
export function encodeNpy(values: Float32Array | Float64Array | readonly string[], shape: readonly number[]): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== values.length) throw new WaterfallError("E_SHAPE", `${values.length} values cannot have shape ${shapeRepr(shape)}`);
  if (Array.isArray(values)) {
    const text = encodeText(values as readonly string[]);
    return npyBytes(text.descr, shape, text.bytes);
  }
  const floats = values as Float32Array | Float64Array;
  return npyBytes(floats instanceof Float32Array ? "<f4" : "<f8", shape, new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength));
}

/** Encodes a string as numpy's 0-d unicode array (`np.save(f, np.array(text))`: `<U{n}`, UTF-32LE). */
export function encodeNpyText(text: string): Uint8Array {
  return encodeNpy([text], []);
}
