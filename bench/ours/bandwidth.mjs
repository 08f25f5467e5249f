// The machine's read bandwidth: bytes per second of a parallel sum of 1 GiB. Prints JSON.
import { readBandwidth } from "../lib/machine.mjs";

console.log(JSON.stringify({ bandwidth: readBandwidth() }));
