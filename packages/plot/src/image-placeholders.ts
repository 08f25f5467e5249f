/**
 * Heatmap images set aside while Vega lays a figure out.
 *
 * A figure's heatmaps are PNG data URLs of hundreds of kilobytes. Vega never
 * looks inside them when it renders without a canvas (the image marks are
 * sized by their scales), but Vega-Lite copies them, Vega's loader scans them
 * for whitespace and the SVG writer concatenates them: most of the layout's
 * CPU time for a thumbnail went to moving these strings. Laying the figure out
 * with short placeholder URLs and putting the images back into the finished
 * SVG gives the same bytes at a fraction of the cost.
 *
 * A heatmap made by this package is an {@link imageDatum}: its pixels, and a
 * data URL encoded only when something reads it. A PNG, JPEG or WebP output
 * never does: the rasteriser gets the pixels beside the SVG
 * ({@link withRasterHrefs}), the same pixels the data URL would decode to.
 */
import { WaterfallError } from "@wfall/spectra";
import type { native } from "@wfall/spectra/internal";

type RgbaImage = native.RgbaImage;

/** Data URLs shorter than this stay in the spec (not worth setting aside). */
const MIN_SET_ASIDE_CHARS = 1024;
const IMAGE_PREFIX = "data:image/";
/** Still a data URL (Vega's loader treats it as one); base64 has no `_`, so it cannot occur in a real image. */
const PLACEHOLDER_PREFIX = "data:image/png;base64,wfall_image_";
/** How the native rasteriser names the Nth image given beside the SVG. */
const RASTER_HREF_PREFIX = "wfall-raster:";

/** A Vega-Lite datum `{ image }` whose data URL is encoded on first read. */
export interface ImageDatum {
  readonly image: string;
}

/** An image set aside: its data URL (encoded on demand) and, for an {@link ImageDatum}, its pixels. */
export interface SetAsideImage {
  dataUrl(): string;
  pixels?: RgbaImage;
}

const DATUM_PIXELS = new WeakMap<object, RgbaImage>();

/**
 * A datum for an image mark (`url: { field: "image" }`) holding `pixels`;
 * its `image` is `encode(pixels)`, computed once, when first read (Vega-Lite,
 * JSON, an SVG or PDF output). {@link setImagesAside} sets it aside unread.
 */
export function imageDatum(pixels: RgbaImage, encode: (pixels: RgbaImage) => string): ImageDatum {
  let url: string | undefined;
  const datum = {
    get image() {
      url ??= encode(pixels);
      return url;
    },
  };
  DATUM_PIXELS.set(datum, pixels);
  return datum;
}

/** A spec whose large images are placeholders, and the images they stand for. */
export interface ImagesSetAside<T> {
  spec: T;
  /** Placeholder -> the image it replaced. */
  images: Map<string, SetAsideImage>;
}

/**
 * A copy of `spec` with every large image data URL and every {@link ImageDatum}'s
 * image replaced by a placeholder (one per distinct URL or datum); `spec` itself
 * is left unchanged and no datum's data URL is encoded.
 */
export function setImagesAside<T>(spec: T): ImagesSetAside<T> {
  const placeholders = new Map<string | object, string>();
  const images = new Map<string, SetAsideImage>();
  const placeholderOf = (key: string | object, image: () => SetAsideImage) => {
    let placeholder = placeholders.get(key);
    if (placeholder === undefined) {
      placeholder = `${PLACEHOLDER_PREFIX}${placeholders.size}_`;
      placeholders.set(key, placeholder);
      images.set(placeholder, image());
    }
    return placeholder;
  };
  // copy on write: only the objects and arrays on the way to an image are copied
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (value.length < MIN_SET_ASIDE_CHARS || !value.startsWith(IMAGE_PREFIX)) return value;
      return placeholderOf(value, () => ({ dataUrl: () => value }));
    }
    if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
    const pixels = DATUM_PIXELS.get(value);
    if (pixels) {
      const datum = value as ImageDatum;
      return { image: placeholderOf(value, () => ({ dataUrl: () => datum.image, pixels })) };
    }
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item = visit(value[i]);
        if (item !== value[i]) (copy ??= value.slice())[i] = item;
      }
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const visited = visit(item);
      if (visited !== item) (copy ??= { ...value })[key] = visited;
    }
    return copy ?? value;
  };
  return { spec: visit(spec) as T, images };
}

/** `svg` with each placeholder replaced by `replacement(image)`; a placeholder the SVG lacks is an error. */
function replacePlaceholders(svg: string, images: ReadonlyMap<string, SetAsideImage>, replacement: (image: SetAsideImage) => string): string {
  let restored = svg;
  for (const [placeholder, image] of images) {
    let at = restored.indexOf(placeholder);
    if (at < 0) throw new WaterfallError("E_RENDER", "a heatmap image is missing from the figure's SVG");
    const text = replacement(image);
    for (; at >= 0; at = restored.indexOf(placeholder, at + text.length)) {
      restored = restored.slice(0, at) + text + restored.slice(at + placeholder.length);
    }
  }
  return restored;
}

/**
 * `svg` with each placeholder replaced by its image. A placeholder that the
 * SVG does not hold is a renderer error (the figure would lack a heatmap).
 */
export function restoreImages(svg: string, images: ReadonlyMap<string, SetAsideImage>): string {
  return replacePlaceholders(svg, images, (image) => image.dataUrl());
}

/**
 * For the native rasteriser: `svg` with the placeholder of each image that
 * has pixels replaced by `wfall-raster:N` (N its index in `pixels`), the others
 * by their data URLs. A placeholder that the SVG does not hold is an error.
 */
export function withRasterHrefs(svg: string, images: ReadonlyMap<string, SetAsideImage>): { svg: string; pixels: RgbaImage[] } {
  const pixels: RgbaImage[] = [];
  const replaced = replacePlaceholders(svg, images, (image) => {
    if (!image.pixels) return image.dataUrl();
    pixels.push(image.pixels);
    return `${RASTER_HREF_PREFIX}${pixels.length - 1}`;
  });
  return { svg: replaced, pixels };
}
