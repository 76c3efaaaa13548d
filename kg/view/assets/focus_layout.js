// Neighbourhoods and their layouts. Focus views draw nodes as vis-network boxes holding their
// label; a box is fixed in canvas units, so boxes placed apart stay apart at every zoom.
var FOCUS_PAPERS = 22, FOCUS_ENTITIES = 22, FOCUS_MIN_ENTITIES = 12;
// vis-network's bounding box of a box node: its text, its margin, and 6 px more on each side
var BOX_FONT = 13, BOX_FACE = "sans-serif", BOX_MARGIN = 3, BOX_EXTRA = 6, COLUMN_GAP = 70;
var ROW = BOX_FONT + 2 * (BOX_MARGIN + BOX_EXTRA) + 4;
var PAPER_CHARS = 56, FOCUSED_PAPER_CHARS = 40, ENTITY_CHARS = 32;  // the panel has the full title

function boxLabel(i, main) { return shorten(nameOf(i), isPaper(i) ? (main ? FOCUSED_PAPER_CHARS : PAPER_CHARS) : ENTITY_CHARS); }
function boxWidth(i, main) {
  return textWidth(boxLabel(i, main), BOX_FONT + "px " + BOX_FACE) + 2 * (BOX_MARGIN + BOX_EXTRA) + 2;
}
function boxHeight() { return BOX_FONT + 2 * (BOX_MARGIN + BOX_EXTRA); }

// Entities of paper p reached through statements the filters keep (without `except`); cached
// until the filters change (main.js clears it), since a hub's focus asks for thousands of papers.
var paperEntities = new Map();
function entitiesOfPaper(p, except) {
  var out = paperEntities.get(p);
  if (!out) {
    var seen = new Set();
    out = [];
    readFrom[p].forEach(function (k) {
      if (!statementShown(k)) return;
      [ST[k][S_SUBJ], ST[k][S_OBJ]].forEach(function (x) {
        if (!isPaper(x) && !seen.has(x) && typeShown(NODES[x].type)) { seen.add(x); out.push(x); }
      });
    });
    paperEntities.set(p, out);
  }
  return out.indexOf(except) < 0 ? out : out.filter(function (x) { return x !== except; });
}

// The papers of entity e, the entities they share (most shared first) and which of each to draw.
function entityNeighbourhood(e) {
  var papers = visiblePapersOf(e), count = new Map(), entsOf = new Map();
  papers.forEach(function (p) {
    var ents = entitiesOfPaper(p, e);
    entsOf.set(p, ents);
    ents.forEach(function (x) { count.set(x, (count.get(x) || 0) + 1); });
  });
  var ranked = Array.from(count.keys()).sort(function (a, b) {
    return (count.get(b) - count.get(a)) || (NODES[b].papers - NODES[a].papers) || (a - b);
  });
  var shared = ranked.filter(function (x) { return count.get(x) >= 2; }).slice(0, FOCUS_ENTITIES);
  if (shared.length < FOCUS_MIN_ENTITIES) shared = ranked.slice(0, Math.max(shared.length, FOCUS_MIN_ENTITIES));
  var shown = new Set(shared), hits = new Map();
  papers.forEach(function (p) { hits.set(p, entsOf.get(p).filter(function (x) { return shown.has(x); }).length); });
  var drawn = papers.slice().sort(function (a, b) {
    return (hits.get(b) - hits.get(a)) || byPaperRank(a, b);
  }).slice(0, FOCUS_PAPERS);
  return { papers: papers, drawnPapers: drawn, entities: ranked, drawnEntities: shared, entsOf: entsOf };
}

function barycentre(list, neighbours, rowOf) {
  var bc = new Map();
  list.forEach(function (x, i) {
    var rows = neighbours(x).filter(function (y) { return rowOf.has(y); }).map(function (y) { return rowOf.get(y); });
    bc.set(x, rows.length ? rows.reduce(function (a, b) { return a + b; }, 0) / rows.length : i);
  });
  return bc;
}

// Columns: the focus, its papers, the shared entities grouped by type; rows ordered by the
// barycentre of their links so fewer edges cross.
function columnLayout(e, hood) {
  var types = DATA.entity_types.concat(["Other"]);
  var ents = hood.drawnEntities.slice().sort(function (a, b) {
    return (types.indexOf(NODES[a].type) - types.indexOf(NODES[b].type)) || (a - b);
  });
  var entRow = new Map(ents.map(function (x, i) { return [x, i]; }));
  var papers = hood.drawnPapers.slice();
  var pb = barycentre(papers, function (p) { return hood.entsOf.get(p); }, entRow);
  papers.sort(function (a, b) { return (pb.get(a) - pb.get(b)) || (a - b); });
  var paperRow = new Map(papers.map(function (p, i) { return [p, i]; }));
  var papersOfEnt = function (x) { return papers.filter(function (p) { return hood.entsOf.get(p).indexOf(x) >= 0; }); };
  var eb = barycentre(ents, papersOfEnt, paperRow);
  ents.sort(function (a, b) {
    return (types.indexOf(NODES[a].type) - types.indexOf(NODES[b].type)) || (eb.get(a) - eb.get(b)) || (a - b);
  });
  var wide = function (list) { return list.reduce(function (m, i) { return Math.max(m, boxWidth(i)); }, 0); };
  var wp = wide(papers), we = wide(ents), wf = boxWidth(e, true);
  var x1 = wf / 2 + COLUMN_GAP + wp / 2, x2 = x1 + wp / 2 + COLUMN_GAP + we / 2;
  var pos = new Map([[e, { x: 0, y: 0 }]]);
  papers.forEach(function (p, i) { pos.set(p, { x: x1, y: (i - (papers.length - 1) / 2) * ROW }); });
  var gaps = 0, ys = [];
  ents.forEach(function (x, i) {
    if (i && NODES[x].type !== NODES[ents[i - 1]].type) gaps++;
    ys.push(i * ROW + gaps * ROW / 2);
  });
  var mid = ys.length ? ys[ys.length - 1] / 2 : 0;
  ents.forEach(function (x, i) { pos.set(x, { x: x2, y: ys[i] - mid }); });
  return pos;
}

// The paper in the middle, its entities in a column on each side, grouped by type.
function sidesLayout(p, ents) {
  var types = DATA.entity_types.concat(["Other"]);
  var sorted = ents.slice().sort(function (a, b) {
    return (types.indexOf(NODES[a].type) - types.indexOf(NODES[b].type)) || (NODES[b].papers - NODES[a].papers) || (a - b);
  });
  var half = Math.ceil(sorted.length / 2), sides = [sorted.slice(0, half), sorted.slice(half)];
  var wp = boxWidth(p, true), pos = new Map([[p, { x: 0, y: 0 }]]);
  sides.forEach(function (list, side) {
    var w = list.reduce(function (m, i) { return Math.max(m, boxWidth(i)); }, 0);
    var x = (side ? 1 : -1) * (wp / 2 + COLUMN_GAP * 0.7 + w / 2);
    list.forEach(function (e, i) { pos.set(e, { x: x, y: (i - (list.length - 1) / 2) * ROW }); });
  });
  return pos;
}
