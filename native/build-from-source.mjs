#!/usr/bin/env node
// The install step of the @wfall/native package: when no prebuilt addon loads
// on this platform (no @wfall/native-<platform> package for it), build one
// from the Rust sources shipped in the package with cargo, and put it where
// index.js looks first (./wfall-native.<platform>.node).
//
//   WFALL_BUILD_FROM_SOURCE=1   build even when a prebuilt addon loads
//   CARGO_TARGET_DIR=DIR        cargo's build folder (kept); by default a
//                               temporary folder inside the package, removed after
//
// Inside the wfall repository it does nothing: there scripts/setup.mjs builds the addon.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, rmSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const say = (line) => console.error(`@wfall/native: ${line}`);

/** The platform part of the addon's file name, as index.js (napi-rs) spells it; undefined where it has none. */
function platformName() {
  const { platform, arch } = process;
  if (platform === "linux") {
    const musl = !process.report?.getReport()?.header?.glibcVersionRuntime;
    if (arch === "arm") return musl ? "linux-arm-musleabihf" : "linux-arm-gnueabihf";
    return `linux-${arch}-${musl ? "musl" : "gnu"}`;
  }
  if (platform === "darwin") return `darwin-${arch}`;
  if (platform === "win32") return `win32-${arch}-msvc`;
  if (platform === "freebsd") return `freebsd-${arch}`;
  return undefined;
}

/** Whether the addon loads (in a child process, so a failed load leaves nothing behind). */
function loads() {
  const probe = spawnSync(process.execPath, ["--input-type=module", "-e", `await import(${JSON.stringify(join(here, "index.js"))})`], {
    encoding: "utf8",
  });
  return probe.status === 0;
}

if (!here.split(sep).includes("node_modules")) process.exit(0);
if (process.env.WFALL_BUILD_FROM_SOURCE !== "1" && loads()) process.exit(0);

const name = platformName();
const cargo = spawnSync("cargo", ["--version"], { encoding: "utf8" });
if (!name || cargo.status !== 0) {
  say(`there is no prebuilt addon for ${process.platform}-${process.arch}${cargo.status === 0 ? "" : ", and no Rust toolchain (cargo) to build one"}.`);
  say("Install Rust 1.92 or later (https://rustup.rs), then run `npm rebuild @wfall/native` to build it from source (a few minutes).");
  process.exit(1);
}

const ownTarget = !process.env.CARGO_TARGET_DIR;
const targetDir = process.env.CARGO_TARGET_DIR ?? join(here, "target");
say(`no prebuilt addon for ${name}: building it from source with ${cargo.stdout.trim()} (a few minutes)`);
const build = spawnSync("cargo", ["build", "--release", "--locked", "--lib", "-p", "wfall-native", "--manifest-path", join(here, "Cargo.toml")], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CARGO_TARGET_DIR: targetDir },
});
if (build.status !== 0) {
  say(`cargo build failed (exit ${build.status ?? build.signal}); the messages above say why`);
  process.exit(1);
}

const library = { darwin: "libwfall_native.dylib", win32: "wfall_native.dll" }[process.platform] ?? "libwfall_native.so";
const releaseDir = join(targetDir, process.env.CARGO_BUILD_TARGET ?? "", "release");
const built = join(releaseDir, library);
if (!existsSync(built)) {
  say(`cargo reported success but ${built} is missing`);
  process.exit(1);
}
copyFileSync(built, join(here, `wfall-native.${name}.node`));
if (ownTarget) rmSync(targetDir, { recursive: true, force: true });
if (!loads()) {
  say(`the addon built from source (wfall-native.${name}.node) does not load`);
  process.exit(1);
}
say(`built wfall-native.${name}.node`);
