/**
 * A real headless browser for the tests: Debian's `chromium` driven by
 * `puppeteer-core` (which downloads no browser). `.ci/run` installs the
 * package through scripts/system-deps.sh; without it the tests fail saying so.
 */
import type { Browser } from "puppeteer-core";

import { launchChromium } from "./chromium.mjs";

/**
 * Launches headless Chromium (`/usr/bin/chromium`, or `WFALL_CHROMIUM`) with a fresh profile.
 * @throws when the browser is not installed, naming the package and the script that installs it.
 */
export function openBrowser(): Promise<Browser> {
  return launchChromium();
}
