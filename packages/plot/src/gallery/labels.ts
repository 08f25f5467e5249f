/**
 * Triage labels: a `labels.csv` beside the inputs (written by `plot view`),
 * with a header row naming at least the columns `file` and `label`. `file`
 * is the input's path relative to the CSV's folder (its name, for a file
 * beside it); other columns are ignored; the last row of a file wins.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

/** The label file's name, beside the inputs. */
export const LABELS_FILE = "labels.csv";

/** Splits CSV text into rows of fields (RFC 4180: quotes, doubled quotes, CRLF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows.filter((r) => r.length > 1 || r[0] !== "");
}

/** The labels of one `labels.csv` (file path relative to its folder -> label); empty when absent or without the columns. */
export function readLabels(csv: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(csv, "utf8");
  } catch {
    return new Map();
  }
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""));
  const fileAt = header?.indexOf("file") ?? -1;
  const labelAt = header?.indexOf("label") ?? -1;
  const labels = new Map<string, string>();
  if (fileAt < 0 || labelAt < 0) return labels;
  for (const row of rows) if (row[fileAt]) labels.set(row[fileAt].split("\\").join("/").replace(/^\.\//, ""), row[labelAt] ?? "");
  return labels;
}

/** Looks up inputs' labels, reading each folder's `labels.csv` once. */
export function labelLookup(): (input: string) => string | undefined {
  const folders = new Map<string, Map<string, string>>();
  return (input) => {
    const dir = dirname(input);
    let labels = folders.get(dir);
    if (!labels) {
      labels = readLabels(join(dir, LABELS_FILE));
      folders.set(dir, labels);
    }
    return labels.get(relative(dir, input).split(sep).join("/"));
  };
}
