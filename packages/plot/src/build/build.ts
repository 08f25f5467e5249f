/**
 * `plot build`: renders the figures of a manifest in parallel worker threads,
 * skipping those whose definition, inputs and library are unchanged since
 * they were written; with `check`, renders in memory and reports each figure
 * whose committed output differs.
 */
import { mkdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { Worker } from "node:worker_threads";

import { WaterfallError, type ErrorCode } from "@wfall/spectra";
import { writeFilesAtomic } from "@wfall/spectra/internal";

import type { RenderedOutput } from "../figure/build.js";
import { mapLimited } from "../map-limited.js";
import type { MetadataEntry } from "../metadata.js";
import { isWarning } from "../warnings.js";
import { hashFile, hashFiles, outputsIntact, readCache, relativeToManifest, sha256, writeCache } from "./cache.js";
import { checkFigure, type OutputMismatch } from "./check.js";
import { repositoryState } from "./git.js";
import { verifyDeclaredInputs } from "./inputs.js";
import { loadManifest, type ManifestFigure } from "./manifest.js";
import { createProgress } from "./progress.js";
import { cacheKey, provenanceMetadata, provenanceOf } from "./provenance.js";
import { cacheEntryOf, openShardReport, recordOf } from "./report-lines.js";
import { inShard, type Shard } from "./shard.js";
import { unfinishedFigures } from "./status.js";
import type { JobReply, JobRequest } from "./worker.js";

export interface BuildOptions {
  /** Render in memory and compare with the files on disk instead of writing. */
  check?: boolean;
  /** Only these figures (by name). */
  only?: string[];
  /** Render every figure, even those the cache says are up to date. */
  force?: boolean;
  /** Worker threads; default the available cores (0 renders in this thread). */
  jobs?: number;
  /** Where progress goes (default stderr). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  env?: NodeJS.ProcessEnv;
  /** Allow outputs outside the manifest's folder. Default false. */
  allowOutside?: boolean;
  /** With `check`: write images of each differing output (expected, actual, difference) into this folder. */
  reportDir?: string;
  /** Only the figures of this shard (see shard.ts); each build records its figures in its shard's report. Default 0 of 1. */
  shard?: Shard;
  /** Only the figures the shard reports list as failed or missing. */
  retryFailed?: boolean;
}

export type FigureStatus = "built" | "cached" | "up to date" | "differs" | "failed";

export interface FigureOutcome {
  name: string;
  where: string;
  status: FigureStatus;
  /** For "differs": the outputs that are missing or differ. */
  differing?: string[];
  /** For "differs": each output that is missing or differs, why, and its report images. */
  mismatches?: OutputMismatch[];
  /** Remarks on a figure that passed (e.g. its files record no provenance). */
  notes?: string[];
  /** Warnings about what it was drawn from (e.g. an input file that looks cut short). */
  warnings?: string[];
  error?: WaterfallError;
}

export interface BuildReport {
  manifest: string;
  figures: FigureOutcome[];
  /** True when nothing failed (and, with `check`, nothing differs). */
  ok: boolean;
}

/**
 * Renders a figure with `metadata` embedded; `onStart` is called when a
 * thread starts on it (after waiting for a free one).
 */
export type Render = (figure: ManifestFigure, metadata: readonly MetadataEntry[], onStart?: () => void) => Promise<Rendered>;

/** A rendered figure's files, and the warnings among its notes. */
export interface Rendered {
  outputs: RenderedOutput[];
  warnings: string[];
}

/** The compiled worker script (tests run the TypeScript sources, whose build sits in dist/). */
function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith(".ts") ? new URL("../../dist/build/worker.js", here) : new URL("./worker.js", here);
}

/** This process's Node options minus a "source" export condition: workers run the compiled JavaScript. */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    if ((argv[i] === "--conditions" || argv[i] === "-C") && argv[i + 1] === "source") i++;
    else if (argv[i] !== "--conditions=source") out.push(argv[i]);
  }
  return out;
}

/**
 * Renders figures on up to `jobs` worker threads, each started when a figure
 * finds no idle one (or ahead of time by `start`). A worker that dies (it
 * cannot load, or crashes) fails its figure; when none is left, the remaining
 * figures fail with its error instead of waiting forever.
 */
function workerPool(jobs: number): { render: Render; start: (count: number) => void; close: () => Promise<void> } {
  const idle: Worker[] = [];
  const waiting: { resolve: (w: Worker) => void; reject: (e: Error) => void }[] = [];
  const live = new Set<Worker>();
  const pending = new Map<number, { resolve: (o: Rendered) => void; reject: (e: Error) => void; worker: Worker }>();
  let nextId = 0;
  let lastError: Error = new Error("no worker threads");

  const release = (worker: Worker) => {
    const next = waiting.shift();
    if (next) next.resolve(worker);
    else idle.push(worker);
  };
  const lose = (worker: Worker, error: Error) => {
    if (!live.delete(worker)) return;
    lastError = error;
    for (const [id, job] of pending) {
      if (job.worker === worker) {
        pending.delete(id);
        job.reject(error);
      }
    }
    if (live.size === 0) for (const w of waiting.splice(0)) w.reject(error);
  };

  let started = 0; // at most `jobs` in all: a worker that dies is not replaced once all have started
  const spawn = (): Worker => {
    started++;
    const worker = new Worker(workerUrl(), { execArgv: workerExecArgv() });
    worker.on("message", (reply: JobReply) => {
      const job = pending.get(reply.id);
      if (!job) return;
      pending.delete(reply.id);
      release(worker);
      const view = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); // not a copy
      if (reply.ok) job.resolve({ outputs: reply.outputs.map((o) => ({ ...o, bytes: view(o.bytes) })), warnings: reply.warnings });
      else job.reject(new WaterfallError(reply.code as ErrorCode, reply.message, { file: reply.file }));
    });
    worker.on("error", (error) => lose(worker, new WaterfallError("E_INTERNAL", `a build worker failed: ${error.message}`, { cause: error })));
    worker.on("exit", (code) => lose(worker, new WaterfallError("E_INTERNAL", `a build worker exited (code ${code})`)));
    live.add(worker);
    return worker;
  };
  const acquire = (): Promise<Worker> =>
    idle.length > 0
      ? Promise.resolve(idle.pop()!)
      : started < jobs
        ? Promise.resolve(spawn())
        : live.size === 0
          ? Promise.reject(lastError)
          : new Promise((resolve, reject) => waiting.push({ resolve, reject }));

  return {
    render: async (figure, metadata, onStart) => {
      const worker = await acquire();
      onStart?.();
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject, worker });
        worker.postMessage({ id, figure, metadata } satisfies JobRequest);
      });
    },
    start: (count) => {
      while (started < Math.min(count, jobs)) idle.push(spawn());
    },
    close: async () => {
      const workers = [...live];
      live.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Figures prepared (inputs hashed, cache consulted) ahead of those rendering:
 * enough that a free worker never waits for a hash, few enough that only a
 * handful of files are open at once (a survey's 100 000 inputs are hashed as
 * their figures come up, not all before the first figure).
 */
const PREPARED_AHEAD = 8;

/** The SHA-256 of each input, each file hashed once however many figures read it. */
function inputHasher(known: Map<string, string | null>): (paths: readonly string[]) => Promise<void> {
  const hashing = new Map<string, Promise<void>>();
  const one = (path: string): Promise<void> => {
    if (known.has(path)) return Promise.resolve();
    let pending = hashing.get(path);
    if (!pending) {
      pending = hashFile(path).then((hash) => {
        known.set(path, hash);
        hashing.delete(path);
      });
      hashing.set(path, pending);
    }
    return pending;
  };
  return async (paths) => {
    await Promise.all(paths.map(one));
  };
}

/** Builds (or checks) the figures of a manifest. Failures of one figure do not stop the others. */
export async function buildManifest(manifestFile: string, options: BuildOptions = {}): Promise<BuildReport> {
  const manifest = await loadManifest(manifestFile, { env: options.env, allowOutside: options.allowOutside });
  const unknown = (options.only ?? []).filter((name) => !manifest.figures.some((f) => f.name === name));
  if (unknown.length > 0) {
    throw new WaterfallError(
      "E_MANIFEST",
      `no figure named ${unknown.map((n) => `'${n}'`).join(", ")} (figures: ${manifest.figures.map((f) => f.name).join(", ")})`,
      { file: manifestFile },
    );
  }
  const shard = options.shard ?? { index: 0, count: 1 };
  const unfinished = options.retryFailed ? unfinishedFigures(manifest) : undefined;
  const only = options.only?.length ? new Set(options.only) : undefined;
  const selected = manifest.figures.filter((f) => (!only || only.has(f.name)) && inShard(f.name, shard) && (!unfinished || unfinished.has(f.name)));

  const repository = repositoryState(manifest.dir); // git runs while the inputs are checked and the cache is read
  // the declared inputs first: a file that is not the one declared stops the build before anything renders
  const inputHashes = new Map<string, string | null>();
  const read = new Set(selected.flatMap((f) => f.inputs));
  for (const [path, hash] of await hashFiles(manifest.inputs.map((d) => d.path).filter((p) => read.has(p)))) inputHashes.set(path, hash);
  verifyDeclaredInputs(manifest.inputs, inputHashes, manifestFile);
  const hashInputs = inputHasher(inputHashes); // the others as their figures come up, while earlier figures render
  const cache = await readCache(manifestFile);
  const names = new Set(manifest.figures.map((f) => f.name));
  const report = options.check ? undefined : await openShardReport(manifestFile, shard, (name) => names.has(name) && inShard(name, shard));
  for (const [name, record] of report?.previous ?? []) {
    const entry = cacheEntryOf(record); // what this shard finished before (it may have been killed since)
    if (entry) cache.figures[name] = entry;
  }

  const progress = createProgress(selected.length, options.progress ?? process.stderr);
  const jobs = Math.min(options.jobs ?? availableParallelism(), selected.length);
  const pool = jobs > 0 ? workerPool(jobs) : undefined;
  const render: Render =
    pool?.render ??
    (async (figure, metadata, onStart) => {
      onStart?.();
      const { buildFigure } = await import("../figure/build.js"); // the renderer (Vega) loads only where figures are drawn
      const { outputs, notes } = await buildFigure(figure, metadata);
      return { outputs, warnings: notes.filter(isWarning) };
    });
  // threads for the figures sure to be drawn start now, while the first inputs are hashed; others with the figures that need them
  pool?.start(options.force || options.check ? selected.length : selected.filter((f) => !cache.figures[f.name]).length);
  const folders = new Map<string, Promise<unknown>>(); // each output folder made once
  const makeFolder = (dir: string) => folders.get(dir) ?? folders.set(dir, mkdir(dir, { recursive: true })).get(dir)!;
  let commit: string | undefined;

  const outcomes = new Map<ManifestFigure, FigureOutcome>();
  const buildOne = async (figure: ManifestFigure): Promise<void> => {
    await hashInputs(figure.inputs);
    const now = provenanceOf(figure, manifestFile, inputHashes, commit);
    const key = cacheKey(now);
    const entry = cache.figures[figure.name];
    const fresh =
      !options.force && !options.check && entry?.key === key && (await outputsIntact(manifestFile, entry, [...figure.outputs, ...figure.maskOutputs]));
    if (fresh) {
      outcomes.set(figure, { name: figure.name, where: figure.where, status: "cached" });
      report?.append(recordOf(manifest.dir, figure, { status: "cached", outputs: entry.outputs, seconds: 0 }, inputHashes, now));
      progress.skip();
      return;
    }
    const outcome: FigureOutcome = { name: figure.name, where: figure.where, status: "built" };
    let started = performance.now();
    const onStart = () => {
      started = performance.now();
    };
    try {
      if (options.check) {
        const found = await checkFigure(figure, {
          manifest: manifestFile,
          now,
          cached: cache.figures[figure.name],
          reportDir: options.reportDir,
          render,
        });
        const differing = found.mismatches.map((m) => m.path);
        Object.assign(outcome, found.mismatches.length ? { status: "differs", differing, mismatches: found.mismatches } : { status: "up to date" });
        if (found.notes.length) outcome.notes = found.notes;
        if (found.warnings.length) outcome.warnings = found.warnings;
      } else {
        const { outputs, warnings } = await render(figure, provenanceMetadata(now), onStart);
        if (warnings.length) outcome.warnings = warnings;
        await Promise.all([...new Set(outputs.map((o) => dirname(o.path)))].map(makeFolder));
        await writeFilesAtomic(outputs);
        const written = Object.fromEntries(outputs.map((o) => [relativeToManifest(manifestFile, o.path), sha256(o.bytes)]));
        cache.figures[figure.name] = { key, made: { ...now, commit: undefined }, outputs: written };
      }
    } catch (error) {
      const known = error instanceof WaterfallError ? error : new WaterfallError("E_INTERNAL", (error as Error).message);
      const e = new WaterfallError(known.code, manifest.redact(known.message), { cause: known });
      Object.assign(outcome, { status: "failed", error: e });
      delete cache.figures[figure.name];
    }
    const seconds = (performance.now() - started) / 1000;
    const status = outcome.status === "failed" ? "failed" : "built";
    report?.append(recordOf(manifest.dir, figure, { status, outputs: cache.figures[figure.name]?.outputs, seconds, error: outcome.error }, inputHashes, now));
    outcomes.set(figure, outcome);
    progress.done(figure.name, outcome.status);
  };
  try {
    const state = await repository;
    commit = state?.clean ? state.commit : undefined;
    await mapLimited(selected, Math.max(jobs, 1) + PREPARED_AHEAD, buildOne);
  } finally {
    progress.finish();
    report?.close();
    await pool?.close();
  }
  if (!options.check && shard.count === 1) await writeCache(manifestFile, cache); // shards keep to their reports: no two write one file
  const figures = selected.map((f) => outcomes.get(f)!);
  return { manifest: manifestFile, figures, ok: figures.every((f) => f.status !== "failed" && f.status !== "differs") };
}
