// Launching Debian's chromium headless through puppeteer-core (no browser
// download), for the browser tests (test-utils/browser.ts) and the benchmarks.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import puppeteer from "puppeteer-core";

/** Where Debian's chromium package puts the browser (or `WFALL_CHROMIUM`). */
export const CHROMIUM = process.env.WFALL_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Launches headless Chromium with a fresh profile (removed when it closes).
 * Throws when the browser is not installed, naming the package and the script that installs it.
 */
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no browser at ${CHROMIUM}: install Debian's chromium package (bash scripts/system-deps.sh, as root) or set WFALL_CHROMIUM`);
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
  // once Chromium has exited: until then it may still be writing to its profile
  const child = browser.process();
  if (child && child.exitCode === null) child.once("exit", removeProfile);
  else removeProfile();
  return browser;
}
