/** The package's version, from its package.json (the same file in the sources and in dist/). */
import { readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

/** `@wfall/plot`'s version, e.g. "0.2.0". */
export const VERSION: string = pkg.version;
