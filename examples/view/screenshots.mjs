#!/usr/bin/env node
// The screenshots of `plot view` in this folder, on the real data of
// ../shared/real (WFALL_REAL_DATA): node examples/view/screenshots.mjs
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { launchChromium } from "../../test-utils/chromium.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const plot = join(here, "..", "..", "packages/plot/bin/plot.js");
const real = [process.env.WFALL_REAL_DATA, join(here, "../../../shared/real"), "/work/shared/real"].find((d) => d && existsSync(d));
if (!real) throw new Error("no real data: set WFALL_REAL_DATA to the shared real-data folder");

async function shoot(name, args, act = async () => {}) {
  const child = spawn(process.execPath, [plot, "view", "--no-open", ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`plot view ${args.join(" ")} exited (${code})`)));
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1500, height: 900 });
  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { timeout: 120_000 });
  await act(page);
  await page.waitForFunction(() => !window.wfallViewer.busy);
  await page.screenshot({ path: join(here, `${name}.png`) });
  console.log(`${name}.png: ${await page.$eval("#status", (el) => el.textContent)}`);
  await page.close();
  await new Promise((resolve) => child.once("exit", resolve) && child.kill("SIGINT"));
}

const browser = await launchChromium();
try {
  await shoot("frb121102_B6", [join(real, "arecibo_FRB121102_B6/aggarwal2021_B006.npz"), "--window-ms", "10", "--cmap", "magma"], async (page) => {
    // mask a band by dragging over the waterfall
    const box = await page.$eval("#figure svg image", (el) => el.getBoundingClientRect().toJSON());
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.55);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.62, { steps: 3 });
    await page.mouse.up();
  });
  await shoot("frb121102_B58_filterbank", [
    join(real, "arecibo_FRB121102_B58/tcand_2_dm_565.30000_snr_11.92560.fil"),
    "--dm",
    "565.3",
    "--downsample",
    "4",
    "--nsub",
    "32",
    "--window-ms",
    "15",
  ]);
  await shoot("askap_FRB180417", [join(real, "askap_FRB180417/28.fil"), "--dm", "475.284", "--normalise", "zscore", "--window-ms", "100", "--nsub", "84"]);
  // triage: copies, so that the labels written do not land in the shared folder
  const dir = mkdtempSync(join(tmpdir(), "wfall-triage-"));
  const files = [
    "arecibo_FRB121102_B58/tcand_2_dm_565.30000_snr_11.92560.fil",
    "askap_FRB180417/28.fil",
    "parkes_crab_noise/parkes_8bit_1.fil",
    "parkes_crab_noise/parkes_4bit.fil",
  ].map((f) => {
    const to = join(dir, f.split("/").pop());
    copyFileSync(join(real, f), to);
    return to;
  });
  await shoot("triage", [...files, "--normalise", "zscore"], async (page) => {
    for (const key of ["1", "1", "3"]) {
      await page.waitForFunction(() => !window.wfallViewer.busy);
      await page.keyboard.press(key);
    }
    await page.waitForFunction(() => document.body.dataset.labelsSaved === "3");
  });
} finally {
  await browser.close();
}
