/**
 * The viewer's server on a shared machine: it answers only requests with its
 * token, from a loopback Host, for its own assets and for the files it was
 * given (by index); its exports reproduce with `plot build` byte for byte;
 * its labels are a `file,label` CSV beside the files that survives a restart.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { reduceFilterbank, type FileDescription } from "@wfall/spectra";

import { figureOf } from "../src/figure/build.js";
import { vegaSpecOf } from "../src/render.js";
import { diagnosticsOf } from "../src/view/diagnostics.js";
import { parseCsv, parseLabelKeys } from "../src/view/labels.js";
import { startViewServer, type ViewServer } from "../src/view/server.js";
import { OVERVIEW_POINTS, ViewSession } from "../src/view/session.js";
import { describeState } from "../src/view/state.js";
import { fixtures, realDataDir, repoRoot } from "../../../test-utils/helpers.js";

const plot = join(repoRoot, "packages/plot/bin/plot.js");
const burst = join(fixtures, "burst_64x2048.npz");

/** A raw HTTP request (the path is sent exactly as given, `..` included). */
function raw(server: ViewServer, method: string, path: string, options: { body?: unknown; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = request(
      {
        host: "127.0.0.1",
        port: server.port,
        agent: false,
        method,
        path,
        headers: { ...(body ? { "Content-Type": "application/json" } : {}), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks), headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("the viewer's server", () => {
  let dir: string;
  let server: ViewServer;
  let session: ViewSession;
  const api = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    raw(server, body === undefined ? "GET" : "POST", path, { body, headers: { "X-Wfall-Token": server.token, ...headers } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "wfall-view-"));
    copyFileSync(burst, join(dir, "a.npz"));
    copyFileSync(burst, join(dir, "b.npz"));
    writeFileSync(join(dir, "secret.txt"), "not to be served");
    mkdirSync(join(dir, "paper"));
    session = await ViewSession.open({ files: [join(dir, "a.npz"), join(dir, "b.npz")], manifest: join(dir, "paper", "figures.yaml") });
    server = await startViewServer({ session });
  });
  afterAll(() => server?.close());

  it("prints an address on 127.0.0.1 with a long random token", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it("refuses every request without the token, or with a wrong one (403)", async () => {
    for (const path of ["/", "/assets/viewer.js", "/api/session", "/?token=", `/?token=${server.token.slice(0, -1)}x`]) {
      expect((await raw(server, "GET", path)).status, path).toBe(403);
    }
    expect((await raw(server, "POST", "/api/label", { body: { file: 0, label: "real" } })).status).toBe(403);
    expect(existsSync(join(dir, "labels.csv"))).toBe(false);
    expect((await raw(server, "GET", `/?token=${server.token}`)).status).toBe(200);
  });

  it("refuses a Host that is not this machine's loopback (DNS rebinding)", async () => {
    const response = await raw(server, "GET", `/?token=${server.token}`, { headers: { Host: `attacker.example:${server.port}` } });
    expect(response.status).toBe(403);
  });

  it("serves its own assets by name only: '..' and other paths reach no file", async () => {
    const t = `token=${server.token}`;
    expect((await raw(server, "GET", `/assets/viewer.js?${t}`)).status).toBe(200);
    const vega = await raw(server, "GET", `/assets/vega.min.js?${t}`);
    expect(vega.status).toBe(200);
    expect(vega.body.length).toBeGreaterThan(100_000);
    for (const path of [
      `/assets/../../../../etc/passwd?${t}`,
      `/assets/..%2f..%2f..%2fpackage.json?${t}`,
      `/assets/%2e%2e/%2e%2e/package.json?${t}`,
      `/../secret.txt?${t}`,
      `/${dir}/secret.txt?${t}`,
      `/assets/?${t}`,
    ]) {
      const response = await raw(server, "GET", path);
      expect(response.status, path).toBe(404);
      expect(response.body.toString()).not.toContain("not to be served");
    }
  });

  it("computes figures only of the files it was given, by index", async () => {
    for (const file of [2, -1, 0.5, "a.npz", join(dir, "secret.txt"), null]) {
      const response = await api("/api/figure", { file, state: { read: {}, options: {}, figure: {} } });
      expect(response.status, String(file)).toBe(422);
      expect(JSON.parse(response.body.toString()).error).toMatch(/file must be an index from 0 to 1/);
    }
    const ok = await api("/api/figure", { file: 1, state: { read: {}, options: { dm: 87.77 }, figure: {} } });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body.toString()).figure.dm).toBe(87.77);
  });

  it("refuses unknown options, bad values and bodies that are not JSON", async () => {
    const bad = async (state: unknown, message: RegExp) => {
      const response = await api("/api/figure", { file: 0, state });
      expect(response.status).toBe(422);
      expect(JSON.parse(response.body.toString()).error).toMatch(message);
    };
    await bad({ read: {}, options: { output: "/tmp/x.pdf" }, figure: {} }, /unknown option 'output'/);
    await bad({ read: { freqs: [1, 2] }, options: {}, figure: {} }, /unknown option 'freqs'/);
    await bad({ read: {}, options: { nsub: 7 }, figure: {} }, /divisor|nsub/);
    await bad({ read: {}, options: { cmap: "jet" }, figure: {} }, /cmap/);
    await bad({ read: {}, options: {}, figure: {}, file: "x" }, /unknown key 'file'/);
    const text = await raw(server, "POST", "/api/figure", { headers: { "X-Wfall-Token": server.token, "Content-Type": "text/plain" } });
    expect(text.status).toBe(415);
  });

  it("exports an entry that plot build renders to the bytes the viewer downloads", async () => {
    const state = {
      read: { start: 0.01 },
      options: { dm: 87.77, nsub: 16, maskChannels: [2, 3, 50], cmap: "magma", windowMs: 10 },
      figure: { label: "(b)" },
      title: "B",
    };
    const exported = JSON.parse((await api("/api/export", { file: 0, state, formats: ["pdf", "png"] })).body.toString());
    expect(exported.yaml).toContain("input: ../a.npz");
    const appended = JSON.parse((await api("/api/manifest", { file: 0, state, formats: ["pdf", "svg", "png"] })).body.toString());
    expect(appended).toEqual({ name: "a", manifest: expect.stringMatching(/figures\.yaml$/) });
    // a second export of the same file gets a name of its own
    const again = JSON.parse((await api("/api/manifest", { file: 0, state, formats: ["pdf"] })).body.toString());
    expect(again.name).toBe("a-2");
    const manifest = join(dir, "paper", "figures.yaml");
    execFileSync(process.execPath, [plot, "build", manifest, "--jobs", "0"], { encoding: "utf8" });
    for (const format of ["pdf", "svg", "png"]) {
      const download = await api("/api/download", { file: 0, state, formats: [format] });
      expect(download.status).toBe(200);
      expect(download.headers["content-disposition"]).toBe(`attachment; filename="a.${format}"`);
      expect(download.body.equals(readFileSync(join(dir, "paper", `a.${format}`))), format).toBe(true);
    }
    // and the figure changes with the state (the comparison could fail)
    const other = await api("/api/download", { file: 0, state: { ...state, options: { ...state.options, dm: 80 } }, formats: ["pdf"] });
    expect(other.body.equals(readFileSync(join(dir, "paper", "a.pdf")))).toBe(false);
  });

  it("writes labels to labels.csv beside the files, and a new session reads them back", async () => {
    expect((await api("/api/label", { file: 1, label: "rfi" })).status).toBe(200);
    expect((await api("/api/label", { file: 0, label: "real" })).status).toBe(200);
    expect((await api("/api/label", { file: 1, label: "noise" })).status).toBe(200);
    expect((await api("/api/label", { file: 0, label: "junk" })).status).toBe(422);
    expect(readFileSync(join(dir, "labels.csv"), "utf8")).toBe("file,label\nb.npz,noise\na.npz,real\n");
    expect((await api("/api/label", { file: 1, label: null })).status).toBe(200);
    expect(readFileSync(join(dir, "labels.csv"), "utf8")).toBe("file,label\na.npz,real\n");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const again = await ViewSession.open({ files: [join(dir, "b.npz"), join(dir, "a.npz")] });
    expect(again.describe().files.map((f) => f.label)).toEqual([null, "real"]);
  });
});

describe("label files", () => {
  it("keeps rows of other files, quotes what CSV must quote, and refuses a file that is not a label file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "wfall-labels-"));
    const odd = join(dir, 'odd, "name".npz');
    copyFileSync(burst, odd);
    writeFileSync(join(dir, "labels.csv"), "file,label\nelsewhere.npz,rfi\n");
    const session = await ViewSession.open({ files: [odd], labels: parseLabelKeys("good=g,bad=b") });
    await session.label({ file: 0, label: "good" });
    const text = readFileSync(join(dir, "labels.csv"), "utf8");
    expect(text).toBe('file,label\nelsewhere.npz,rfi\n"odd, ""name"".npz",good\n');
    expect(parseCsv(text)).toEqual([
      ["file", "label"],
      ["elsewhere.npz", "rfi"],
      ['odd, "name".npz', "good"],
    ]);
    writeFileSync(join(dir, "labels.csv"), "name,score\nx,1\n");
    await expect(ViewSession.open({ files: [odd] })).rejects.toThrow(/is not a labels file/);
    expect(() => parseLabelKeys("real=1,rfi=1")).toThrow(/the key '1' is given to two labels/);
  });
});

describe("a file too large to hold", () => {
  const real = realDataDir();
  it.runIf(real)("opens on its first part, and its overview is the whole file streamed at screen resolution", async () => {
    const fil = join(real!, "arecibo_FRB121102_B58", "tcand_2_dm_565.30000_snr_11.92560.fil"); // 64 x 48828, 12.5 MB as float32
    const session = await ViewSession.open({ files: [fil], readBytes: 2 ** 21 });
    const [file] = session.describe().files;
    expect(file.overview).toBe(true);
    const count = Math.floor(2 ** 21 / (64 * 4));
    expect(file.state.read).toEqual({ duration: count * 81.92e-6 });
    expect(file.notes[0]).toMatch(/opened on the first 0\.671 s/);
    const shown = await session.figure({ file: 0, state: { ...file.state, options: { dm: 565.3, downsample: 4 } } });
    expect(shown.read.ntime).toBe(count);
    const overview = await session.overview({ file: 0, state: { read: {}, options: { dm: 565.3 }, figure: {} } });
    const tfactor = Math.ceil(48828 / OVERVIEW_POINTS);
    const expected = await reduceFilterbank(fil, { dm: 565.3, tfactor, nsub: 1 });
    expect(overview.values).toHaveLength(Math.floor(48828 / tfactor));
    expect(overview.values).toEqual(Array.from(expected.data, (v) => (Number.isFinite(v) ? v : null)));
    expect(overview.dt).toBeCloseTo(tfactor * 81.92e-6, 12);
    // the burst (the file's name says its candidate time: 2 s) is the overview's brightest point
    const values = overview.values as number[];
    const peak = values.indexOf(Math.max(...values));
    expect((peak + 0.5) * overview.dt).toBeGreaterThan(1.9);
    expect((peak + 0.5) * overview.dt).toBeLessThan(2.1);
    // another part, as the overview's click asks for it: the figure plot build makes of that part
    const later = { read: { start: 1.75, duration: 0.5 }, options: { dm: 565.3, downsample: 4 }, figure: {} };
    const built = await figureOf(describeState(fil, later, ["x.pdf"]));
    expect((await session.figure({ file: 0, state: later })).vega).toEqual(vegaSpecOf(built.spec));
  });
});

describe("diagnostics listed in triage", () => {
  const described = (format: string, details: Record<string, unknown>) => ({ format, details }) as unknown as FileDescription;
  it("come from a candidate's attributes, then from your's file names, else are unknown", async () => {
    const name = "/data/tcand_2_dm_565.30000_snr_11.92560.fil";
    expect(await diagnosticsOf(name, described("filterbank", {}))).toEqual({ dm: 565.3, snr: 11.9256 });
    expect(await diagnosticsOf("/data/cand.h5", described("hdf5", { snr: 8.5, dm: "350.2" }))).toEqual({ snr: 8.5, dm: 350.2 });
    expect(await diagnosticsOf("/data/x_dm_1_snr_2.h5", described("hdf5", { snr: 8.5 }))).toEqual({ snr: 8.5, dm: 1 });
    expect(await diagnosticsOf("/data/burst.npz", described("npz", { snr: 3 }))).toEqual({});
  });
});
