// The results table of bench/RESULTS.md (between <!-- results:start --> and <!-- results:end -->):
// a run's rows replace the rows measuring the same thing (workload and what), where they were; a row
// new to the table goes after its workload's last row. Every other line stays (rows a run did not
// measure, such as the 8 GiB file that `--quick` skips, and the notes written under the table).

const START = "<!-- results:start -->";
const END = "<!-- results:end -->";
const HEADER = ["| workload | what | ours (s) | competitor | theirs (s) | ratio | target | notes |", "|---|---|---|---|---|---|---|---|"];

/** A table row's workload ("W4"), or undefined for any other line. */
const workloadOf = (line) => /^\|\s*(W[\dA-Z]+)\s*\|/.exec(line)?.[1];
/** What a row measures: its workload, its "what" and its competitor. */
const measureOf = (line) =>
  line
    .split("|")
    .slice(1, 5)
    .filter((_, i) => i !== 2)
    .map((cell) => cell.trim())
    .join("|");

/** `document` (RESULTS.md's text, or undefined when there is none) with `rows` (table lines) in it. */
export function withRows(document, rows) {
  const text = document?.includes(START) && document.includes(END) ? document : `# Benchmark results\n\n${START}\n\n${HEADER.join("\n")}\n${END}\n`;
  const [before, rest] = text.split(START);
  const [block, after] = [rest.slice(0, rest.indexOf(END)), rest.slice(rest.indexOf(END) + END.length)];
  const fresh = new Map(rows.map((row) => [measureOf(row), row]));
  const lines = block.split("\n").map((line) => (workloadOf(line) !== undefined && fresh.has(measureOf(line)) ? fresh.get(measureOf(line)) : line));
  for (const row of rows) {
    if (lines.includes(row)) continue;
    const sameWorkload = lines.findLastIndex((line) => workloadOf(line) === workloadOf(row));
    const anyRow = lines.findLastIndex((line) => workloadOf(line) !== undefined || line === HEADER[1]);
    if (anyRow < 0) throw new Error("bench/RESULTS.md's results block has no table: add its header line first");
    lines.splice((sameWorkload >= 0 ? sameWorkload : anyRow) + 1, 0, row);
  }
  return `${before}${START}${lines.join("\n")}${END}${after}`;
}
