/**
 * Golden files for figures, as Observable Plot keeps them: the Vega-Lite spec
 * (`NAME.vl.json`) and the SVG (`NAME.svg`), normalised so that they are
 * stable and reviewable: numbers rounded to 3 decimals, generated ids
 * renumbered, and each embedded PNG replaced by its size and the hash of its
 * pixels. On a mismatch `NAME-changed.*` is written beside the golden file for
 * a person to look at; `WFALL_UPDATE_GOLDEN=1` rewrites the golden files.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { inflateSync } from "node:zlib";

import { expect } from "vitest";

/** Width, height and a hash of the pixels of a PNG (its bytes may differ with the encoder; its pixels may not). */
function pngSummary(base64: string): string {
  const png = Buffer.from(base64, "base64");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const pixels = createHash("sha256")
    .update(inflateSync(Buffer.concat(idat)))
    .digest("hex")
    .slice(0, 16);
  return `png:${width}x${height}:${pixels}`;
}

/** A figure's text with embedded images summarised, numbers rounded and ids renumbered. */
export function normalise(text: string): string {
  const ids = new Map<string, string>();
  return text
    .replace(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g, (_, b64: string) => pngSummary(b64))
    .replace(/-?\d+\.\d{4,}(e-?\d+)?/g, (n) => String(Number(Number(n).toFixed(3))))
    .replace(/\b(clip|gradient|pattern)(\d+)\b/g, (_, kind: string, id: string) => {
      const key = `${kind}${id}`;
      if (!ids.has(key)) ids.set(key, `${kind}${ids.size + 1}`);
      return ids.get(key)!;
    });
}

/** Compares `actual` (already normalised) with the golden file `path`, writing `-changed` beside it on a mismatch. */
export function expectGolden(path: string, actual: string): void {
  const changed = path.replace(/(\.[a-z.]+)$/, "-changed$1");
  if (process.env.WFALL_UPDATE_GOLDEN === "1" || !existsSync(path)) {
    if (process.env.WFALL_UPDATE_GOLDEN !== "1")
      throw new Error(`no golden file ${path}: run the test with WFALL_UPDATE_GOLDEN=1 to write it, then look at it`);
    writeFileSync(path, actual);
  }
  const expected = readFileSync(path, "utf8");
  if (expected === actual) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, actual);
  expect.fail(`${path} changed: look at ${changed} (and rerun with WFALL_UPDATE_GOLDEN=1 if the change is intended)`);
}
