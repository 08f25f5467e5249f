// The Python competitors: the project's .venv (numpy, matplotlib) and a venv
// for peers' tools (your, sigpyproc), made with a Python >= 3.12 when the
// machine has one (sigpyproc 2 needs it).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export function projectPython(repoRoot) {
  const python = join(repoRoot, ".venv", "bin", "python");
  if (!existsSync(python)) throw new Error("no .venv: run `node scripts/setup.mjs --python` first (pnpm bench does)");
  return python;
}

function version(python) {
  const r = spawnSync(python, ["-c", "import sys; print(sys.version_info[0], sys.version_info[1])"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split(" ").map(Number) : null;
}

/** A Python >= 3.12 on PATH or in pyenv, else the system python3. */
function newestPython() {
  const pyenv = join(homedir(), ".pyenv", "versions");
  const candidates = ["python3.13", "python3.12"];
  if (existsSync(pyenv)) for (const v of readdirSync(pyenv).sort().reverse()) candidates.push(join(pyenv, v, "bin", "python"));
  for (const python of candidates) {
    const v = version(python);
    if (v && (v[0] > 3 || (v[0] === 3 && v[1] >= 12))) return python;
  }
  return "python3";
}

/** Creates (once) the peers' venv; returns which tools import, with the reason for those that do not. */
export function peersPython(workDir, requirements) {
  const venv = join(workDir, "venv-peers");
  const python = join(venv, "bin", "python");
  if (!existsSync(python)) {
    const base = newestPython();
    spawnSync(base, ["-m", "venv", venv], { stdio: "inherit" });
    // one package at a time: one that cannot install (wrong Python) must not stop the others
    const packages = readFileSync(requirements, "utf8")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean);
    for (const pkg of packages) spawnSync(python, ["-m", "pip", "install", "--quiet", pkg], { stdio: "inherit" });
  }
  const tools = {};
  for (const [tool, module] of [
    ["your", "your"],
    ["sigpyproc", "sigpyproc.readers"],
  ]) {
    const r = spawnSync(python, ["-c", `import ${module}`], { encoding: "utf8" });
    tools[tool] = r.status === 0 ? { ok: true } : { ok: false, why: r.stderr.trim().split("\n").pop() || "not installable" };
  }
  const v = version(python);
  return { python, version: v ? v.join(".") : "none", tools };
}
