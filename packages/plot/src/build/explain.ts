/**
 * `plot build --explain NAME`: what a figure's cache key is made of, whether
 * `plot build` would render it again and why, and what its committed files
 * record. Renders nothing.
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

import { WaterfallError } from "@wfall/spectra";

import { formatOf } from "../formats.js";
import { readMetadata } from "../metadata.js";
import { cachePath, hashFile, readCache, relativeToManifest } from "./cache.js";
import { changesBetween, describeReason } from "./check.js";
import { repositoryState } from "./git.js";
import { loadManifest, type LoadManifestOptions } from "./manifest.js";
import { cacheKey, provenanceFrom, provenanceOf, sha256, type Provenance } from "./provenance.js";

const sameOrWhy = (before: Provenance, now: Provenance) =>
  changesBetween(before, now).map(describeReason).join("; ") || "the same definition, inputs and versions";

/** The explanation of figure `name` of a manifest, as lines of text. */
export async function explainFigure(manifestFile: string, name: string, options: LoadManifestOptions = {}): Promise<string> {
  const manifest = await loadManifest(manifestFile, options);
  const figure = manifest.figures.find((f) => f.name === name);
  if (!figure) {
    throw new WaterfallError("E_MANIFEST", `no figure named '${name}' (figures: ${manifest.figures.map((f) => f.name).join(", ")})`, { file: manifestFile });
  }
  const hashes = new Map(await Promise.all(figure.inputs.map(async (p) => [p, await hashFile(p)] as const)));
  const repository = await repositoryState(manifest.dir);
  const now = provenanceOf(figure, manifestFile, hashes, repository?.clean ? repository.commit : undefined);
  const key = cacheKey(now);
  const relative = (p: string) => relativeToManifest(manifestFile, p);
  const width = Math.max(...now.inputs.map((i) => i.path.length));

  const lines = [
    `figure '${figure.name}' (${figure.where}) writes ${figure.outputs.map(relative).join(", ")}`,
    `cache key ${key}, the SHA-256 of:`,
    `  definition  ${now.definition.sha256}`,
    `              ${JSON.stringify(now.definition.entry)}`,
    ...now.inputs.map((i) => `  input       ${i.path.padEnd(width)}  ${i.sha256 === "unreadable" ? "cannot be read" : `sha256 ${i.sha256}`}`),
    `  tool        wfall ${now.tool.wfall}, fonts sha256 ${now.tool.fonts}`,
    `commit recorded in new files: ${
      now.commit ?? (repository ? `none (tracked files have uncommitted changes; HEAD is ${repository.commit})` : "none (not in a git repository)")
    }`,
  ];

  const entry = (await readCache(manifestFile)).figures[figure.name];
  const cacheName = basename(cachePath(manifestFile));
  const why: string[] = [];
  if (!entry) {
    lines.push(`last build (${cacheName}): none recorded for this figure`);
    why.push("it was never built in this checkout");
  } else if (entry.key !== key) {
    const changes = sameOrWhy(entry.made, now);
    lines.push(`last build (${cacheName}): key ${entry.key}: ${changes}`);
    why.push(changes);
  } else {
    lines.push(`last build (${cacheName}): the same key`);
  }

  lines.push("outputs:");
  for (const output of figure.outputs) {
    let bytes: Buffer | undefined;
    try {
      bytes = await readFile(output);
    } catch {
      bytes = undefined;
    }
    const name = relative(output);
    if (!bytes) {
      lines.push(`  ${name}: missing`);
      why.push(`${name} is missing`);
      continue;
    }
    const asWritten = entry?.outputs[name] === sha256(bytes);
    if (entry && !asWritten) why.push(`${name} is not the file the last build wrote`);
    const recorded = provenanceFrom(readMetadata(bytes, formatOf(output)));
    const record = recorded ? `records ${sameOrWhy(recorded, now)}${recorded.commit ? ` (made at commit ${recorded.commit})` : ""}` : "records no provenance";
    lines.push(`  ${name}: ${entry ? (asWritten ? "as the last build wrote it" : "changed since the last build") : "present"}; ${record}`);
  }
  lines.push(why.length ? `plot build would render it again: ${why.join("; ")}` : "plot build would skip it: nothing it depends on has changed");
  return `${lines.join("\n")}\n`;
}
