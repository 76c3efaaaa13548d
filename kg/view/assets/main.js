// Two vis-network canvases stacked: the overview (entities, positions from the build, physics
// off) made once, and the focus view re-filled on each click. Going back to the overview only
// swaps which canvas is visible, so it keeps its zoom.
var status = document.getElementById("kg-status"), where = document.getElementById("kg-where");
var overviewButton = document.getElementById("kg-overview");
var netOptions = {
  autoResize: true, physics: { enabled: false },
  layout: { improvedLayout: false, randomSeed: 7 },
  interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: NE > 600, keyboard: false, multiselect: false },
  nodes: { borderWidth: 1, font: { size: 0 } },
  edges: { smooth: false, selectionWidth: 1.5, color: { inherit: false } }
};

function nodeTip(i) {
  var n = NODES[i], d = el("div");
  d.appendChild(el("div", n.type, "kg-tip-type"));
  d.appendChild(el("div", nameOf(i)));
  if (n.aliases && n.aliases.length) d.appendChild(el("div", "aliases: " + n.aliases.join(", ")));
  if (!isPaper(i)) d.appendChild(el("div", "papers: " + n.papers));
  else if (n.date) d.appendChild(el("div", "date: " + n.date));
  return d;
}
function fillColor(i) {
  var n = NODES[i];
  if (state.color === "type") return typeColor(n.type);
  var c = DATA.communities[n.c];
  return c ? c.color : typeColor(n.type);
}

// ---- overview
var counts = new Int32Array(NE), papersSeen = new Set();
var entityEdges = [];  // outperforms / extends between entities, one per (subject, predicate, object)
(function () {
  var seen = new Map();
  ST.forEach(function (s, k) {
    if (isPaper(s[S_SUBJ]) || isPaper(s[S_OBJ])) return;
    var key = s[S_SUBJ] + ":" + s[S_PRED] + ":" + s[S_OBJ];
    if (!seen.has(key)) { seen.set(key, entityEdges.length); entityEdges.push({ a: s[S_SUBJ], b: s[S_OBJ], pred: s[S_PRED], ks: [] }); }
    entityEdges[seen.get(key)].ks.push(k);
  });
})();
// The fragment's state, else the node the page was written for; known before the overview is
// built so that it is built as shown (updating a DataSet item by item costs far more).
state = decodeState(location.hash);
if (state.node === null && !location.hash && DATA.focus !== null && byId.has(DATA.focus)) state.node = byId.get(DATA.focus);

var nodeShown = new Array(NE).fill(true), edgeShown = new Map();
// One pass over the statements, paper by paper: an entity's count goes up once per paper.
function computeVisibility() {
  var mark = new Int32Array(NE).fill(-1), shownPapers = new Set(), p, j, k, x;
  counts.fill(0);
  for (p = NE; p < NODES.length; p++) {
    if (!paperShown(p)) continue;
    for (j = 0; j < readFrom[p].length; j++) {
      k = readFrom[p][j];
      if (!state.rels.has(DATA.predicates[ST[k][S_PRED]])) continue;
      x = ST[k][S_SUBJ]; if (x < NE && mark[x] !== p) { mark[x] = p; counts[x]++; }
      x = ST[k][S_OBJ]; if (x < NE && mark[x] !== p) { mark[x] = p; counts[x]++; }
    }
  }
  for (var i = 0; i < NE; i++) nodeShown[i] = typeShown(NODES[i].type) && counts[i] >= state.min;
  for (p = NE; p < NODES.length; p++) {
    for (j = 0; j < readFrom[p].length && !shownPapers.has(p); j++) {
      k = readFrom[p][j];
      if ((ST[k][S_SUBJ] < NE && nodeShown[ST[k][S_SUBJ]]) || (ST[k][S_OBJ] < NE && nodeShown[ST[k][S_OBJ]])) {
        if (statementShown(k)) shownPapers.add(p);
      }
    }
  }
  papersSeen = shownPapers;
}
function usageHidden(k) { var e = DATA.edges[k]; return !nodeShown[e[0]] || !nodeShown[e[1]]; }
function claimHidden(k) { var e = entityEdges[k]; return !nodeShown[e.a] || !nodeShown[e.b] || !e.ks.some(statementShown); }
function nodeColor(i) { return { background: fillColor(i), border: "rgba(0,0,0,0.35)", highlight: { background: fillColor(i), border: "#000" } }; }

computeVisibility();
function nodeItem(i) {
  var n = NODES[i];
  return { id: i, x: n.x, y: n.y, size: n.r, shape: SHAPES[n.type] || SHAPES.Other, title: nodeTip(i), hidden: false, color: nodeColor(i) };
}
// Like edges, the DataSet holds the entities shown only.
var nodeInSet = new Array(NE).fill(false);
var overviewNodes = new vis.DataSet(visibleEntities().map(function (i) { nodeInSet[i] = true; return nodeItem(i); }));
// Edges cost vis-network far more than nodes, so its DataSet holds only the edges shown.
function edgeItem(id) {
  var k = parseInt(id.slice(1), 10);
  if (id[0] === "u") {
    var u = DATA.edges[k];
    return { id: id, from: u[0], to: u[1], width: 0.5 + Math.log2(u[2]), color: { color: "rgba(120,130,150,0.22)", highlight: "#333", hover: "#555" },
             title: el("div", u[2] + " paper" + (u[2] === 1 ? "" : "s") + " use both") };
  }
  var e = entityEdges[k];
  return { id: id, from: e.a, to: e.b, width: 1 + Math.log2(e.ks.length), arrows: { to: { enabled: true, scaleFactor: 0.5 } },
           color: { color: predColor(e.pred), opacity: 0.8, highlight: "#000" }, title: el("div", predName(e.pred) + " (" + e.ks.length + ")") };
}
var edgeIds = DATA.edges.map(function (e, k) { return "u" + k; }).concat(entityEdges.map(function (e, k) { return "r" + k; }));
function edgeHidden(id) { var k = parseInt(id.slice(1), 10); return id[0] === "u" ? usageHidden(k) : claimHidden(k); }
var overviewEdges = new vis.DataSet(edgeIds.filter(function (id) {
  var shown = !edgeHidden(id);
  edgeShown.set(id, shown);
  return shown;
}).map(edgeItem));
var overview = new vis.Network(document.getElementById("kg-network"), { nodes: overviewNodes, edges: overviewEdges }, netOptions);
api.network = overview;
api.timings.network = performance.now();
var overviewLabels = new Labeller(overview);
overviewLabels.visible = function (i) { return nodeShown[i]; };

// Apply the filters to the overview: only the items whose visibility or colour changed.
function refreshOverview(old) {
  if (!old) { overviewLabels.setItems(overviewItems()); return; }  // built as shown
  computeVisibility();
  var recolour = old && old.color !== state.color, nu = [], eu = [], gone = [], added = [];
  for (var i = 0; i < NE; i++) {
    if (nodeShown[i] && !nodeInSet[i]) added.push(nodeItem(i));
    else if (!nodeShown[i] && nodeInSet[i]) gone.push(i);
    else if (nodeShown[i] && recolour) nu.push({ id: i, color: nodeColor(i) });
    nodeInSet[i] = nodeShown[i];
  }
  if (gone.length) overviewNodes.remove(gone);
  if (added.length) overviewNodes.add(added);
  if (nu.length) overviewNodes.update(nu);
  gone = [];
  edgeIds.forEach(function (id) {
    var shown = !edgeHidden(id);
    if (edgeShown.get(id) === shown) return;
    edgeShown.set(id, shown);
    if (shown) eu.push(edgeItem(id)); else gone.push(id);
  });
  if (gone.length) overviewEdges.remove(gone);
  if (eu.length) overviewEdges.add(eu);
  overviewLabels.setItems(overviewItems());
}
function overviewItems() {
  var most = Math.max.apply(null, [1].concat(Array.from(counts)));
  var order = [];
  for (var i = 0; i < NE; i++) order.push(i);
  order.sort(function (a, b) { return (counts[b] - counts[a]) || (a - b); });
  return order.map(function (i) {
    return { id: i, x: NODES[i].x, y: NODES[i].y, text: shorten(NODES[i].label, 28),
             size: Math.round(11 + 9 * Math.sqrt(Math.max(0, counts[i] - 1) / Math.max(1, most - 1))) };
  });
}
function visibleEntities() { var ids = []; for (var i = 0; i < NE; i++) if (nodeShown[i]) ids.push(i); return ids; }
// Fit boxes [left, top, right, bottom] (canvas units) into a network's canvas; vis-network's
// own fit leaves a wide margin, and cannot know the focus boxes before they are drawn.
function fitBoxes(network, container, boxes, maxScale, animation) {
  if (!boxes.length) return;
  var l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
  boxes.forEach(function (bx) { l = Math.min(l, bx[0]); t = Math.min(t, bx[1]); r = Math.max(r, bx[2]); b = Math.max(b, bx[3]); });
  var W = container.clientWidth, H = container.clientHeight;
  var scale = Math.min(maxScale, (W - 40) / Math.max(1, r - l), (H - 40) / Math.max(1, b - t));
  network.moveTo({ position: { x: (l + r) / 2, y: (t + b) / 2 }, scale: scale, animation: animation });
}
function discs(ids) { return ids.map(function (i) { var n = NODES[i]; return [n.x - n.r, n.y - n.r, n.x + n.r, n.y + n.r]; }); }
function fitOverview() { fitBoxes(overview, overviewContainer, discs(visibleEntities()), 2, false); }
function showCommunity(ci) {
  var ids = visibleEntities().filter(function (i) { return NODES[i].c === ci; });
  if (state.node !== null) go({ node: null }, true);
  fitBoxes(overview, overviewContainer, discs(ids), 2, { duration: 400 });
}
overview.on("click", function (p) {
  if (p.nodes && p.nodes.length) go({ node: p.nodes[0] }, true);
  else if (p.edges && p.edges.length && String(p.edges[0])[0] === "r") {
    var e = entityEdges[parseInt(String(p.edges[0]).slice(1), 10)], h = el("h2");
    h.appendChild(nodeLink(e.a)); h.appendChild(document.createTextNode(" " + predName(e.pred) + " ")); h.appendChild(nodeLink(e.b));
    showEdge(e.ks.filter(statementShown), h);
  }
});

// ---- focus
var focusContainer = document.getElementById("kg-focus"), overviewContainer = document.getElementById("kg-network");
var focusNet = new vis.Network(focusContainer, { nodes: [], edges: [] }, netOptions);
api.focusNetwork = focusNet;
var focusEdgeStatements = new Map(), focusInfo = null;
function boxNode(i, pos, main) {
  var n = NODES[i], c = isPaper(i) ? "#eef0f4" : typeColor(n.type);  // focus views colour by type
  return { id: i, x: pos.x, y: pos.y, label: boxLabel(i, main), shape: "box", title: nodeTip(i), margin: BOX_MARGIN,
           font: { size: BOX_FONT, face: BOX_FACE, color: isPaper(i) && !main ? "#222" : "#fff" },
           borderWidth: main ? 3 : 1, color: { background: main ? "#333" : c, border: isPaper(i) ? "#9aa5b8" : "rgba(0,0,0,0.3)",
                                               highlight: { background: main ? "#333" : c, border: "#000" } } };
}
function renderFocus(i) {
  var pos, nodes = [], edges = [], info;
  focusEdgeStatements = new Map();
  var link = function (a, b, k) {
    var key = a < b ? a + "-" + b : b + "-" + a;
    if (!focusEdgeStatements.has(key)) {
      focusEdgeStatements.set(key, []);
      edges.push({ id: key, from: ST[k][S_SUBJ] === b ? b : a, to: ST[k][S_SUBJ] === b ? a : b, color: { color: predColor(ST[k][S_PRED]), opacity: 0.55, highlight: "#000" },
                   arrows: isPaper(a) || isPaper(b) ? undefined : { to: { enabled: true, scaleFactor: 0.5 } }, title: el("div", predName(ST[k][S_PRED])) });
    }
    focusEdgeStatements.get(key).push(k);
  };
  if (isPaper(i)) {
    var ents = entitiesOfPaper(i, -1);
    pos = sidesLayout(i, ents);
    info = { papers: [i], entities: ents, totalPapers: 1, totalEntities: ents.length };
  } else {
    var hood = entityNeighbourhood(i);
    pos = columnLayout(i, hood);
    info = { papers: hood.drawnPapers, entities: hood.drawnEntities, totalPapers: hood.papers.length, totalEntities: hood.entities.length };
  }
  pos.forEach(function (xy, j) { nodes.push(boxNode(j, xy, j === i)); });
  // every kept statement read from a drawn paper between two drawn nodes becomes (part of) an edge
  info.papers.forEach(function (p) {
    readFrom[p].forEach(function (k) {
      if (!statementShown(k)) return;
      var s = ST[k], a = s[S_SUBJ], b = s[S_OBJ];
      if (pos.has(a) && pos.has(b)) link(a, b, k);
      else if (a === p && pos.has(b)) link(p, b, k);
    });
  });
  focusInfo = info;
  focusInfo.pos = pos;
  focusNet.setData({ nodes: nodes, edges: edges });
}
// Fit the focus view from the layout's own boxes (vis measures boxes only once drawn).
function fitFocus() {
  var h = boxHeight(), boxes = [];
  focusInfo.pos.forEach(function (xy, j) {
    var w = boxWidth(j, j === state.node);
    boxes.push([xy.x - w / 2, xy.y - h / 2, xy.x + w / 2, xy.y + h / 2]);
  });
  focusNet.setSize("100%", "100%");
  fitBoxes(focusNet, focusContainer, boxes, 1.25, false);
}
focusNet.on("click", function (p) {
  if (p.nodes && p.nodes.length) { if (p.nodes[0] !== state.node) go({ node: p.nodes[0] }, true); else showNode(p.nodes[0]); }
  else if (p.edges && p.edges.length) {
    var ks = focusEdgeStatements.get(p.edges[0]) || [], s = ST[ks[0]], h = el("h2");
    if (!s) return;
    h.appendChild(nodeLink(s[S_SUBJ])); h.appendChild(document.createTextNode(" " + predName(s[S_PRED]) + " ")); h.appendChild(nodeLink(s[S_OBJ]));
    showEdge(ks, h);
  }
});

function showMode(focused) {
  focusContainer.classList.toggle("kg-off", !focused);
  overviewContainer.classList.toggle("kg-off", focused);
  overviewButton.hidden = !focused;
}
function updateStatus() {
  if (state.node === null) {
    var shown = visibleEntities().length;
    status.textContent = shown + " of " + NE + " entities (\u2265 " + state.min + " paper" + (state.min === 1 ? "" : "s") + "), " +
      papersSeen.size + " of " + (NODES.length - NE) + " papers, " + DATA.communities.filter(function (c) { return c.size > 1; }).length + " communities";
    if (NODES.length < DATA.total.nodes) status.textContent += " (graph: " + DATA.total.nodes + " nodes)";
    where.textContent = "";
  } else {
    var f = focusInfo;
    where.textContent = GLYPHS[NODES[state.node].type] + " " + shorten(nameOf(state.node), 60);
    status.textContent = isPaper(state.node) ? f.entities.length + " entities"
      : f.papers.length + " of " + f.totalPapers + " papers, " + f.entities.length + " of " + f.totalEntities + " entities they share" +
        (f.papers.length < f.totalPapers ? " (all papers in the panel)" : "");
  }
}

onState = function (old, next) {
  var t0 = performance.now();
  var filtersChanged = !old || !sameFilters(old, next);
  if (filtersChanged) { paperEntities.clear(); refreshOverview(old); }
  syncControls();
  if (next.node !== null) {
    var moved = filtersChanged || !old || old.node !== next.node, t1 = performance.now();
    showNode(next.node);
    var t2 = performance.now();
    if (moved) renderFocus(next.node);
    var t3 = performance.now();
    showMode(true);
    if (moved) fitFocus();
    api.timings.focus = { panel: t2 - t1, layout: t3 - t2, fit: performance.now() - t3 };
  } else {
    showMode(false);
    if (old && old.node !== null) panel.hidden = true;
  }
  updateStatus();
  api.timings.lastChange = performance.now() - t0;
};

// ---- API for tests, benchmarks and the console
api.nodeCount = function () { return NODES.length; };
api.entityCount = function () { return NE; };
api.edgeCount = function () { return DATA.edges.length + entityEdges.length; };
api.visibleNodeCount = function () { return visibleEntities().length; };
api.isVisible = function (id) { var i = byId.get(id); return i !== undefined && i < NE && nodeShown[i]; };
api.mode = function () { return state.node === null ? "overview" : "focus"; };
api.activeNetwork = function () { return state.node === null ? overview : focusNet; };
api.selectedNode = function () { return state.node === null ? null : NODES[state.node].id; };
api.focusNodes = function () { return focusNet.body.data.nodes.getIds().map(function (i) { return NODES[i].id; }); };
api.labels = overviewLabels;
api.indexOf = function (id) { return byId.get(id); };
api.nodeId = function (i) { return NODES[i].id; };
api.drawnLabels = function () { return overviewLabels.drawn; };
api.matches = function (text) { return matches(text, 50).map(function (i) { return NODES[i].id; }); };
api.select = function (id) { if (!byId.has(id)) return false; go({ node: byId.get(id) }, true); return true; };
api.focus = api.select;
api.overview = function () { go({ node: null }, true); };
api.search = function (text) {
  var found = matches(text, 1);
  if (!found.length) { status.textContent = "Nothing matches \u201c" + String(text) + "\u201d"; return null; }
  go({ node: found[0] }, true);
  return NODES[found[0]].id;
};
api.setTypeVisible = function (t, v) { var s = new Set(state.types); if (v) s.add(t); else s.delete(t); go({ types: s }, false); };
api.setPredicateVisible = function (p, v) { var s = new Set(state.rels); if (v) s.add(p); else s.delete(p); go({ rels: s }, false); };
api.setMinPapers = function (n) { go({ min: Math.max(1, parseInt(n, 10) || 1) }, false); };
api.setSince = function (key) { go({ since: key || null }, false); };
api.setColorBy = function (c) { go({ color: c === "type" ? "type" : "community" }, false); };
api.state = function () { return encodeState(state); };
api.panelText = function () { return panel.hidden ? "" : panelBody.textContent; };

overviewButton.addEventListener("click", function () { go({ node: null }, true); });
document.addEventListener("keydown", function (ev) {
  if (ev.key === "Escape" && state.node !== null && document.activeElement !== searchInput) go({ node: null }, true);
});

// ---- start
api.timings.data = performance.now();
onState(null, state);
fitOverview();
overview.once("afterDrawing", function () {
  api.timings.ready = performance.now();
  api.ready = true;
  document.body.setAttribute("data-ready", "1");
  if (NODES.length > NE) {  // what the first focus needs, made while the reader looks at the overview
    setTimeout(function () { paperRank(NE); }, 0);
    setTimeout(function () { abstractOf(NE); }, 0);
    setTimeout(function () { for (var p = NE; p < NODES.length; p++) entitiesOfPaper(p, -1); }, 0);
  }
});
overview.redraw();
