/**
 * Atomic writes: the data reach the disk before the rename (write, fsync,
 * close, then rename over the target), the target is never opened for
 * writing, and several outputs are replaced all or nothing.
 */
import { existsSync, promises as fs, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, it, vi } from "vitest";

import { writeFileAtomic, writeFilesAtomic } from "@wfall/spectra/internal";

afterEach(() => vi.restoreAllMocks());

describe("writeFileAtomic", () => {
  it("writes, syncs and closes a temporary file, then renames it over the target", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-atomic-"));
    const target = join(dir, "figure.pdf");
    const calls: string[] = [];
    const open = fs.open.bind(fs);
    vi.spyOn(fs, "open").mockImplementation(async (path, flags, mode) => {
      calls.push(`open ${path === target ? "TARGET" : "temporary"}`);
      const handle = await open(path, flags, mode);
      for (const method of ["writeFile", "sync", "close"] as const) {
        const original = handle[method].bind(handle) as (...args: unknown[]) => Promise<void>;
        (handle as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => (calls.push(method), original(...args));
      }
      return handle;
    });
    const rename = fs.rename.bind(fs);
    vi.spyOn(fs, "rename").mockImplementation(async (from, to) => {
      calls.push(`rename to ${to === target ? "TARGET" : to}`);
      return rename(from, to);
    });
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect(calls).toEqual(["open temporary", "writeFile", "sync", "close", "rename to TARGET"]);
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(["figure.pdf"]);
  });
});

describe("writeFilesAtomic", () => {
  it("replaces every output or none: a failure keeps the previous files and leaves no temporary file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-atomic-"));
    writeFileSync(join(dir, "a.pdf"), "old a");
    const files = [
      { path: join(dir, "a.pdf"), bytes: new Uint8Array([1]) },
      { path: join(dir, "missing", "b.png"), bytes: new Uint8Array([2]) },
    ];
    await expect(writeFilesAtomic(files)).rejects.toMatchObject({ code: "E_IO" });
    expect(readFileSync(join(dir, "a.pdf"), "utf8")).toBe("old a");
    expect(readdirSync(dir)).toEqual(["a.pdf"]);
    expect(existsSync(join(dir, "missing"))).toBe(false);
  });
});
