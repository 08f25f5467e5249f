/**
 * JPEG and WebP thumbnails: the figure's PNG raster (the same pixels as a
 * .png output) re-encoded by sharp (libvips), loaded on first use. Encoder
 * settings are fixed and metadata is stripped, so the same figure gives the
 * same bytes.
 */
export type ThumbnailFormat = "jpg" | "webp";

type Sharp = typeof import("sharp")["default"];
let sharp: Promise<Sharp> | undefined;

/** JPEG quality and WebP quality (0-100): small files, text still legible. */
export const THUMBNAIL_QUALITY = { jpg: 85, webp: 80 } as const;

function loadSharp(): Promise<Sharp> {
  sharp ??= import("sharp").then((m) => {
    m.default.cache(false); // figures are encoded once: nothing to reuse
    m.default.concurrency(1); // the build already runs one figure per core
    return m.default;
  });
  return sharp;
}

/** Re-encodes a PNG as JPEG (on white: JPEG has no alpha) or WebP. */
export async function encodeThumbnail(png: Uint8Array, format: ThumbnailFormat): Promise<Buffer> {
  const image = (await loadSharp())(png);
  return format === "jpg"
    ? image.flatten({ background: "#ffffff" }).jpeg({ quality: THUMBNAIL_QUALITY.jpg, chromaSubsampling: "4:4:4" }).toBuffer()
    : image.webp({ quality: THUMBNAIL_QUALITY.webp, effort: 2 }).toBuffer();
}

/** A JPEG or WebP thumbnail decoded to a PNG of the same pixels (what `plot build --check --report` compares). */
export async function thumbnailToPng(bytes: Uint8Array): Promise<Buffer> {
  return (await loadSharp())(bytes).png().toBuffer();
}
