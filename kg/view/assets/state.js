// What the reader chose: the focused node and the filters. It lives in the URL fragment,
// e.g. #node=dataset%2Fimagenet&types=Dataset,Task&rels=evaluatesOn&since=09-11&min=2&color=type
// (a value at its default is left out), so a link or the back button brings a view back.
var ALL_TYPES = DATA.entity_types.concat(["Other"]);
var DEFAULT_MIN = DATA.min_papers || 1;
var state = { node: null, types: new Set(ALL_TYPES), rels: new Set(DATA.predicates), since: null, min: DEFAULT_MIN, color: "community" };

function typeShown(t) { return state.types.has(t); }
function paperShown(p) { return state.since === null || (NODES[p].dk !== null && NODES[p].dk >= state.since); }
function statementShown(k) { return state.rels.has(predName(ST[k][S_PRED])) && paperShown(ST[k][S_PAPER]); }
function visiblePapersOf(e) {
  var seen = new Set();
  touching[e].forEach(function (k) { if (statementShown(k)) seen.add(ST[k][S_PAPER]); });
  return Array.from(seen).sort(function (a, b) { return a - b; });
}

function encodeState(s) {
  var q = [];
  var add = function (k, v) { q.push(k + "=" + encodeURIComponent(v).replace(/%2C/g, ",")); };  // names hold no comma
  if (s.node !== null) add("node", NODES[s.node].id);
  if (s.types.size !== ALL_TYPES.length) add("types", ALL_TYPES.filter(function (t) { return s.types.has(t); }).join(","));
  if (s.rels.size !== DATA.predicates.length) add("rels", DATA.predicates.filter(function (p) { return s.rels.has(p); }).join(","));
  if (s.since !== null) add("since", s.since);
  if (s.min !== DEFAULT_MIN) add("min", String(s.min));
  if (s.color !== "community") add("color", s.color);
  return q.join("&");
}

function decodeState(hash) {
  var s = { node: null, types: new Set(ALL_TYPES), rels: new Set(DATA.predicates), since: null, min: DEFAULT_MIN, color: "community" };
  var known = function (list, text) { return new Set(text ? text.split(",").filter(function (x) { return list.indexOf(x) >= 0; }) : []); };
  String(hash || "").replace(/^#/, "").split("&").forEach(function (part) {
    if (!part) return;
    var eq = part.indexOf("="), key = eq < 0 ? part : part.slice(0, eq), value = "";
    try { value = decodeURIComponent(eq < 0 ? "" : part.slice(eq + 1)); } catch (err) { return; }
    if (key === "node" && byId.has(value)) s.node = byId.get(value);
    else if (key === "types") s.types = known(ALL_TYPES, value);
    else if (key === "rels") s.rels = known(DATA.predicates, value);
    else if (key === "since" && /^[0-9-]{5,10}$/.test(value)) s.since = value;
    else if (key === "min" && /^[0-9]+$/.test(value)) s.min = Math.max(1, parseInt(value, 10));
    else if (key === "color" && (value === "type" || value === "community")) s.color = value;
  });
  return s;
}

function sameFilters(a, b) {
  var setEq = function (x, y) { return x.size === y.size && Array.from(x).every(function (v) { return y.has(v); }); };
  return setEq(a.types, b.types) && setEq(a.rels, b.rels) && a.since === b.since && a.min === b.min && a.color === b.color;
}

// Change the state: a new focus is a new history entry, a filter change replaces the current one.
var onState = function () {};
function go(patch, push) {
  var next = { node: state.node, types: new Set(state.types), rels: new Set(state.rels), since: state.since, min: state.min, color: state.color };
  Object.keys(patch).forEach(function (k) { next[k] = patch[k]; });
  var hash = encodeState(next), url = "#" + hash;
  applyState(next);
  if (hash === location.hash.replace(/^#/, "")) return;
  try {
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  } catch (err) {  // some browsers refuse history entries for file: pages
    if (push) location.hash = hash; else location.replace(url);
  }
}
function applyState(next) {
  var old = state;
  state = next;
  onState(old, next);
}
function fromLocation() {
  if (encodeState(state) !== location.hash.replace(/^#/, "")) applyState(decodeState(location.hash));
}
window.addEventListener("hashchange", fromLocation);
window.addEventListener("popstate", fromLocation);
