/** Survey-scale fixtures: folders of small FETCH/your candidates and a manifest over them. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

import { generatedPath, runPython } from "./helpers.js";

/** A folder of `count` candidates made by fixtures/make_candidates.py (cached in fixtures/.generated). */
export function candidateFolder(count: number, size = 64): string {
  const dir = generatedPath(`candidates_${count}_${size}`);
  if (!existsSync(join(dir, `cand_${String(count - 1).padStart(5, "0")}.h5`))) {
    runPython("fixtures/make_candidates.py", [dir, String(count), "--nchan", String(size), "--ntime", String(size), "--ndm", String(size)]);
  }
  return dir;
}

/** The thumbnail manifest the survey tests build: one figure per candidate, PNG and WebP. */
export const SURVEY_MANIFEST = `version: 1
defaults: { dpi: 40 }
gallery: gallery
figures:
  - name: "cand-{stem}"
    each: "cands/*.h5"
    input: "{path}"
    title: "{stem}"
    output: ["thumbs/{stem}.png", "thumbs/{stem}.webp"]
`;

/** A new project folder: `cands/` with `count` candidates and figures.yaml. */
export function surveyProject(count: number, manifest = SURVEY_MANIFEST): string {
  const dir = mkdtempSync(join(tmpdir(), "wfall-survey-"));
  cpSync(candidateFolder(count), join(dir, "cands"), { recursive: true });
  writeFileSync(join(dir, "figures.yaml"), manifest);
  return dir;
}

/** Every file under `dir/sub` (relative path -> bytes). */
export function filesUnder(dir: string, sub: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p), readFileSync(p));
    }
  };
  if (existsSync(join(dir, sub))) walk(join(dir, sub));
  return files;
}
