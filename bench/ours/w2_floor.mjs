// Workload 2's floor as a whole process: Node's start, one read of the input
// from the page cache, and writing as many bytes as `plot prepare` writes.
// What any Node program doing that job costs, before it computes anything.
import { readFileSync, rmSync, writeFileSync } from "node:fs";

const [input, output, outputBytes] = process.argv.slice(2);
const data = readFileSync(input);
writeFileSync(output, data.subarray(0, Number(outputBytes)));
rmSync(output);
