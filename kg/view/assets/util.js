// Data, indexes and DOM helpers shared by the other scripts (they run in one function scope).
var api = window.kgView = { ready: false, timings: { start: performance.now() } };
var DATA = JSON.parse(document.getElementById("kg-data").textContent);
var NODES = DATA.nodes, NE = DATA.n_entities, ST = DATA.statements;
api.timings.parsed = performance.now();
// statement fields
var S_SUBJ = 0, S_PRED = 1, S_OBJ = 2, S_PAPER = 3, S_START = 4, S_END = 5, S_CONF = 6, S_RULE = 7, S_EVID = 8;
var SHAPES = { Method: "dot", Dataset: "diamond", Task: "triangle", Hardware: "triangleDown", Other: "star", Paper: "square" };
var GLYPHS = { Method: "\u25cf", Dataset: "\u25c6", Task: "\u25b2", Hardware: "\u25bc", Other: "\u2605", Paper: "\u25a0" };
var PRED_COLORS = ["#6f4e7c", "#8c8c8c", "#f28e2b", "#e15759", "#59a14f", "#1f77b4", "#17becf", "#bcbd22", "#7f7f7f"];

var byId = new Map();
var touching = NODES.map(function () { return []; });  // node index -> statements with it as subject or object
var readFrom = NODES.map(function () { return []; });  // paper index -> statements read from it
NODES.forEach(function (n, i) { byId.set(n.id, i); });
ST.forEach(function (s, k) {
  touching[s[S_SUBJ]].push(k);
  if (s[S_OBJ] !== s[S_SUBJ]) touching[s[S_OBJ]].push(k);
  readFrom[s[S_PAPER]].push(k);
});
api.timings.indexed = performance.now();

function isPaper(i) { return i >= NE; }
// Papers newest first, then by title: rank[i - NE], computed when first needed.
var paperRankCache = null;
function paperRank(p) {
  if (!paperRankCache) {
    var order = [];
    for (var i = NE; i < NODES.length; i++) order.push(i);
    order.sort(function (a, b) { return cmpStr(NODES[b].dk || "", NODES[a].dk || "") || cmpStr(NODES[a].title, NODES[b].title) || (a - b); });
    paperRankCache = new Int32Array(NODES.length - NE);
    order.forEach(function (q, r) { paperRankCache[q - NE] = r; });
  }
  return paperRankCache[p - NE];
}
function byPaperRank(a, b) { return paperRank(a) - paperRank(b); }
function nameOf(i) { var n = NODES[i]; return n.type === "Paper" ? n.title : n.label; }
function predName(k) { return DATA.predicates[k]; }
function predColor(k) { return PRED_COLORS[k % PRED_COLORS.length]; }
function typeColor(t) { return DATA.colors[t] || DATA.colors.Other; }
// Abstracts are most of a big page: parsed when a panel first needs one.
var ABSTRACTS = null;
function abstractOf(p) {
  if (ABSTRACTS === null) ABSTRACTS = JSON.parse(document.getElementById("kg-abstracts").textContent);
  return ABSTRACTS[p - NE] || "";
}
function evidenceOf(s) {
  if (s[S_EVID] !== null) return s[S_EVID];
  return s[S_START] < 0 ? NODES[s[S_PAPER]].title : abstractOf(s[S_PAPER]).slice(s[S_START], s[S_END]);
}

function el(tag, text, cls) {
  var e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function shorten(s, n) { s = String(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; }
function safeLink(url) {
  var u = null;
  try { u = new URL(String(url)); } catch (e) { u = null; }
  if (u && (u.protocol === "http:" || u.protocol === "https:")) {
    var a = el("a", url);
    a.href = u.href; a.target = "_blank"; a.rel = "noopener noreferrer";
    return a;
  }
  return el("span", url);
}
function cmpStr(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
var measureCtx = document.createElement("canvas").getContext("2d");
function textWidth(text, font) { measureCtx.font = font; return measureCtx.measureText(text).width; }
