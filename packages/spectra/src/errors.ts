/**
 * Typed errors: every failure of the library is a {@link WaterfallError} with a
 * stable `code` and a message that names the file (when there is one) and the
 * problem, so scripts can branch on `code` and people can read the message.
 * The codes are listed once, here; the native core's codes are a subset
 * (a test checks `nativeErrorCodes()` against this list).
 */

/** Every error code, with what it means. */
export const ERROR_CODES = {
  E_FILE_NOT_FOUND: "the file does not exist",
  E_NOT_A_FILE: "the path is a directory or another non-file",
  E_IO: "reading or writing failed (permissions, disk, a missing folder)",
  E_NOT_WATERFALL: "the file is not in a format this library reads (or not the format expected)",
  E_UNSUPPORTED: "a valid file of a known format, of a kind this library does not read (e.g. fold-mode PSRFITS)",
  E_CORRUPT: "the file is truncated or inconsistent (bad CRC, data past the end)",
  E_HEADER: "a header (npy, SIGPROC, FITS) cannot be read",
  E_MISSING_KEY: "a value the waterfall needs (a key, dataset, attribute or axis) is neither in the file nor given",
  E_DTYPE: "a data type that cannot be read as real numbers",
  E_SHAPE: "array shapes that do not fit together",
  E_VALUE: "a value in the file (or given for it) is out of its domain",
  E_TOO_LARGE: "the data would exceed the memory limit (WFALL_MAX_BYTES)",
  E_NSUB_DIVISOR: "the number of subbands does not divide the number of channels",
  E_DM_RANGE: "a DM that cannot be applied (not finite, negative, or sweeping past the data)",
  E_EMPTY_WINDOW: "nothing valid to draw or measure in the chosen window",
  E_ARGUMENT: "an option or argument is out of its domain",
  E_RANGE: "a range of channels or samples lies outside the data",
  E_ALIAS: "two arrays that are written to share memory",
  E_RENDER: "the figure could not be rendered",
  E_FONT: "a font file cannot be used",
  E_MANIFEST: "a figure manifest is invalid",
  E_INTERNAL: "a bug: please report it",
  E_CHECKSUM: "a file's content does not match the SHA-256 a manifest declares for it",
} as const;

/** Stable error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes that describe a failure of the file system (exit code 1 in the CLI) rather than of the input (exit code 2). */
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

/** Whether `code` is one of {@link ERROR_CODES}. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}
