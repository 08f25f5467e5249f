/**
 * CommonJS files compiled with V8's code cache (the file's bytes beside it in
 * `FILE.cache`): Node 20 has no compile cache for modules, but `vm.Script`
 * takes cached data. The generated loaders of the cold-start bundles
 * (dist/vega.js, written by scripts/bundle-vega.mjs, and dist/bundle/cached.js,
 * by scripts/bundle-cli.mjs) run their files through here, so both wrap a
 * file's source the same way: V8 accepts a cache only for the same text.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Script } from "node:vm";

/** A CommonJS file's source as the function Node's own loader would make of it. */
export function commonJsWrapped(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/** A compiled CommonJS file: run it once; write its cache after the run compiled what it uses. */
export interface CachedCommonJs {
  /** Runs the file's top level with `module` (its `exports` filled) and `require`. */
  run(module: { exports: unknown }, require: (id: string) => unknown): void;
  /** Writes V8's cache of the functions compiled so far to `FILE.cache`. */
  writeCache(): void;
}

/** Compiles `filename` with the cache beside it when there is one (a cache V8 rejects is ignored: compiled from source). */
export function compileCachedCommonJs(filename: string): CachedCommonJs {
  const cacheFile = `${filename}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {}
  const script = new Script(commonJsWrapped(readFileSync(filename, "utf8")), { filename, cachedData });
  return {
    run(module, require) {
      const body = script.runInThisContext() as (...args: unknown[]) => void;
      body(module.exports, require, module, filename, dirname(filename));
    },
    writeCache: () => writeFileSync(cacheFile, script.createCachedData()),
  };
}
