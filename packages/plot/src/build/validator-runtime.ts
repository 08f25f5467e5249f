/**
 * The helpers of ajv's runtime that the generated manifest validator
 * (`manifest-validator.generated.ts`) calls, e.g. `equal` and `ucs2length`.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** `ajv/dist/runtime/NAME`'s helper. */
export function ajvRuntime(name: string): unknown {
  return (require(`ajv/dist/runtime/${name}`) as { default: unknown }).default;
}
