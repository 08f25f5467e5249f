#!/usr/bin/env node
// The benchmarks: each workload against its competitors, side by side in one
// run, several repetitions, median ratios; each row goes to bench/RESULTS.md's
// table in place of that workload's last rows, saying when and where it was
// measured (the other rows and the notes under the table stay).
//
//   pnpm bench            the full run (about ten minutes)
//   pnpm bench --quick    fewer repetitions and a smaller workload 3
//   pnpm bench --only W1,W4
//   pnpm bench --only W5 --no-record   (a workload alone, printed, RESULTS.md left alone)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { describeMachine } from "./lib/machine.mjs";
import { withRows } from "./lib/results-table.mjs";
import { jsonCommand, median, repeat, timeCommand } from "./lib/measure.mjs";
import { peersPython, projectPython } from "./lib/python.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const work = join(here, ".work");
const { values: flags } = parseArgs({
  options: { quick: { type: "boolean" }, only: { type: "string" }, "no-record": { type: "boolean" }, "w5-files": { type: "string" } },
});
const quick = Boolean(flags.quick);
const only = flags.only ? new Set(flags.only.split(",")) : null;
const reps = quick ? 3 : 5;
const node = process.execPath;
const plot = join(root, "packages/plot/bin/plot.js");
const python = projectPython(root);
mkdirSync(work, { recursive: true });

const log = (text) => process.stderr.write(`${text}\n`);
const rows = [];
/** Records one comparison: `ours` and `theirs` in seconds; the ratio is theirs / ours. */
function record(workload, what, ours, theirs, competitor, target, extra = "") {
  const ratio = theirs / ours;
  rows.push({ workload, what, ours, theirs, competitor, ratio, target, extra });
  log(`  ${workload} ${what}: ours ${ours.toFixed(3)} s, ${competitor} ${theirs.toFixed(3)} s, ${ratio.toFixed(1)}x ${extra}`);
}

const run = (name) => !only || only.has(name);

log("> machine");
const machine = describeMachine(join(here, "ours/bandwidth.mjs"));
log(`  ${machine.cores} cores, ${machine.memoryGiB.toFixed(1)} GiB, read bandwidth ${(machine.bandwidth / 1e9).toFixed(1)} GB/s`);

const mib = (kib) => (kib / 1024).toFixed(0);
/** `plot ARGS` (with `env` added) under lib/rusage.py: its time, CPU and peak memory. */
const plotUsage = (args, env = {}) => jsonCommand(python, [join(here, "lib/rusage.py"), node, plot, ...args], { env: { ...process.env, ...env } });
/**
 * Records `plot ARGS` streamed (the median of 2 or 3 runs) against the same command reading its file
 * whole (WFALL_STREAM_BYTES above its size), peak memory and CPU beside; returns the streamed figures.
 */
function recordStreamedAgainstWhole(workload, what, target, args) {
  const runs = Array.from({ length: quick ? 2 : 3 }, () => plotUsage(args));
  const whole = plotUsage(args, { WFALL_STREAM_BYTES: String(2 ** 50) });
  const streamed = { seconds: median(runs.map((r) => r.seconds)), cpu: median(runs.map((r) => r.cpuSeconds)), rss: Math.max(...runs.map((r) => r.maxRssKiB)) };
  record(
    workload,
    what,
    streamed.seconds,
    whole.seconds,
    "the same, read whole",
    target,
    `(peak RSS ${mib(streamed.rss)} MiB streamed, ${mib(whole.maxRssKiB)} MiB whole; CPU ${streamed.cpu.toFixed(2)} s streamed, ${whole.cpuSeconds.toFixed(2)} s whole; load ${loadavg()[0].toFixed(1)})`,
  );
  return streamed;
}

if (["W1", "W2", "W3", "W4", "WM", "WV", "W6", "W7"].some(run)) {
  log("> workloads (bench/generate.py)");
  timeCommand(python, [join(here, "generate.py"), work, ...(quick ? ["--quick"] : [])], { stdio: ["ignore", "inherit", "inherit"] });
}
const w3 = quick ? join(work, "w3_1024x65536.fil") : join(work, "w3_4096x262144.fil");

if (run("W1")) {
  log("> W1: paper figure, 128 x 1024 npz -> PDF, whole process");
  const input = join(work, "w1.npz");
  const ours = repeat(reps, () => timeCommand(node, [plot, "--fname", input, "--dm", "87.77", "--figname", join(work, "w1_ours.pdf")]).seconds);
  const seed = repeat(
    reps,
    () => timeCommand(python, [join(root, "python/seed_pipeline.py"), "--fname", input, "--dm", "87.77", "--figname", join(work, "w1_seed.pdf")]).seconds,
  );
  record("W1", "npz -> PDF (CLI, cold process)", ours, seed, "seed numpy+matplotlib", ">= 4x");
}

if (run("W2")) {
  log("> W2: 16384 x 2048 (128 MiB) -> dedisperse + masks + subband 128 + percentiles");
  const input = join(work, "w2.npz");
  const ours = repeat(
    reps,
    () =>
      timeCommand(node, [plot, "prepare", input, "--dm", "87.77", "--nsub", "128", "--mask-sum", "2", "--mask-var", "0.05", "-o", join(work, "w2_ours.npz")])
        .seconds,
  );
  const numpy = repeat(
    reps,
    () => timeCommand(python, [join(here, "competitors/numpy_prepare.py"), input, "87.77", "128", join(work, "w2_numpy.npz")]).seconds,
  );
  const ourOutput = join(work, "w2_ours.npz");
  const floor = repeat(
    reps,
    () => timeCommand(node, [join(here, "ours/w2_floor.mjs"), input, join(work, "w2_floor.out"), String(statSync(ourOutput).size)]).seconds,
  );
  record(
    "W2",
    "whole process (plot prepare)",
    ours,
    numpy,
    "numpy",
    "<= 1.5x floor",
    `(${(ours / floor).toFixed(2)}x the floor of ${(floor * 1e3).toFixed(0)} ms: Node's start, one read of the ${(statSync(input).size / 2 ** 20).toFixed(0)} MiB input from the page cache, writing the ${(statSync(ourOutput).size / 2 ** 10).toFixed(0)} KiB output)`,
  );
  const core = jsonCommand(node, [join(here, "ours/w2_core.mjs"), input, "87.77", "128", "11"]);
  const numpyCore = jsonCommand(python, [join(here, "competitors/numpy_core.py"), input, "87.77", "128", String(reps)]).seconds;
  const oneRead = core.bytes / machine.bandwidth;
  record(
    "W2",
    "in-memory dedisperse+subband (fused)",
    core.fused,
    numpyCore,
    "numpy",
    "<= 3x one read",
    `(${(core.fused / oneRead).toFixed(2)}x one read of ${(oneRead * 1e3).toFixed(1)} ms; two-step ${(core.twoStep * 1e3).toFixed(1)} ms; mask statistics ${(core.masks * 1e3).toFixed(1)} ms)`,
  );
}

if (run("W3")) {
  log(`> W3: ${quick ? "1024 x 65536" : "4096 x 262144"} 8-bit filterbank -> dedisperse + downsample 8 + subband 64`);
  const args = [w3, "500", "8", "64"];
  const samples = (cmd, a) => Array.from({ length: quick ? 2 : 3 }, () => jsonCommand(cmd, a));
  const ours = samples(node, [join(here, "ours/w3.mjs"), ...args]);
  const oursSeconds = repeat(1, () => ours.map((o) => o.seconds).sort((a, b) => a - b)[Math.floor(ours.length / 2)]);
  const oursRss = Math.max(...ours.map((o) => o.maxRssKiB)) * 1024;
  const inputBytes = readFileSync(w3).length;
  const rssNote = `(peak RSS ${(oursRss / 2 ** 20).toFixed(0)} MiB = ${(oursRss / inputBytes).toFixed(2)}x the ${(inputBytes / 2 ** 20).toFixed(0)} MiB input)`;
  const peers = peersPython(work, join(here, "requirements-peers.txt"));
  for (const tool of ["numpy", "your", "sigpyproc"]) {
    if (tool !== "numpy" && !peers.tools[tool].ok) {
      log(`  ${tool}: unavailable (${peers.tools[tool].why}; Python ${peers.version})`);
      rows.push({
        workload: "W3",
        what: "filterbank -> reduced waterfall",
        competitor: tool,
        unavailable: `${peers.tools[tool].why} (Python ${peers.version})`,
      });
      continue;
    }
    const theirs = samples(tool === "numpy" ? python : peers.python, [join(here, "competitors/w3_peers.py"), tool, ...args]);
    const seconds = theirs.map((o) => o.seconds).sort((a, b) => a - b)[Math.floor(theirs.length / 2)];
    const rss = Math.max(...theirs.map((o) => o.maxRssKiB)) * 1024;
    record(
      "W3",
      "filterbank -> reduced waterfall",
      oursSeconds,
      seconds,
      tool,
      "faster; RSS <= 1.5x input",
      `${rssNote}; ${tool} peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB`,
    );
  }
}

if (run("W4")) {
  log("> W4: 24 figures from a manifest, cold and cached, vs 24 runs of the seed script");
  const dir = join(work, "w4");
  const entries = Array.from(
    { length: 24 },
    (_, i) =>
      `  - name: fig${i}\n    output: out/fig${i}.pdf\n    panels:\n      - { input: burst_${i % 4}.npz, dm: ${(87.7 + 0.01 * i).toFixed(2)}, title: "burst ${i}" }`,
  );
  const manifest = join(dir, "figures.yaml");
  writeFileSync(manifest, `version: 1\nfigures:\n${entries.join("\n")}\n`);
  const clean = () => rmSync(join(dir, "out"), { recursive: true, force: true }) || rmSync(join(dir, ".figures.yaml.wfall-cache.json"), { force: true });
  const cold = repeat(reps, () => {
    clean();
    mkdirSync(join(dir, "out"), { recursive: true });
    return timeCommand(node, [plot, "build", manifest]).seconds;
  });
  const warm = repeat(reps, () => timeCommand(node, [plot, "build", manifest]).seconds);
  const seed = repeat(quick ? 1 : 3, () =>
    Array.from(
      { length: 24 },
      (_, i) =>
        timeCommand(python, [
          join(root, "python/seed_pipeline.py"),
          "--fname",
          join(dir, `burst_${i % 4}.npz`),
          "--dm",
          (87.7 + 0.01 * i).toFixed(2),
          "--figname",
          join(work, `w4_seed_${i}.pdf`),
        ]).seconds,
    ).reduce((a, b) => a + b, 0),
  );
  record("W4", "24 figures, cold build", cold, seed, "24 seed runs", ">= 20x");
  record("W4", "24 figures, warm rebuild (nothing changed)", warm, seed, "24 seed runs", "< 1 s", warm < 1 ? "(under 1 s)" : "(over 1 s)");
}

if (run("WM")) {
  log("> WM: automatic RFI masks (--mask-auto) against one read of the same data");
  const ms = (s) => `${(s * 1e3).toFixed(1)} ms`;
  // in memory: 16384 x 2048 (stored dedispersed, so no zero-DM: one pass of statistics and the flags)
  const w2 = join(work, "w2.npz");
  const ours = jsonCommand(node, ["--expose-gc", join(here, "ours/masks.mjs"), w2, String(reps)]);
  const numpy = jsonCommand(python, [join(here, "competitors/numpy_masks.py"), w2, String(quick ? 1 : 3)]);
  record(
    "WM",
    "automatic masks, 16384 x 2048 in memory",
    ours.auto,
    numpy.seconds,
    "numpy + iqrm",
    "<= 1 extra read",
    `(${(ours.auto / ours.readProbe).toFixed(2)}x the read probe of ${ms(ours.readProbe)}; ${(ours.auto / ours.fileRead).toFixed(2)}x reading the npz, ${ms(ours.fileRead)}; ${ours.masked} channels)`,
  );
  // a filterbank at DM 0: zero-DM (sigpyproc), the statistics of the cleaned data, the flags; then the whole prepare
  const fil = jsonCommand(node, ["--expose-gc", join(here, "ours/masks.mjs"), w3, "2"]);
  const prepare = (extra) =>
    repeat(
      quick ? 1 : 3,
      () => timeCommand(node, [plot, "prepare", w3, "--dm", "500", "--downsample", "8", "--nsub", "64", ...extra, "-o", join(work, "wm.npz")]).seconds,
    );
  const without = prepare([]);
  const withMasks = prepare(["--mask-auto"]);
  record(
    "WM",
    `automatic masks, ${fil.shape.join(" x ")} filterbank (${(statSync(w3).size / 2 ** 30).toFixed(2)} GiB)`,
    fil.auto,
    fil.fileRead,
    "one read of the file",
    "<= 1 extra read",
    `(zero-DM ${fil.zeroDm}; peak RSS ${fil.maxRssMiB.toFixed(0)} MiB for ${(fil.bytes / 2 ** 20).toFixed(0)} MiB of float32; ${(fil.auto / fil.fileRead).toFixed(2)}x reading the file, ${(fil.auto / fil.readProbe).toFixed(2)}x the read probe of the float32 data, ${ms(fil.readProbe)}; plot prepare ${without.toFixed(2)} s without, ${withMasks.toFixed(2)} s with --mask-auto)`,
  );
}

if (run("WV")) {
  log("> WV: the viewer in headless Chromium: DM changes on the 16384 x 2048 waterfall; opening the large filterbank");
  const input = join(work, "w2.npz");
  const view = jsonCommand(node, [join(here, "ours/view.mjs"), input, "87.0", String(reps * 2), w3]);
  const dmChange = median(view.dmChangeMs) / 1000;
  const rerun = repeat(reps, () => timeCommand(node, [plot, input, "--dm", "87.3", "--figname", join(work, "wv_cli.png")]).seconds);
  record(
    "WV",
    "DM change shown (page, end to end)",
    dmChange,
    rerun,
    "re-running plot",
    "<= 0.150 s",
    `(median of ${view.dmChangeMs.length}; max ${(Math.max(...view.dmChangeMs) / 1000).toFixed(3)} s)`,
  );
  const inputBytes = readFileSync(w3).length;
  const whole = repeat(1, () => timeCommand(node, [plot, w3, "--figname", join(work, "wv_cli_whole.png")]).seconds);
  record(
    "WV",
    "open a large filterbank (first figure shown)",
    view.openSeconds,
    whole,
    "plot on the whole file",
    "reads only the part shown",
    `(${(inputBytes / 2 ** 30).toFixed(2)} GiB file; viewer peak RSS ${(view.openRssKiB / 1024).toFixed(0)} MiB)`,
  );
}

if (run("W5")) {
  const total = flags["w5-files"] ? Number(flags["w5-files"]) : quick ? 1000 : 10000;
  const compared = quick ? 20 : 40;
  log(`> W5: candidate thumbnails, 256 x 256 FETCH-style candidates -> PNG (${total} ours, ${compared} side by side with your_h5plotter)`);
  const dir = join(work, "w5");
  const cands = join(dir, "cands");
  const last = join(cands, `cand_${String(total - 1).padStart(5, "0")}.h5`);
  if (!existsSync(last)) {
    timeCommand(python, [join(root, "fixtures/make_candidates.py"), cands, String(total), "--nchan", "256", "--ntime", "256", "--ndm", "256"]);
  }
  // the same files for both: a list of the first `compared`, for our manifest and your's results CSV
  const names = Array.from({ length: compared }, (_, i) => `cand_${String(i).padStart(5, "0")}.h5`);
  writeFileSync(join(dir, "compared.txt"), names.map((n) => `cands/${n}\n`).join(""));
  writeFileSync(join(dir, "compared.csv"), `candidate,label\n${names.map((n) => `${join(cands, n)},1\n`).join("")}`);
  // `options`: e.g. "imageDpi: 60", the heatmaps colour-mapped at the thumbnail's resolution (README, "Surveys")
  const manifest = (each, out, options) =>
    `version: 1\nfigures:\n  - { name: "t-{stem}", each: "${each}", input: "{path}", dpi: 60,${options ? ` options: { ${options} },` : ""} output: "${out}/{stem}.png" }\n`;
  writeFileSync(join(dir, "compared.yaml"), manifest("compared.txt", "ours_compared"));
  const everyName = Array.from({ length: total }, (_, i) => `cands/cand_${String(i).padStart(5, "0")}.h5\n`);
  writeFileSync(join(dir, "all.txt"), everyName.join(""));
  const jobs = String(machine.cores);
  const oursCompared = Array.from({ length: quick ? 1 : 3 }, () => jsonCommand(node, [join(here, "ours/w5_build.mjs"), join(dir, "compared.yaml"), jobs]));
  const oursSeconds = median(oursCompared.map((o) => o.seconds));
  const peers = peersPython(work, join(here, "requirements-peers.txt"));
  if (!peers.tools.your.ok) {
    log(`  your: unavailable (${peers.tools.your.why})`);
    rows.push({
      workload: "W5",
      what: `${compared} candidate thumbnails`,
      competitor: "your_h5plotter",
      unavailable: `${peers.tools.your.why} (Python ${peers.version})`,
    });
  } else {
    rmSync(join(dir, "theirs"), { recursive: true, force: true });
    // your 0.6.7's plotter has one size: 15 x 10 in at 300 dpi (its --dpi came later)
    const theirs = jsonCommand(peers.python, [join(here, "competitors/w5_your.py"), join(dir, "compared.csv"), join(dir, "theirs"), jobs]);
    if (theirs.figures !== compared) throw new Error(`your_h5plotter wrote ${theirs.figures} of ${compared} figures`);
    record(
      "W5",
      `${compared} candidate thumbnails (PNG, ${jobs} processes)`,
      oursSeconds,
      theirs.seconds,
      "your_h5plotter",
      ">= 10x",
      `(ours ${(compared / oursSeconds).toFixed(1)} fig/s, peak RSS ${(Math.max(...oursCompared.map((o) => o.maxRssKiB)) / 1024).toFixed(0)} MiB; your ${(compared / theirs.seconds).toFixed(1)} fig/s, largest process ${(theirs.maxRssKiB / 1024).toFixed(0)} MiB)`,
    );
  }
  // every candidate, as the survey example draws it, then with the heatmaps colour-mapped at the thumbnail's resolution
  const thumbnails = (name, what, options) => {
    writeFileSync(join(dir, `${name}.yaml`), manifest("all.txt", `ours_${name}`, options));
    const built = jsonCommand(node, [join(here, "ours/w5_build.mjs"), join(dir, `${name}.yaml`), jobs]);
    const rate = built.figures / built.seconds;
    const perCpu = built.figures / built.cpuSeconds;
    const rss = `peak RSS ${(built.maxRssKiB / 1024).toFixed(0)} MiB`;
    rows.push({
      workload: "W5",
      what: `${built.figures} candidate thumbnails (PNG${what})`,
      ours: built.seconds,
      theirs: NaN,
      competitor: "-",
      ratio: NaN,
      target: ">= 50 fig/s",
      extra: `(${rate.toFixed(1)} fig/s wall, ${perCpu.toFixed(1)} fig/s per CPU second (${built.cpuSeconds.toFixed(0)} s CPU), ${rss})`,
    });
    log(`  W5 ${built.figures} thumbnails${what}: ${built.seconds.toFixed(1)} s, ${rate.toFixed(1)} fig/s, ${built.cpuSeconds.toFixed(1)} s CPU, ${rss}`);
  };
  thumbnails("all", "");
  thumbnails("all_image_dpi", ", imageDpi 60", "imageDpi: 60");

  const planned = quick ? 10000 : 100000;
  const planDir = join(work, `w5plan_${planned}`);
  if (!existsSync(join(planDir, "cands", `c${planned - 1}.h5`))) {
    mkdirSync(join(planDir, "cands"), { recursive: true });
    for (let i = 0; i < planned; i++) writeFileSync(join(planDir, "cands", `c${i}.h5`), "");
  }
  writeFileSync(join(planDir, "figures.yaml"), manifest("cands/*.h5", "thumbs"));
  const plan = jsonCommand(node, [join(here, "ours/w5_plan.mjs"), join(planDir, "figures.yaml"), "200"]);
  rows.push({
    workload: "W5",
    what: `list + plan ${plan.figures} files, pick shard 0 of 200`,
    ours: plan.seconds,
    theirs: NaN,
    competitor: "-",
    ratio: NaN,
    target: "seconds, flat memory",
    extra: `(load ${plan.loadSeconds.toFixed(2)} s, ${plan.selected} figures in the shard, peak RSS ${(plan.maxRssKiB / 1024).toFixed(0)} MiB)`,
  });
  log(`  W5 plan ${plan.figures}: ${plan.seconds.toFixed(2)} s, peak RSS ${(plan.maxRssKiB / 1024).toFixed(0)} MiB`);
}

if (run("W6")) {
  const w6 = join(work, `w6_${quick ? 8 : 32}rows.fits`);
  log(`> W6: PSRFITS search mode, 4-bit AABBCRCI, 1024 channels x ${quick ? 32768 : 131072} samples -> AA + BB waterfall`);
  const samples = (cmd, a) => Array.from({ length: quick ? 2 : 3 }, () => jsonCommand(cmd, a));
  const median = (runs) => runs.map((o) => o.seconds).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  const ours = samples(node, [join(here, "ours/w6_psrfits.mjs"), w6]);
  const oursRss = Math.max(...ours.map((o) => o.maxRssKiB)) * 1024;
  const inputBytes = statSync(w6).size;
  const rssNote = `(peak RSS ${(oursRss / 2 ** 20).toFixed(0)} MiB for a ${(inputBytes / 2 ** 20).toFixed(0)} MiB file and a ${((ours[0].shape[0] * ours[0].shape[1] * 4) / 2 ** 20).toFixed(0)} MiB float32 waterfall)`;
  const peers = peersPython(work, join(here, "requirements-peers.txt"));
  for (const tool of ["numpy", "your", "sigpyproc"]) {
    if (tool !== "numpy" && !peers.tools[tool].ok) {
      log(`  ${tool}: unavailable (${peers.tools[tool].why}; Python ${peers.version})`);
      rows.push({ workload: "W6", what: "PSRFITS -> AA+BB waterfall", competitor: tool, unavailable: `${peers.tools[tool].why} (Python ${peers.version})` });
      continue;
    }
    let theirs;
    try {
      theirs = samples(tool === "numpy" ? python : peers.python, [join(here, "competitors/w6_peers.py"), tool, w6]);
    } catch (error) {
      // a reader that cannot read the file is a result too (your reshapes by the byte TDIM of 4-bit data)
      const why = String(error.message).trim().split("\n").pop().slice(0, 160);
      log(`  ${tool}: fails on this file (${why})`);
      rows.push({ workload: "W6", what: "PSRFITS -> AA+BB waterfall", competitor: tool, unavailable: `fails on this file: ${why.replaceAll("|", "/")}` });
      continue;
    }
    const rss = Math.max(...theirs.map((o) => o.maxRssKiB)) * 1024;
    record("W6", "PSRFITS -> AA+BB waterfall", median(ours), median(theirs), tool, "faster", `${rssNote}; ${tool} peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB`);
  }
}

if (run("W7")) {
  const [nchan3, ntime3] = quick ? [1024, 65536] : [4096, 262144];
  const window = { nstart: (3 * ntime3) / 8, nsamp: ntime3 / 4, tsamp: 64e-6 }; // the middle quarter: 1 GiB of float32 in the full run
  const windowGiB = (nchan3 * window.nsamp * 4) / 2 ** 30;
  log(`> W7: DM-time plane, 256 trials over 0 .. 2 DM: 16384 x 2048 (128 MiB) and a ${windowGiB} GiB filterbank window (${nchan3} x ${window.nsamp})`);
  const peers = peersPython(work, join(here, "requirements-peers.txt"));
  const subset = quick ? 4 : 8;
  const cases = [
    {
      what: "DM-time plane, 16384 x 2048 (128 MiB)",
      ours: [join(work, "w2.npz"), "87.77", "256", String(reps), String(reps)],
      file: join(work, "w7.fil"),
      dm: "87.77",
      read: [],
    },
    {
      what: `DM-time plane, ${windowGiB} GiB filterbank window (${nchan3} x ${window.nsamp})`,
      ours: [w3, "500", "256", String(reps), "1", String(window.nstart * window.tsamp), String(window.nsamp * window.tsamp)],
      file: w3,
      dm: "500",
      read: [String(window.nstart), String(window.nsamp)],
    },
  ];
  for (const c of cases) {
    const ours = jsonCommand(node, [join(here, "ours/w7_plane.mjs"), ...c.ours]);
    const oursNote = `(auto: ${ours.method}; exact brute force ${ours.brute.toFixed(2)} s; peak RSS ${(ours.maxRssKiB / 1024).toFixed(0)} MiB)`;
    for (const tool of ["numpy", "your"]) {
      if (tool === "your" && !peers.tools.your.ok) {
        log(`  your: unavailable (${peers.tools.your.why}; Python ${peers.version})`);
        rows.push({ workload: "W7", what: c.what, competitor: tool, unavailable: `${peers.tools.your.why} (Python ${peers.version})` });
        continue;
      }
      const theirs = jsonCommand(tool === "numpy" ? python : peers.python, [
        join(here, "competitors/plane_peers.py"),
        tool,
        c.file,
        c.dm,
        "256",
        String(subset),
        ...c.read,
      ]);
      const name = tool === "numpy" ? "numpy brute force" : "your (Candidate.dmtime, CPU)";
      const note = `${oursNote}; ${name}: ${theirs.perTrial.toFixed(2)} s per trial x 256 (${theirs.timedTrials} timed)`;
      record("W7", c.what, ours.auto, theirs.seconds, name, tool === "numpy" ? ">= 20x" : ">= 5x", note);
    }
  }
}

if (run("WB")) {
  // Bounded memory (issue 18): a 1 GiB channel-major npz streams in blocks of channels. Made under a
  // temporary directory (the free space checked first) and deleted afterwards.
  log("> WB: 16384 x 16384 float32 npz (1 GiB) -> figure, bounded memory");
  const dir = mkdtempSync(join(tmpdir(), "wfall-wb-"));
  try {
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < 4 * 2 ** 30) throw new Error(`WB needs 4 GiB free under ${dir}`);
    const input = join(dir, "wb.npz");
    timeCommand(python, [join(here, "generate_bounded.py"), input], { stdio: ["ignore", "inherit", "inherit"] });
    readFileSync(input); // in the page cache, as for the competitor
    const usage = (command, args) => jsonCommand(python, [join(here, "lib/rusage.py"), command, ...args]);
    const runs = Array.from({ length: quick ? 2 : 3 }, () => usage(node, [plot, "--fname", input, "--dm", "87.77", "--figname", join(dir, "ours.png")]));
    const seed = usage(python, [join(root, "python/seed_pipeline.py"), "--fname", input, "--dm", "87.77", "--figname", join(dir, "seed.png")]);
    const note = `(peak RSS ours ${mib(Math.max(...runs.map((r) => r.maxRssKiB)))} MiB, seed ${mib(seed.maxRssKiB)} MiB; CPU ours ${median(runs.map((r) => r.cpuSeconds)).toFixed(2)} s, seed ${seed.cpuSeconds.toFixed(2)} s; load ${loadavg()[0].toFixed(1)})`;
    record(
      "WB",
      "1 GiB npz -> figure (CLI, cold process)",
      median(runs.map((r) => r.seconds)),
      seed.seconds,
      "seed numpy+matplotlib",
      "<= 0.6 s, >= 40x, <= 300 MiB",
      note,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (run("WF")) {
  // Bounded memory (issue 18): 8-bit filterbanks of 1 GiB and 8 GiB stream in gulps of time samples
  // (statistics passes, then the fused dedisperse-subband-downsample kernel). Made under a temporary
  // directory (the free space checked first) and deleted afterwards. The baseline for 1 GiB is the
  // same command reading the file whole (WFALL_STREAM_BYTES above its size); for 8 GiB, which cannot be
  // read whole here, 8 times the 1 GiB streamed time (a ratio of 1: time proportional to size). Then the
  // 1 GiB file as signed 8-bit samples (the same samples less 128), which read whole before they streamed.
  const sizes = quick ? [1] : [1, 8];
  log(`> WF: 4096-channel 8-bit filterbanks of ${sizes.join(" and ")} GiB -> figure (--dm 500 --downsample 64), bounded memory`);
  const dir = mkdtempSync(join(tmpdir(), "wfall-wf-"));
  try {
    const free = statfsSync(dir);
    const needed = (sizes.at(-1) + 2) * 2 ** 30;
    if (free.bavail * free.bsize < needed) throw new Error(`WF needs ${needed / 2 ** 30} GiB free under ${dir}`);
    let oneGiB;
    for (const gib of sizes) {
      const input = join(dir, `wf${gib}.fil`);
      timeCommand(python, [join(here, "generate_large_filterbank.py"), input, String(gib)], { stdio: ["ignore", "inherit", "inherit"] });
      const args = [input, "--dm", "500", "--downsample", "64", "--figname", join(dir, `wf${gib}.png`)];
      if (gib === 1) {
        oneGiB = recordStreamedAgainstWhole("WF", "1 GiB filterbank -> figure (CLI, cold process)", "<= 0.5 s, <= 300 MiB", args);
      } else {
        const big = plotUsage(args);
        record(
          "WF",
          `${gib} GiB filterbank -> figure (CLI, cold process)`,
          big.seconds,
          gib * oneGiB.seconds,
          `${gib} x the 1 GiB streamed time`,
          "time proportional to size, memory flat",
          `(peak RSS ${mib(big.maxRssKiB)} MiB vs ${mib(oneGiB.rss)} MiB for 1 GiB; CPU ${big.cpuSeconds.toFixed(2)} s = ${(big.cpuSeconds / (gib * oneGiB.cpu)).toFixed(2)}x ${gib} x the 1 GiB CPU; not all in the page cache; load ${loadavg()[0].toFixed(1)})`,
        );
      }
      rmSync(input, { force: true });
    }
    const input = join(dir, "wf1-signed.fil");
    timeCommand(python, [join(here, "generate_large_filterbank.py"), input, "1", "8", "--signed"], { stdio: ["ignore", "inherit", "inherit"] });
    const signedArgs = [input, "--dm", "500", "--downsample", "64", "--figname", join(dir, "wf1-signed.png")];
    recordStreamedAgainstWhole("WF", "1 GiB signed 8-bit filterbank -> figure (CLI, cold process)", "as the unsigned 1 GiB row", signedArgs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (run("WP")) {
  // Bounded memory (issue 18): a 1 GiB 8-bit PSRFITS file (4096 channels, subints of 2048 samples, scales,
  // offsets and weights per subint) streams its decoded subints in gulps of time samples. `--normalise
  // zscore`: the decoding and passes alone (robust adds WR's selection passes). The baseline is the same command
  // reading the file whole (WFALL_STREAM_BYTES above its size). Made under a temporary directory (the free
  // space checked first) and deleted afterwards.
  log("> WP: 1 GiB 4096-channel 8-bit PSRFITS -> figure (--dm 500 --downsample 64 --normalise zscore), bounded memory");
  const dir = mkdtempSync(join(tmpdir(), "wfall-wp-"));
  try {
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < 3 * 2 ** 30) throw new Error(`WP needs 3 GiB free under ${dir}`);
    const input = join(dir, "wp.fits");
    timeCommand(python, [join(here, "generate_large_psrfits.py"), input, "1"], { stdio: ["ignore", "inherit", "inherit"] });
    readFileSync(input); // in the page cache
    const args = [input, "--dm", "500", "--downsample", "64", "--normalise", "zscore", "--figname", join(dir, "wp.png")];
    recordStreamedAgainstWhole("WP", "1 GiB PSRFITS -> figure (CLI, cold process)", "<= 300 MiB", args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (run("WR")) {
  // Bounded memory for robust normalisation of float samples (issue 18): a 1 GiB float32 filterbank
  // (4096 channels x 65536 samples) -> figure with --normalise robust streams: exact medians and MADs
  // by a few passes of selection over the page-cached file, against the same command reading it whole.
  log("> WR: 4096-channel float32 filterbank of 1 GiB -> figure (--normalise robust --dm 500 --downsample 64), bounded memory");
  const dir = mkdtempSync(join(tmpdir(), "wfall-wr-"));
  try {
    const free = statfsSync(dir);
    if (free.bavail * free.bsize < 3 * 2 ** 30) throw new Error(`WR needs 3 GiB free under ${dir}`);
    const input = join(dir, "wr.fil");
    timeCommand(python, [join(here, "generate_large_filterbank.py"), input, "1", "32"], { stdio: ["ignore", "inherit", "inherit"] });
    const args = [input, "--normalise", "robust", "--dm", "500", "--downsample", "64", "--figname", join(dir, "wr.png")];
    recordStreamedAgainstWhole("WR", "1 GiB float32 filterbank, robust -> figure (CLI, cold process)", "bounded memory (<= 300 MiB)", args);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Each row says when, where and how it was measured: rows of different runs share the table.
const command = `pnpm bench${quick ? " --quick" : ""}${flags.only ? ` --only ${flags.only}` : ""}`;
const measured = `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, \`${command}\`, ${machine.cpu} (${machine.cores} cores, read probe ${(machine.bandwidth / 1e9).toFixed(1)} GB/s), load ${loadavg()[0].toFixed(1)}, medians of ${reps} runs`;
const noted = (text) => [text, `(${measured})`].filter(Boolean).join(" ");
const lines = rows.map((r) =>
  r.unavailable
    ? `| ${r.workload} | ${r.what} | | ${r.competitor} | unavailable | | | ${noted(r.unavailable)} |`
    : Number.isNaN(r.ratio)
      ? `| ${r.workload} | ${r.what} | ${r.ours.toFixed(3)} | ${r.competitor} | | | ${r.target} | ${noted(r.extra)} |`
      : `| ${r.workload} | ${r.what} | ${r.ours.toFixed(3)} | ${r.competitor} | ${r.theirs.toFixed(3)} | ${r.ratio.toFixed(1)}x | ${r.target} | ${noted(r.extra)} |`,
);
console.log(lines.join("\n"));
if (!flags["no-record"]) {
  const path = join(here, "RESULTS.md");
  writeFileSync(path, withRows(existsSync(path) ? readFileSync(path, "utf8") : undefined, lines));
  log(`recorded in ${path}`);
}
