// docs/options.md from the option tables: one table per group.
import { CONTENT_OPTIONS, FIGURE_OPTIONS, LOOK_OPTIONS } from "@wfall/plot";
import { MEASURE_OPTIONS, PROCESS_OPTIONS, READ_OPTIONS, WINDOW_OPTIONS } from "@wfall/spectra";
import { flagOf } from "@wfall/spectra/internal";

const GROUPS = [
  ["Reading (`read:` in a manifest panel)", READ_OPTIONS],
  ["Processing (`options:`)", PROCESS_OPTIONS],
  ["Window and colour scale (`options:`)", WINDOW_OPTIONS],
  ["Look (`options:`)", LOOK_OPTIONS],
  ["Measurements (`options:`; `plot snr`, `plot dm`)", MEASURE_OPTIONS],
  ["Panels (`options:`)", CONTENT_OPTIONS],
  ["Figure layout (keys of a manifest figure)", FIGURE_OPTIONS],
];

const cell = (text) => String(text).replace(/\|/g, "\\|");

function defaultOf(spec) {
  if (spec.defaultText) return spec.defaultText;
  return "default" in spec && spec.default !== undefined ? `\`${JSON.stringify(spec.default)}\`` : "";
}

/** A markdown table with its columns padded to one width, as the formatter (Biome) writes it. */
function alignedTable(header, rows) {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** What values an option takes, in words. */
function valuesText(spec) {
  if (spec.kind === "enum" || spec.kind === "numberOr") return [...spec.values, ...(spec.kind === "numberOr" ? ["number"] : [])].join(", ");
  if (spec.kind === "list") return `${Object.keys(spec.presets).join(", ")}, or a list of ${spec.values.join(", ")}`;
  if (spec.kind === "pair") return "[low, high]";
  return spec.kind;
}

/** The markdown text of docs/options.md. */
export async function optionsReference() {
  const lines = [
    "# Options",
    "",
    "Generated from the option tables by `npm run generate`; do not edit. Every option has the same",
    "meaning on the command line (the flag), in a manifest (the key) and in the API (the key).",
    "",
  ];
  for (const [title, table] of GROUPS) {
    const rows = Object.entries(table).map(([key, spec]) => {
      const flag = spec.kind === "boolean" && spec.negation ? `--${spec.negation} (sets false)` : `--${flagOf(key, spec)}`;
      return [`\`${key}\``, `\`${flag}\``, cell(valuesText(spec)), cell(defaultOf(spec)), cell(spec.help)];
    });
    lines.push(`## ${title}`, "", ...alignedTable(["key", "flag", "value", "default", "meaning"], rows), "");
  }
  return lines.join("\n");
}
