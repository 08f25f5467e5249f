#!/usr/bin/env node
// The README's first quick-start command renders the embedded real burst
// (FRB 20121102A burst B6, Arecibo; fixtures/README.md) to PDF and PNG.
import { mkdirSync } from "node:fs";

import { plotWaterfall } from "@wfall/plot";

const input = new URL("../fixtures/frb121102_B6_wfall.npz", import.meta.url).pathname;
const outDir = new URL("../examples/quickstart/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });

const options = { windowMs: 10, title: "FRB 20121102A, burst B6 (Arecibo)" };
for (const format of ["pdf", "png"]) {
  const { output, figure } = await plotWaterfall(input, { ...options, output: `${outDir}frb121102_B6.${format}`, dpi: 150 });
  console.log(`${output}: ${figure.nchan} channels x ${figure.ncols} samples around sample ${figure.peak}, DM ${figure.dm}`);
}
