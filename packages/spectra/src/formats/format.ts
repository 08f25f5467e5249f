/**
 * What a format module provides to the reading pipeline ({@link openWaterfall}).
 * Adding a format is writing one module with a {@link WaterfallFormat} and
 * adding it to the registry in `index.ts`.
 */
import type { Source } from "../io/files.js";
import type { DmTimePlane, FormatName, WaterfallAxes } from "../model.js";
import type { ReadOptions } from "../options/read.js";
import type { NpyArray } from "../io/npy.js";

/** A format the pipeline can read. */
export interface WaterfallFormat {
  name: FormatName;
  /** Whether a file starting with `head` (its first 16 bytes, fewer for a tiny file) is in this format. */
  sniff(head: Uint8Array): boolean;
  /** Read options only this format understands; giving one for another format is an error. */
  ownOptions: readonly (keyof ReadOptions)[];
  /**
   * Opens the file: reads its header, keys or attributes, not its samples
   * where the format allows. `source` stays open until the returned file is closed.
   */
  open(source: Source, file: string, options: ReadOptions): Promise<OpenedFile>;
}

/** The samples of a file, as a reader returns them (row 0 the lowest frequency). */
export interface SampleBlock {
  intensity: Float32Array;
  ntime: number;
  weights?: Float32Array;
  dmTime?: DmTimePlane;
  extra?: Record<string, NpyArray>;
}

/** An open file: what it says about itself, and a way to read its samples. */
export interface OpenedFile {
  nchan: number;
  ntime: number;
  /** The axes the file states; absent where it says nothing (a plain .npy). */
  axes: Partial<WaterfallAxes>;
  /** How to supply an axis the file lacks, e.g. `give --dt, or --key dt=NAME`. */
  hints?: Partial<Record<keyof WaterfallAxes, string>>;
  /** How it is read: the npz layout, or the format's name. */
  layout: string;
  /** numpy-style type of the stored samples. */
  dtype: string;
  /** Whether exact zeros mark missing samples (the tutorial's npz files). */
  zerosMissing: boolean;
  notes: string[];
  startMjd?: number;
  /** Whether {@link OpenedFile.read} reads only the samples asked for; if not, it reads all and the pipeline selects. */
  rangedReads: boolean;
  /** Reads samples `[first, first + count)` (all of them when `rangedReads` is false). */
  read(first: number, count: number): Promise<SampleBlock>;
  /**
   * Reading in gulps, for formats that can read parts of their samples: the streaming path
   * (`stream/`) uses it to process a file of any size in bounded memory.
   */
  gulps?: Gulps;
  /** What `plot info` shows besides the shape and axes: header values, other keys. */
  details(): Record<string, unknown>;
  /** Releases what the format opened itself (the pipeline closes the source). */
  close?(): void;
}

/**
 * Whole channels at a time (every sample of the range): an npz member stored in C order, whose
 * channels are contiguous rows.
 */
export interface ChannelGulps {
  kind: "channels";
  /** Bytes one sample of one channel takes as read (for sizing gulps). */
  bytesPerSample: number;
  /**
   * Channels `[c0, c1)` (row 0 the lowest frequency) for samples `[first, first + count)`, as
   * float32 `[c1 - c0][count]`, with their weights when the file stores them. Calls come in
   * increasing channel order (a compressed member is inflated once, front to back).
   */
  read(c0: number, c1: number, first: number, count: number): Promise<{ intensity: Float32Array; weights?: Float32Array }>;
}

/**
 * Consecutive time samples of every channel: time-major rows, as filterbanks, PSRFITS and
 * Fortran-ordered npz members store them. A format whose rows need decoding (PSRFITS scales and
 * offsets, polarisations) decodes them into float32 rows and declares `nbits: 32`.
 */
export interface TimeGulps {
  kind: "time";
  /**
   * How one row (one time sample of every channel) is stored: packed unsigned integers of `nbits`
   * (1, 2, 4, 8, 16; lowest bits first) or little-endian float32 (`nbits: 32`); channel 0 of a row is
   * the highest frequency when `descending`.
   */
  layout: { nbits: number; descending: boolean };
  /** Fills `target` (`count` rows of `nchan * nbits / 8` bytes, 8-byte aligned) with rows `[first, first + count)`. */
  readRows(first: number, count: number, target: Uint8Array): Promise<void>;
}

/** How a format reads its samples in gulps. */
export type Gulps = ChannelGulps | TimeGulps;
