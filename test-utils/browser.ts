/**
 * A real browser for tests: Debian's Chromium (/usr/bin/chromium, installed by
 * scripts/system-deps.sh) driven headless by puppeteer-core, with a fresh
 * profile, no sandbox (tests run as root), no GPU and no background
 * network traffic. A missing Chromium fails the test saying how to install it.
 * The profile folder is removed when Chromium exits.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import puppeteer, { type Browser } from "puppeteer-core";

/** Where Debian's chromium package puts the browser (or WFALL_CHROMIUM). */
export const CHROMIUM = process.env.WFALL_CHROMIUM ?? "/usr/bin/chromium";

/** Starts headless Chromium (close it with `browser.close()`). */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: install it with scripts/system-deps.sh (apt-get install chromium), or set WFALL_CHROMIUM`);
  }
  const profile = mkdtempSync(join(tmpdir(), "wfall-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  const removeProfile = () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {
      // a leftover temporary profile is harmless; never fail a test over it
    }
  };
  // once Chromium has exited: before that it may still be writing to its profile
  const child = browser.process();
  if (child && child.exitCode === null) child.once("exit", removeProfile);
  else removeProfile();
  return browser;
}
