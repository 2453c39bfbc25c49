/* The bridge between the page and vis-network.
 * Everything from the graph is text: labels and hover texts become canvas text or DOM text nodes, never HTML.
 *
 * Layouts (payload.layout, chosen by the server for the view):
 *   force  - ego networks: physics until stable, then frozen (large views come with server positions);
 *   date   - lineage: a left-to-right tree, one column per year, with a year axis drawn over the canvas;
 *   layers - the dependency explorer: left to right, one column per distance in the dependency model.
 * After every layout, expand or cluster opening, label boxes are pushed apart until none overlap, and the
 * view is zoomed so that labels are at least MIN_FONT_PX on screen. Views of more than payload.clusterOver
 * nodes fold groups (tasks of one document, leaves of one node) into clusters that open on click. */
(function () {
  "use strict";
  var container = document.getElementById("network");
  if (!container || typeof vis === "undefined") { return; }
  var payload = JSON.parse(document.getElementById("network-data").textContent);
  var colours = JSON.parse(document.getElementById("network-colours").textContent);
  var status = document.getElementById("net-status");
  var layout = payload.layout || "force";
  var hierarchical = layout === "date" || layout === "layers";
  var FONT = 14;          // node label size in canvas units
  var MIN_FONT_PX = 12;   // smallest label size on screen at the initial zoom
  var GAP = 6;            // canvas units kept free between two label boxes
  var EDGE_LABELS_UNTIL = 25;  // more edges than this: relations only in the hover text
  var hiddenCats = {};
  var catNames = {};
  var catColours = {};
  var axis = [];          // [{level, text}] of the hierarchical layouts
  var clusterSeq = 0;

  /* graph.text.fold: lower case, 'đ' -> 'd', no combining marks, single spaces */
  function fold(text) {
    return String(text === undefined || text === null ? "" : text).toLowerCase().replace(/đ/g, "d")
      .normalize("NFD").replace(/\p{Mn}/gu, "").replace(/\s+/g, " ").trim();
  }
  /* the folded text as words: punctuation is not typed ("vung ang thu nghiem" finds "… (thử nghiệm)") */
  function words(text) { return fold(text).replace(/[^\p{L}\p{N}]+/gu, " ").trim(); }
  function textTitle(text) {
    if (text === undefined || text === null || text === "") { return undefined; }
    var el = document.createElement("div");
    el.className = "net-tip";
    el.textContent = String(text);
    return el;
  }
  function dark(hex) {
    var m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    if (!m) { return false; }
    var l = 0.2126 * parseInt(m[1], 16) + 0.7152 * parseInt(m[2], 16) + 0.0722 * parseInt(m[3], 16);
    return l < 140;
  }
  function firstLine(text) { return String(text || "").split("\n")[0]; }
  function note(n) {
    var cat = n.cat || n.kind;
    if (!catNames[cat]) { catNames[cat] = n.catName || n.kind; }
    if (!catColours[cat]) { catColours[cat] = (typeof n.color === "string" && n.color) || colours[n.kind] || "#ccc"; }
  }
  function prepNode(n) {
    var copy = Object.assign({}, n);
    note(n);
    copy.title = textTitle(n.title);
    copy.label = String(n.label === undefined ? "" : n.label);
    copy.key = n.key || fold(n.label);
    copy.hidden = !!hiddenCats[n.cat || n.kind];
    if (copy.shape === "box" && typeof copy.color === "string" && dark(copy.color)) {
      copy.font = { color: "#fff" };  // text inside a dark box
    }
    return copy;
  }
  var edgeLabels = layout !== "date" && payload.edges.length <= EDGE_LABELS_UNTIL;
  function prepEdge(e) {
    var copy = Object.assign({}, e);
    copy.title = textTitle(e.title);
    copy.label = edgeLabels ? String(e.label === undefined ? "" : e.label) : undefined;
    return copy;
  }

  var nodes = new vis.DataSet(payload.nodes.map(prepNode));
  var edges = new vis.DataSet(payload.edges.map(prepEdge));

  /* levels of the hierarchical layouts */
  function dateLevels() {
    var years = {};
    var undated = false;
    nodes.forEach(function (n) { if (n.year) { years[n.year] = true; } else { undated = true; } });
    var list = Object.keys(years).sort();
    var offset = undated ? 1 : 0;
    axis = undated ? [{ level: 0, text: "Không rõ năm / undated" }] : [];
    list.forEach(function (y, i) { axis.push({ level: i + offset, text: y }); });
    var updates = [];
    nodes.forEach(function (n) {
      var level = n.year ? list.indexOf(n.year) + offset : 0;
      if (n.level !== level) { updates.push({ id: n.id, level: level }); }
    });
    if (updates.length) { nodes.update(updates); }
  }
  function layerLevels() {
    var names = payload.levelNames || {};
    axis = Object.keys(names).map(function (k) { return { level: Number(k), text: names[k] }; });
  }
  if (layout === "date") { dateLevels(); } else if (layout === "layers") { layerLevels(); }

  var serverLayout = payload.serverLayout;
  var physicsOptions = {
    enabled: true, solver: "forceAtlas2Based",
    forceAtlas2Based: { gravitationalConstant: -90, springLength: 170, avoidOverlap: 0.6 },
    stabilization: { enabled: true, iterations: 400, fit: false }
  };
  var options = {
    nodes: { font: { size: FONT, face: "sans-serif", multi: false }, borderWidth: 1,
             chosen: { node: true, label: false },  // a selected label keeps its size: boxes stay apart
             scaling: { label: { drawThreshold: 0 } },  // labels drawn (and so measured) at any zoom
             widthConstraint: { maximum: 190 } },
    edges: { font: { size: 11, align: "middle", color: "#555" }, color: { color: "#999", highlight: "#333" },
             arrows: { to: { enabled: true, scaleFactor: 0.5 } },
             smooth: hierarchical ? { type: "cubicBezier", forceDirection: "horizontal", roundness: 0.4 }
                                  : { type: "continuous" } },
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false },
    physics: (serverLayout || hierarchical) ? { enabled: false } : physicsOptions,
    layout: hierarchical ? {
      hierarchical: { enabled: true, direction: "LR", levelSeparation: layout === "layers" ? 300 : 270, nodeSpacing: 95, treeSpacing: 110,
                      blockShifting: true, edgeMinimization: true, parentCentralization: true }
    } : { improvedLayout: nodes.length < 120 }
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.policykgNetwork = network;  // for tests and the console
  container.dataset.layout = serverLayout ? "server" : layout === "force" ? "physics" : layout;
  container.dataset.ready = "stabilising";

  function visibleIds() {
    return network.body.nodeIndices.filter(function (id) {
      var n = network.body.nodes[id];
      return n && !n.options.hidden;
    });
  }

  /* push label boxes apart; in the hierarchical layouts only along the column (y) */
  function deoverlap() {
    var ids = visibleIds();
    var pos = network.getPositions(ids);
    var items = ids.map(function (id) {
      var b = network.getBoundingBox(id);
      var p = pos[id];
      return { id: id, x: p.x, y: p.y, l: b.left - p.x, r: b.right - p.x, t: b.top - p.y, b: b.bottom - p.y };
    });
    var moved = {};
    for (var iter = 0; iter < 2000; iter++) {
      var any = false;
      for (var i = 0; i < items.length; i++) {
        var a = items[i];
        for (var j = i + 1; j < items.length; j++) {
          var c = items[j];
          var ox = Math.min(a.x + a.r, c.x + c.r) - Math.max(a.x + a.l, c.x + c.l) + GAP;
          if (ox <= 0) { continue; }
          var oy = Math.min(a.y + a.b, c.y + c.b) - Math.max(a.y + a.t, c.y + c.t) + GAP;
          if (oy <= 0) { continue; }
          any = true;
          var push = iter < 200 ? 0.5 : 0.5 + Math.random() * 0.5;  // shake a jam loose if it persists
          if (hierarchical || oy < ox) {
            var dy = (a.y === c.y ? -1 : (a.y < c.y ? -1 : 1)) * (oy * push + 0.5);
            a.y += dy; c.y -= dy;
          } else {
            var dx = (a.x === c.x ? -1 : (a.x < c.x ? -1 : 1)) * (ox * push + 0.5);
            a.x += dx; c.x -= dx;
          }
          moved[a.id] = a; moved[c.id] = c;
        }
      }
      if (!any) { break; }
      if (iter % 150 === 149) {  // still jammed: spread everything out a little from the middle, keep the shape
        var mx = 0, my = 0;
        items.forEach(function (it) { mx += it.x; my += it.y; });
        mx /= items.length; my /= items.length;
        items.forEach(function (it) {
          if (!hierarchical) { it.x = mx + (it.x - mx) * 1.15; }
          it.y = my + (it.y - my) * 1.15;
          moved[it.id] = it;
        });
      }
    }
    Object.keys(moved).forEach(function (id) { network.moveNode(id, moved[id].x, moved[id].y); });
    return Object.keys(moved).length;
  }

  /* the zoom: fit, then never so far out that labels drop under MIN_FONT_PX */
  function readableScale() { return MIN_FONT_PX / FONT; }
  function fitReadable(only, around) {  // (only: the nodes to show, around: the one to centre on)
    network.fit(only ? { nodes: only, animation: false } : { animation: false });
    var scale = readableScale();
    if (network.getScale() >= scale) { return; }
    // too far out: zoom in on the focus (else the most linked node), shifted so the view holds as much of
    // the graph as it can (a layered view starts at its first column, not with half a screen of nothing)
    var id = around || anchor();
    var at = network.getPositions([id])[id];
    var box = bounds(only);
    var halfW = container.clientWidth / 2 / scale, halfH = container.clientHeight / 2 / scale;
    function clamp(v, lo, hi) { return lo > hi ? (lo + hi) / 2 : Math.min(Math.max(v, lo), hi); }  // fits: centre
    var x = clamp(at.x, box.left + halfW - 20 / scale, box.right - halfW + 20 / scale);
    var y = clamp(at.y, box.top + halfH - 40 / scale, box.bottom - halfH + 20 / scale);
    network.moveTo({ position: { x: x, y: y }, scale: scale, animation: false });
  }
  function bounds(only) {
    var box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
    (only || visibleIds()).forEach(function (id) {
      var b = network.getBoundingBox(id);
      box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
      box.top = Math.min(box.top, b.top); box.bottom = Math.max(box.bottom, b.bottom);
    });
    return box;
  }
  function anchor() {
    if (payload.focus && network.body.nodes[payload.focus] && visibleIds().indexOf(payload.focus) >= 0) {
      return payload.focus;
    }
    var best = null, most = -1;
    visibleIds().forEach(function (id) {
      var n = network.getConnectedEdges(id).length;
      if (n > most) { best = id; most = n; }
    });
    return best;
  }
  /* run after the next frame is drawn (label boxes are measured when drawn) */
  function afterDraw(fn) {
    network.once("afterDrawing", function () { setTimeout(fn, 0); });
    network.redraw();
  }
  /* vis measures a label when it draws it, and draws only what is in view: show everything for one frame,
   * run ``fn`` on fresh label boxes, go back to the view the reader had */
  function measured(fn, then) {
    var view = { position: network.getViewPosition(), scale: network.getScale() };
    network.fit({ animation: false });
    afterDraw(function () {
      fn();
      network.moveTo({ position: view.position, scale: view.scale, animation: false });
      if (then) { then(); }
    });
  }
  function busy(on) { container.dataset.busy = on ? "1" : ""; }

  /* let ``ids`` move under physics while every other node stays where it is, then tidy labels */
  function settle(ids, done) {
    busy(true);
    var free = {};
    ids.forEach(function (id) { free[id] = true; });
    function finish() {
      measured(deoverlap, function () {
        busy(false);
        if (done) { done(); }
      });
    }
    if (hierarchical || !ids.length) { finish(); return; }
    var all = nodes.getIds().concat(Object.keys(clusters));
    all.forEach(function (id) {
      if (!network.body.nodes[id]) { return; }
      var fixedNow = !free[id];
      network.body.nodes[id].setOptions({ physics: true, fixed: { x: fixedNow, y: fixedNow } });
    });
    network.setOptions({ physics: Object.assign({}, physicsOptions, { stabilization: { enabled: false } }) });
    var finished = false;
    function stop() {
      if (finished) { return; }
      finished = true;
      network.setOptions({ physics: { enabled: false } });
      all.forEach(function (id) {
        if (network.body.nodes[id]) { network.body.nodes[id].setOptions({ fixed: { x: false, y: false } }); }
      });
      finish();
    }
    network.once("stabilizationIterationsDone", stop);
    network.stabilize(250);
    setTimeout(stop, 6000);
  }

  /* clusters: groups of nodes folded into one that opens on click */
  var clusters = {};  // id -> {ids, kind}
  function clusterGroups() {
    var groups = {};
    nodes.forEach(function (n) {
      if (n.id === payload.focus || n.hidden || !network.body.nodes[n.id]) { return; }
      if (network.clustering.findNode(n.id).length > 1) { return; }
      var owner = null;
      var ownerLabel = "";
      if (n.doc) {
        owner = n.doc;
        ownerLabel = n.docLabel || "";
      } else {
        var around = network.getConnectedNodes(n.id);
        if (around.length === 1 && !clusters[around[0]]) {
          owner = around[0];
          var o = nodes.get(owner);
          ownerLabel = o ? firstLine(o.label) : "";
        }
      }
      if (!owner) { return; }
      var key = [n.cat || n.kind, owner, n.level === undefined ? "" : n.level].join("|");
      if (!groups[key]) {
        groups[key] = { cat: n.cat || n.kind, kind: n.kind, owner: owner, ownerLabel: ownerLabel, level: n.level,
                        ids: [] };
      }
      groups[key].ids.push(n.id);
    });
    return Object.keys(groups).map(function (k) { return groups[k]; })
      .filter(function (g) { return g.ids.length >= 3; })
      .sort(function (a, b) { return b.ids.length - a.ids.length; });
  }
  function foldBig() {
    var visible = visibleIds().length;
    if (visible <= payload.clusterOver) { return 0; }
    var made = 0;
    clusterGroups().forEach(function (g) {
      if (visible <= payload.clusterOver) { return; }
      var members = {};
      g.ids.forEach(function (id) { members[id] = true; });
      var id = "cluster:" + (++clusterSeq);
      var name = catNames[g.cat] || g.kind;
      var label = "+" + g.ids.length + " " + name.toLowerCase() + (g.ownerLabel ? "\n" + g.ownerLabel : "");
      var tip = g.ids.length + " " + name.toLowerCase() + (g.ownerLabel ? " · " + g.ownerLabel : "") +
        "\nnhấp để mở / click to open";
      var props = { id: id, label: label, title: textTitle(tip), shape: "box", kind: g.kind, cat: g.cat,
                    color: { background: "#fff", border: catColours[g.cat] || colours[g.kind] || "#888" },
                    borderWidth: 3, shapeProperties: { borderDashes: [6, 3] }, font: { size: FONT } };
      if (g.level !== undefined) { props.level = g.level; }
      var ownerNode = !hierarchical && network.body.nodes[g.owner];
      if (ownerNode) {  // beside its owner, on the side where its members were
        var mx = 0, my = 0;
        g.ids.forEach(function (m) { mx += network.body.nodes[m].x; my += network.body.nodes[m].y; });
        mx = mx / g.ids.length - ownerNode.x; my = my / g.ids.length - ownerNode.y;
        var len = Math.sqrt(mx * mx + my * my) || 1;
        props.x = ownerNode.x + (mx || 1) / len * 170;
        props.y = ownerNode.y + my / len * 170;
      }
      network.cluster({ joinCondition: function (o) { return !!members[o.id]; }, clusterNodeProperties: props });
      clusters[id] = { ids: g.ids.slice(), kind: g.kind, owner: g.owner };
      visible -= g.ids.length - 1;
      made += 1;
    });
    container.dataset.clusters = String(Object.keys(clusters).length);
    return made;
  }
  function openCluster(id, done) {
    var info = clusters[id];
    if (!info || !network.isCluster(id)) { if (done) { done(); } return; }  // opened meanwhile
    var at = network.getPositions([id])[id];
    network.openCluster(id, { releaseFunction: function (clusterPosition, members) {
      var out = {};
      Object.keys(members).forEach(function (m, i) {  // a sunflower round where the cluster was, then physics
        var r = 60 * Math.sqrt(i + 1), angle = i * 2.39996;
        out[m] = hierarchical ? members[m] : { x: at.x + r * Math.cos(angle), y: at.y + r * Math.sin(angle) };
      });
      return out;
    } });
    delete clusters[id];
    container.dataset.clusters = String(Object.keys(clusters).length);
    settle(info.ids, done);
  }

  /* the year (or distance) axis of the hierarchical layouts, drawn in the canvas */
  function axisPositions() {
    var sums = {};
    visibleIds().forEach(function (id) {
      var level = network.body.nodes[id].options.level;
      if (level === undefined) { return; }
      var x = network.body.nodes[id].x;
      if (!sums[level]) { sums[level] = { x: 0, n: 0 }; }
      sums[level].x += x; sums[level].n += 1;
    });
    return axis.filter(function (a) { return sums[a.level]; })
      .map(function (a) { return { level: a.level, text: a.text, x: sums[a.level].x / sums[a.level].n }; });
  }
  var axisCache = [];
  function refreshAxis() {
    axisCache = axisPositions();
    container.dataset.axis = JSON.stringify(axisCache.map(function (a) { return { text: a.text, x: a.x }; }));
  }
  if (hierarchical) {
    network.on("beforeDrawing", function (ctx) {
      var scale = network.getScale();
      var top = network.DOMtoCanvas({ x: 0, y: 0 });
      var bottom = network.DOMtoCanvas({ x: 0, y: container.clientHeight });
      ctx.save();
      ctx.strokeStyle = "rgba(60, 60, 60, 0.12)";
      ctx.lineWidth = 1 / scale;
      axisCache.forEach(function (a) {
        ctx.beginPath(); ctx.moveTo(a.x, top.y); ctx.lineTo(a.x, bottom.y); ctx.stroke();
      });
      ctx.restore();
    });
    // the column names in a strip above the canvas (text elements: never drawn over a node)
    var strip = document.createElement("div");
    strip.className = "net-axis";
    strip.setAttribute("aria-label", layout === "date" ? "Trục thời gian / year axis" : "Khoảng cách / distance");
    container.parentNode.insertBefore(strip, container);
    network.on("afterDrawing", function () {
      var width = container.clientWidth;
      var shown = {};
      axisCache.forEach(function (a) {
        var x = network.canvasToDOM({ x: a.x, y: 0 }).x;
        var el = strip.querySelector('span[data-level="' + a.level + '"]');
        if (!el) {
          el = document.createElement("span");
          el.dataset.level = String(a.level);
          strip.appendChild(el);
        }
        el.textContent = a.text;
        el.style.left = x + "px";
        el.hidden = x < 0 || x > width;
        shown[a.level] = true;
      });
      Array.prototype.forEach.call(strip.querySelectorAll("span"), function (el) {
        if (!shown[el.dataset.level]) { strip.removeChild(el); }
      });
    });
  }

  var folded = false;
  function ready() {
    network.setOptions({ physics: { enabled: false } });
    if (!folded && foldBig() && serverLayout) {  // the server's positions were for the unfolded graph
      folded = true;
      settle(visibleIds(), ready);
      return;
    }
    measured(deoverlap, function () {
      refreshAxis();
      fitReadable();
      container.dataset.ready = "stable";
      updateStatus(payload.truncated ? "đã giới hạn (capped)" : "");
      drawLegend();
    });
  }
  if (serverLayout || hierarchical) { ready(); } else {
    foldBig();  // before the physics runs, so that it lays out the folded graph
    folded = true;
    var started = false;
    var go = function () { if (!started) { started = true; ready(); } };
    network.once("stabilizationIterationsDone", go);
    setTimeout(go, 8000);
  }

  function updateStatus(extra) {
    if (status) {
      var groups = Object.keys(clusters).length;
      status.textContent = nodes.length + " nút, " + edges.length + " cạnh" +
        (groups ? " · " + groups + " nhóm thu gọn (nhấp để mở)" : "") + (extra ? " · " + extra : "");
    }
    container.dataset.nodes = String(nodes.length);
  }
  updateStatus(payload.truncated ? "đã giới hạn (capped)" : "");

  /* legend: one toggle per category (node kind, or document type in a lineage) */
  var legend = document.getElementById("legend");
  function drawLegend() {
    if (!legend) { return; }
    legend.textContent = "";
    var counts = {};
    nodes.forEach(function (n) { var c = n.cat || n.kind; counts[c] = (counts[c] || 0) + 1; });
    Object.keys(counts).sort(function (a, b) { return (catNames[a] || a).localeCompare(catNames[b] || b, "vi"); })
      .forEach(function (cat) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "legend-item" + (hiddenCats[cat] ? " off" : "");
        b.dataset.kind = cat;
        b.setAttribute("aria-pressed", hiddenCats[cat] ? "false" : "true");
        var dot = document.createElement("span");
        dot.className = "dot";
        dot.style.background = catColours[cat] || "#ccc";
        b.appendChild(dot);
        b.appendChild(document.createTextNode((catNames[cat] || cat) + " (" + counts[cat] + ")"));
        b.addEventListener("click", function () {
          hiddenCats[cat] = !hiddenCats[cat];
          nodes.update(nodes.get({ filter: function (n) { return (n.cat || n.kind) === cat; } })
            .map(function (n) { return { id: n.id, hidden: !!hiddenCats[cat] }; }));
          drawLegend();
        });
        legend.appendChild(b);
      });
    if (layout === "date") {
      var hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = "viền nét đứt: chỉ được trích dẫn / dashed border: only cited · " +
        "đường đậm: thực hiện / bold line: implements · mảnh: trích dẫn / thin: cites";
      legend.appendChild(hint);
    }
  }
  drawLegend();

  /* click: fetch the neighbours not yet shown, place them by the clicked node, let them spread */
  function outward(at) {
    var ids = visibleIds();
    var pos = network.getPositions(ids);
    var cx = 0, cy = 0;
    ids.forEach(function (id) { cx += pos[id].x; cy += pos[id].y; });
    cx /= Math.max(1, ids.length); cy /= Math.max(1, ids.length);
    var dx = at.x - cx, dy = at.y - cy;
    return (dx === 0 && dy === 0) ? 0 : Math.atan2(dy, dx);
  }
  function expand(id) {
    var body = { iri: id, present: nodes.getIds(), limit: 30, layout: layout };
    if (payload.filters && payload.filters.kinds.length) { body.kinds = payload.filters.kinds; }
    if (payload.filters && payload.filters.rels.length) { body.rels = payload.filters.rels; }
    container.dataset.expanding = "1";
    fetch(payload.expandUrl, { method: "POST", headers: { "Content-Type": "application/json" },
                                body: JSON.stringify(body) })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var at = network.getPositions([id])[id] || { x: 0, y: 0 };
        var clicked = nodes.get(id);
        var fresh = data.nodes.filter(function (n) { return !nodes.get(n.id); });
        var facing = outward(at);
        var count = fresh.length;
        var prepared = fresh.map(function (n, i) {
          var p = prepNode(n);
          if (!hierarchical) {  // a fan on the side away from the rest of the graph, close to the clicked node
            var spread = Math.min(2 * Math.PI, Math.PI * (0.6 + count / 8));
            var angle = facing + (count === 1 ? 0 : -spread / 2 + (spread * i) / Math.max(1, count - 1));
            var r = 150 + 8 * count;
            p.x = at.x + r * Math.cos(angle);
            p.y = at.y + r * Math.sin(angle);
          } else if (layout === "layers") {
            p.level = (clicked && clicked.level !== undefined ? clicked.level : 0) + 1;
          }
          delete p.physics;
          return p;
        });
        nodes.add(prepared);
        edges.add(data.edges.filter(function (e) { return !edges.get(e.id); }).map(prepEdge));
        if (edgeLabels && edges.length > EDGE_LABELS_UNTIL) {  // too many to read: the relation is in the hover
          edgeLabels = false;
          var bare = edges.get().map(function (e) { var c = Object.assign({}, e); delete c.label; return c; });
          edges.clear();  // (vis keeps a label updated to "": the edges go back without one)
          edges.add(bare);
        }
        if (layout === "date") { dateLevels(); }
        drawLegend();
        var shown = prepared.map(function (n) { return n.id; });
        settle(shown, function () {
          if (hierarchical) { refreshAxis(); }
          if (shown.length) { fitReadable(shown.concat([id]), id); }
          updateStatus(count ? "+" + count + " nút" : "không còn nút mới (nothing new)");
          container.dataset.expanding = "";
        });
      })
      .catch(function () { container.dataset.expanding = ""; busy(false); updateStatus("lỗi khi mở rộng"); });
  }
  network.on("click", function (params) {
    if (!params.nodes || params.nodes.length !== 1) { return; }
    var id = params.nodes[0];
    if (network.isCluster(id)) {
      container.dataset.expanding = "1";
      var info = clusters[id];
      openCluster(id, function () {
        var owner = info && network.body.nodes[info.owner] && visibleIds().indexOf(info.owner) >= 0 ? info.owner : null;
        fitReadable(info.ids.concat(owner ? [owner] : []), owner || info.ids[0]);
        updateStatus("");
        container.dataset.expanding = "";
      });
    } else {
      expand(id);
    }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes && params.nodes.length === 1 && !network.isCluster(params.nodes[0])) {
      var n = nodes.get(params.nodes[0]);
      if (n && n.url && n.url.charAt(0) === "/") { window.location.href = n.url; }
    }
  });

  /* find a node by its label, without diacritics ("vung ang" finds "Vũng Áng") */
  var findBox = document.getElementById("net-find");
  var findStatus = document.getElementById("net-find-status");
  var findState = { key: "", index: -1 };
  function find(text, next) {
    var key = words(text);
    if (!key) { if (findStatus) { findStatus.textContent = ""; } return; }
    var parts = key.split(" ");
    var matches = nodes.get({ filter: function (n) {
      if (n.hidden) { return false; }
      var k = words(n.key);
      return parts.every(function (w) { return k.indexOf(w) >= 0; });
    } });
    function rank(n) {  // the words in a row first, at the start first, then the shortest label
      var k = words(n.key);
      return [k.indexOf(key) === 0 ? 0 : k.indexOf(key) > 0 ? 1 : 2, k.length, k];
    }
    matches.sort(function (a, b) {
      var ra = rank(a), rb = rank(b);
      return ra[0] - rb[0] || ra[1] - rb[1] || (ra[2] < rb[2] ? -1 : ra[2] > rb[2] ? 1 : 0);
    });
    if (!matches.length) {
      findState = { key: key, index: -1 };
      if (findStatus) { findStatus.textContent = "không thấy / not found"; }
      container.dataset.found = "";
      return;
    }
    var index = (next && findState.key === key) ? (findState.index + 1) % matches.length : 0;
    findState = { key: key, index: index };
    var target = matches[index];
    var path = network.findNode(target.id);
    function show() {
      network.selectNodes([target.id]);
      network.focus(target.id, { scale: Math.max(network.getScale(), 1), animation: false });
      if (findStatus) {
        findStatus.textContent = (index + 1) + "/" + matches.length + ": " + firstLine(target.label);
      }
      container.dataset.found = target.id;
    }
    if (path.length > 1) {  // inside a cluster: open it first
      openCluster(path[0], function () { find(text, false); });
      return;
    }
    show();
  }
  if (findBox) {
    findBox.form && findBox.form.addEventListener("submit", function (ev) { ev.preventDefault(); find(findBox.value, true); });
    findBox.addEventListener("input", function () { find(findBox.value, false); });
  }
  var fitButton = document.getElementById("net-fit");
  if (fitButton) { fitButton.addEventListener("click", function () { network.fit({ animation: false }); }); }

  /* PNG export from the canvas */
  var exportButton = document.getElementById("export-png");
  var link = document.getElementById("png-link");
  if (exportButton && link) {
    exportButton.addEventListener("click", function () {
      var canvas = container.querySelector("canvas");
      if (!canvas) { return; }
      var out = document.createElement("canvas");
      out.width = canvas.width; out.height = canvas.height;
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, out.width, out.height);
      ctx.drawImage(canvas, 0, 0);
      if (hierarchical) {  // the axis strip is not in the canvas: its names go on top of the picture
        var ratio = canvas.width / Math.max(1, container.clientWidth);
        ctx.font = "bold " + Math.round(13 * ratio) + "px sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "top";
        axisCache.forEach(function (a) {
          var x = network.canvasToDOM({ x: a.x, y: 0 }).x * ratio;
          var w = ctx.measureText(a.text).width + 10 * ratio;
          ctx.fillStyle = "rgba(255, 255, 255, 0.9)";
          ctx.fillRect(x - w / 2, 2 * ratio, w, 20 * ratio);
          ctx.fillStyle = "#222";
          ctx.fillText(a.text, x, 5 * ratio);
        });
      }
      link.href = out.toDataURL("image/png");
      link.click();
    });
  }
})();
