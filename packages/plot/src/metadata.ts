/**
 * Document metadata of figure files: key/value text in a PDF's document
 * information dictionary, PNG text chunks and an SVG `<metadata>` element,
 * written deterministically (the same entries give the same bytes) and read
 * back from any of the three. Keys are ASCII letters and digits; `Title` and
 * `Creator` keep their standard meaning (a PNG stores `Creator` as `Software`).
 */
import { inflateSync } from "node:zlib";

import { WaterfallError } from "@wfall/spectra";

import type { FigureFormat } from "./render.js";

/** One metadata entry of a figure file. */
export interface MetadataEntry {
  key: string;
  value: string;
}

const KEY = /^[A-Za-z][A-Za-z0-9]{0,78}$/;
/** The namespace of wfall's entries in an SVG's `<metadata>`. */
export const SVG_METADATA_NAMESPACE = "urn:wfall:metadata";

/** Refuses keys that are not 1 to 79 ASCII letters and digits starting with a letter. */
export function checkMetadata(entries: readonly MetadataEntry[]): void {
  for (const { key } of entries) {
    if (!KEY.test(key)) throw new WaterfallError("E_ARGUMENT", `metadata key '${key}' must be ASCII letters and digits, starting with a letter`);
  }
}

const escapeXml = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The SVG document with `entries` in a `<metadata>` element right after its root tag. */
export function svgWithMetadata(svg: string, entries: readonly MetadataEntry[]): string {
  checkMetadata(entries);
  if (entries.length === 0) return svg;
  const root = /<svg\b[^>]*>/.exec(svg);
  if (!root) throw new WaterfallError("E_RENDER", "the figure's SVG has no <svg> root element");
  const items = entries.map(({ key, value }) => `<wfall:${key}>${escapeXml(value)}</wfall:${key}>`).join("");
  const at = root.index + root[0].length;
  return `${svg.slice(0, at)}<metadata xmlns:wfall="${SVG_METADATA_NAMESPACE}">${items}</metadata>${svg.slice(at)}`;
}

function svgMetadata(svg: string): MetadataEntry[] {
  const block = new RegExp(`<metadata xmlns:wfall="${SVG_METADATA_NAMESPACE}">([\\s\\S]*?)</metadata>`).exec(svg)?.[1] ?? "";
  return [...block.matchAll(/<wfall:([A-Za-z][A-Za-z0-9]*)>([^<]*)<\/wfall:\1>/g)].map(([, key, value]) => ({ key, value: unescapeXml(value) }));
}

/** A PDF string (a literal's body with escapes, or hex, UTF-16BE when it starts with a byte-order mark). */
function pdfString(token: string): string {
  let bytes: number[];
  if (token.startsWith("<")) {
    const hex = token.slice(1, -1).replace(/\s/g, "");
    bytes = hex.match(/../g)?.map((h) => parseInt(h, 16)) ?? [];
  } else {
    bytes = [];
    const body = token.slice(1, -1);
    for (let i = 0; i < body.length; i++) {
      if (body[i] !== "\\") {
        bytes.push(body.charCodeAt(i));
        continue;
      }
      const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1));
      if (octal) {
        bytes.push(parseInt(octal[0], 8));
        i += octal[0].length;
      } else {
        const next = body[++i] ?? "";
        bytes.push(({ n: 10, r: 13, t: 9, b: 8, f: 12 } as Record<string, number>)[next] ?? next.charCodeAt(0));
      }
    }
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.slice(2)).swap16().toString("utf16le");
  return Buffer.from(bytes).toString("latin1");
}

function pdfMetadata(pdf: Buffer): MetadataEntry[] {
  const text = pdf.toString("latin1");
  const trailer = text.lastIndexOf("trailer");
  const info = /\/Info (\d+) 0 R/.exec(text.slice(trailer))?.[1];
  if (trailer < 0 || !info) return [];
  const start = text.lastIndexOf(`\n${info} 0 obj`, trailer);
  const end = text.indexOf("endobj", start);
  if (start < 0 || end < 0) return [];
  const dict = text.slice(start, end);
  const entries: MetadataEntry[] = [];
  for (const [, key, literal, hex] of dict.matchAll(/\/([A-Za-z0-9]+)\s*(?:(\((?:\\[\s\S]|[^\\)])*\))|(<[0-9A-Fa-f\s]*>))/g)) {
    entries.push({ key, value: pdfString(literal ?? hex) });
  }
  return entries;
}

function pngMetadata(png: Buffer): MetadataEntry[] {
  const entries: MetadataEntry[] = [];
  for (let offset = 8; offset + 8 <= png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const nul = data.indexOf(0);
    if (type === "tEXt" && nul > 0) {
      entries.push({ key: data.toString("latin1", 0, nul), value: data.toString("latin1", nul + 1) });
    } else if (type === "iTXt" && nul > 0) {
      const compressed = data[nul + 1] === 1;
      const language = data.indexOf(0, nul + 3);
      const translated = data.indexOf(0, language + 1);
      const body = data.subarray(translated + 1);
      entries.push({ key: data.toString("latin1", 0, nul), value: (compressed ? inflateSync(body) : body).toString("utf8") });
    } else if (type === "IDAT" || type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  return entries.map(({ key, value }) => ({ key: key === "Software" ? "Creator" : key, value }));
}

/** The metadata entries of a figure file (none when it has none or cannot be read as `format`). */
export function readMetadata(bytes: Uint8Array, format: FigureFormat): MetadataEntry[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    if (format === "pdf") return pdfMetadata(buffer);
    if (format === "png") return pngMetadata(buffer);
    if (format === "svg") return svgMetadata(buffer.toString("utf8"));
    return []; // JPEG and WebP thumbnails carry none
  } catch {
    return []; // a damaged file has no readable metadata; comparing its bytes says the rest
  }
}
