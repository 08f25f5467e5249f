/**
 * What a format module provides to the reading pipeline ({@link openWaterfall}).
 * Adding a format is writing one module with a {@link WaterfallFormat} and
 * adding it to the registry in `index.ts`.
 */
import type { Source } from "../io/files.js";
import type { DmTimePlane, FormatName, WaterfallAxes } from "../model.js";
import type { ReadOptions } from "../options/read.js";
import type { NpyArray } from "../io/npy.js";
import type { ChannelMask } from "../masks/record.js";
import type { FilterbankLayout } from "../native.js";

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
  /**
   * Opens several files of one observation (split in time) as one waterfall,
   * for formats that can combine them; the others refuse several files.
   */
  openSequence?(inputs: readonly { source: Source; file: string }[], options: ReadOptions): Promise<OpenedFile>;
}

/** The samples of a file, as a reader returns them (row 0 the lowest frequency). */
export interface SampleBlock {
  intensity: Float32Array;
  ntime: number;
  weights?: Float32Array;
  dmTime?: DmTimePlane;
  /** A model of the burst's time series, one value per sample (CHIME/FRB catalogue files). */
  modelTimeseries?: Float32Array;
  extra?: Record<string, NpyArray>;
  /**
   * Per-channel weights the file states (row order, as `intensity`), e.g.
   * PSRFITS `DAT_WTS` reduced over the rows read: a channel of weight 0 is
   * masked with the origin `file`. Per-sample weights go in `weights`.
   */
  channelWeights?: Float32Array;
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
  /** Whether the file stores its channels from the highest frequency (and the reader flips them). */
  descending?: boolean;
  /** Channel masks the file records with their origins (a prepared npz's), on its own channel grid. */
  channelMask?: ChannelMask;
  notes: string[];
  startMjd?: number;
  /** Whether {@link OpenedFile.read} reads only the samples asked for; if not, it reads all and the pipeline selects. */
  rangedReads: boolean;
  /** Reads samples `[first, first + count)` (all of them when `rangedReads` is false). */
  read(first: number, count: number): Promise<SampleBlock>;
  /** What `plot info` shows besides the shape and axes: header values, other keys. */
  details(): Record<string, unknown>;
  /**
   * Reads blocks of whole channels without the rest (channel-major storage: an
   * npz's stored C-order member), for the streaming path; absent otherwise.
   */
  channelRows?: ChannelRows;
  /**
   * Reads consecutive time samples of every channel as stored (time-major
   * storage: a SIGPROC filterbank), for the streaming path; absent otherwise.
   */
  timeRows?: TimeRows;
  /** Releases what the format opened itself (the pipeline closes the source). */
  close?(): void;
}

/** Positioned reads of blocks of channels of a channel-major file (rows in the file's order). */
export interface ChannelRows {
  /** Bytes of one stored sample. */
  itemBytes: number;
  /**
   * Rows `[firstRow, firstRow + rows)` of samples `[first, first + count)`, as
   * float32 `[rows][count]`. Reading every row front to back, whole, checks
   * the file's checksum on the last one. `into`: bytes to read into when they
   * are enough (the result may then share their memory, until the next read
   * into them), so that a loop over blocks does not allocate (and fault in) a
   * new buffer for each.
   */
  read(firstRow: number, rows: number, first: number, count: number, into?: Uint8Array): Promise<Float32Array>;
}

/** Positioned reads of whole time samples of a time-major file, as stored. */
export interface TimeRows {
  /** How a row stores its channels (the file's order: `descending` when its channel 0 is the highest). */
  layout: FilterbankLayout;
  /** Bytes of one row (every channel of one sample). */
  rowBytes: number;
  /** Reads rows `[first, first + into.length / rowBytes)` into `into`. */
  read(first: number, into: Uint8Array): Promise<void>;
}
