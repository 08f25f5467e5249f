/**
 * `plot build --junit FILE`: the build's outcome as JUnit XML, one test case
 * per figure (a stale figure is a failure, one that cannot be rendered an
 * error), which CI systems show beside their test results. No timestamps:
 * the same outcome gives the same file.
 */
import type { BuildReport, FigureOutcome } from "./build.js";
import { relativeToManifest } from "./cache.js";
import { describeMismatches } from "./check.js";

/** Text for an XML attribute or element (control characters XML forbids are dropped). */
function xml(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 forbids
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
  );
}

function testCase(f: FigureOutcome, suite: string): string {
  const [file, line] = [f.where.slice(0, f.where.lastIndexOf(":")), f.where.slice(f.where.lastIndexOf(":") + 1)];
  const open = `    <testcase classname="${xml(suite)}" name="${xml(f.name)}" file="${xml(file)}" line="${xml(line)}"`;
  if (f.status === "differs") {
    const why = describeMismatches(f.mismatches ?? []);
    const images = (f.mismatches ?? []).flatMap((m) => [m.images?.expected, m.images?.actual, m.images?.difference].filter((p) => p !== undefined));
    const body = [`${f.where}: figure '${f.name}' is out of date: ${why}`, ...images.map((p) => `image: ${p}`)].join("\n");
    return `${open}>\n      <failure type="out of date" message="${xml(why)}">${xml(body)}</failure>\n    </testcase>`;
  }
  if (f.status === "failed") {
    const message = f.error?.message ?? "failed";
    return `${open}>\n      <error type="${xml(f.error?.code ?? "E_INTERNAL")}" message="${xml(message)}">${xml(`${f.where}: ${message}`)}</error>\n    </testcase>`;
  }
  const remarks = [...(f.warnings ?? []), ...(f.notes ?? [])];
  const notes = remarks.length ? `\n      <system-out>${xml(remarks.join("\n"))}</system-out>\n    ` : "";
  return notes ? `${open}>${notes}</testcase>` : `${open}/>`;
}

/** The JUnit XML of a build report; `name` is the suite's name (the manifest as the user wrote it). */
export function junitXml(report: BuildReport, name = relativeToManifest(process.cwd(), report.manifest)): string {
  const failures = report.figures.filter((f) => f.status === "differs").length;
  const errors = report.figures.filter((f) => f.status === "failed").length;
  const counts = `tests="${report.figures.length}" failures="${failures}" errors="${errors}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="plot build" ${counts}>`,
    `  <testsuite name="${xml(name)}" ${counts} skipped="0">`,
    ...report.figures.map((f) => testCase(f, name)),
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}
