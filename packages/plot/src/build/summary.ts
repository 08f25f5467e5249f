/**
 * The build's outcome as Markdown for a GitHub Actions job summary (the file
 * GitHub names in `GITHUB_STEP_SUMMARY`): a line of counts, a table of the
 * figures that need attention, and the command that updates them.
 */
import type { BuildReport, FigureOutcome } from "./build.js";
import { describeMismatches } from "./check.js";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function row(f: FigureOutcome): string {
  if (f.status === "differs") return `| \`${cell(f.name)}\` | out of date | ${cell(describeMismatches(f.mismatches ?? []))} |`;
  return `| \`${cell(f.name)}\` | failed | ${cell(f.error?.message ?? "")} |`;
}

/** Markdown for the job summary; `manifest` is the manifest as the command line named it. */
export function stepSummary(report: BuildReport, manifest: string, check: boolean): string {
  const count = (status: string) => report.figures.filter((f) => f.status === status).length;
  const title = check ? `plot build --check ${manifest}` : `plot build ${manifest}`;
  const counts = check
    ? `${count("up to date")} up to date, ${count("differs")} out of date, ${count("failed")} failed`
    : `${count("built")} built, ${count("cached")} unchanged, ${count("failed")} failed`;
  const attention = report.figures.filter((f) => f.status === "differs" || f.status === "failed");
  const lines = [`### ${report.ok ? "✅" : "❌"} \`${title}\`: ${report.figures.length} figure(s), ${counts}`, ""];
  if (attention.length) {
    lines.push("| figure | status | why |", "| --- | --- | --- |", ...attention.map(row), "");
    if (count("differs")) lines.push(`Update them with \`npx plot build ${manifest}\` and commit the figures.`, "");
  }
  return `${lines.join("\n")}\n`;
}
