/**
 * Options are declared once, in tables of {@link OptionSpec}s: the table gives
 * the option's TypeScript type ({@link OptionValues}), its command-line flag,
 * its `--help` line, its manifest JSON Schema and the checks of its value.
 * The tables themselves sit beside the code that uses the options (reading,
 * processing, figure data here; figure layout in `@wfall/plot`).
 */
import { WaterfallError } from "../errors.js";

interface Common {
  /** One line for `--help` and the manifest schema's description. */
  help: string;
  /** The command-line flag, when it is not the key in kebab case. */
  flag?: string;
  /** For booleans that default to true: the command-line flag that sets them false (e.g. `keep-constant`), instead of one that sets them. */
  negation?: string;
  /** The `--help` line of the negation flag. */
  negationHelp?: string;
  /** What `--help` says the default is, when `default` alone does not say it well. */
  defaultText?: string;
  /** Only on the command line (not in manifests). */
  cliOnly?: boolean;
  /** The error code of a bad value, when not `E_ARGUMENT` (a DM that cannot be applied is `E_DM_RANGE`). */
  errorCode?: "E_DM_RANGE";
}

interface NumberLimits {
  integer?: boolean;
  min?: number;
  max?: number;
  /** Values must be greater than this. */
  above?: number;
}

/** How an option is declared: its kind, limits, default and help. */
export type OptionSpec =
  | (Common & NumberLimits & { kind: "number"; default?: number })
  | (Common & { kind: "boolean"; default?: boolean })
  | (Common & { kind: "string"; default?: string })
  | (Common & { kind: "enum"; values: readonly string[]; default?: string })
  /** A number within the limits, or one of the named values (e.g. `nsub`: an integer or "auto"). */
  | (Common & NumberLimits & { kind: "numberOr"; values: readonly string[]; default?: number | string })
  /** Non-negative integers; on the command line `0-60,75`, repeated flags accumulate. */
  | (Common & { kind: "channels"; default?: readonly number[] })
  /** `[low, high]` pairs (MHz); on the command line `LOW:HIGH`, repeated flags accumulate. */
  | (Common & { kind: "ranges"; default?: readonly (readonly [number, number])[] })
  /** A map from the listed names to strings; on the command line `NAME=VALUE`, repeated flags accumulate. */
  | (Common & { kind: "pairs"; names: readonly string[] })
  /** Two numbers `[low, high]` with low < high; on the command line `--flag LOW HIGH`. */
  | (Common & { kind: "pair"; default?: readonly [number, number] })
  /**
   * Names from `values` in order (no repeats), or the name of a preset list; on the command
   * line `a,b,c` or the preset's name, in a manifest a list or a preset's name.
   */
  | (Common & { kind: "list"; values: readonly string[]; presets: Readonly<Record<string, readonly string[]>>; default?: string });

/** A table of options by key. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The TypeScript type of one option's value. */
export type ValueOf<S> = S extends { kind: "number" }
  ? number
  : S extends { kind: "boolean" }
    ? boolean
    : S extends { kind: "string" }
      ? string
      : S extends { kind: "enum"; values: readonly (infer V)[] }
        ? V
        : S extends { kind: "numberOr"; values: readonly (infer V)[] }
          ? number | V
          : S extends { kind: "channels" }
            ? number[]
            : S extends { kind: "ranges" }
              ? [number, number][]
              : S extends { kind: "pairs"; names: readonly (infer N extends string)[] }
                ? Partial<Record<N, string>>
                : S extends { kind: "pair" }
                  ? [number, number]
                  : S extends { kind: "list"; values: readonly (infer V)[]; presets: infer P }
                    ? V[] | Extract<keyof P, string>
                    : never;

/** The options object a table declares: every option optional. */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]?: ValueOf<T[K]> };

/** The command-line flag of an option. */
export function flagOf(key: string, spec: OptionSpec): string {
  return spec.flag ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** How messages name an option: `'maskSum' (--mask-sum)`. */
export function optionName(key: string, spec: OptionSpec): string {
  return `'${key}' (--${flagOf(key, spec)})`;
}

function limitsText(s: NumberLimits): string {
  const parts = [s.integer ? "an integer" : "a number"];
  if (s.above !== undefined) parts.push(`above ${s.above}`);
  if (s.min !== undefined && s.max !== undefined) parts.push(`from ${s.min} to ${s.max}`);
  else if (s.min !== undefined) parts.push(`of at least ${s.min}`);
  else if (s.max !== undefined) parts.push(`of at most ${s.max}`);
  return parts.join(" ");
}

function numberProblem(value: number, s: NumberLimits): string | null {
  if (!Number.isFinite(value)) return "not a finite number";
  if (s.integer && !Number.isInteger(value)) return "not an integer";
  if (s.above !== undefined && !(value > s.above)) return `not above ${s.above}`;
  if (s.min !== undefined && value < s.min) return `below ${s.min}`;
  if (s.max !== undefined && value > s.max) return `above ${s.max}`;
  return null;
}

/** What is wrong with a value of an option, or null when it is fine. */
export function valueProblem(spec: OptionSpec, value: unknown): string | null {
  const expect = (what: string) => `expected ${what}, got ${JSON.stringify(value)}`;
  switch (spec.kind) {
    case "number": {
      if (typeof value !== "number") return expect(limitsText(spec));
      const problem = numberProblem(value, spec);
      return problem && `expected ${limitsText(spec)}, got ${value} (${problem})`;
    }
    case "boolean":
      return typeof value === "boolean" ? null : expect("true or false");
    case "string":
      return typeof value === "string" ? null : expect("a string");
    case "enum":
      return spec.values.includes(value as string) ? null : expect(`one of ${spec.values.join(", ")}`);
    case "numberOr":
      if (spec.values.includes(value as string)) return null;
      if (typeof value !== "number") return expect(`${spec.values.join(" or ")}, or ${limitsText(spec)}`);
      return numberProblem(value, spec) && expect(`${spec.values.join(" or ")}, or ${limitsText(spec)}`);
    case "channels":
      return Array.isArray(value) && value.every((c) => Number.isInteger(c) && c >= 0) ? null : expect("a list of channel numbers (non-negative integers)");
    case "ranges":
      return Array.isArray(value) && value.every((r) => Array.isArray(r) && r.length === 2 && r.every(Number.isFinite) && r[0] < r[1])
        ? null
        : expect("a list of [low, high] ranges with low < high");
    case "pairs":
      return typeof value === "object" && value !== null && Object.entries(value).every(([k, v]) => spec.names.includes(k) && typeof v === "string")
        ? null
        : expect(`an object with keys among ${spec.names.join(", ")} and string values`);
    case "pair":
      return Array.isArray(value) && value.length === 2 && value.every(Number.isFinite) && value[0] < value[1] ? null : expect("[low, high] with low < high");
    case "list":
      return listProblem(spec, value);
  }
}

/** What is wrong with the value of a `list` option, or null. */
function listProblem(spec: { values: readonly string[]; presets: Readonly<Record<string, readonly string[]>> }, value: unknown): string | null {
  const names = `${Object.keys(spec.presets).join(" or ")}, or a list of ${spec.values.join(", ")}`;
  if (typeof value === "string" && Object.hasOwn(spec.presets, value)) return null;
  if (!Array.isArray(value) || value.length === 0) return `expected ${names}, got ${JSON.stringify(value)}`;
  const unknown = value.filter((v) => !spec.values.includes(v as string));
  if (unknown.length) return `unknown ${unknown.map((v) => JSON.stringify(v)).join(", ")}: expected ${names}`;
  if (new Set(value).size !== value.length) return `${JSON.stringify(value)} names one twice`;
  return null;
}

/** The names a `list` option's value stands for (a preset's list, or the list itself). */
export function listValue(spec: { presets: Readonly<Record<string, readonly string[]>> }, value: string | readonly string[]): string[] {
  return typeof value === "string" ? [...spec.presets[value]] : [...value];
}

/**
 * Checks every option of `values` that `table` declares (others are left to
 * their own tables); throws `E_ARGUMENT` naming the option and, when given, the file.
 */
export function checkOptions<T extends OptionTable>(table: T, values: OptionValues<T> | undefined, file?: string): void {
  for (const [key, value] of Object.entries(values ?? {})) {
    const spec = table[key];
    if (spec === undefined || value === undefined) continue;
    const problem = valueProblem(spec, value);
    if (problem) throw new WaterfallError(spec.errorCode ?? "E_ARGUMENT", `option ${optionName(key, spec)}: ${problem}`, { file });
  }
}

/** The options of `values` that `table` declares (defined ones only). */
export function pickOptions<T extends OptionTable>(table: T, values: object): OptionValues<T> {
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => Object.hasOwn(table, key) && value !== undefined)) as OptionValues<T>;
}

/** Throws `E_ARGUMENT` for a key of `values` that none of `tables` declares. */
export function refuseUnknownOptions(values: object, tables: readonly OptionTable[], file?: string): void {
  for (const key of Object.keys(values)) {
    if (!tables.some((t) => Object.hasOwn(t, key))) throw new WaterfallError("E_ARGUMENT", `unknown option '${key}'`, { file });
  }
}

/** The declared defaults of a table. */
export function defaultsOf<T extends OptionTable>(table: T): OptionValues<T> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) if ("default" in spec && spec.default !== undefined) out[key] = spec.default;
  return out as OptionValues<T>;
}

/** The JSON Schema of one option's value (for the manifest schema). */
export function schemaOf(spec: OptionSpec): Record<string, unknown> {
  const limits = (s: NumberLimits) => ({
    type: s.integer ? "integer" : "number",
    ...(s.min !== undefined ? { minimum: s.min } : {}),
    ...(s.max !== undefined ? { maximum: s.max } : {}),
    ...(s.above !== undefined ? { exclusiveMinimum: s.above } : {}),
  });
  const described = (schema: Record<string, unknown>) => ({ ...schema, description: spec.help });
  switch (spec.kind) {
    case "number":
      return described(limits(spec));
    case "boolean":
      return described({ type: "boolean" });
    case "string":
      return described({ type: "string" });
    case "enum":
      return described({ enum: [...spec.values] });
    case "numberOr":
      return described({ oneOf: [limits(spec), { enum: [...spec.values] }] });
    case "channels":
      return described({ type: "array", items: { type: "integer", minimum: 0 } });
    case "ranges":
      return described({ type: "array", items: { type: "array", prefixItems: [{ type: "number" }, { type: "number" }], minItems: 2, maxItems: 2 } });
    case "pairs":
      return described({ type: "object", additionalProperties: { type: "string" }, propertyNames: { enum: [...spec.names] } });
    case "pair":
      return described({ type: "array", prefixItems: [{ type: "number" }, { type: "number" }], minItems: 2, maxItems: 2 });
    case "list":
      return described({
        oneOf: [{ enum: Object.keys(spec.presets) }, { type: "array", items: { enum: [...spec.values] }, minItems: 1, uniqueItems: true }],
      });
  }
}

/** The JSON Schema properties of a table's manifest options. */
export function schemaProperties(table: OptionTable): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(table)
      .filter(([, spec]) => !spec.cliOnly)
      .map(([key, spec]) => [key, schemaOf(spec)]),
  );
}
