/**
 * The manifest's JSON Schema, made from the option tables. The committed
 * `schema/figures.schema.json` (for editors) is this object written out by
 * `npm run generate`; a test keeps the two equal.
 */
import { READ_OPTIONS } from "@wfall/spectra";
import { schemaProperties } from "@wfall/spectra/internal";

import { FIGURE_OPTIONS, PANEL_OPTIONS } from "../options.js";
import { FORMATS } from "../formats.js";

/** The extensions an output may have (`.jpeg` is read as `.jpg`). */
const OUTPUT_EXTENSIONS = [...FORMATS, "jpeg"];

/** What a figure name may hold (after `{stem}` and `{path}` are replaced). */
export const FIGURE_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** The manifest schema (JSON Schema 2020-12). */
export function manifestSchema(): Record<string, unknown> {
  const options = { type: "object", additionalProperties: false, properties: schemaProperties(PANEL_OPTIONS) };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "figures.schema.json",
    title: "wfall figure manifest",
    description:
      "The figures of a paper: outputs, panels (input waterfall, DM, title, options) and layout. Build with `plot build FILE`; check with `plot build --check FILE`. Paths are relative to the manifest's folder; outputs must stay inside it. ${WFALL_NAME} and ${WFALL_NAME:-default} read an environment variable (only WFALL_ ones: a manifest is untrusted); ${NAME} is a constant declared under `variables`.",
    type: "object",
    additionalProperties: false,
    required: ["figures"],
    properties: {
      $schema: { type: "string", description: "This schema, for editors." },
      version: { const: 1, description: "Manifest format version (1)." },
      variables: {
        type: "object",
        description: "Constants the manifest uses as ${NAME} (a WFALL_ name may be overridden by the environment).",
        additionalProperties: { type: "string" },
        propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_]*$" },
      },
      defaults: {
        type: "object",
        additionalProperties: false,
        description: "Options applied to every figure and panel (a figure's and a panel's own win).",
        properties: { ...schemaProperties(PANEL_OPTIONS), ...schemaProperties(FIGURE_OPTIONS) },
      },
      figures: { type: "array", minItems: 1, items: { $ref: "#/$defs/figure" } },
      inputs: {
        type: "object",
        description:
          "Input files (paths as the panels write them) with their SHA-256: a file whose content differs is an error before anything renders, and a declaration that no panel reads is an error.",
        additionalProperties: {
          type: "object",
          additionalProperties: false,
          required: ["sha256"],
          properties: { sha256: { type: "string", pattern: "^[0-9a-fA-F]{64}$", description: "The file's SHA-256, 64 hexadecimal digits (sha256sum FILE)." } },
        },
      },
      gallery: {
        type: "string",
        minLength: 1,
        description: "A folder for a static HTML gallery of the built figures (index.html), written by plot merge and plot gallery.",
      },
    },
    $defs: {
      output: {
        type: "string",
        pattern: `\\.(${OUTPUT_EXTENSIONS.map((f) => [...f].map((c) => `[${c}${c.toUpperCase()}]`).join("")).join("|")})$`,
        description: "A figure file: .pdf, .svg, .png, or a .jpg/.webp thumbnail (any case).",
      },
      figure: {
        type: "object",
        additionalProperties: false,
        required: ["name", "output"],
        properties: {
          name: {
            type: "string",
            pattern: "^([A-Za-z0-9_.-]|\\{[A-Za-z_][A-Za-z0-9_]*\\})+$",
            description: "Unique name, used by --only, in messages and to pick a figure's shard; {stem} in a figure with 'each'.",
          },
          output: {
            description: "Output file(s); the extension (.pdf, .svg, .png, .jpg, .webp) chooses each format. {stem} and {path} in a figure with 'each'.",
            oneOf: [{ $ref: "#/$defs/output" }, { type: "array", minItems: 1, uniqueItems: true, items: { $ref: "#/$defs/output" } }],
          },
          each: {
            type: "string",
            minLength: 1,
            description:
              "One figure per file: a glob relative to the manifest (*, ?, [...], **), or a text file listing paths (one a line, relative to it). {stem} and {path} of each file replace themselves in name, output, title and input.",
          },
          ...schemaProperties(FIGURE_OPTIONS),
          options: { ...options, description: "Options of every panel of this figure." },
          panels: { type: "array", minItems: 1, items: { $ref: "#/$defs/panel" } },
          input: { $ref: "#/$defs/panel/properties/input" },
          dm: { $ref: "#/$defs/panel/properties/dm" },
          title: { $ref: "#/$defs/panel/properties/title" },
          read: { $ref: "#/$defs/panel/properties/read" },
        },
      },
      panel: {
        type: "object",
        additionalProperties: false,
        required: ["input"],
        properties: {
          input: {
            description:
              "Waterfall: npz (any known layout), .npy (axes in read), SIGPROC .fil, FETCH/your or CHIME/FRB .h5, PSRFITS; several PSRFITS files of one observation as a list, or a pattern with wildcards in the file name (obs_*.fits), relative to the manifest's folder.",
            oneOf: [
              { type: "string", minLength: 1 },
              { type: "array", minItems: 1, items: { type: "string", minLength: 1 } },
            ],
          },
          dm: { type: "number", description: "Target DM, pc cm^-3 (the same as options.dm)." },
          title: { type: "string", description: "Panel title, e.g. the TNS name." },
          read: { type: "object", additionalProperties: false, description: "How to read the input.", properties: schemaProperties(READ_OPTIONS) },
          options: { ...options, description: "This panel's options." },
        },
      },
    },
  };
}
