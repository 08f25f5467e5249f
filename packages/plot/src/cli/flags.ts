/**
 * Command-line flags. Option flags are made from the option tables (their
 * names, arguments, help lines and value conversion); a command adds a few of
 * its own. One parser reads them all: `--flag value`, `--flag=value`,
 * negative numbers as values, repeated flags (accumulated for lists, an error
 * for single values), and a suggestion for a mistyped flag.
 */
import type { WaterfallError } from "@wfall/spectra";
import { closestName } from "../suggest.js";
import { checkOptions, flagOf, type OptionSpec, type OptionTable, type OptionValues } from "@wfall/spectra/internal";

/** A usage mistake: exit code 2, one line. */
export class UsageError extends Error {}

/** What a flag takes after it. */
export type Takes = "nothing" | "one" | "numbers" | "texts";

/** One flag of a command. */
export interface Flag {
  name: string;
  short?: string;
  takes: Takes;
  /** The argument in `--help`, e.g. `N` or `LOW:HIGH`. */
  arg?: string;
  help: string;
  defaultText?: string;
  /** Whether repeating it accumulates (lists); otherwise a second, different value is an error. */
  repeatable?: boolean;
}

/** Flags as parsed: every value each flag was given, in order, and the positional arguments. */
export interface Parsed {
  values: Map<string, string[]>;
  positionals: string[];
}

const ARG: Record<OptionSpec["kind"], string> = {
  number: "N",
  boolean: "",
  string: "TEXT",
  enum: "NAME",
  numberOr: "N",
  channels: "A-B,C",
  ranges: "LOW:HIGH",
  pairs: "NAME=VALUE",
  pair: "LOW HIGH",
  list: "A,B,..",
};

function defaultText(spec: OptionSpec): string | undefined {
  if (spec.defaultText) return spec.defaultText;
  const value = "default" in spec ? spec.default : undefined;
  return value === undefined || value === false ? undefined : String(value);
}

/** The flags of an option table (booleans that default to true get only their negation). */
export function flagsOf(table: OptionTable, except: readonly string[] = []): Flag[] {
  return Object.entries(table)
    .filter(([key]) => !except.includes(key))
    .map(([key, spec]): Flag => {
      if (spec.kind === "boolean" && spec.negation) return { name: spec.negation, takes: "nothing", help: spec.negationHelp ?? `not: ${spec.help}` };
      const list = spec.kind === "channels" || spec.kind === "ranges" || spec.kind === "pairs";
      const arg =
        spec.kind === "numberOr" ? `${spec.values.join("|")}|N` : spec.kind === "list" ? `${Object.keys(spec.presets).join("|")}|A,B,..` : ARG[spec.kind];
      return {
        name: flagOf(key, spec),
        takes: spec.kind === "boolean" ? "nothing" : spec.kind === "pair" ? "numbers" : "one",
        arg,
        help: spec.help,
        defaultText: defaultText(spec),
        repeatable: list,
      };
    });
}

/** `--help` lines for flags. */
export function helpLines(flags: readonly Flag[]): string[] {
  return flags.map((f) => {
    const many = (f.takes === "numbers" || f.takes === "texts") && !f.arg?.includes(" ");
    const arg = f.takes === "nothing" ? "" : ` ${f.arg ?? "VALUE"}${many ? " ..." : ""}`;
    const name = `${f.short ? `-${f.short}, ` : "    "}--${f.name}${arg}`;
    return `  ${name.padEnd(30)} ${f.help}${f.defaultText ? ` (default: ${f.defaultText})` : ""}`;
  });
}

const isNumber = (token: string) => token.trim() !== "" && !Number.isNaN(Number(token));
const isFlag = (token: string) => token.startsWith("-") && token.length > 1 && !isNumber(token);

/** Parses `argv` against `flags`. */
export function parseFlags(argv: readonly string[], flags: readonly Flag[]): Parsed {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short).map((f) => [f.short!, f]));
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (flag: Flag, value: string) => values.set(flag.name, [...(values.get(flag.name) ?? []), value]);
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!isFlag(token)) {
      positionals.push(token);
      continue;
    }
    const [written, inline] = token.startsWith("--")
      ? [token.slice(2).split("=")[0], token.includes("=") ? token.slice(token.indexOf("=") + 1) : undefined]
      : [token.slice(1), undefined];
    const flag = token.startsWith("--") ? byName.get(written) : byShort.get(written);
    if (!flag) {
      const bare = written.replace(/^-/, "");
      const suggestion = closestName(bare, byName.keys(), Math.max(2, bare.length / 3));
      throw new UsageError(`unknown flag '${token.split("=")[0]}'${suggestion ? ` (did you mean --${suggestion}?)` : ""} (see --help)`);
    }
    if (flag.takes === "nothing") {
      if (inline !== undefined) throw new UsageError(`--${flag.name} takes no value (see --help)`);
      add(flag, "true");
    } else if (inline !== undefined) {
      add(flag, inline);
    } else if (flag.takes === "one") {
      if (i + 1 >= argv.length || isFlag(argv[i + 1])) throw new UsageError(`--${flag.name} needs a value (see --help)`);
      add(flag, argv[++i]);
    } else {
      const takes = flag.takes === "numbers" ? isNumber : (t: string) => !isFlag(t);
      let taken = 0;
      for (; i + 1 < argv.length && takes(argv[i + 1]); taken++) add(flag, argv[++i]);
      if (taken === 0) throw new UsageError(`--${flag.name} needs ${flag.takes === "numbers" ? "one or more numbers" : "one or more values"} (see --help)`);
    }
  }
  for (const flag of flags) {
    const given = values.get(flag.name);
    if (given && given.length > 1 && flag.takes === "one" && !flag.repeatable && new Set(given).size > 1) {
      throw new UsageError(`--${flag.name} given twice, with different values (${given.join(", ")})`);
    }
  }
  return { values, positionals };
}

/** The number a flag was given. */
export function numberValue(flag: string, raw: string): number {
  if (!isNumber(raw) || !Number.isFinite(Number(raw))) throw new UsageError(`--${flag} expects a number, got '${raw}'`);
  return Number(raw);
}

/** `0-60,75` as channel numbers. */
function channels(flag: string, raw: string): number[] {
  return raw
    .split(",")
    .filter((part) => part.trim() !== "")
    .flatMap((part) => {
      const m = /^\s*(\d+)\s*(?:[-:]\s*(\d+)\s*)?$/.exec(part);
      if (!m) throw new UsageError(`--${flag} expects channel numbers and ranges such as 0-60,75, got '${raw}'`);
      const [lo, hi] = [Number(m[1]), Number(m[2] ?? m[1])];
      if (hi < lo) throw new UsageError(`--${flag}: the range ${part.trim()} runs backwards`);
      return Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
    });
}

/** `LOW:HIGH` as a pair of numbers. */
function range(flag: string, raw: string): [number, number] {
  const parts = raw.split(":");
  if (parts.length !== 2) throw new UsageError(`--${flag} expects LOW:HIGH, got '${raw}'`);
  const [lo, hi] = parts.map((p) => numberValue(flag, p));
  if (!(lo < hi)) throw new UsageError(`--${flag} expects LOW:HIGH with LOW < HIGH, got '${raw}'`);
  return [lo, hi];
}

function optionValue(flag: string, spec: OptionSpec, raws: string[]): unknown {
  const raw = raws[raws.length - 1];
  switch (spec.kind) {
    case "number":
      return numberValue(flag, raw);
    case "boolean":
      return true;
    case "string":
    case "enum":
      return raw;
    case "numberOr":
      return spec.values.includes(raw) ? raw : isNumber(raw) ? Number(raw) : raw; // a bad value is named by the check
    case "channels":
      return [...new Set(raws.flatMap((r) => channels(flag, r)))].sort((a, b) => a - b);
    case "ranges":
      return raws.map((r) => range(flag, r));
    case "pairs":
      return Object.fromEntries(
        raws.map((r) => {
          const at = r.indexOf("=");
          if (at <= 0 || at === r.length - 1) throw new UsageError(`--${flag} expects NAME=VALUE with NAME one of ${spec.names.join(", ")}, got '${r}'`);
          return [r.slice(0, at), r.slice(at + 1)];
        }),
      );
    case "pair":
      if (raws.length !== 2) throw new UsageError(`--${flag} expects two numbers, LOW HIGH, got ${raws.length}: ${raws.join(" ")}`);
      return raws.map((r) => numberValue(flag, r));
    case "list":
      return Object.hasOwn(spec.presets, raw)
        ? raw
        : raw
            .split(",")
            .map((part) => part.trim())
            .filter((part) => part !== "");
  }
}

/** The options of `table` that the parsed flags set, checked (a bad value names its flag). */
export function optionsFrom<T extends OptionTable>(table: T, parsed: Parsed): OptionValues<T> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (spec.kind === "boolean" && spec.negation) {
      if (parsed.values.has(spec.negation)) out[key] = false;
      continue;
    }
    const flag = flagOf(key, spec);
    const raws = parsed.values.get(flag);
    if (raws) out[key] = optionValue(flag, spec, raws);
  }
  try {
    checkOptions(table, out as OptionValues<T>);
  } catch (error) {
    throw new UsageError((error as WaterfallError).message.replace(/^option '[^']*' \((--[^)]*)\)/, "$1"));
  }
  return out as OptionValues<T>;
}

/** A command's own flag: its last value, if given. */
export function lastValue(parsed: Parsed, name: string): string | undefined {
  return parsed.values.get(name)?.at(-1);
}
