/**
 * Appending a viewer export to the manifest the user named with
 * `--manifest`: the entry goes at the end of `figures` (the file is made
 * when absent), comments and order of the rest are kept, a name already
 * taken gets a suffix, the result must load as a manifest before it replaces
 * the old file (written atomically).
 */
import { readFile, rm, writeFile } from "node:fs/promises";

import { WaterfallError } from "@wfall/spectra";
import { ioError, temporaryName, writeFileAtomic } from "@wfall/spectra/internal";
import { isMap, isSeq, parseDocument, type Document } from "yaml";

import { loadManifest } from "../build/manifest.js";
import { compactLists } from "./state.js";

async function existing(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new WaterfallError("E_IO", `cannot read the manifest: ${(error as Error).message}`, { file: path, cause: error });
  }
}

/** `name`, or `name-2`, `name-3`, ... : the first not in `taken`. */
function freeName(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  for (let k = 2; ; k++) if (!taken.has(`${name}-${k}`)) return `${name}-${k}`;
}

/**
 * Appends a figure entry (made with a given name; `rename(name)` remakes it
 * under another) to the manifest at `path`; returns the name it was written with.
 */
export async function appendToManifest(path: string, name: string, make: (name: string) => Record<string, unknown>): Promise<string> {
  const text = await existing(path);
  const doc: Document = text === undefined ? parseDocument("version: 1\nfigures: []\n") : parseDocument(text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) {
    throw new WaterfallError("E_MANIFEST", "is not a manifest the viewer can add to (not a YAML mapping); fix it or name another file", { file: path });
  }
  let figures = doc.get("figures", true);
  if (figures === undefined) {
    doc.set("figures", doc.createNode([]));
    figures = doc.get("figures", true);
  }
  if (!isSeq(figures)) throw new WaterfallError("E_MANIFEST", "its 'figures' is not a list", { file: path });
  const taken = new Set(figures.items.map((item) => (isMap(item) ? String(item.get("name")) : "")));
  const chosen = freeName(name, taken);
  const node = doc.createNode(make(chosen));
  compactLists(node);
  figures.flow = false;
  figures.items.push(node);
  const out = doc.toString();
  // The new manifest must load (schema, paths, names) before it replaces the old one.
  const check = temporaryName(path);
  try {
    await writeFile(check, out, { flag: "wx" });
  } catch (error) {
    throw ioError(error, path, "write");
  }
  try {
    await loadManifest(check);
  } catch (error) {
    const message = error instanceof WaterfallError ? error.message.replace(check, path) : String(error);
    throw new WaterfallError("E_MANIFEST", `the exported figure would make the manifest invalid: ${message}`, { file: path, cause: error });
  } finally {
    await rm(check, { force: true });
  }
  await writeFileAtomic(path, Buffer.from(out, "utf8"));
  return chosen;
}
