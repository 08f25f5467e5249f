/**
 * Vega-Lite's compile, once per figure SHAPE (a survey's thousands of
 * thumbnails share a few). A shape is the spec with its per-figure values
 * masked out: the numbers and text of inline data rows (`data.values`), the
 * non-zero numbers of the keys in NUMBER_KEYS (domains, datums, axis tick
 * values, sizes) and of `usermeta`, and the non-empty text of `description`,
 * titles and `usermeta`.
 * The key keeps each masked value's kind (its sign; a newline in text) and
 * which masked values are equal (data rows and `usermeta` aside), every other
 * leaf, every key and every array length.
 *
 * The first figure of a shape is compiled as it is; when a second figure of
 * the shape comes, the shape is compiled once more with each of the first
 * figure's masked values replaced by a unique sentinel of the same kind (a
 * process drawing one figure compiles it once). Walking both
 * Vega specs side by side, every leaf must either be equal in both (a constant
 * of the shape) or be exactly the figure's value in one and that value's
 * sentinel in the other (a copy, at a path recorded in the template). Anything
 * else (a value Vega-Lite derives from the figure's numbers or text, or a
 * different structure) marks the shape as not cacheable, and its figures are
 * compiled in full. A later figure of the shape gets the template with its
 * own values written at the recorded paths: JSON-equal to what compiling it
 * gives (Vega-Lite's lazy signal wrappers come out as plain objects).
 */
import { compile, type Spec, type TopLevelSpec } from "./vega.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** Keys whose string values are free text that Vega-Lite passes on verbatim. */
const TEXT_KEYS = new Set(["description", "title", "text", "subtitle"]);
/**
 * Keys whose numbers (or arrays of numbers) differ between figures of one
 * shape and which Vega-Lite copies. Other numbers (an axis's `labelAngle`,
 * from which Vega-Lite derives the labels' alignment, font sizes...) are part
 * of the shape.
 */
const NUMBER_KEYS = new Set(["datum", "domain", "values", "range", "width", "height", "minExtent", "maxExtent"]);

interface Masked {
  /** The shape: the spec with masked values as their kind. */
  key: string;
  /** The distinct masked values, in order of first appearance. */
  values: (number | string)[];
}

/** Where a leaf is: in the spec proper, in `usermeta`, or in a `data.values` row. */
type Where = "spec" | "usermeta" | "data";
const DATUM = { $: "d" };

const kindOf = (value: number | string) => (typeof value === "string" ? (value.includes("\n") ? "s\n" : "s") : value > 0 ? "+" : "-");

/** Whether a leaf is one of the figure's values (`key`: its own key, or its array's). */
function isMasked(value: Json, key: string | undefined, inUsermeta: boolean): value is number | string {
  if (typeof value === "number") return value !== 0 && Number.isFinite(value) && (inUsermeta || (key !== undefined && NUMBER_KEYS.has(key)));
  return typeof value === "string" && value !== "" && (inUsermeta || (key !== undefined && TEXT_KEYS.has(key)));
}

/** The spec's shape and its masked values (`replace` gives the spec with values replaced, for the sentinel compile). */
function mask(spec: Json, replace?: (value: number | string, index: number) => number | string): Masked & { replaced: Json } {
  const values: (number | string)[] = [];
  const indexOf = new Map<number | string, number>();
  const walk = (node: Json, key: string | undefined, where: Where): [Json, Json] => {
    if (node === undefined || (typeof node === "number" && (!Number.isFinite(node) || Object.is(node, -0)))) {
      return [{ $: String(Object.is(node, -0) ? "-0" : node) }, node]; // as JSON these would read null or 0
    }
    if ((where === "data" && (typeof node === "number" || typeof node === "string")) || (where === "usermeta" && isMasked(node, key, true))) {
      // inline data rows (numbers, text, a heatmap's data URL) and usermeta, which Vega-Lite copies: each value its own
      const index = values.push(node) - 1;
      return [DATUM, replace ? replace(node, index) : node];
    }
    if (isMasked(node, key, where === "usermeta")) {
      // equal values share an index: which values are equal is part of the shape (Vega-Lite merges equal domains)
      let index = indexOf.get(node);
      if (index === undefined) indexOf.set(node, (index = values.push(node) - 1));
      return [{ $: kindOf(node), i: index }, replace ? replace(node, index) : node];
    }
    if (Array.isArray(node)) {
      const pairs = node.map((item) => walk(item, key, where));
      return [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
    }
    if (node !== null && typeof node === "object") {
      const shape: { [key: string]: Json } = {};
      const replaced: { [key: string]: Json } = {};
      for (const [k, v] of Object.entries(node)) {
        if (v === undefined) continue;
        const inner: Where = where !== "spec" ? where : k === "usermeta" ? "usermeta" : key === "data" && k === "values" ? "data" : "spec";
        [shape[k], replaced[k]] = walk(v, k, inner);
      }
      return [shape, replaced];
    }
    return [node, node];
  };
  const [shape, replaced] = walk(spec, undefined, "spec");
  return { key: JSON.stringify(shape), values, replaced };
}

/** A sentinel for the `index`th value, of the same sign (a data row's zero aside), unique among the spec's values. */
function sentinelOf(value: number | string, index: number): number | string {
  if (typeof value === "string") return `\u0001wfall-sentinel-${index}\u0001`;
  return value === 0 ? (index + 1) * 2 ** -30 : value * (1 + (index + 1) * 2 ** -20);
}

interface Template {
  compiled: Json;
  /** Where each masked value is copied to in the compiled spec. */
  slots: { path: Path; index: number }[];
}

/**
 * Pairs the real and the sentinel compile; undefined when the compiled spec
 * depends on the masked values other than by copying them.
 */
function templateOf(real: Json, sentinel: Json, values: readonly (number | string)[], sentinels: readonly (number | string)[]): Template | undefined {
  const indexOfSentinel = new Map(sentinels.map((s, i) => [s, i]));
  if (indexOfSentinel.size !== sentinels.length || values.some((v) => indexOfSentinel.has(v))) return undefined;
  const slots: Template["slots"] = [];
  const path: (string | number)[] = [];
  const same = (a: Json, b: Json): boolean => {
    if (Object.is(a, b)) return true;
    const index = indexOfSentinel.get(b as number | string);
    if (index !== undefined && Object.is(values[index], a)) {
      slots.push({ path: [...path], index });
      return true;
    }
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) {
        path.push(i);
        const ok = same(a[i], b[i]);
        path.pop();
        if (!ok) return false;
      }
      return true;
    }
    if (a === null || b === null || typeof a !== "object" || typeof b !== "object" || Array.isArray(b)) return false;
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    if (keys.length !== Object.keys(b).filter((k) => b[k] !== undefined).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(b, k)) return false;
      path.push(k);
      const ok = same(a[k], b[k]);
      path.pop();
      if (!ok) return false;
    }
    return true;
  };
  return same(real, sentinel) ? { compiled: sentinel, slots } : undefined;
}

function filled(template: Template, values: readonly (number | string)[]): Json {
  const out = structuredClone(template.compiled);
  for (const { path, index } of template.slots) {
    let node = out as { [key: string | number]: Json };
    for (let i = 0; i < path.length - 1; i++) node = node[path[i]] as { [key: string | number]: Json };
    node[path[path.length - 1]] = values[index];
  }
  return out;
}

type Logger = NonNullable<Parameters<typeof compile>[1]>["logger"] & object;

/** Vega-Lite's own logger (vega-util's at level Warn: "WARN" and "ERROR" to the console), counting what it prints. */
function vegaLiteLogger(logged: { messages: number }): Logger {
  const logger = {
    level: (..._: unknown[]) => (_.length ? logger : 2),
    error: (...args: unknown[]) => (logged.messages++, console.error("ERROR", ...args), logger),
    warn: (...args: unknown[]) => (logged.messages++, console.warn("WARN", ...args), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger as unknown as Logger;
}

const SILENT = { level: () => SILENT, error: () => SILENT, warn: () => SILENT, info: () => SILENT, debug: () => SILENT } as unknown as Logger;

/** Shapes proven by this process: a template, or null for a shape that must be compiled in full. */
const templates = new Map<string, Template | null>();
/** Shapes seen once: the first figure's compile and values, kept until a second figure of the shape asks for a template. */
const seenOnce = new Map<string, { real: Json; values: (number | string)[] }>();
const MAX_SHAPES = 64;

/** Sets `key` in a map holding at most {@link MAX_SHAPES} shapes (the oldest goes first). */
function remember<T>(map: Map<string, T>, key: string, value: T): void {
  if (map.size >= MAX_SHAPES) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/**
 * `compile(spec).spec`, from the spec's shape's template when the shape has
 * one (same result: see the module comment). The template is proven when a
 * second figure of a shape comes, so a process drawing one figure compiles
 * it once.
 */
export function compileCached(spec: TopLevelSpec): Spec {
  const json = spec as unknown as Json;
  const { key, values } = mask(json);
  const template = templates.get(key) ?? (templates.has(key) ? null : proveFromFirst(key, json));
  if (template) {
    stats.hits++;
    return filled(template, values) as unknown as Spec;
  }
  const logged = { messages: 0 };
  const real = compile(spec, { logger: vegaLiteLogger(logged) }).spec;
  if (templates.has(key)) return real;
  // a shape whose compile warns is compiled in full, so that each figure's warnings are printed
  if (logged.messages > 0) markUncacheable(key);
  // plain copies: Vega-Lite's lazy signal wrappers hold on to its whole model
  else remember(seenOnce, key, { real: structuredClone(real) as unknown as Json, values });
  return real;
}

/** The template of a shape seen once, proven with a sentinel compile of `json` (a spec of that shape); undefined when not seen yet. */
function proveFromFirst(key: string, json: Json): Template | null | undefined {
  const first = seenOnce.get(key);
  if (!first) return undefined;
  seenOnce.delete(key);
  const sentinels = first.values.map(sentinelOf);
  let made: Template | undefined;
  try {
    const { replaced } = mask(json, (_, i) => sentinels[i]);
    const sentinel = structuredClone(compile(replaced as unknown as TopLevelSpec, { logger: SILENT }).spec) as unknown as Json;
    made = templateOf(first.real, sentinel, first.values, sentinels);
  } catch {
    made = undefined;
  }
  if (!made) markUncacheable(key);
  else remember(templates, key, made);
  return made ?? null;
}

function markUncacheable(key: string): void {
  remember(templates, key, null);
  stats.uncacheable++;
}

const stats = { hits: 0, uncacheable: 0 };

/** Figures filled from a template, shapes held, and shapes found not cacheable, since the cache was last cleared. */
export function compileCacheStats(): { hits: number; shapes: number; uncacheable: number } {
  return { ...stats, shapes: templates.size };
}

/** Forgets every shape (tests). */
export function clearCompileCache(): void {
  templates.clear();
  seenOnce.clear();
  stats.hits = 0;
  stats.uncacheable = 0;
}
