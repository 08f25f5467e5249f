/**
 * The options of a figure, declared once (see `@wfall/spectra`'s option
 * tables): what each panel shows ({@link PANEL_OPTIONS}: processing, window
 * and colour scale, look) and how the figure is laid out ({@link FIGURE_OPTIONS}).
 * The command line, `--help`, the manifest schema and these types all come
 * from these tables.
 */
import { COLOUR_MAPS, MEASURE_OPTIONS, PROCESS_OPTIONS, WINDOW_OPTIONS } from "@wfall/spectra";
import type { OptionTable, OptionValues } from "@wfall/spectra/internal";

/** How a panel's image looks. */
export const LOOK_OPTIONS = {
  cmap: { kind: "enum", values: COLOUR_MAPS, default: "viridis", help: "colour map (matplotlib's)" },
  imageDpi: { kind: "number", above: 0, default: 300, help: "minimum pixels per inch of the embedded heatmap image" },
  maskRug: {
    kind: "boolean",
    default: false,
    help: "draw the masked channels as a rug right of the waterfall, coloured by origin (file, manual, iqrm, sk, ...), with a legend",
  },
  colorbar: { kind: "boolean", default: false, help: "draw a colour bar right of the panel: the colour map from vmin to vmax, with ticks" },
  colorbarLabel: { kind: "string", help: 'label of the colour bar, e.g. "S/N" or "Flux density [Jy]"', defaultText: "none" },
} as const satisfies OptionTable;

/** The parts of a panel (see `figure/contents.ts`), in the order they are listed. */
export const PANEL_PARTS = ["timeseries", "waterfall", "spectrum", "dmtime", "snrdm", "text", "onpulse"] as const;

/** Named sets of parts: the tutorial's figure, and the common paper layout. */
export const PANEL_PRESETS = {
  tutorial: ["timeseries", "waterfall"],
  burst: ["timeseries", "waterfall", "spectrum", "text"],
} as const satisfies Record<string, readonly (typeof PANEL_PARTS)[number][]>;

/** What each panel shows. */
export const CONTENT_OPTIONS = {
  panels: {
    kind: "list",
    values: PANEL_PARTS,
    presets: PANEL_PRESETS,
    help: "what each panel shows: tutorial, burst (time series, waterfall, spectrum, text), or a list of timeseries, waterfall, spectrum, dmtime, snrdm, text, onpulse",
    defaultText: "tutorial (with dmtime for a FETCH/your candidate)",
  },
} as const satisfies OptionTable;

/** Everything a panel can set: processing, the window and colour scale, the look, the measurements, its parts. */
export const PANEL_OPTIONS = { ...PROCESS_OPTIONS, ...WINDOW_OPTIONS, ...LOOK_OPTIONS, ...MEASURE_OPTIONS, ...CONTENT_OPTIONS } as const satisfies OptionTable;

/** A panel's options (see {@link PANEL_OPTIONS}). */
export type PanelOptions = OptionValues<typeof PANEL_OPTIONS>;

/** How a figure is laid out; these apply to the whole figure, not to one panel. */
export const FIGURE_OPTIONS = {
  widthIn: { kind: "number", above: 0, flag: "width", help: "figure width, inches", defaultText: "4.26, or wider for more columns" },
  heightIn: { kind: "number", above: 0, flag: "height", help: "figure height, inches", defaultText: "3, or taller for more rows" },
  fontSize: { kind: "number", above: 0, default: 9, help: "label font size, points" },
  dpi: { kind: "number", above: 0, max: 2400, default: 300, help: "PNG resolution, pixels per inch" },
  columns: { kind: "number", integer: true, min: 1, help: "panels per row", defaultText: "all in one row" },
  label: { kind: "string", help: 'figure label above the panels, e.g. "(a)"' },
  sharedScale: { kind: "boolean", default: false, help: "one colour scale for all panels (the lowest vmin, the highest vmax)" },
  timeLabel: { kind: "string", default: "Time [ms]", help: 'title of the time axis, e.g. "Time (ms)" in a journal\'s style' },
  frequencyLabel: { kind: "string", default: "Frequency [MHz]", help: 'title of the frequency axis, e.g. "Frequency (MHz)"' },
} as const satisfies OptionTable;

/** A figure's layout options (see {@link FIGURE_OPTIONS}). */
export type FigureOptions = OptionValues<typeof FIGURE_OPTIONS>;
