/**
 * The gallery page in headless Chromium: every built figure appears with the
 * S/N, DM and width its candidate file holds (read back with h5py), sorting
 * and filtering by label and S/N work, labels from labels.csv show as text
 * (never as HTML), images load from file:// and nothing else is requested.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";

import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { buildManifest, loadManifest, main, writeGallery } from "@wfall/plot";

import { openBrowser } from "../../../test-utils/browser.js";
import { python } from "../../../test-utils/helpers.js";
import { surveyProject } from "../../../test-utils/survey.js";

const COUNT = 12;
const XSS = '<img src=x onerror="window.__xss=1">';

interface Truth {
  name: string;
  snr: number;
  dm: number;
  widthMs: number;
}

describe("plot gallery", () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  let truth: Truth[];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = surveyProject(COUNT);
    writeFileSync(
      join(dir, "cands/labels.csv"),
      `file,label,note\ncand_00001.h5,RFI,x\n"cand_00002.h5",FRB,\ncand_00003.h5,RFI,\ncand_00004.h5,"${XSS.replace(/"/g, '""')}",\n`,
    );
    expect((await buildManifest(join(dir, "figures.yaml"), { progress: new PassThrough(), jobs: 2 })).ok).toBe(true);
    expect(await main(["gallery", join(dir, "figures.yaml"), "-o", join(dir, "gallery")], { out: new PassThrough(), err: new PassThrough() })).toBe(0);
    const script = `import h5py,json,sys,glob,os
out=[]
for f in sorted(glob.glob(os.path.join(sys.argv[1],'*.h5'))):
    with h5py.File(f,'r') as h:
        a=h.attrs
        out.append(dict(name='cand-'+os.path.basename(f)[:-3],snr=float(a['snr']),dm=float(a['dm']),widthMs=float(a['width'])*float(a['tsamp'])*1e3))
print(json.dumps(out))`;
    truth = JSON.parse(execFileSync(python(), ["-c", script, join(dir, "cands")], { encoding: "utf8" }));
    browser = await openBrowser();
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 4000 });
    page.on("request", (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(join(dir, "gallery/index.html")).href, { waitUntil: "load" });
  });
  afterAll(async () => browser?.close());

  const cards = () => page.$$eval(".card", (els) => els.map((e) => e.getAttribute("data-name")));
  const fact = (name: string, cls: string) => page.$eval(`.card[data-name="${name}"] .${cls}`, (e) => e.textContent);

  it("shows every figure with the S/N, DM and width of its candidate file", async () => {
    expect((await cards()).sort()).toEqual(truth.map((t) => t.name).sort());
    for (const t of truth) {
      expect(await fact(t.name, "v-sn")).toBe(String(Number(t.snr.toFixed(1))));
      expect(await fact(t.name, "v-dm")).toBe(`${Number(t.dm.toFixed(2))} pc cm⁻³`);
      expect(await fact(t.name, "v-width")).toBe(`${Number(t.widthMs.toFixed(3))} ms`);
    }
  });

  it("sorts by S/N, both ways", async () => {
    const bySnr = [...truth].sort((a, b) => b.snr - a.snr).map((t) => t.name);
    await page.select("#sort", "snr");
    await page.click("#direction");
    expect(await cards()).toEqual(bySnr);
    await page.click("#direction");
    expect(await cards()).toEqual([...bySnr].reverse());
  });

  it("filters by label, by minimum S/N and by name", async () => {
    await page.select("#label", "RFI");
    expect((await cards()).sort()).toEqual(["cand-cand_00001", "cand-cand_00003"]);
    await page.select("#label", "(none)");
    expect((await cards()).length).toBe(COUNT - 4);
    await page.select("#label", "");
    await page.type("#min-snr", "30");
    expect((await cards()).sort()).toEqual(
      truth
        .filter((t) => t.snr >= 30)
        .map((t) => t.name)
        .sort(),
    );
    await page.$eval("#min-snr", (e) => {
      (e as HTMLInputElement).value = "";
      e.dispatchEvent(new Event("input"));
    });
    await page.type("#filter", "00007");
    expect(await cards()).toEqual(["cand-cand_00007"]);
    expect(await page.$eval("#count", (e) => e.textContent)).toBe(`1 of ${COUNT} figures`);
  });

  it("shows labels as text, loads the images from file:// and requests nothing else", async () => {
    await page.$eval("#filter", (e) => {
      (e as HTMLInputElement).value = "";
      e.dispatchEvent(new Event("input"));
    });
    expect(await page.$eval('.card[data-name="cand-cand_00004"] .label', (e) => e.textContent)).toBe(XSS);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.waitForFunction(() => [...document.querySelectorAll(".card img")].every((i) => (i as HTMLImageElement).complete));
    const widths = await page.$$eval(".card img", (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    expect(widths.length).toBe(COUNT);
    for (const w of widths) expect(w).toBeGreaterThan(100);
    expect(requests.filter((u) => !u.startsWith("file://"))).toEqual([]);
  });

  it("with no diagnostics source, shows the figures without numbers", async () => {
    await writeGallery(await loadManifest(join(dir, "figures.yaml")), join(dir, "bare"), undefined, { sources: [] });
    const html = readFileSync(join(dir, "bare/index.html"), "utf8");
    const data = JSON.parse(/<script id="gallery-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]);
    expect(data.entries.length).toBe(COUNT);
    for (const e of data.entries) expect([e.snr, e.dm, e.widthMs]).toEqual([undefined, undefined, undefined]);
  });
});
