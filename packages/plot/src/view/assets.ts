/**
 * The viewer's own files, by name: its page, script and style (in the
 * package's `assets/view/`), Vega from the installed package and the figures'
 * font. A request names one of these; no path from a request ever reaches
 * the file system, and nothing comes from a CDN.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { FONT_FILES } from "../spec/fonts.js";

const require = createRequire(import.meta.url);
const pageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "assets", "view");

/** An asset: where it is and its content type. */
interface Asset {
  path: string;
  type: string;
}

/** Every asset the server may send, by the name in its URL (`/assets/NAME`). */
export const ASSETS: Readonly<Record<string, Asset>> = {
  "viewer.js": { path: join(pageDir, "viewer.js"), type: "text/javascript; charset=utf-8" },
  "viewer.css": { path: join(pageDir, "viewer.css"), type: "text/css; charset=utf-8" },
  "vega.min.js": { path: join(dirname(require.resolve("vega")), "vega.min.js"), type: "text/javascript; charset=utf-8" },
  "DejaVuSans.ttf": { path: FONT_FILES[0], type: "font/ttf" },
};

/** The page, with the token written in for its script and style URLs. */
export const PAGE = join(pageDir, "index.html");

const cache = new Map<string, Buffer>();

/** The bytes of an asset (read once), or undefined for a name that is not one. */
export async function assetBytes(name: string): Promise<{ bytes: Buffer; type: string } | undefined> {
  if (!Object.hasOwn(ASSETS, name)) return undefined;
  const asset = ASSETS[name];
  let bytes = cache.get(name);
  if (!bytes) {
    bytes = await readFile(asset.path);
    cache.set(name, bytes);
  }
  return { bytes, type: asset.type };
}
