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
 */
import { WaterfallError } from "@wfall/spectra";

/** Data URLs shorter than this stay in the spec (not worth setting aside). */
const MIN_SET_ASIDE_CHARS = 1024;
const IMAGE_PREFIX = "data:image/";
/** Still a data URL (Vega's loader treats it as one); base64 has no `_`, so it cannot occur in a real image. */
const PLACEHOLDER_PREFIX = "data:image/png;base64,wfall_image_";

/** A spec whose large image data URLs are placeholders, and the images they stand for. */
export interface ImagesSetAside<T> {
  spec: T;
  /** Placeholder -> the data URL it replaced. */
  images: Map<string, string>;
}

/**
 * A copy of `spec` with every large image data URL replaced by a placeholder
 * (one per distinct URL); `spec` itself is left unchanged.
 */
export function setImagesAside<T>(spec: T): ImagesSetAside<T> {
  const placeholders = new Map<string, string>();
  const images = new Map<string, string>();
  // copy on write: only the objects and arrays on the way to an image are copied
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") {
      if (value.length < MIN_SET_ASIDE_CHARS || !value.startsWith(IMAGE_PREFIX)) return value;
      let placeholder = placeholders.get(value);
      if (placeholder === undefined) {
        placeholder = `${PLACEHOLDER_PREFIX}${placeholders.size}_`;
        placeholders.set(value, placeholder);
        images.set(placeholder, value);
      }
      return placeholder;
    }
    if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
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

/**
 * `svg` with each placeholder replaced by its image. A placeholder that the
 * SVG does not hold is a renderer error (the figure would lack a heatmap).
 */
export function restoreImages(svg: string, images: ReadonlyMap<string, string>): string {
  if (images.size === 0) return svg;
  let restored = svg;
  for (const [placeholder, image] of images) {
    let at = restored.indexOf(placeholder);
    if (at < 0) throw new WaterfallError("E_RENDER", "a heatmap image is missing from the figure's SVG");
    for (; at >= 0; at = restored.indexOf(placeholder, at + image.length)) {
      restored = restored.slice(0, at) + image + restored.slice(at + placeholder.length);
    }
  }
  return restored;
}
