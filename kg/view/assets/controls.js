// The left column (type and relation filters, date and paper sliders, colours, communities)
// and the search box. Each control calls go(); onState (main.js) redraws.
function checkbox(parent, glyph, color, text, count, onchange) {
  var lab = el("label"), cb = el("input");
  cb.type = "checkbox"; cb.checked = true;
  cb.addEventListener("change", function () { onchange(cb.checked); });
  lab.appendChild(cb);
  var g = el("span", glyph, glyph ? "kg-glyph" : "kg-line");
  if (glyph) g.style.color = color; else g.style.background = color;
  lab.appendChild(g);
  lab.appendChild(el("span", text));
  lab.appendChild(el("span", "(" + count + ")", "kg-count"));
  parent.appendChild(lab);
  return cb;
}
var typeBoxes = {}, predBoxes = {};
(function buildFilters() {
  var typeCount = {}, predCount = {};
  NODES.forEach(function (n) { typeCount[n.type] = (typeCount[n.type] || 0) + 1; });
  ST.forEach(function (s) { predCount[s[S_PRED]] = (predCount[s[S_PRED]] || 0) + 1; });
  var types = document.getElementById("kg-types");
  ALL_TYPES.concat(["Paper"]).forEach(function (t) {
    if (t === "Other" && !typeCount[t]) return;
    var cb = checkbox(types, GLYPHS[t], typeColor(t), t === "Paper" ? "Paper (in focus)" : t, typeCount[t] || 0, function (v) {
      var next = new Set(state.types); if (v) next.add(t); else next.delete(t);
      go({ types: next }, false);
    });
    if (t === "Paper") { cb.disabled = true; cb.parentNode.title = "Papers are drawn when a node is focused"; }
    else typeBoxes[t] = cb;
  });
  var preds = document.getElementById("kg-preds");
  DATA.predicates.forEach(function (p, k) {
    predBoxes[p] = checkbox(preds, null, predColor(k), p, predCount[k] || 0, function (v) {
      var next = new Set(state.rels); if (v) next.add(p); else next.delete(p);
      go({ rels: next }, false);
    });
  });
})();

// "Papers since": a slider over the distinct dates; position 0 means every paper.
var sinceKeys = [], sinceText = new Map();
NODES.forEach(function (n) { if (n.type === "Paper" && n.dk && !sinceText.has(n.dk)) { sinceText.set(n.dk, n.date); sinceKeys.push(n.dk); } });
sinceKeys.sort();
var sinceInput = document.getElementById("kg-since"), sinceLabel = document.getElementById("kg-since-label");
document.getElementById("kg-since-box").hidden = sinceKeys.length === 0;
sinceInput.max = String(sinceKeys.length);
sinceInput.addEventListener("input", function () {
  var k = parseInt(sinceInput.value, 10);
  go({ since: k > 0 ? sinceKeys[k - 1] : null }, false);
});

// "Minimum papers": a slider over the paper counts entities have.
var minValues = Array.from(new Set([1, DEFAULT_MIN].concat(NODES.slice(0, NE).map(function (n) { return n.papers; })))).sort(function (a, b) { return a - b; });
var minInput = document.getElementById("kg-min"), minLabel = document.getElementById("kg-min-label");
minInput.max = String(minValues.length - 1);
minInput.addEventListener("input", function () { go({ min: minValues[parseInt(minInput.value, 10)] }, false); });

var colorSelect = document.getElementById("kg-color");
colorSelect.addEventListener("change", function () { go({ color: colorSelect.value }, false); });

function syncControls() {
  ALL_TYPES.forEach(function (t) { if (typeBoxes[t]) typeBoxes[t].checked = state.types.has(t); });
  DATA.predicates.forEach(function (p) { predBoxes[p].checked = state.rels.has(p); });
  var si = state.since === null ? 0 : sinceKeys.indexOf(state.since) + 1;
  if (state.since !== null && si === 0) si = sinceKeys.filter(function (k) { return k < state.since; }).length + 1;
  sinceInput.value = String(si);
  sinceLabel.textContent = state.since === null ? "all papers" : "since " + (sinceText.get(state.since) || state.since) + " (undated papers hidden)";
  var mi = 0;
  minValues.forEach(function (v, i) { if (v <= state.min) mi = i; });
  minInput.value = String(mi);
  minLabel.textContent = "\u2265 " + state.min + " paper" + (state.min === 1 ? "" : "s");
  colorSelect.value = state.color;
}

var communityList = document.getElementById("kg-communities");
DATA.communities.slice(0, 12).forEach(function (c, ci) {
  if (c.size < 2) return;
  var row = el("div", null, "kg-community"), sw = el("span", null, "kg-swatch");
  sw.style.background = c.color;
  row.appendChild(sw); row.appendChild(el("span", c.name, "kg-name")); row.appendChild(el("span", "(" + c.size + ")", "kg-count"));
  row.title = "Show this community";
  row.addEventListener("click", function () { showCommunity(ci); });
  communityList.appendChild(row);
});

// ---- search: labels, aliases and titles; exact, then prefix, then substring matches
var searchNames = NODES.map(function (n) {
  return { label: String(n.type === "Paper" ? n.title : n.label).toLowerCase(), aliases: (n.aliases || []).map(function (a) { return String(a).toLowerCase(); }) };
});
function matches(text, limit) {
  var q = String(text || "").trim().toLowerCase();
  if (!q) return [];
  var hits = [];
  searchNames.forEach(function (nm, i) {
    var best = 9;
    if (nm.label === q) best = 0; else if (nm.label.indexOf(q) === 0) best = 2; else if (nm.label.indexOf(q) > 0) best = 4;
    for (var a = 0; a < nm.aliases.length && best > 1; a++) {
      var al = nm.aliases[a], r = al === q ? 1 : al.indexOf(q) === 0 ? 3 : al.indexOf(q) > 0 ? 5 : 9;
      if (r < best) best = r;
    }
    if (best < 9) hits.push([best, i]);
  });
  hits.sort(function (x, y) {
    return (x[0] - y[0]) || ((isPaper(x[1]) ? 1 : 0) - (isPaper(y[1]) ? 1 : 0)) || ((NODES[y[1]].papers || 0) - (NODES[x[1]].papers || 0)) || (x[1] - y[1]);
  });
  return hits.slice(0, limit || hits.length).map(function (h) { return h[1]; });
}
var searchInput = document.getElementById("kg-search"), results = document.getElementById("kg-results");
function showResults() {
  var found = matches(searchInput.value, 15);
  results.replaceChildren();
  found.forEach(function (i) {
    var n = NODES[i], li = el("li"), g = el("span", GLYPHS[n.type] || GLYPHS.Other, "kg-glyph");
    g.style.color = typeColor(n.type);
    li.appendChild(g); li.appendChild(document.createTextNode(" " + nameOf(i)));
    if (n.aliases && n.aliases.length) li.appendChild(el("span", " (" + n.aliases.join(", ") + ")", "kg-count"));
    if (!isPaper(i)) li.appendChild(el("span", " \u00b7 " + n.papers + " papers", "kg-count"));
    li.title = n.type;
    li.addEventListener("mousedown", function (ev) { ev.preventDefault(); results.hidden = true; go({ node: i }, true); });
    results.appendChild(li);
  });
  results.hidden = found.length === 0;
}
searchInput.addEventListener("input", showResults);
searchInput.addEventListener("blur", function () { results.hidden = true; });
searchInput.addEventListener("keydown", function (ev) {
  if (ev.key === "Enter") { ev.preventDefault(); results.hidden = true; api.search(searchInput.value); }
  else if (ev.key === "Escape") { results.hidden = true; }
});
