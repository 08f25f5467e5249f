/**
 * Triage labels: `labels.csv` beside the files (one per folder), columns
 * `file,label`, the file named relative to the CSV's folder. Each change is
 * written at once, atomically (a temporary file renamed over the old one),
 * so an interrupted viewer never leaves a half-written or lost label file.
 * Rows of files not opened in this session are kept as they were. The
 * candidate gallery reads the same file.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";

import { WaterfallError } from "@wfall/spectra";
import { writeFileAtomic } from "@wfall/spectra/internal";

/** The label file's name, in each folder that holds labelled files. */
export const LABELS_FILE = "labels.csv";

/** The default labels and their keys. */
export const DEFAULT_LABELS: readonly LabelKey[] = [
  { label: "real", key: "1" },
  { label: "rfi", key: "2" },
  { label: "noise", key: "3" },
  { label: "unsure", key: "4" },
];

/** A label and the key that sets it. */
export interface LabelKey {
  label: string;
  key: string;
}

/** `real=r,rfi=f` (or `real,rfi`: keys 1, 2, ...) as labels with their keys. */
export function parseLabelKeys(text: string): LabelKey[] {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const out = parts.map((part, i): LabelKey => {
    const [label, key = String(i + 1)] = part.split("=").map((s) => s.trim());
    if (!/^[A-Za-z0-9_.-]+$/.test(label)) throw new WaterfallError("E_ARGUMENT", `a label is letters, digits, _ . or -, got '${label}'`);
    if ([...key].length !== 1 || /\s/.test(key)) throw new WaterfallError("E_ARGUMENT", `the key of label '${label}' must be one character, got '${key}'`);
    return { label, key };
  });
  if (out.length === 0) throw new WaterfallError("E_ARGUMENT", "no labels given");
  for (const [i, a] of out.entries()) {
    if (out.findIndex((b) => b.key === a.key) !== i) throw new WaterfallError("E_ARGUMENT", `the key '${a.key}' is given to two labels`);
    if (out.findIndex((b) => b.label === a.label) !== i) throw new WaterfallError("E_ARGUMENT", `the label '${a.label}' is given twice`);
  }
  return out;
}

/** One CSV field, quoted when it must be (RFC 4180). */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Parses RFC 4180 CSV text into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let value = "";
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(value);
    value = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else value += c;
      i++;
      continue;
    }
    if (c === '"' && value === "") quoted = true;
    else if (c === ",") endField();
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endField();
      rows.push(row);
      row = [];
    } else value += c;
    i++;
  }
  if (value !== "" || row.length > 0) {
    endField();
    rows.push(row);
  }
  return rows;
}

/** The labels of one folder's `labels.csv`, in file order. */
class LabelFile {
  readonly path: string;
  #rows: Map<string, string>;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(path: string, rows: Map<string, string>) {
    this.path = path;
    this.#rows = rows;
  }

  static async open(path: string): Promise<LabelFile> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return new LabelFile(path, new Map());
      throw new WaterfallError("E_IO", `cannot read the labels: ${(error as Error).message}`, { file: path, cause: error });
    }
    const rows = parseCsv(text).filter((r) => !(r.length === 1 && r[0] === ""));
    const [header, ...body] = rows;
    if (header?.length !== 2 || header[0] !== "file" || header[1] !== "label") {
      throw new WaterfallError("E_CORRUPT", "is not a labels file (its first line must be 'file,label'); move it away to start labelling here", { file: path });
    }
    const map = new Map<string, string>();
    for (const [n, r] of body.entries()) {
      if (r.length !== 2) throw new WaterfallError("E_CORRUPT", `line ${n + 2} has ${r.length} fields, expected 2 (file,label)`, { file: path });
      map.set(r[0], r[1]);
    }
    return new LabelFile(path, map);
  }

  get(name: string): string | undefined {
    return this.#rows.get(name);
  }

  /** Sets (or with undefined clears) a label and writes the file; writes happen one after another, in order. */
  set(name: string, label: string | undefined): Promise<void> {
    if (label === undefined) this.#rows.delete(name);
    else this.#rows.set(name, label);
    const text = `file,label\n${[...this.#rows].map(([f, l]) => `${field(f)},${field(l)}\n`).join("")}`;
    const write = this.#writing.then(() => writeFileAtomic(this.path, Buffer.from(text, "utf8")));
    this.#writing = write.catch(() => undefined);
    return write;
  }
}

/** The labels of a set of files, each kept in the `labels.csv` of its folder. */
export class LabelStore {
  #byFile: Map<string, { csv: LabelFile; name: string }>;

  private constructor(byFile: Map<string, { csv: LabelFile; name: string }>) {
    this.#byFile = byFile;
  }

  /** Reads the label files of the folders of `files` (absent ones are empty until the first label). */
  static async open(files: readonly string[]): Promise<LabelStore> {
    const csvs = new Map<string, LabelFile>();
    const byFile = new Map<string, { csv: LabelFile; name: string }>();
    for (const file of files) {
      const path = join(dirname(resolve(file)), LABELS_FILE);
      let csv = csvs.get(path);
      if (!csv) {
        csv = await LabelFile.open(path);
        csvs.set(path, csv);
      }
      byFile.set(file, { csv, name: basename(file) });
    }
    return new LabelStore(byFile);
  }

  /** The label of a file, if it has one. */
  get(file: string): string | undefined {
    const entry = this.#byFile.get(file);
    return entry?.csv.get(entry.name);
  }

  /** The label file a file's label goes to. */
  pathOf(file: string): string | undefined {
    return this.#byFile.get(file)?.csv.path;
  }

  /** Sets or clears (undefined) a file's label; resolves once it is on disk. */
  async set(file: string, label: string | undefined): Promise<void> {
    const entry = this.#byFile.get(file);
    if (!entry) throw new WaterfallError("E_ARGUMENT", "not one of the files being viewed", { file });
    await entry.csv.set(entry.name, label);
  }
}
