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

/** Re-encodes a PNG as JPEG (on white: JPEG has no alpha) or WebP. */
export async function encodeThumbnail(png: Uint8Array, format: ThumbnailFormat): Promise<Buffer> {
  sharp ??= import("sharp").then((m) => {
    m.default.cache(false); // figures are encoded once: nothing to reuse
    m.default.concurrency(1); // the build already runs one figure per core
    return m.default;
  });
  const image = (await sharp)(png);
  return format === "jpg"
    ? image.flatten({ background: "#ffffff" }).jpeg({ quality: THUMBNAIL_QUALITY.jpg, chromaSubsampling: "4:4:4" }).toBuffer()
    : image.webp({ quality: THUMBNAIL_QUALITY.webp, effort: 2 }).toBuffer();
}
