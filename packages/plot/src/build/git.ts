/**
 * The git repository a manifest lives in: its HEAD commit, whether tracked
 * files have uncommitted changes, its top folder and its `origin` remote.
 * The manifest's folder may be someone else's checkout, so git runs with its
 * file-system monitor hook disabled and without taking optional locks.
 */
import { execFile } from "node:child_process";

/** What {@link repositoryState} found. */
export interface RepositoryState {
  /** The full hash of HEAD. */
  commit: string;
  /** No tracked file has uncommitted changes (untracked files do not count). */
  clean: boolean;
  /** The repository's top folder. */
  root: string;
  /** The `origin` remote as an https URL of its web page, when it has one. */
  webUrl?: string;
}

function git(dir: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      "git",
      ["-C", dir, "-c", "core.fsmonitor=false", ...args],
      { env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" }, timeout: 20_000, maxBuffer: 1 << 24 },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}

/** `git@github.com:a/b.git` or `https://github.com/a/b.git` as `https://github.com/a/b`; other remotes as they are when https. */
export function webUrlOf(remote: string): string | undefined {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(remote);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const https = /^https:\/\/(?:[^@/]+@)?([^/]+)\/(.+?)(?:\.git)?\/?$/.exec(remote);
  return https ? `https://${https[1]}/${https[2]}` : undefined;
}

/** The repository holding `dir`, or undefined when it is in none (or git is absent). */
export async function repositoryState(dir: string): Promise<RepositoryState | undefined> {
  const head = (await git(dir, ["rev-parse", "--show-toplevel", "HEAD"]))?.trim().split("\n");
  if (head?.length !== 2 || !/^[0-9a-f]{40,64}$/.test(head[1])) return undefined;
  const status = await git(dir, ["status", "--porcelain", "--untracked-files=no"]);
  const remote = (await git(dir, ["remote", "get-url", "origin"]))?.trim();
  return { root: head[0], commit: head[1], clean: status === "", webUrl: remote ? webUrlOf(remote) : undefined };
}
