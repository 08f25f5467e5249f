// The results table of bench/RESULTS.md (between <!-- results:start --> and <!-- results:end -->):
// a run replaces the rows of the workloads it ran, where they were, and keeps every other line
// (the other workloads' rows, the notes written under the table by hand).

const START = "<!-- results:start -->";
const END = "<!-- results:end -->";
const HEADER = ["| workload | what | ours (s) | competitor | theirs (s) | ratio | target | notes |", "|---|---|---|---|---|---|---|---|"];

/** The workload a table row is for ("W4"), or undefined for any other line. */
const workloadOf = (line) => /^\|\s*(W[\dA-Z]+)\s*\|/.exec(line)?.[1];

/**
 * `document` (RESULTS.md's text, or undefined when there is none) with `rows` (table lines, grouped
 * by their workload) in place of the rows of those workloads: each workload's new rows go where its
 * first old row was, or after the table's last row when it had none.
 */
export function withRows(document, rows) {
  const text = document?.includes(START) && document.includes(END) ? document : `# Benchmark results\n\n${START}\n\n${HEADER.join("\n")}\n${END}\n`;
  const [before, rest] = text.split(START);
  const [block, after] = [rest.slice(0, rest.indexOf(END)), rest.slice(rest.indexOf(END) + END.length)];
  const fresh = new Map();
  for (const row of rows) fresh.set(workloadOf(row), [...(fresh.get(workloadOf(row)) ?? []), row]);
  const lines = block.split("\n");
  const placed = new Set();
  const out = [];
  for (const line of lines) {
    const workload = workloadOf(line);
    if (!fresh.has(workload)) out.push(line);
    else if (!placed.has(workload)) out.push(...fresh.get(workload)), placed.add(workload);
  }
  const unplaced = [...fresh.entries()].filter(([workload]) => !placed.has(workload)).flatMap(([, lines]) => lines);
  if (unplaced.length > 0) {
    const last = out.findLastIndex((line) => workloadOf(line) !== undefined || line === HEADER[1]);
    if (last < 0) throw new Error("bench/RESULTS.md's results block has no table: add its header line first");
    out.splice(last + 1, 0, ...unplaced);
  }
  return `${before}${START}${out.join("\n")}${END}${after}`;
}
