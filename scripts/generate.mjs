#!/usr/bin/env node
// Rewrites the files generated from the option tables: the manifest's JSON
// Schema (for editors), its compiled validator and docs/options.md (every
// option with its flag, manifest key, default and meaning). Tests fail when
// they are stale.
//   npm run generate   (after the TypeScript packages are built)
import { writeFileSync } from "node:fs";

import { manifestSchema } from "@wfall/plot";

import { manifestValidatorSource } from "./manifest-validator.mjs";
import { optionsReference } from "./options-reference.mjs";
import { repoRoot } from "./tasks.mjs";

const schema = `${JSON.stringify(manifestSchema(), null, 2)}\n`;
writeFileSync(new URL("../packages/plot/schema/figures.schema.json", import.meta.url), schema);
writeFileSync(new URL("../packages/plot/src/build/manifest-validator.generated.ts", import.meta.url), manifestValidatorSource(manifestSchema()));
writeFileSync(new URL("../docs/options.md", import.meta.url), await optionsReference());
console.log(`wrote packages/plot/schema/figures.schema.json, packages/plot/src/build/manifest-validator.generated.ts and docs/options.md in ${repoRoot}`);
