/**
 * The viewer in a real headless Chromium (test-utils/browser.ts): `plot view`
 * started as a user starts it, the page opened on a real burst, the DM moved,
 * a frequency range masked by dragging on the waterfall, the figure drawn
 * compared with the one `plot build` makes, the export downloaded and built
 * from the manifest it appended to; triage labels that survive a restart.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { figureOf } from "../src/figure/build.js";
import { vegaSpecOf } from "../src/render.js";
import { parse, View } from "../src/vega.js";
import { describeState, type ViewState } from "../src/view/state.js";
import { openBrowser } from "../../../test-utils/browser.js";
import { fixtures, repoRoot } from "../../../test-utils/helpers.js";

const plot = join(repoRoot, "packages/plot/bin/plot.js");
const b6 = join(fixtures, "frb121102_B6_wfall.npz"); // the real Arecibo burst (MIT, fixtures/README.md)

/** Starts `plot view` as a user would; resolves with its address (the first line it prints). */
async function startViewer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [plot, "view", "--no-open", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`plot view exited (${code}): ${stderr}`)));
  });
  return { child, url: line };
}

function stop(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
    child.once("exit", resolve);
    child.kill("SIGINT");
  });
}

/** Waits for the page to have drawn `count` figures and to have nothing in flight. */
async function drawn(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.renders ?? 0) >= n && !window.wfallViewer.busy, { timeout: 60_000 }, count);
}

/** The heatmap image (data URL) the page's Vega view draws. */
const shownImage = (page: Page) =>
  page.evaluate(() => {
    const view = window.wfallViewer.view;
    for (const d of window.wfallViewer.shown.vega.data) {
      const rows = view.data(d.name) as { image?: string }[];
      if (rows?.[0]?.image) return rows[0].image;
    }
    return null;
  });

/** The heatmap image of the figure `plot build` makes from a state. */
async function builtImage(file: string, state: ViewState): Promise<string> {
  const { spec } = await figureOf(describeState(file, state, ["x.pdf"]));
  const find = (node: unknown): string | undefined => {
    if (typeof node === "string") return node.startsWith("data:image/png") ? node : undefined;
    if (node && typeof node === "object") for (const v of Object.values(node)) if (find(v)) return find(v);
    return undefined;
  };
  return find(spec)!;
}

/** The alpha of each of the 64 channels' rows, in the middle column of a heatmap PNG, decoded by the browser. */
const rowAlpha = (page: Page, dataUrl: string) =>
  page.evaluate(async (src) => {
    const el = new Image();
    el.src = src;
    await el.decode();
    const canvas = document.createElement("canvas");
    canvas.width = el.width;
    canvas.height = el.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(el, 0, 0);
    const column = Math.floor(el.width / 2);
    return Array.from({ length: 64 }, (_, c) => ctx.getImageData(column, Math.floor(((63 - c + 0.5) / 64) * el.height), 1, 1).data[3]);
  }, dataUrl);

/** The SVG Vega writes for the figure `plot build` makes of a state, before `renderSvg`'s size rewrite. */
async function vegaSvgOf(file: string, state: ViewState): Promise<string> {
  const { spec } = await figureOf(describeState(file, state, ["x.svg"]));
  const view = new View(parse(vegaSpecOf(spec)), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

declare global {
  interface Window {
    wfallViewer: any;
  }
}

describe("plot view in a browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await openBrowser();
  });
  afterAll(() => browser?.close());

  it("shows plot's figure, follows the DM and a dragged mask, and exports what plot build renders", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-view-browser-"));
    const input = join(dir, "B6.npz");
    copyFileSync(b6, input);
    const { child, url } = await startViewer([input, "--manifest", join(dir, "figures.yaml"), "--window-ms", "10"]);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      await page.goto(url);
      await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
      await drawn(page, 1);
      const base: ViewState = { read: {}, options: { windowMs: 10 }, figure: {} };
      expect(await shownImage(page)).toBe(await builtImage(input, base));

      // the DM: typed into its box; the view is updated in place (new data and domains), not rebuilt
      const rebuilds = await page.evaluate(() => window.wfallViewer.rebuilds);
      await page.$eval("#dm-value", (el) => {
        const box = el as HTMLInputElement;
        box.value = "565";
        box.dispatchEvent(new Event("change"));
      });
      await drawn(page, 2);
      const atDm = { ...base, options: { ...base.options, dm: 565 } };
      expect(await shownImage(page)).toBe(await builtImage(input, atDm));
      expect(await shownImage(page)).not.toBe(await builtImage(input, base));
      expect(await page.evaluate(() => [window.wfallViewer.rebuilds, window.wfallViewer.updates])).toEqual([rebuilds, 1]);
      // what the page drew is the SVG plot renders, element for element (the in-place update included)
      expect(await page.evaluate(() => window.wfallViewer.view.toSVG())).toBe(await vegaSvgOf(input, atDm));
      console.log(`DM change on ${input}: shown in ${(await page.evaluate(() => window.wfallViewer.latencyMs)).toFixed(0)} ms`);

      // a frequency range dragged on the waterfall: masked, listed in MHz and channels, drawn transparent
      const box = await page.evaluate(() => {
        const r = document.querySelector("#figure svg image")!.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.1);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.3, { steps: 4 });
      await page.mouse.up();
      await drawn(page, 3);
      const masked: number[] = await page.evaluate(() => window.wfallViewer.states[0].options.maskChannels);
      expect(masked.length).toBeGreaterThan(5);
      expect(masked.at(-1)! - masked[0]).toBe(masked.length - 1); // one contiguous range
      expect(masked.at(-1)).toBeLessThan(64 * 0.92); // the top ~10% was left alone
      expect(masked[0]).toBeGreaterThan(64 * 0.68);
      const listed = await page.$eval("#masks", (el) => el.textContent);
      expect(listed).toMatch(new RegExp(`channels ${masked[0]}–${masked.at(-1)} · \\d+\\.\\d\\d–\\d+\\.\\d\\d MHz`));
      const withMask = { ...atDm, options: { ...atDm.options, maskChannels: masked } };
      expect(await shownImage(page)).toBe(await builtImage(input, withMask));
      // the masked rows are transparent in the drawn image; the others are as they were
      const alphaBefore = await rowAlpha(page, await builtImage(input, atDm));
      const alphaAfter = await rowAlpha(page, (await shownImage(page))!);
      expect(masked.every((c) => alphaBefore[c] === 255)).toBe(true);
      for (const [c, a] of alphaAfter.entries()) expect(a, `channel ${c}`).toBe(masked.includes(c) ? 0 : alphaBefore[c]);

      // export: the PDF downloaded by the page equals plot build's from the entry appended to the manifest
      const downloads = join(dir, "downloads");
      const cdp = await page.createCDPSession();
      await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
      await page.click("#download-pdf");
      await page.click("#export-manifest");
      await page.waitForSelector("body[data-appended]");
      const pdf = join(downloads, "B6.pdf");
      for (let i = 0; i < 200 && !existsSync(pdf); i++) await new Promise((r) => setTimeout(r, 100));
      await page.click("#export-yaml");
      await page.waitForSelector("#yaml:not([hidden])");
      expect(await page.$eval("#yaml", (el) => el.textContent)).toContain("input: B6.npz");
      execFileSync(process.execPath, [plot, "build", join(dir, "figures.yaml"), "--jobs", "0"]);
      expect(readFileSync(pdf).equals(readFileSync(join(dir, "B6.pdf")))).toBe(true);
      await page.close();
    } finally {
      await stop(child);
    }
  });

  it("triage: one key labels a file and moves on; labels.csv survives a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-triage-"));
    const files = ["c1.npz", "c2.npz", "c3.npz"].map((name) => join(dir, name));
    for (const f of files) copyFileSync(join(fixtures, "burst_64x2048.npz"), f);
    let viewer = await startViewer(files);
    try {
      let page = await browser.newPage();
      await page.goto(viewer.url);
      await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
      await page.keyboard.press("1"); // real, then the next file
      await page.waitForFunction(() => window.wfallViewer.current === 1);
      await page.keyboard.press("3"); // noise
      await page.waitForFunction(() => window.wfallViewer.current === 2);
      await page.keyboard.press("ArrowLeft");
      await page.waitForFunction(() => window.wfallViewer.current === 1);
      await page.keyboard.press("2"); // relabelled: rfi
      await page.waitForFunction(() => window.wfallViewer.current === 2 && document.body.dataset.labelsSaved === "3");
      expect(readFileSync(join(dir, "labels.csv"), "utf8")).toBe("file,label\nc1.npz,real\nc2.npz,rfi\n");
      await page.close();
      await stop(viewer.child); // Ctrl-C
      expect(readdirSync(dir).sort()).toEqual(["c1.npz", "c2.npz", "c3.npz", "labels.csv"]);

      viewer = await startViewer(files);
      page = await browser.newPage();
      await page.goto(viewer.url);
      await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
      const shown = await page.$$eval("#file-list li .label", (els) => els.map((e) => e.textContent));
      expect(shown).toEqual(["real", "rfi", ""]);
      await page.close();
    } finally {
      await stop(viewer.child);
    }
  });
});
