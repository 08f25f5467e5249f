/**
 * Interrupting a render (SIGTERM, SIGINT) leaves the previous figure intact
 * and no temporary file behind: outputs are written to a temporary name in
 * the same folder and renamed, and the exit handler removes an unfinished one.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { fixtures, repoRoot } from "../../spectra/test/helpers.js";

const plot = join(repoRoot, "packages/plot/bin/plot.js");

describe("an interrupted render", () => {
  for (const [signal, code] of [["SIGTERM", 143], ["SIGINT", 130]] as const) {
    it(`${signal} keeps the old figure and leaves no temporary file`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "wfall-kill-"));
      const output = join(dir, "figure.png");
      writeFileSync(output, "the previous figure");
      // a 2400 dpi PNG takes seconds to rasterise: the signal arrives mid-render
      const child = spawn(process.execPath, [plot, join(fixtures, "synthetic_128x1024.npz"), "--figname", output, "--dpi", "2400"], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, 900));
      child.kill(signal);
      const exit = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
      expect(exit).toBe(code);
      expect(readFileSync(output, "utf8")).toBe("the previous figure");
      expect(readdirSync(dir)).toEqual(["figure.png"]);
    });
  }
});
