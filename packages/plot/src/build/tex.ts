/**
 * `plot build --emit-tex FILE`: LaTeX macros that link each figure to its
 * manifest entry at the repository's commit, for margin links like
 * showyourwork's without the tool reading the paper's LaTeX:
 *
 *   \input{figures.tex}
 *   \caption{... \href{\wfallurl{repeaters}}{(source)}}
 *
 * `\wfallcommit{NAME}` is the commit, `\wfallentry{NAME}` the entry as
 * `PATH#LLINE` in the repository, `\wfallurl{NAME}` its web page when the
 * `origin` remote has one (`\renewcommand{\wfallrepository}{URL}` sets it).
 */
import { basename, relative, sep } from "node:path";

import { writeFileAtomic } from "@wfall/spectra/internal";

import { VERSION } from "../version.js";
import type { RepositoryState } from "./git.js";
import type { Manifest } from "./manifest.js";

/**
 * A path or URL for a macro body meant for `\href`: `#` and `%` escaped (hyperref
 * turns `\#` back into `#`); braces and backslashes, which no path or URL here
 * holds, dropped.
 */
const tex = (text: string) => text.replace(/[{}\\]/g, "").replace(/[#%]/g, (c) => `\\${c}`);

/** The .tex text for a manifest's figures. */
export function texMacros(manifest: Manifest, repository: RepositoryState | undefined): string {
  const file = repository ? relative(repository.root, manifest.file).split(sep).join("/") : basename(manifest.file);
  const commit = repository?.commit ?? "";
  const lines = [
    `% The figures of ${file}, written by \`plot build --emit-tex\` (wfall ${VERSION}). Do not edit: it is rewritten.`,
    ...(repository && !repository.clean ? ["% The repository had uncommitted changes: the entries may differ at this commit."] : []),
    ...(repository ? [] : ["% The manifest is not in a git repository: no commit."]),
    "\\makeatletter",
    `\\providecommand{\\wfallrepository}{${tex(repository?.webUrl ?? "")}}`,
    "\\providecommand{\\wfallcommit}[1]{\\@nameuse{wfall@commit@#1}}",
    "\\providecommand{\\wfallentry}[1]{\\@nameuse{wfall@entry@#1}}",
    "\\providecommand{\\wfallurl}[1]{\\wfallrepository/blob/\\wfallcommit{#1}/\\wfallentry{#1}}",
  ];
  for (const figure of manifest.figures) {
    const line = figure.where.slice(figure.where.lastIndexOf(":") + 1);
    lines.push(`\\@namedef{wfall@commit@${figure.name}}{${commit}}`, `\\@namedef{wfall@entry@${figure.name}}{${tex(file)}\\#L${line}}`);
  }
  lines.push("\\makeatother", "");
  return lines.join("\n");
}

/** Writes {@link texMacros} to `file` (atomically). */
export async function writeTexMacros(file: string, manifest: Manifest, repository: RepositoryState | undefined): Promise<void> {
  await writeFileAtomic(file, Buffer.from(texMacros(manifest, repository)));
}
