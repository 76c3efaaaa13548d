// The side panel: what a node is, its papers, and the evidence of every relation; a paper's
// abstract with the sentences its relations were read from highlighted.
var panel = document.getElementById("kg-panel"), panelBody = document.getElementById("kg-panel-body");
document.getElementById("kg-close").addEventListener("click", function () { panel.hidden = true; });

function nodeLink(i) {
  var b = el("span", nameOf(i), "kg-node-link");
  b.setAttribute("role", "link"); b.tabIndex = 0;
  b.addEventListener("click", function () { go({ node: i }, true); });
  b.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go({ node: i }, true); });
  return b;
}
function kv(parent, key, value) {
  var d = el("div", null, "kg-kv"); d.appendChild(el("b", key + ": "));
  d.appendChild(typeof value === "string" ? document.createTextNode(value) : value);
  parent.appendChild(d);
}
function linkList(parent, key, urls) {
  if (!urls || !urls.length) return;
  parent.appendChild(el("h3", key));
  var ul = el("ul");
  urls.forEach(function (u) { var li = el("li"); li.appendChild(safeLink(u)); ul.appendChild(li); });
  parent.appendChild(ul);
}
// Append render(item) for the first `cap` items, and a button revealing the rest.
function appendCapped(parent, items, render, cap, what) {
  items.slice(0, cap).forEach(function (x) { parent.appendChild(render(x)); });
  if (items.length > cap) {
    var more = el("span", "Show all " + items.length + " " + what, "kg-node-link kg-more");
    more.setAttribute("role", "button"); more.tabIndex = 0;
    more.addEventListener("click", function () {
      var frag = document.createDocumentFragment();
      items.slice(cap).forEach(function (x) { frag.appendChild(render(x)); });
      parent.replaceChild(frag, more);
    });
    parent.appendChild(more);
  }
}
function statementBlock(k) {
  var s = ST[k], q = el("div", null, "kg-evidence");
  q.appendChild(el("span", evidenceOf(s) || "(no evidence sentence)", "kg-sentence"));
  var from = el("span", null, "kg-from");
  from.appendChild(document.createTextNode("\u2014 ")); from.appendChild(nodeLink(s[S_PAPER]));
  if (typeof s[S_CONF] === "number") from.appendChild(document.createTextNode(" (confidence " + s[S_CONF].toFixed(2) + ")"));
  if (DATA.rules[s[S_RULE]]) from.appendChild(el("span", " \u00b7 rule " + DATA.rules[s[S_RULE]], "kg-count"));
  q.appendChild(from);
  return q;
}
function badge(type, color) { var b = el("span", type, "kg-type"); b.style.background = color; return b; }
function openPanel() { panel.hidden = false; panel.scrollTop = 0; }

// Relations of node i grouped by (direction, predicate, other node), each with its evidence.
function relationGroups(i) {
  var groups = new Map();
  touching[i].forEach(function (k) {
    if (!statementShown(k)) return;
    var s = ST[k], out = s[S_SUBJ] === i, other = out ? s[S_OBJ] : s[S_SUBJ];
    var key = (out ? "o" : "i") + s[S_PRED] + ":" + other;
    if (!groups.has(key)) groups.set(key, { out: out, pred: s[S_PRED], other: other, ks: [] });
    groups.get(key).ks.push(k);
  });
  return Array.from(groups.values()).sort(function (a, b) { return (b.ks.length - a.ks.length) || (a.pred - b.pred) || (a.other - b.other); });
}
function relationBlock(g) {
  var d = el("div", null, "kg-rel"), head = el("div", null, "kg-rel-head");
  head.appendChild(document.createTextNode(g.out ? predName(g.pred) + " \u2192 " : "\u2190 " + predName(g.pred) + " \u2014 "));
  head.appendChild(nodeLink(g.other));
  d.appendChild(head);
  appendCapped(d, g.ks, statementBlock, 10, "statements");
  return d;
}

function showEntity(i) {
  var n = NODES[i], papers = visiblePapersOf(i);
  panelBody.replaceChildren();
  panelBody.appendChild(badge(n.type, typeColor(n.type)));
  var c = DATA.communities[n.c];
  if (c) { panelBody.appendChild(document.createTextNode(" ")); panelBody.appendChild(badge("community: " + shorten(c.name, 40), c.color)); }
  panelBody.appendChild(el("h2", n.label));
  if (n.aliases.length) kv(panelBody, "Aliases", n.aliases.join(", "));
  kv(panelBody, "IRI", safeLink(DATA.base_iri + n.id));
  kv(panelBody, "Papers", n.papers + (papers.length !== n.papers ? " (" + papers.length + " with the current filters)" : ""));
  if (papers.length) {
    panelBody.appendChild(el("h3", "Papers (" + papers.length + ")"));
    var ul = el("ul");
    papers.sort(byPaperRank);
    appendCapped(ul, papers, function (p) {
      var li = el("li"); li.appendChild(nodeLink(p));
      if (NODES[p].date) li.appendChild(el("span", " \u00b7 " + NODES[p].date, "kg-count"));
      return li;
    }, 50, "papers");
    panelBody.appendChild(ul);
  }
  var groups = relationGroups(i);
  if (groups.length) {
    panelBody.appendChild(el("h3", "Relations (" + groups.length + ")"));
    appendCapped(panelBody, groups, relationBlock, 25, "relations");
  }
  openPanel();
}

// Text with the spans of statements [start, end) marked; a mark names its relations.
function highlighted(text, ks, offsetOf) {
  var cuts = new Set([0, text.length]);
  ks.forEach(function (k) { var o = offsetOf(k); cuts.add(o[0]); cuts.add(o[1]); });
  var points = Array.from(cuts).filter(function (x) { return x >= 0 && x <= text.length; }).sort(function (a, b) { return a - b; });
  var frag = document.createDocumentFragment();
  for (var j = 0; j + 1 < points.length; j++) {
    var a = points[j], b = points[j + 1], piece = text.slice(a, b);
    var covering = ks.filter(function (k) { var o = offsetOf(k); return o[0] <= a && o[1] >= b; });
    if (!covering.length) { frag.appendChild(document.createTextNode(piece)); continue; }
    var m = el("mark", piece, "kg-ev");
    m.title = covering.map(function (k) {
      var s = ST[k];
      return (isPaper(s[S_SUBJ]) ? "" : nameOf(s[S_SUBJ]) + " ") + predName(s[S_PRED]) + " " + nameOf(s[S_OBJ]);
    }).join("\n");
    var target = ST[covering[0]][isPaper(ST[covering[0]][S_OBJ]) ? S_SUBJ : S_OBJ];
    m.addEventListener("click", function (t) { return function () { go({ node: t }, true); }; }(target));
    frag.appendChild(m);
  }
  return frag;
}

function showPaper(p) {
  var n = NODES[p], ks = readFrom[p].filter(statementShown);
  panelBody.replaceChildren();
  panelBody.appendChild(badge("Paper", typeColor("Paper")));
  var inTitle = ks.filter(function (k) { return ST[k][S_START] < 0; });
  var inAbstract = ks.filter(function (k) { return ST[k][S_START] >= 0 && ST[k][S_EVID] === null; });
  var h = el("h2");
  h.appendChild(inTitle.length ? highlighted(n.title, inTitle, function () { return [0, n.title.length]; }) : document.createTextNode(n.title));
  panelBody.appendChild(h);
  if (n.date) kv(panelBody, "Date", n.date);
  if (n.authors.length) kv(panelBody, "Authors", n.authors.join(", "));
  kv(panelBody, "IRI", safeLink(DATA.base_iri + n.id));
  linkList(panelBody, "Links", n.urls);
  linkList(panelBody, "Code", n.code);
  var abstract = abstractOf(p);
  if (abstract) {
    panelBody.appendChild(el("h3", "Abstract"));
    var ab = el("p", null, "kg-abstract");
    ab.appendChild(highlighted(abstract, inAbstract, function (k) { return [ST[k][S_START], ST[k][S_END]]; }));
    panelBody.appendChild(ab);
  }
  if (ks.length) {
    panelBody.appendChild(el("h3", "Relations read from this paper (" + ks.length + ")"));
    ks.forEach(function (k) {
      var s = ST[k], d = el("div", null, "kg-rel"), head = el("div", null, "kg-rel-head");
      if (!isPaper(s[S_SUBJ])) { head.appendChild(nodeLink(s[S_SUBJ])); head.appendChild(document.createTextNode(" ")); }
      head.appendChild(document.createTextNode(predName(s[S_PRED]) + " \u2192 "));
      head.appendChild(nodeLink(s[S_OBJ]));
      if (typeof s[S_CONF] === "number") head.appendChild(el("span", " (confidence " + s[S_CONF].toFixed(2) + ")", "kg-count"));
      d.appendChild(head);
      d.appendChild(el("div", evidenceOf(s), "kg-evidence"));
      panelBody.appendChild(d);
    });
  }
  if (n.sources.length) {
    panelBody.appendChild(el("h3", "Sources"));
    var ul = el("ul"); n.sources.forEach(function (s) { ul.appendChild(el("li", s)); }); panelBody.appendChild(ul);
  }
  openPanel();
}

function showEdge(ks, title) {
  panelBody.replaceChildren();
  panelBody.appendChild(badge("Relation", "#666"));
  panelBody.appendChild(title);
  panelBody.appendChild(el("h3", "Evidence (" + ks.length + ")"));
  appendCapped(panelBody, ks, statementBlock, 100, "statements");
  openPanel();
}
function showNode(i) { if (isPaper(i)) showPaper(i); else showEntity(i); }
