/**
 * Interrupting the command (SIGTERM, SIGINT) kills it at once, keeps the
 * previous figure and leaves no temporary file: outputs are written to a
 * temporary name in the same folder and renamed, and the signal handler
 * removes an unfinished one before re-raising the signal.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, promises as fs, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { repoRoot } from "../../../test-utils/helpers.js";

const plot = join(repoRoot, "packages/plot/bin/plot.js");

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}

function folderWithOldFigure(): { dir: string; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "wfall-kill-"));
  const output = join(dir, "figure.png");
  writeFileSync(output, "the previous figure");
  return { dir, output };
}

describe("an interrupted command", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`dies of ${signal} at once, even with a read blocked on the thread pool`, async () => {
      const { dir, output } = folderWithOldFigure();
      const input = join(dir, "input.npz");
      execFileSync("mkfifo", [input]);
      const child = spawn(process.execPath, [plot, input, "--figname", output], { stdio: "ignore" });
      const exited = exitOf(child);
      try {
        // opening the FIFO for writing returns once the command has opened it for reading;
        // the command then reads the pipe to its end (on the thread pool) and blocks there
        const writer = await fs.open(input, "w");
        child.kill(signal);
        expect(await exited).toEqual({ code: null, signal });
        await writer.close();
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL"); // never leave it running
      }
      expect(readFileSync(output, "utf8")).toBe("the previous figure");
      expect(readdirSync(dir).sort()).toEqual(["figure.png", "input.npz"]);
    });

    it(`removes the temporary file of a write cut short by ${signal}`, async () => {
      const { dir, output } = folderWithOldFigure();
      // the child interrupts itself as soon as its temporary file exists, mid-way through a 256 MiB write
      const script = `
        import { readdirSync } from "node:fs";
        import { dieCleanlyOnSignals } from ${JSON.stringify(join(repoRoot, "packages/plot/dist/cli/main.js"))};
        import { writeFileAtomic } from ${JSON.stringify(join(repoRoot, "packages/spectra/dist/internal.js"))};
        dieCleanlyOnSignals();
        void writeFileAtomic(${JSON.stringify(output)}, new Uint8Array(256 << 20));
        const started = Date.now();
        const poll = setInterval(() => {
          if (readdirSync(${JSON.stringify(dir)}).some((f) => f.endsWith(".tmp"))) {
            clearInterval(poll);
            process.kill(process.pid, "${signal}");
          } else if (Date.now() - started > 20000) {
            process.exit(3); // no temporary file ever appeared: fail instead of waiting for the test's timeout
          }
        }, 1);`;
      const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" });
      try {
        expect(await exitOf(child)).toEqual({ code: null, signal });
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      expect(readFileSync(output, "utf8")).toBe("the previous figure");
      expect(readdirSync(dir)).toEqual(["figure.png"]);
    });
  }
});
