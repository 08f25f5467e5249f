#!/usr/bin/env node
// The README's first quick-start command renders the embedded real burst
// (FRB 20121102A burst B6, Arecibo; fixtures/README.md) to PDF and PNG.
import { mkdirSync } from "node:fs";

import { plotWaterfall } from "@wfall/plot";

const input = new URL("../fixtures/frb121102_B6_wfall.npz", import.meta.url).pathname;
const outDir = new URL("../examples/quickstart/", import.meta.url).pathname;
mkdirSync(outDir, { recursive: true });

const output = ["pdf", "png"].map((format) => `${outDir}frb121102_B6.${format}`);
const { figures, outputs } = await plotWaterfall(input, { windowMs: 10, title: "FRB 20121102A, burst B6 (Arecibo)", output, dpi: 150 });
const [figure] = figures;
for (const { path } of outputs) console.log(`${path}: ${figure.nchan} channels x ${figure.ncols} samples around sample ${figure.peak}, DM ${figure.dm}`);
