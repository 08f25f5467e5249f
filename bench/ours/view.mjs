#!/usr/bin/env node
// WV: the viewer, end to end in headless Chromium. Prints one JSON line:
//   dmChangeMs: each DM change on FILE, from the state change in the page to
//               the new figure drawn (server recompute + transfer + Vega draw)
//   openSeconds: from starting `plot view BIG` to its first figure drawn
//   openRssKiB: the viewer process's peak RSS after that first figure
//
//   node bench/ours/view.mjs FILE.npz DM0 N BIG.fil
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { launchChromium } from "../../test-utils/chromium.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const plot = join(root, "packages/plot/bin/plot.js");
const [file, dm0, count, big] = process.argv.slice(2);

async function startViewer(input) {
  const child = spawn(process.execPath, [plot, "view", "--no-open", input], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`plot view exited (${code})`)));
  });
  return { child, url };
}

const stop = (child) => new Promise((resolve) => child.once("exit", resolve) && child.kill("SIGINT"));
const drawn = (page, n) => page.waitForFunction((k) => Number(document.body.dataset.renders ?? 0) >= k && !window.wfallViewer.busy, { timeout: 120_000 }, n);

const browser = await launchChromium();
try {
  // DM changes on the big in-memory waterfall
  const dmViewer = await startViewer(file);
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  await page.goto(dmViewer.url);
  await page.waitForSelector("body[data-ready]", { timeout: 120_000 });
  const dmChangeMs = [];
  for (let i = 0; i <= Number(count); i++) {
    const dm = Number(dm0) + 0.05 * (i + 1);
    await page.$eval(
      "#dm-value",
      (el, value) => {
        el.value = String(value);
        el.dispatchEvent(new Event("change"));
      },
      dm,
    );
    await drawn(page, i + 2);
    if (i > 0) dmChangeMs.push(await page.evaluate(() => window.wfallViewer.latencyMs)); // the first one warms up
  }
  await page.close();
  await stop(dmViewer.child);

  // opening a large filterbank: reads only the part the page shows
  const started = performance.now();
  const bigViewer = await startViewer(big);
  const bigPage = await browser.newPage();
  await bigPage.goto(bigViewer.url);
  await bigPage.waitForSelector("body[data-ready]", { timeout: 300_000 });
  await drawn(bigPage, 1);
  const openSeconds = (performance.now() - started) / 1000;
  const status = readFileSync(`/proc/${bigViewer.child.pid}/status`, "utf8");
  const openRssKiB = Number(/VmHWM:\s+(\d+)/.exec(status)[1]);
  await bigPage.close();
  await stop(bigViewer.child);
  console.log(JSON.stringify({ dmChangeMs, openSeconds, openRssKiB }));
} finally {
  await browser.close();
}
