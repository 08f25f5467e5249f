/**
 * Image marks written without Vega's image loads.
 *
 * Vega's SVG writer takes an image's href from the image it loaded, not from
 * its URL: it starts the load, writes the scene with an empty href, polls the
 * loads every 10 ms and, once they have settled, writes the whole scene again.
 * Without a canvas (Node) every load fails at once into `{ src: url }`, so a
 * figure cost 10 ms of waiting and two renders. An image item whose `image`
 * is already that failed load for its URL is not loaded again: each image mark
 * here encodes it from the same rule as its `url`, so the scene is written once,
 * at once, with the same href.
 */
import type { Spec } from "./vega.js";

type Rule = { signal?: string; value?: unknown };
type Mark = { type?: string; marks?: Mark[]; encode?: Record<string, Record<string, unknown> | undefined> };

/** What Vega's loader gives for `url` without a canvas (and the `url` it checks the item's against). */
const failedLoad = (url: string) => `{url: ${url}, src: ${url}, complete: false, width: 0, height: 0}`;

/** The `image` rule giving the failed load of the URL `url` encodes; undefined for a rule of another form. */
function imageRule(url: unknown): Rule | undefined {
  if (typeof url !== "object" || url === null || Array.isArray(url)) return undefined; // production rules: left to Vega
  const { signal, value, ...rest } = url as Rule;
  if (Object.keys(rest).length > 0) return undefined;
  if (typeof signal === "string") return { signal: failedLoad(`(${signal})`) };
  if (typeof value === "string") return { value: { url: value, src: value, complete: false, width: 0, height: 0 } };
  return undefined;
}

/** The mark with an `image` beside each `url` rule it can copy (a copy: the spec may be a cached template's). */
function withImage(mark: Mark): Mark {
  const marks = mark.marks?.map(withImage);
  let encode = mark.encode;
  if (mark.type === "image" && encode) {
    encode = Object.fromEntries(
      Object.entries(encode).map(([set, rules]) => {
        const image = rules && imageRule(rules.url);
        return [set, image ? { ...rules, image } : rules];
      }),
    );
  }
  return { ...mark, ...(marks && { marks }), ...(encode && { encode }) };
}

/** `vg` with its image marks' images encoded (see the module comment): the same SVG, written once. */
export function withoutImageLoads(vg: Spec): Spec {
  const marks = (vg as Mark).marks;
  return marks ? ({ ...vg, marks: marks.map(withImage) } as Spec) : vg;
}
