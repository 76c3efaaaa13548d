// Overview labels, drawn by the page in screen pixels over vis-network's canvas.
//
// A label's box has a fixed size on screen, so in canvas units it shrinks as one zooms in.
// Zoom is cut into levels (a factor 2^(1/4) apart); going from the coarsest level up, each
// level keeps every label accepted below it and adds, biggest node first, those whose box
// overlaps none accepted and none bigger left out at this level (so small labels never take
// the place of a big one). A label accepted at level z therefore overlaps no other drawn label
// at any zoom >= z, and drawing at zoom s the labels accepted at the level just below s means
// no two drawn labels overlap at any zoom. Levels are computed when first reached.
var LEVELS_PER_OCTAVE = 4, LEVEL_MIN = -8, LEVEL_MAX = 12;  // scales 2^-8 .. 2^12
var LABEL_PAD = 3;  // px around the text (the halo)

function Labeller(network) {
  this.network = network;
  this.items = [];
  this.visible = function () { return true; };
  this.drawn = [];
  this.showAll = false;  // tests: draw every label, to prove that the overlap check can fail
  this.reset();
  var self = this;
  network.on("afterDrawing", function (ctx) { self.draw(ctx); });
}
Labeller.prototype.setItems = function (items) {  // [{id, x, y, text, size}], most important first
  this.items = items;
  items.forEach(function (it) {
    it.font = (it.bold ? "600 " : "") + it.size + "px sans-serif";
    it.w = textWidth(it.text, it.font) + 2 * LABEL_PAD;
    it.h = Math.ceil(it.size * 1.25) + 2 * LABEL_PAD;
  });
  this.reset();
};
Labeller.prototype.reset = function () { this.level = []; this.accepted = []; this.next = null; this.maxW = 0; this.maxH = 0; };
Labeller.prototype.levelOf = function (scale) { return Math.floor(Math.log2(scale) * LEVELS_PER_OCTAVE + 1e-9); };
Labeller.prototype._compute = function (upTo) {
  var items = this.items, level = this.level, vis = this.visible, accepted = this.accepted;
  if (this.next === null) {
    for (var i = 0; i < items.length; i++) {
      level[i] = vis(items[i].id) ? Infinity : undefined;
      if (level[i] === Infinity) { this.maxW = Math.max(this.maxW, items[i].w); this.maxH = Math.max(this.maxH, items[i].h); }
    }
    this.next = LEVEL_MIN * LEVELS_PER_OCTAVE;
  }
  for (var k = this.next; k <= upTo; k++) {
    var s = Math.pow(2, k / LEVELS_PER_OCTAVE), cw = this.maxW / s, ch = this.maxH / s, grid = new Map();
    var key = function (cx, cy) { return cx + "," + cy; };
    var put = function (j) {
      var it = items[j], cx = Math.floor(it.x / cw), cy = Math.floor(it.y / ch), g = key(cx, cy);
      if (!grid.has(g)) grid.set(g, []);
      grid.get(g).push(j);
    };
    accepted.forEach(put);
    for (var a = 0; a < items.length; a++) {
      if (level[a] !== Infinity) continue;
      var it = items[a], cx = Math.floor(it.x / cw), cy = Math.floor(it.y / ch), free = true;
      for (var dx = -1; dx <= 1 && free; dx++) {
        for (var dy = -1; dy <= 1 && free; dy++) {
          var cell = grid.get(key(cx + dx, cy + dy));
          if (!cell) continue;
          for (var c = 0; c < cell.length; c++) {
            var o = items[cell[c]];
            if (Math.abs(o.x - it.x) * s < (o.w + it.w) / 2 && Math.abs(o.y - it.y) * s < (o.h + it.h) / 2) { free = false; break; }
          }
        }
      }
      if (free) { level[a] = k; accepted.push(a); }
      put(a);  // a label left out still keeps smaller ones off its place at this level
    }
  }
  this.next = Math.max(this.next, upTo + 1);
};
Labeller.prototype.draw = function (ctx) {
  var scale = this.network.getScale(), k = this.levelOf(scale);
  var drawn = this.drawn = [];
  if (!this.items.length) return;
  k = Math.min(k, LEVEL_MAX * LEVELS_PER_OCTAVE);
  if (k < LEVEL_MIN * LEVELS_PER_OCTAVE && !this.showAll) return;
  if (!this.showAll) this._compute(k);
  var ratio = ctx.canvas.width / ctx.canvas.clientWidth || 1;
  var origin = this.network.canvasToDOM({ x: 0, y: 0 }), w = ctx.canvas.clientWidth, h = ctx.canvas.clientHeight;
  ctx.save();
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.lineJoin = "round";
  ctx.strokeStyle = "rgba(255,255,255,0.92)"; ctx.fillStyle = "#1d1d1f"; ctx.lineWidth = 2 * LABEL_PAD;
  for (var i = 0; i < this.items.length; i++) {
    var lv = this.level[i];
    if (this.showAll ? !this.visible(this.items[i].id) : !(lv !== undefined && lv <= k)) continue;
    var it = this.items[i];
    var x = it.x * scale + origin.x, y = it.y * scale + origin.y;
    if (x + it.w < 0 || y + it.h < 0 || x - it.w > w || y - it.h > h) continue;
    ctx.font = it.font;
    ctx.strokeText(it.text, x, y);
    ctx.fillText(it.text, x, y);
    drawn.push({ id: it.id, text: it.text, font: it.font, x: x, y: y });
  }
  ctx.restore();
};
