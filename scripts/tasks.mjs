// Shared helpers of the project's scripts: run a command or fail loudly, and
// find the pinned pnpm.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

const pinned = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")).packageManager; // "pnpm@x.y.z"

/** Runs a command in the repository (inheriting stdio); exits the process if it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: "inherit", ...options });
  if (result.error) {
    console.error(`cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  if (result.status !== 0) {
    console.error(`failed (exit ${result.status ?? result.signal}): ${command} ${args.join(" ")}`);
    process.exit(result.status || 1);
  }
}

let pnpmCommand;
/** The pinned pnpm: the one on PATH when it is that version, else `npx -y pnpm@<pinned>`. */
function pnpmInvocation() {
  if (!pnpmCommand) {
    const version = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
    pnpmCommand = version.status === 0 && `pnpm@${version.stdout.trim()}` === pinned ? ["pnpm"] : ["npx", "-y", pinned];
  }
  return pnpmCommand;
}

export function pnpm(args, options) {
  const [command, ...prefix] = pnpmInvocation();
  run(command, [...prefix, ...args], options);
}

/** Prints a heading, runs `fn`, prints how long it took. */
export function step(title, fn) {
  const started = Date.now();
  console.log(`\n> ${title}`);
  fn();
  console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
