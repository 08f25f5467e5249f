/**
 * Reading back what the renderer wrote, without external tools: a minimal
 * PDF object reader (page size, fonts, images, text through ToUnicode) and a
 * PNG decoder (8-bit RGB/RGBA, all filters).
 */
import { inflateSync } from "node:zlib";

export interface PdfObject {
  id: number;
  dict: string;
  stream?: Buffer;
}

/** The objects of an uncompressed-xref PDF (as svg2pdf writes them). */
export function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const objects = new Map<number, PdfObject>();
  const text = pdf.toString("latin1");
  const header = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = header.exec(text))) {
    const id = Number(m[1]);
    const start = m.index + m[0].length;
    const streamAt = text.indexOf("stream", start);
    const endAt = text.indexOf("endobj", start);
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = text.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
      const dataStart = streamAt + "stream".length + (text[streamAt + 6] === "\r" ? 2 : 1);
      let stream = pdf.subarray(dataStart, dataStart + length);
      if (/\/Filter \/FlateDecode/.test(dict)) stream = inflateSync(stream);
      objects.set(id, { id, dict, stream: Buffer.from(stream) });
      header.lastIndex = dataStart + length;
    } else {
      objects.set(id, { id, dict: text.slice(start, endAt) });
      header.lastIndex = endAt;
    }
  }
  return objects;
}

export function mediaBox(objects: Map<number, PdfObject>): number[] {
  const page = [...objects.values()].find((o) => /\/Type \/Page\b/.test(o.dict))!;
  return /\/MediaBox \[([^\]]*)\]/.exec(page.dict)![1].trim().split(/\s+/).map(Number);
}

export interface PdfFont {
  baseFont: string;
  embedded: boolean;
}

export function fonts(objects: Map<number, PdfObject>): PdfFont[] {
  return [...objects.values()]
    .filter((o) => /\/Type \/FontDescriptor/.test(o.dict))
    .map((o) => ({ baseFont: /\/FontName \/(\S+)/.exec(o.dict)![1], embedded: /\/FontFile[23]? \d+ 0 R/.test(o.dict) }));
}

export interface PdfImage {
  width: number;
  height: number;
  rgb: Buffer;
  alpha?: Buffer;
  interpolate: boolean;
}

export function images(objects: Map<number, PdfObject>): PdfImage[] {
  const all = [...objects.values()].filter((o) => /\/Subtype \/Image/.test(o.dict) && /\/DeviceRGB/.test(o.dict));
  return all.map((o) => {
    const mask = /\/SMask (\d+) 0 R/.exec(o.dict);
    const width = Number(/\/Width (\d+)/.exec(o.dict)![1]);
    const height = Number(/\/Height (\d+)/.exec(o.dict)![1]);
    const maskObject = mask ? objects.get(Number(mask[1]))! : undefined;
    return {
      width,
      height,
      rgb: imageSamples(o, width, height, 3),
      alpha: maskObject && imageSamples(maskObject, width, height, 1),
      interpolate: /\/Interpolate true/.test(o.dict),
    };
  });
}

/** The bytes of a PDF literal string body (between the parentheses), escapes resolved. */
function literalBytes(body: string): number[] {
  const bytes: number[] = [];
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
      const next = body[++i];
      bytes.push(({ n: 10, r: 13, t: 9, b: 8, f: 12 } as Record<string, number>)[next] ?? next.charCodeAt(0));
    }
  }
  return bytes;
}

/**
 * All text drawn on the page, in drawing order, decoded through the fonts'
 * ToUnicode maps (svg2pdf positions each glyph separately, so labels appear
 * as consecutive characters of this string).
 */
export function pageText(objects: Map<number, PdfObject>): string {
  const toUnicode = new Map<number, string>();
  for (const o of objects.values()) {
    const cmap = o.stream?.toString("latin1") ?? "";
    if (!cmap.includes("begincmap")) continue;
    for (const [, src, dst] of cmap.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      toUnicode.set(parseInt(src, 16), String.fromCodePoint(parseInt(dst, 16)));
    }
  }
  let out = "";
  for (const o of objects.values()) {
    const content = o.stream?.toString("latin1") ?? "";
    if (!/\bBT\b/.test(content)) continue;
    for (const [, body] of content.matchAll(/\(((?:\\.|[^\\)])*)\)\s*Tj/g)) {
      const bytes = literalBytes(body);
      for (let i = 0; i + 1 < bytes.length; i += 2) out += toUnicode.get((bytes[i] << 8) | bytes[i + 1]) ?? "\uFFFD";
    }
  }
  return out;
}

export interface DecodedPng {
  width: number;
  height: number;
  channels: number;
  pixels: Buffer;
  pixelsPerMetre?: number;
}

/** Decodes an 8-bit, non-interlaced RGB or RGBA PNG. */
export function decodePng(png: Buffer): DecodedPng {
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  let pixelsPerMetre: number | undefined;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error("only 8-bit non-interlaced PNGs");
      channels = { 2: 3, 6: 4 }[data[9]] ?? 0;
    } else if (type === "pHYs") {
      pixelsPerMetre = data.readUInt32BE(0);
    } else if (type === "IDAT") {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const pixels = unfiltered(inflateSync(Buffer.concat(idat)), width, height, channels);
  return { width, height, channels, pixels, pixelsPerMetre };
}

/** Rows of 8-bit samples behind PNG filters (a filter-type byte before each row, any of the five) as the samples. */
function unfiltered(raw: Buffer, width: number, height: number, channels: number): Buffer {
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      pixels[y * stride + x] = (line[x] + predictor) & 0xff;
    }
  }
  return pixels;
}

/** An image stream's samples, PNG predictors (`/DecodeParms << /Predictor 10..15 ... >>`) undone. */
function imageSamples(o: PdfObject, width: number, height: number, channels: number): Buffer {
  const predictor = Number(/\/Predictor (\d+)/.exec(o.dict)?.[1] ?? 1);
  if (predictor < 10) return o.stream!;
  if (Number(/\/Colors (\d+)/.exec(o.dict)?.[1]) !== channels || Number(/\/Columns (\d+)/.exec(o.dict)?.[1]) !== width) {
    throw new Error(`image object ${o.id}: predictor parameters disagree with its size`);
  }
  return unfiltered(o.stream!, width, height, channels);
}

/**
 * A figure file without the document metadata `plot build` adds (PDF document
 * information entries besides svg2pdf's /Producer, PNG text chunks, the SVG's
 * wfall <metadata>): what the same figure is without provenance.
 */
export function withoutMetadata(bytes: Buffer, format: "pdf" | "svg" | "png"): Buffer {
  if (format === "svg") return Buffer.from(bytes.toString("utf8").replace(/<metadata xmlns:wfall="urn:wfall:metadata">.*?<\/metadata>/, ""));
  if (format === "png") {
    const chunks: Buffer[] = [bytes.subarray(0, 8)];
    for (let offset = 8; offset < bytes.length; ) {
      const length = bytes.readUInt32BE(offset);
      const type = bytes.toString("latin1", offset + 4, offset + 8);
      if (type !== "tEXt" && type !== "iTXt") chunks.push(bytes.subarray(offset, offset + 12 + length));
      offset += 12 + length;
    }
    return Buffer.concat(chunks);
  }
  const text = bytes.toString("latin1");
  const trailer = text.lastIndexOf("trailer");
  const info = /\/Info (\d+) 0 R/.exec(text.slice(trailer))![1];
  const start = text.lastIndexOf(`\n${info} 0 obj\n`, trailer) + 1;
  const end = text.indexOf("endobj\n", start) + "endobj\n".length;
  const stripped = `${text.slice(0, start)}${info} 0 obj\n<<\n  /Producer (svg2pdf)\n>>\nendobj\n${text.slice(end)}`;
  const xref = stripped.lastIndexOf("\nxref\n") + 1;
  return Buffer.from(stripped.replace(/startxref\n\d+\n%%EOF$/, `startxref\n${xref}\n%%EOF`), "latin1");
}
