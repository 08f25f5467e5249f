/** Replays the inputs the JS fuzzer found (fuzz/regressions/npz) as it tried them: each reads or is a WaterfallError, never a crash or a native panic. */
import { readdirSync } from "node:fs";
import { join } from "node:path";

import { expect, it } from "vitest";

import { exercise, isFinding } from "../../../fuzz/exercise.mjs";
import { repoRoot } from "../../../test-utils/helpers.js";

const dir = join(repoRoot, "fuzz", "regressions", "npz");
const files = readdirSync(dir).filter((f) => !f.startsWith("."));

it.each(files.length ? files : ["(none found yet)"])("fuzz finding %s", async (name) => {
  if (!files.length) return expect(files).toEqual([]);
  const error = await exercise(join(dir, name)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error !== undefined) expect(isFinding(error), String(error)).toBe(false);
});
