/* The SPARQL editor: CodeMirror over the textarea, results drawn as text (never as HTML). */
(function () {
  "use strict";
  var textarea = document.getElementById("sparql-query");
  var form = document.getElementById("sparql-form");
  if (!textarea || !form) { return; }
  var examples = JSON.parse(document.getElementById("sparql-examples").textContent);
  var prefixes = JSON.parse(document.getElementById("sparql-prefixes").textContent);
  var editor = window.CodeMirror ? CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query", lineNumbers: true, matchBrackets: true, viewportMargin: Infinity,
    extraKeys: { "Ctrl-Enter": function () { run(); }, "Cmd-Enter": function () { run(); } }
  }) : null;
  window.policykgEditor = editor;
  var status = document.getElementById("sparql-status");
  var out = document.getElementById("sparql-results");
  var formatSelect = document.getElementById("sparql-format");
  var ACCEPT = { json: "application/sparql-results+json", csv: "text/csv", tsv: "text/tab-separated-values",
                 xml: "application/sparql-results+xml", ttl: "text/turtle", jsonld: "application/ld+json",
                 nt: "application/n-triples" };

  function header() {
    return Object.keys(prefixes).map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; }).join("\n");
  }
  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (b) {
    b.addEventListener("click", function () {
      var text = header() + "\n\n" + examples[Number(b.dataset.index)][1];
      if (editor) { editor.setValue(text); editor.refresh(); } else { textarea.value = text; }
    });
  });

  function cell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      var base = "https://w3id.org/policykg/id/";
      a.href = term.value.indexOf(base) === 0 ? "/id/" + term.value.slice(base.length)
                                               : "/resource?iri=" + encodeURIComponent(term.value);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : "");
    }
    return td;
  }
  function table(data) {
    var t = document.createElement("table");
    t.className = "results";
    t.id = "sparql-table";
    var tr = document.createElement("tr");
    data.head.vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; tr.appendChild(th); });
    t.appendChild(tr);
    data.results.bindings.forEach(function (b) {
      var row = document.createElement("tr");
      data.head.vars.forEach(function (v) { row.appendChild(cell(b[v])); });
      t.appendChild(row);
    });
    return t;
  }
  function run() {
    if (editor) { editor.save(); }
    var fmt = formatSelect.value;
    var body = new URLSearchParams();
    body.set("query", textarea.value);
    status.textContent = "…";
    out.textContent = "";
    var started = performance.now();
    fetch(form.action, { method: "POST", body: body,
                         headers: { "Accept": ACCEPT[fmt] + ", text/turtle;q=0.5, */*;q=0.1",
                                    "Content-Type": "application/x-www-form-urlencoded" } })
      .then(function (r) {
        var truncated = r.headers.get("X-Result-Truncated");
        var ctype = r.headers.get("Content-Type") || "";
        return r.text().then(function (text) { return { ok: r.ok, status: r.status, text: text, ctype: ctype, truncated: truncated }; });
      })
      .then(function (res) {
        var ms = Math.round(performance.now() - started);
        if (!res.ok) {
          status.textContent = "Lỗi " + res.status;
          var pre = document.createElement("pre"); pre.className = "error"; pre.textContent = res.text; out.appendChild(pre);
          return;
        }
        var note = "";
        if (res.truncated) { note = " · đã cắt ở " + res.truncated + " dòng (truncated)"; }
        if (res.ctype.indexOf("sparql-results+json") >= 0) {
          var data = JSON.parse(res.text);
          if (typeof data.boolean === "boolean") {
            status.textContent = String(data.boolean) + " · " + ms + " ms";
            return;
          }
          status.textContent = data.results.bindings.length + " dòng · " + ms + " ms" + note;
          out.appendChild(table(data));
        } else {
          status.textContent = ms + " ms" + note;
          var p = document.createElement("pre"); p.id = "sparql-text"; p.textContent = res.text; out.appendChild(p);
        }
      })
      .catch(function (e) { status.textContent = "Lỗi: " + e; });
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
})();
