/**
 * Typed errors: every failure of the library is a {@link WaterfallError} with a
 * stable `code` and a message that names the file (when there is one) and the
 * problem, so scripts can branch on `code` and people can read the message.
 */

/** Stable error codes. */
export type ErrorCode =
  | "E_FILE_NOT_FOUND"
  | "E_NOT_A_FILE"
  | "E_IO"
  | "E_NOT_NPZ"
  | "E_NPZ_CORRUPT"
  | "E_NPZ_MISSING_KEY"
  | "E_NPY_HEADER"
  | "E_DTYPE"
  | "E_SHAPE"
  | "E_VALUE"
  | "E_TOO_LARGE"
  | "E_NSUB_DIVISOR"
  | "E_DM_RANGE"
  | "E_EMPTY_WINDOW"
  | "E_ARGUMENT"
  | "E_RANGE"
  | "E_ALIAS"
  | "E_RENDER"
  | "E_FONT"
  | "E_MANIFEST"
  | "E_INTERNAL";

/** Codes that describe a problem with the input (exit code 2 in the CLI), as opposed to I/O failures. */
const IO_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(["E_IO"]);

/** An error of the wfall library: a stable `code`, and the `file` it concerns if any. */
export class WaterfallError extends Error {
  override readonly name = "WaterfallError";
  readonly code: ErrorCode;
  readonly file: string | undefined;

  constructor(code: ErrorCode, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, { cause: options.cause });
    this.code = code;
    this.file = options.file;
  }

  /** True for failures of the file system rather than of the input. */
  get isIoError(): boolean {
    return IO_CODES.has(this.code);
  }
}

const NATIVE_CODES = new Set<string>([
  "E_SHAPE",
  "E_ARGUMENT",
  "E_NSUB_DIVISOR",
  "E_DM_RANGE",
  "E_RANGE",
  "E_ALIAS",
  "E_RENDER",
  "E_FONT",
  "E_INTERNAL",
]);

/**
 * Converts anything thrown by the native core into a {@link WaterfallError},
 * adding the file it concerns. Wrong JS types rejected by N-API become `E_ARGUMENT`.
 */
export function fromNative(error: unknown, file?: string): WaterfallError {
  if (error instanceof WaterfallError) return error;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === "string" && NATIVE_CODES.has(e.code) ? (e.code as ErrorCode) : "E_ARGUMENT";
  const message = typeof e?.message === "string" ? e.message : String(error);
  return new WaterfallError(code, message, { file, cause: error });
}

/** Runs a native call, rethrowing its failure as a {@link WaterfallError} about `file`. */
export function callNative<T>(call: () => T, file?: string): T {
  try {
    return call();
  } catch (error) {
    throw fromNative(error, file);
  }
}
