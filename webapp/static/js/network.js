/* The bridge between the page and vis-network.
 * Everything from the graph is text: hover texts become DOM text nodes, never HTML. */
(function () {
  "use strict";
  var container = document.getElementById("network");
  if (!container || typeof vis === "undefined") { return; }
  var payload = JSON.parse(document.getElementById("network-data").textContent);
  var colours = JSON.parse(document.getElementById("network-colours").textContent);
  var status = document.getElementById("net-status");
  var hiddenKinds = {};
  var expandedOffsets = {};

  function textTitle(text) {
    if (text === undefined || text === null || text === "") { return undefined; }
    var el = document.createElement("div");
    el.className = "net-tip";
    el.textContent = String(text);
    return el;
  }
  function prepNode(n) {
    var copy = Object.assign({}, n);
    copy.title = textTitle(n.title);
    copy.label = String(n.label === undefined ? "" : n.label);
    copy.hidden = !!hiddenKinds[n.kind];
    return copy;
  }
  function prepEdge(e) {
    var copy = Object.assign({}, e);
    copy.title = textTitle(e.title);
    copy.label = String(e.label === undefined ? "" : e.label);
    return copy;
  }

  var nodes = new vis.DataSet(payload.nodes.map(prepNode));
  var edges = new vis.DataSet(payload.edges.map(prepEdge));
  var serverLayout = payload.serverLayout;
  var options = {
    nodes: { font: { size: 13, face: "sans-serif", multi: false }, borderWidth: 1 },
    edges: { font: { size: 9, align: "middle", color: "#555" }, color: { color: "#999", highlight: "#333" },
             arrows: { to: { enabled: true, scaleFactor: 0.5 } }, smooth: { type: "continuous" } },
    interaction: { hover: true, tooltipDelay: 150, navigationButtons: false, keyboard: false },
    physics: serverLayout ? { enabled: false } : {
      enabled: true, solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -90, springLength: 170, avoidOverlap: 0.4 },
      stabilization: { enabled: true, iterations: 400, fit: true }
    },
    layout: { improvedLayout: nodes.length < 120 }
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.policykgNetwork = network;  // for tests and the console
  container.dataset.ready = serverLayout ? "stable" : "stabilising";

  function freeze() {
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    container.dataset.ready = "stable";
  }
  if (serverLayout) { network.fit(); } else {
    network.once("stabilizationIterationsDone", freeze);
    setTimeout(function () { if (container.dataset.ready !== "stable") { freeze(); } }, 8000);
  }

  function updateStatus(extra) {
    if (status) {
      status.textContent = nodes.length + " nút, " + edges.length + " cạnh" + (extra ? " · " + extra : "");
    }
    container.dataset.nodes = String(nodes.length);
  }
  updateStatus(payload.truncated ? "đã giới hạn (capped)" : "");

  /* legend: one toggle per node kind */
  var legend = document.getElementById("legend");
  function kindsOnPage() {
    var counts = {};
    nodes.get().forEach(function (n) { counts[n.kind] = (counts[n.kind] || 0) + 1; });
    return counts;
  }
  var kindNames = {};
  payload.kinds.forEach(function (k) { kindNames[k.kind] = k.name; });
  function drawLegend() {
    if (!legend) { return; }
    legend.textContent = "";
    var counts = kindsOnPage();
    Object.keys(counts).sort().forEach(function (kind) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "legend-item" + (hiddenKinds[kind] ? " off" : "");
      b.dataset.kind = kind;
      b.setAttribute("aria-pressed", hiddenKinds[kind] ? "false" : "true");
      var dot = document.createElement("span");
      dot.className = "dot";
      dot.style.background = colours[kind] || "#ccc";
      b.appendChild(dot);
      b.appendChild(document.createTextNode((kindNames[kind] || kind) + " (" + counts[kind] + ")"));
      b.addEventListener("click", function () {
        hiddenKinds[kind] = !hiddenKinds[kind];
        nodes.update(nodes.get({ filter: function (n) { return n.kind === kind; } })
          .map(function (n) { return { id: n.id, hidden: !!hiddenKinds[kind] }; }));
        drawLegend();
      });
      legend.appendChild(b);
    });
  }
  drawLegend();

  /* click: fetch the neighbours not yet shown */
  function expand(id) {
    var present = nodes.getIds();
    var body = { iri: id, present: present, limit: 30 };
    container.dataset.expanding = "1";
    fetch(payload.expandUrl, { method: "POST", headers: { "Content-Type": "application/json" },
                                body: JSON.stringify(body) })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        data.kinds.forEach(function (k) { kindNames[k.kind] = k.name; });
        var pos = network.getPositions([id])[id] || { x: 0, y: 0 };
        var fresh = data.nodes.filter(function (n) { return !nodes.get(n.id); }).map(function (n, i) {
          var p = prepNode(n);
          var angle = (2 * Math.PI * i) / Math.max(1, data.nodes.length);
          p.x = pos.x + 160 * Math.cos(angle);
          p.y = pos.y + 160 * Math.sin(angle);
          p.physics = false;
          return p;
        });
        nodes.add(fresh);
        edges.add(data.edges.filter(function (e) { return !edges.get(e.id); }).map(prepEdge));
        drawLegend();
        updateStatus(fresh.length ? "+" + fresh.length + " nút" : "không còn nút mới (nothing new)");
        container.dataset.expanding = "";
      })
      .catch(function () { container.dataset.expanding = ""; updateStatus("lỗi khi mở rộng"); });
  }
  network.on("click", function (params) {
    if (params.nodes && params.nodes.length === 1) { expand(params.nodes[0]); }
  });
  network.on("doubleClick", function (params) {
    if (params.nodes && params.nodes.length === 1) {
      var n = nodes.get(params.nodes[0]);
      if (n && n.url && n.url.charAt(0) === "/") { window.location.href = n.url; }
    }
  });

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
      link.href = out.toDataURL("image/png");
      link.click();
    });
  }
})();
