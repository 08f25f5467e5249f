// The viewer's page. The server computes every figure (the same spec builder
// as `plot`, compiled to Vega as `renderFigure` compiles it); this page draws
// it with Vega, builds its controls from the option tables the server sends,
// and keeps one state per file. Every request carries the token.
/* global vega */

const token = new URLSearchParams(location.search).get("token") ?? "";
const $ = (id) => document.getElementById(id);

/** Calls the server's API; a failure becomes an Error with the server's message. */
async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "X-Wfall-Token": token, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    const text = await response.text();
    let message = text;
    try {
      message = JSON.parse(text).error ?? text;
    } catch {
      // plain text
    }
    throw new Error(message);
  }
  return response;
}

const viewer = {
  session: null,
  current: 0,
  states: [],
  /** The last figure response and the Vega view drawing it. */
  shown: null,
  view: null,
  structure: "",
  datasets: new Map(),
  renders: 0,
  /** Figures drawn by a new view, and in place. */
  rebuilds: 0,
  updates: 0,
  /** Time from a state change to the figure drawn, ms (the last one). */
  latencyMs: null,
  busy: null,
  /** The label requests, sent one after another. */
  labelling: Promise.resolve(),
  /** Whole-file overviews, by file index. */
  overviews: new Map(),
  pending: null,
  error: null,
};
window.wfallViewer = viewer;

const clone = (value) => JSON.parse(JSON.stringify(value));
const state = () => viewer.states[viewer.current];
const file = () => viewer.session.files[viewer.current];

// ---- drawing ---------------------------------------------------------------

/**
 * Turns every literal scale domain of a Vega spec into a signal (same values,
 * same drawing), so that a new figure whose scales moved (a new DM rescales
 * the time series) can update the view in place. Returns the signals' values.
 */
function parametrise(vg) {
  const domains = {};
  const walk = (node) => {
    for (const scale of node.scales ?? []) {
      if (!Array.isArray(scale.domain)) continue;
      const name = `wfall_domain_${Object.keys(domains).length}`;
      domains[name] = scale.domain;
      scale.domain = { signal: name };
    }
    for (const mark of node.marks ?? []) walk(mark);
  };
  walk(vg);
  vg.signals = [...(vg.signals ?? []), ...Object.entries(domains).map(([name, value]) => ({ name, value }))];
  return domains;
}

/** The Vega spec without its data values and domains: equal structures differ only in those, which the view can swap in place. */
const structureOf = (vg, domains) =>
  JSON.stringify(vg, function (key, value) {
    const drawn = key !== "values" && key !== "usermeta" && key !== "description"; // description and usermeta say what is drawn; they draw nothing
    return !drawn || (key === "value" && Object.hasOwn(domains, this.name)) ? undefined : value;
  });

/** Draws a figure: in place (new data and domains only) when only those changed, else a new view. */
async function draw(response) {
  const vg = response.vega;
  const domains = parametrise(vg);
  const structure = structureOf(vg, domains);
  if (viewer.view && structure === viewer.structure) {
    for (const d of vg.data ?? []) {
      if (!d.values) continue;
      const text = JSON.stringify(d.values);
      if (viewer.datasets.get(d.name) === text) continue;
      viewer.datasets.set(d.name, text);
      viewer.view.data(d.name, d.values);
    }
    for (const [name, value] of Object.entries(domains)) {
      if (JSON.stringify(viewer.view.signal(name)) !== JSON.stringify(value)) viewer.view.signal(name, value);
    }
    await viewer.view.runAsync();
    viewer.updates++;
  } else {
    viewer.view?.finalize();
    const container = $("figure");
    container.textContent = "";
    viewer.view = new vega.View(vega.parse(vg), { renderer: "svg", container, hover: false });
    await viewer.view.runAsync();
    const svg = container.querySelector("svg");
    if (svg && !svg.getAttribute("viewBox")) svg.setAttribute("viewBox", `0 0 ${svg.getAttribute("width")} ${svg.getAttribute("height")}`);
    viewer.structure = structure;
    viewer.datasets = new Map((vg.data ?? []).filter((d) => d.values).map((d) => [d.name, JSON.stringify(d.values)]));
    viewer.rebuilds++;
  }
  viewer.shown = response;
  viewer.renders++;
  document.body.dataset.renders = String(viewer.renders);
}

/** The waterfall image's box on screen (the first image of the figure). */
function heatmapBox() {
  const image = $("figure").querySelector("svg image");
  return image?.getBoundingClientRect();
}

// ---- computing -------------------------------------------------------------

function showError(message) {
  viewer.error = message;
  $("error").hidden = !message;
  $("error").textContent = message ?? "";
}

/** Asks for the current file's figure; while one is being made, only the newest request waits. */
function refresh() {
  const request = { file: viewer.current, state: clone(state()), at: performance.now() };
  if (viewer.busy) {
    viewer.pending = request;
    return viewer.busy;
  }
  viewer.busy = (async () => {
    let next = request;
    while (next) {
      viewer.pending = null;
      try {
        const response = await (await api("/api/figure", { file: next.file, state: next.state })).json();
        if (next.file === viewer.current && !viewer.pending) {
          await draw(response);
          viewer.latencyMs = performance.now() - next.at;
          showError(null);
          showStatus(response);
          renderMasks();
          syncDm();
        }
      } catch (error) {
        if (next.file === viewer.current) showError(error.message);
      }
      next = viewer.pending;
    }
    viewer.busy = null;
    document.body.dataset.idle = String(Date.now());
  })();
  return viewer.busy;
}

function showStatus(response) {
  const f = response.figure;
  const ran = Object.entries(response.ran)
    .map(([stage, ms]) => `${stage} ${ms}`)
    .join(", ");
  $("status").textContent =
    `DM ${f.dm} · peak sample ${f.peak} · vmin ${f.vmin.toPrecision(3)} vmax ${f.vmax.toPrecision(3)} · server ${response.serverMs} ms${ran ? ` (${ran})` : ""} · shown in ${Math.round(viewer.latencyMs)} ms`;
  $("notes").textContent = [...file().notes, ...response.read.notes].join(" · ");
}

/** Sets an option (undefined: back to its default) and redraws. */
function setOption(group, key, value) {
  const target = state()[group];
  if (value === undefined || value === null || value === "") delete target[key];
  else target[key] = value;
  refresh();
  if (group !== "options" || key !== "dm") syncControls();
  if (group === "read" && file().overview) drawOverview();
}

// ---- controls built from the option tables -----------------------------------

const SPECIAL = new Set(["dm", "maskChannels", "columns", "sharedScale"]);
const GROUPS = [
  ["process", "options", "Processing"],
  ["window", "options", "Window and colour scale"],
  ["look", "options", "Look"],
  ["panel", "options", "Panels"],
  ["figure", "figure", "Figure"],
  ["read", "read", "Read"],
];

function parseList(kind, text) {
  const parts = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  if (kind === "channels") {
    return [
      ...new Set(
        parts.flatMap((p) => {
          const [a, b = a] = p.split(/[-:]/).map(Number);
          return Array.from({ length: b - a + 1 }, (_, k) => a + k);
        }),
      ),
    ].sort((x, y) => x - y);
  }
  if (kind === "ranges") return parts.map((p) => p.split(":").map(Number));
  if (kind === "pairs") return Object.fromEntries(parts.map((p) => [p.slice(0, p.indexOf("=")), p.slice(p.indexOf("=") + 1)]));
  return JSON.parse(text);
}

function formatList(kind, value) {
  if (value === undefined) return "";
  if (kind === "channels")
    return runs(value)
      .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
      .join(",");
  if (kind === "ranges") return value.map((r) => r.join(":")).join(",");
  if (kind === "pairs")
    return Object.entries(value)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
  return JSON.stringify(value);
}

/** One control for an option, by its kind. */
function control(group, key, spec) {
  const row = document.createElement("label");
  row.className = "option";
  row.title = spec.help;
  row.dataset.key = key;
  const name = document.createElement("span");
  name.textContent = key;
  row.append(name);
  const current = () => state()[group][key];
  const fallback = spec.default !== undefined ? String(spec.default) : (spec.defaultText ?? "");
  let input;
  if (spec.kind === "boolean") {
    input = document.createElement("input");
    input.type = "checkbox";
    input.sync = () => (input.checked = current() ?? spec.default ?? false);
    input.addEventListener("change", () => setOption(group, key, input.checked === (spec.default ?? false) ? undefined : input.checked));
  } else if (spec.kind === "enum") {
    input = document.createElement("select");
    input.append(new Option(`(${fallback || "none"})`, ""));
    for (const v of spec.values) input.append(new Option(v, v));
    input.sync = () => (input.value = current() ?? "");
    input.addEventListener("change", () => setOption(group, key, input.value || undefined));
  } else {
    input = document.createElement("input");
    input.placeholder = fallback;
    const numeric = spec.kind === "number";
    input.type = numeric ? "number" : "text";
    if (numeric) {
      input.step = "any";
      if (spec.min !== undefined) input.min = spec.min;
      if (spec.max !== undefined) input.max = spec.max;
    }
    const list = ["channels", "ranges", "pairs"].includes(spec.kind) || !["number", "numberOr", "string"].includes(spec.kind);
    if (spec.kind === "numberOr") {
      // its named values, and the numbers that make sense for this file (the channel count's divisors for nsub)
      const options = document.createElement("datalist");
      options.id = `choices-${group}-${key}`;
      input.setAttribute("list", options.id);
      row.append(options);
      input.choices = () => {
        const values = [...spec.values, ...(file().choices?.[key] ?? [])];
        if (options.dataset.values !== values.join()) options.replaceChildren(...values.map((v) => new Option(String(v), String(v))));
        options.dataset.values = values.join();
      };
    }
    input.sync = () => {
      input.value = list ? formatList(spec.kind, current()) : (current() ?? "");
      input.choices?.();
    };
    input.addEventListener("change", () => {
      const text = input.value.trim();
      if (text === "") return setOption(group, key, undefined);
      try {
        if (numeric) setOption(group, key, Number(text));
        else if (spec.kind === "numberOr") setOption(group, key, spec.values.includes(text) ? text : Number(text));
        else if (spec.kind === "string") setOption(group, key, text);
        else setOption(group, key, parseList(spec.kind, text));
      } catch (error) {
        showError(`${key}: ${error.message}`);
      }
    });
  }
  input.name = key;
  row.append(input);
  controls.push(input);
  return row;
}

const controls = [];

function buildControls() {
  const box = $("option-groups");
  for (const [table, group, title] of GROUPS) {
    const entries = Object.entries(viewer.session.tables[table]).filter(([key]) => !SPECIAL.has(key));
    if (entries.length === 0) continue;
    const details = document.createElement("details");
    details.open = table !== "read" && table !== "figure";
    details.dataset.table = table;
    const summary = document.createElement("summary");
    summary.textContent = title;
    details.append(summary);
    for (const [key, spec] of entries) details.append(control(group, key, spec));
    box.append(details);
  }
}

function syncControls() {
  for (const input of controls) input.sync();
}

// ---- DM ----------------------------------------------------------------------

function fileDm() {
  return file().axes?.dm ?? 0;
}

function syncDm() {
  const dm = state().options.dm ?? fileDm();
  const box = $("dm-value");
  if (document.activeElement !== box) box.value = String(Number(dm.toFixed(4)));
  const coarse = $("dm-coarse");
  coarse.max = String(Math.max(1000, Math.ceil(2 * fileDm()), Math.ceil(dm)));
  if (document.activeElement !== coarse) coarse.value = String(dm);
  const fine = $("dm-fine");
  if (document.activeElement !== fine) {
    fine.min = String(Math.max(0, dm - 2));
    fine.max = String(dm + 2);
    fine.value = String(dm);
  }
}

function setDm(dm) {
  if (!Number.isFinite(dm)) return;
  setOption("options", "dm", Math.round(dm * 1e6) / 1e6);
  syncDm();
}

function wireDm() {
  $("dm-value").addEventListener("change", (e) => setDm(Number(e.target.value)));
  $("dm-coarse").addEventListener("input", (e) => setDm(Number(e.target.value)));
  $("dm-fine").addEventListener("input", (e) => setDm(Number(e.target.value)));
  $("dm-fine").addEventListener("change", () => {
    $("dm-fine").blur();
    syncDm();
  });
  $("dm-file").addEventListener("click", () => {
    setOption("options", "dm", undefined);
    syncDm();
  });
}

// ---- masks -------------------------------------------------------------------

/** Sorted channel numbers as runs [first, last]. */
function runs(channels) {
  const out = [];
  for (const c of channels) {
    const last = out[out.length - 1];
    if (last && c === last[1] + 1) last[1] = c;
    else out.push([c, c]);
  }
  return out;
}

function renderMasks() {
  const list = $("masks");
  list.textContent = "";
  const read = viewer.shown?.read;
  const masked = state().options.maskChannels ?? [];
  for (const [a, b] of runs(masked)) {
    const item = document.createElement("li");
    const mhz = read ? ` · ${(read.fbottom + a * read.df).toFixed(2)}–${(read.fbottom + (b + 1) * read.df).toFixed(2)} MHz` : "";
    item.textContent = `channels ${a === b ? a : `${a}–${b}`}${mhz}`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "×";
    remove.title = "unmask";
    remove.addEventListener("click", () => maskChannels(a, b, false));
    item.append(remove);
    list.append(item);
  }
  if (masked.length === 0) list.innerHTML = '<li class="hint">none</li>';
  // channels the options' rules masked too (masks, constant channels, channels without data)
  const chosen = new Set(masked);
  const byRules = runs((viewer.shown?.masked ?? []).filter((c) => !chosen.has(c)));
  if (byRules.length) {
    const item = document.createElement("li");
    item.className = "hint";
    item.id = "masked-by-rules";
    item.textContent = `also masked by the processing options: ${byRules
      .map(([a, b]) => `${a === b ? a : `${a}–${b}`} (${(read.fbottom + a * read.df).toFixed(1)}–${(read.fbottom + (b + 1) * read.df).toFixed(1)} MHz)`)
      .join(", ")}`;
    list.append(item);
  }
}

/** Masks (or unmasks) the file's channels a..b. */
function maskChannels(a, b, on) {
  const set = new Set(state().options.maskChannels ?? []);
  for (let c = a; c <= b; c++) on ? set.add(c) : set.delete(c);
  setOption("options", "maskChannels", set.size ? [...set].sort((x, y) => x - y) : undefined);
  renderMasks();
}

/** The frequency (MHz) at a screen height over the heatmap. */
function frequencyAt(y, box) {
  const [f0, f1] = viewer.shown.figure.freqMhz;
  return f0 + ((box.bottom - y) / box.height) * (f1 - f0);
}

/** The file's channels a click or drag covers: a click takes the whole displayed row (a subband), a drag the channels centred inside. */
function channelsBetween(yA, yB, box) {
  const { read, figure } = viewer.shown;
  const clamp = (c) => Math.min(read.nchan - 1, Math.max(0, c));
  if (Math.abs(yA - yB) < 3) {
    const perRow = read.nchan / figure.nchan;
    const row = Math.floor(((box.bottom - yA) / box.height) * figure.nchan);
    return [clamp(row * perRow), clamp((row + 1) * perRow - 1)];
  }
  const [lo, hi] = [frequencyAt(Math.max(yA, yB), box), frequencyAt(Math.min(yA, yB), box)];
  return [clamp(Math.ceil((lo - read.fbottom) / read.df - 0.5)), clamp(Math.floor((hi - read.fbottom) / read.df - 0.5))];
}

function wireFigure() {
  const boxEl = $("figure-box");
  const selection = $("selection");
  let start = null;
  boxEl.addEventListener("mousedown", (e) => {
    const box = heatmapBox();
    if (!box || !viewer.shown) return;
    const inX = e.clientX >= box.left && e.clientX <= box.right;
    if (inX && e.clientY >= box.top && e.clientY <= box.bottom) {
      start = { y: e.clientY, box };
      e.preventDefault();
    } else if (inX && e.clientY < box.top && e.clientY >= box.top - box.height / 3) {
      // The time series: centre the window on the clicked sample.
      const { timeMs, peak, dt } = viewer.shown.figure;
      const t = timeMs[0] + ((e.clientX - box.left) / box.width) * (timeMs[1] - timeMs[0]);
      const sample = Math.floor(t / 1000 / dt + peak + 0.5);
      setOption("options", "peakTime", Number((viewer.shown.read.start + (sample + 0.5) * dt).toFixed(9)));
    }
  });
  window.addEventListener("mousemove", (e) => {
    if (!start) return;
    const outer = boxEl.getBoundingClientRect();
    const top = Math.max(start.box.top, Math.min(start.y, e.clientY));
    const bottom = Math.min(start.box.bottom, Math.max(start.y, e.clientY));
    Object.assign(selection.style, {
      left: `${start.box.left - outer.left}px`,
      width: `${start.box.width}px`,
      top: `${top - outer.top}px`,
      height: `${bottom - top}px`,
    });
    selection.hidden = false;
  });
  window.addEventListener("mouseup", (e) => {
    if (!start) return;
    const [a, b] = channelsBetween(start.y, Math.max(start.box.top, Math.min(start.box.bottom, e.clientY)), start.box);
    start = null;
    selection.hidden = true;
    if (a <= b) maskChannels(a, b, true);
  });
}

// ---- the overview of a file too large to hold -------------------------------------

/** The whole file's length, s. */
const fileSeconds = () => file().samples * (file().axes?.dt ?? 0);

function drawOverview() {
  const canvas = $("overview");
  const overview = viewer.overviews.get(viewer.current);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = canvas.clientWidth * ratio;
  canvas.height = 70 * ratio;
  const ctx = canvas.getContext("2d");
  const total = fileSeconds();
  const { start = 0, duration = total - start } = state().read;
  ctx.fillStyle = "#ff525240";
  ctx.fillRect((start / total) * canvas.width, 0, Math.max(2, (duration / total) * canvas.width), canvas.height);
  if (!overview) return;
  const values = overview.values.filter((v) => v !== null);
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  ctx.strokeStyle = "#1f77b4";
  ctx.lineWidth = ratio;
  ctx.beginPath();
  overview.values.forEach((v, k) => {
    if (v === null) return;
    const x = ((overview.start + (k + 0.5) * overview.dt) / total) * canvas.width;
    const y = canvas.height - 2 - ((v - lo) / (hi - lo || 1)) * (canvas.height - 4);
    k === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
  });
  ctx.stroke();
  $("overview-hint").textContent =
    `The whole file at DM ${overview.dm} (${overview.values.length} points of ${(overview.dt * 1000).toPrecision(3)} ms); the figure shows the shaded part. Click to read another.`;
}

function wireOverview() {
  $("overview-make").addEventListener("click", async () => {
    const index = viewer.current;
    $("overview-make").disabled = true;
    try {
      viewer.overviews.set(index, await (await api("/api/overview", { file: index, state: state() })).json());
      if (index === viewer.current) drawOverview();
    } catch (error) {
      showError(error.message);
    } finally {
      $("overview-make").disabled = false;
    }
  });
  $("overview").addEventListener("click", (e) => {
    const rect = e.target.getBoundingClientRect();
    const total = fileSeconds();
    const { duration = total } = state().read;
    const t = ((e.clientX - rect.left) / rect.width) * total;
    const start = Math.min(Math.max(0, t - duration / 2), Math.max(0, total - duration));
    delete state().options.peakTime; // a time of the old part
    setOption("read", "start", Number(start.toFixed(6)));
    drawOverview();
  });
}

// ---- files and labels ----------------------------------------------------------

function renderFiles() {
  const list = $("file-list");
  list.textContent = "";
  for (const f of viewer.session.files) {
    const item = document.createElement("li");
    item.className = f.index === viewer.current ? "current" : "";
    item.dataset.index = String(f.index);
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = f.name.split(/[\\/]/).pop();
    name.title = f.error ?? f.name;
    const diag = document.createElement("span");
    diag.className = "diag";
    const d = f.diagnostics;
    diag.textContent = [d.snr !== undefined ? `S/N ${d.snr.toFixed(1)}` : "", d.dm !== undefined ? `DM ${d.dm.toFixed(1)}` : ""].filter(Boolean).join(" ");
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = f.error ? "error" : (f.label ?? "");
    item.append(name, diag, label);
    item.addEventListener("click", () => go(f.index));
    list.append(item);
  }
}

function go(index) {
  if (index < 0 || index >= viewer.session.files.length || index === viewer.current) return;
  viewer.current = index;
  const f = file();
  $("file-title").textContent = `${f.name} · ${f.layout ?? f.format} · ${f.channels} channels x ${f.samples} samples`;
  $("export-name").value = f.figureName;
  $("yaml").hidden = true;
  $("yaml-download").hidden = true;
  renderFiles();
  syncControls();
  syncDm();
  $("overview-box").hidden = !f.overview;
  if (f.overview) drawOverview();
  if (f.error) return showError(f.error);
  refresh().then(prefetch);
}

/** Computes the next file's figure in the background, so that stepping on is quick. */
function prefetch() {
  const next = viewer.current + 1;
  const f = viewer.session.files[next];
  if (f && !f.error) api("/api/figure", { file: next, state: viewer.states[next] }).catch(() => undefined);
}

/** Labels the current file (null clears it) and moves on at once; the label is on disk when the server answers. */
async function setLabel(label) {
  const f = file();
  const before = f.label;
  f.label = label;
  renderFiles();
  if (label && $("advance").checked) go(f.index + 1);
  // one at a time, in the order pressed: two requests in flight could arrive in either order
  const saved = viewer.labelling.then(() => api("/api/label", { file: f.index, label }));
  viewer.labelling = saved.catch(() => undefined);
  try {
    await saved;
    document.body.dataset.labelsSaved = String(Number(document.body.dataset.labelsSaved ?? 0) + 1);
  } catch (error) {
    f.label = before;
    renderFiles();
    showError(`label of ${f.name} not saved: ${error.message}`);
  }
}

function wireKeys() {
  document.addEventListener("keydown", (e) => {
    const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement?.tagName) && document.activeElement.type !== "range";
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    const dm = state().options.dm ?? fileDm();
    const actions = {
      ArrowRight: () => go(viewer.current + 1),
      j: () => go(viewer.current + 1),
      ArrowLeft: () => go(viewer.current - 1),
      k: () => go(viewer.current - 1),
      "[": () => setDm(dm - 0.01),
      "]": () => setDm(dm + 0.01),
      "{": () => setDm(dm - 1),
      "}": () => setDm(dm + 1),
      0: () => setLabel(null),
      Backspace: () => setLabel(null),
    };
    for (const { label, key } of viewer.session.labels) actions[key] = () => setLabel(label);
    const action = actions[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  });
}

// ---- export --------------------------------------------------------------------

function exportRequest(formats) {
  return { file: viewer.current, state: state(), name: $("export-name").value.trim(), formats };
}

function chosenFormats() {
  return [...document.querySelectorAll("#export-formats input:checked")].map((i) => i.value);
}

function saveBlob(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function wireExport() {
  const formats = $("export-formats");
  const downloads = $("export-downloads");
  for (const format of viewer.session.formats) {
    const label = document.createElement("label");
    label.innerHTML = `<input type="checkbox" value="${format}"${format === "pdf" ? " checked" : ""}> ${format.toUpperCase()} `;
    formats.append(label);
    const button = document.createElement("button");
    button.type = "button";
    button.id = `download-${format}`;
    button.textContent = `download ${format.toUpperCase()}`;
    button.addEventListener("click", async () => {
      try {
        const response = await api("/api/download", exportRequest([format]));
        const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? `figure.${format}`;
        saveBlob(await response.blob(), name);
      } catch (error) {
        showError(error.message);
      }
    });
    downloads.append(button);
  }
  $("export-yaml").addEventListener("click", async () => {
    try {
      const { yaml } = await (await api("/api/export", exportRequest(chosenFormats()))).json();
      $("yaml").textContent = yaml;
      $("yaml").hidden = false;
      $("yaml-download").hidden = false;
    } catch (error) {
      showError(error.message);
    }
  });
  $("yaml-download").addEventListener("click", () => saveBlob(new Blob([$("yaml").textContent], { type: "text/yaml" }), `${$("export-name").value}.yaml`));
  const manifest = $("export-manifest");
  if (viewer.session.manifest) {
    manifest.hidden = false;
    manifest.textContent = `append to ${viewer.session.manifest}`;
    manifest.addEventListener("click", async () => {
      try {
        const saved = await (await api("/api/manifest", exportRequest(chosenFormats()))).json();
        $("status").textContent = `figure '${saved.name}' appended to ${saved.manifest}`;
        document.body.dataset.appended = saved.name;
      } catch (error) {
        showError(error.message);
      }
    });
  }
}

// ---- start -----------------------------------------------------------------------

async function start() {
  viewer.session = await (await api("/api/session")).json();
  viewer.states = viewer.session.files.map((f) => clone(f.state));
  viewer.current = -1;
  buildControls();
  wireDm();
  wireFigure();
  wireKeys();
  wireExport();
  wireOverview();
  $("label-hint").textContent = viewer.session.labels.map((l) => `${l.key}: ${l.label}`).join(" · ");
  $("files").hidden = viewer.session.files.length < 2;
  const first = viewer.session.files.findIndex((f) => !f.error);
  go(Math.max(0, first));
  await viewer.busy;
  document.body.dataset.ready = "true";
}

start().catch((error) => showError(error.message));
