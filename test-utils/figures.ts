/** Checks on rendered figures. */
import { expect } from "vitest";

import { renderFigure } from "@wfall/plot";

import { decodePng } from "./inspect.js";

/** Renders at 100 dpi and checks the border rows and columns are white: nothing drawn reaches the edge. */
export async function expectNothingClipped(spec: Record<string, any>, widthIn: number, heightIn: number): Promise<void> {
  const png = decodePng(Buffer.from(await renderFigure(spec, { format: "png", dpi: 100 })));
  expect([png.width, png.height]).toEqual([Math.ceil(widthIn * 100), Math.ceil(heightIn * 100)]);
  const white = (x: number, y: number) => [0, 1, 2].every((k) => png.pixels[(y * png.width + x) * png.channels + k] === 255);
  for (let x = 0; x < png.width; x++) expect(white(x, 0) && white(x, png.height - 1), `column ${x}`).toBe(true);
  for (let y = 0; y < png.height; y++) expect(white(0, y) && white(png.width - 1, y), `row ${y}`).toBe(true);
}
