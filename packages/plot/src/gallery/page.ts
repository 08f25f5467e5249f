/**
 * The gallery page: one self-contained HTML file (styles and script inline,
 * no server, no CDN, nothing fetched but the figures' own images, which a
 * Content-Security-Policy enforces). The entries are JSON in the page; the
 * script lays out one page of cards at a time (100k figures stay fast),
 * sorts by any column, filters by name, label and minimum S/N, and never
 * puts data into HTML (text and attributes only).
 */
import { createHash } from "node:crypto";

/** One figure of the gallery. */
export interface GalleryEntry {
  name: string;
  /** The image shown, relative to the page (a raster or SVG output), if any. */
  image?: string;
  /** Every output, relative to the page. */
  outputs: string[];
  /** The first input, relative to the manifest's folder. */
  input?: string;
  snr?: number;
  dm?: number;
  widthMs?: number;
  label?: string;
}

export interface GalleryPage {
  title: string;
  entries: GalleryEntry[];
  /** Figures of the manifest not in the gallery (failed or not built). */
  notShown: number;
}

const STYLE = `
body{font:14px/1.4 "DejaVu Sans",system-ui,sans-serif;margin:0;background:#fafafa;color:#222}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 12px;display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;z-index:1}
h1{font-size:16px;margin:0 12px 0 0}
label{display:inline-flex;gap:4px;align-items:center}
input[type=search]{width:14em}
input[type=number]{width:5em}
#grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px;padding:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:4px;padding:6px;display:flex;flex-direction:column;gap:4px}
.card img{width:100%;height:auto;background:#eee}
.name{font-weight:bold;word-break:break-all}
.facts{display:grid;grid-template-columns:auto 1fr;gap:0 8px;font-size:12px;color:#444}
.label{display:inline-block;border-radius:3px;padding:0 4px;background:#def;font-size:12px}
.links a{margin-right:6px;font-size:12px}
nav{display:flex;gap:8px;align-items:center;padding:0 12px 12px}
`;

// Plain ES2017, no modules: it runs from file:// in any browser.
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById("gallery-data").textContent);
  var PAGE = 120;
  var state = { sort: "name", descending: false, text: "", label: "", minSnr: null, page: 0 };
  var $ = function (id) { return document.getElementById(id); };
  var labels = {};
  data.entries.forEach(function (e) { if (e.label) labels[e.label] = true; });
  Object.keys(labels).sort().forEach(function (l) {
    var o = document.createElement("option"); o.value = l; o.textContent = l; $("label").appendChild(o);
  });
  function number(v, digits) { return v === undefined || v === null ? "\\u2013" : Number(v.toFixed(digits)).toString(); }
  function compare(a, b) {
    var x = a[state.sort], y = b[state.sort];
    var missingX = x === undefined || x === null || x === "", missingY = y === undefined || y === null || y === "";
    if (missingX || missingY) return missingX === missingY ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : missingX ? 1 : -1;
    var c = typeof x === "number" ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
    if (c === 0) c = a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    return state.descending ? -c : c;
  }
  function visible() {
    var text = state.text.toLowerCase();
    return data.entries.filter(function (e) {
      if (text && e.name.toLowerCase().indexOf(text) < 0 && (e.input || "").toLowerCase().indexOf(text) < 0) return false;
      if (state.label === "(none)" ? !!e.label : state.label && e.label !== state.label) return false;
      if (state.minSnr !== null && !(e.snr >= state.minSnr)) return false;
      return true;
    }).sort(compare);
  }
  function fact(dl, term, value) {
    var dt = document.createElement("span"); dt.textContent = term;
    var dd = document.createElement("span"); dd.textContent = value; dd.className = "v-" + term.split(" ")[0].toLowerCase().replace("/", "");
    dl.appendChild(dt); dl.appendChild(dd);
  }
  function card(e) {
    var div = document.createElement("div"); div.className = "card"; div.setAttribute("data-name", e.name);
    if (e.image) {
      var img = document.createElement("img"); img.loading = "lazy"; img.alt = e.name; img.src = e.image; div.appendChild(img);
    }
    var name = document.createElement("div"); name.className = "name"; name.textContent = e.name; div.appendChild(name);
    var dl = document.createElement("div"); dl.className = "facts";
    fact(dl, "S/N", number(e.snr, 1));
    fact(dl, "DM", e.dm === undefined ? "\\u2013" : number(e.dm, 2) + " pc cm\\u207b\\u00b3");
    fact(dl, "width", e.widthMs === undefined ? "\\u2013" : number(e.widthMs, 3) + " ms");
    div.appendChild(dl);
    if (e.label) { var l = document.createElement("span"); l.className = "label"; l.textContent = e.label; div.appendChild(l); }
    var links = document.createElement("div"); links.className = "links";
    e.outputs.forEach(function (o) {
      var a = document.createElement("a"); a.href = o; a.textContent = o.split(".").pop(); links.appendChild(a);
    });
    div.appendChild(links);
    return div;
  }
  function render() {
    var shown = visible();
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    state.page = Math.min(state.page, pages - 1);
    var grid = $("grid"); grid.textContent = "";
    shown.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (e) { grid.appendChild(card(e)); });
    $("count").textContent = shown.length + " of " + data.entries.length + " figures";
    $("page").textContent = "page " + (state.page + 1) + " of " + pages;
    $("prev").disabled = state.page === 0; $("next").disabled = state.page >= pages - 1;
    $("direction").textContent = state.descending ? "\\u2193 descending" : "\\u2191 ascending";
  }
  $("sort").onchange = function () { state.sort = this.value; state.page = 0; render(); };
  $("direction").onclick = function () { state.descending = !state.descending; render(); };
  $("filter").oninput = function () { state.text = this.value; state.page = 0; render(); };
  $("label").onchange = function () { state.label = this.value; state.page = 0; render(); };
  $("min-snr").oninput = function () { state.minSnr = this.value === "" ? null : Number(this.value); state.page = 0; render(); };
  $("prev").onclick = function () { state.page--; render(); };
  $("next").onclick = function () { state.page++; render(); };
  render();
})();
`;

const sha256 = (text: string) => createHash("sha256").update(text).digest("base64");

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's HTML. */
export function galleryHtml(page: GalleryPage): string {
  // JSON inside <script>: "<" escaped, so no "</script>" or "<!--" can end or bend it
  const json = JSON.stringify({ entries: page.entries }).replace(/</g, "\\u003c");
  const csp = [
    "default-src 'none'",
    "img-src 'self'",
    `style-src 'sha256-${sha256(STYLE)}'`,
    `script-src 'sha256-${sha256(SCRIPT)}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const title = escapeHtml(page.title);
  const notShown = page.notShown > 0 ? `<span id="not-shown">${page.notShown} figure(s) failed or not built: see plot status</span>` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${title}</h1>
<label>sort <select id="sort"><option value="name">name</option><option value="snr">S/N</option><option value="dm">DM</option><option value="widthMs">width</option><option value="label">label</option></select></label>
<button id="direction" type="button"></button>
<label>name <input id="filter" type="search" placeholder="filter"></label>
<label>label <select id="label"><option value="">any</option><option value="(none)">(none)</option></select></label>
<label>S/N &ge; <input id="min-snr" type="number" step="any"></label>
<span id="count"></span>
${notShown}
</header>
<main id="grid"></main>
<nav><button id="prev" type="button">previous</button><span id="page"></span><button id="next" type="button">next</button></nav>
<script id="gallery-data" type="application/json">${json}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
