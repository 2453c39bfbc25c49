/* The SPARQL editor: CodeMirror over the textarea, the usual prefixes declared for the user, results drawn as
   text (never as HTML) with labels next to IRIs, a permalink, a history kept in this browser, CSV/JSON downloads
   and syntax errors said in words at their line and column. */
(function () {
  "use strict";
  var textarea = document.getElementById("sparql-query");
  var form = document.getElementById("sparql-form");
  if (!textarea || !form) { return; }
  var examples = JSON.parse(document.getElementById("sparql-examples").textContent);
  var prefixes = JSON.parse(document.getElementById("sparql-prefixes").textContent);
  var labelsUrl = form.dataset.labels;
  var labelsCap = Number(form.dataset.labelsCap) || 500;
  var editor = window.CodeMirror ? CodeMirror.fromTextArea(textarea, {
    mode: "application/sparql-query", lineNumbers: true, matchBrackets: true, viewportMargin: Infinity, lineWrapping: true,
    extraKeys: { "Ctrl-Enter": function () { run(); }, "Cmd-Enter": function () { run(); } }
  }) : null;
  window.policykgEditor = editor;
  var status = document.getElementById("sparql-status");
  var out = document.getElementById("sparql-results");
  var errorBox = document.getElementById("sparql-error");
  var formatSelect = document.getElementById("sparql-format");
  var permalink = document.getElementById("sparql-permalink");
  var HISTORY_KEY = "policykg.sparql.history";
  var HISTORY_MAX = 25;
  var LINK_MAX = 6000;  // characters of query a permalink carries (longer URLs break in some browsers)
  var ACCEPT = { json: "application/sparql-results+json", csv: "text/csv", tsv: "text/tab-separated-values",
                 xml: "application/sparql-results+xml", ttl: "text/turtle", jsonld: "application/ld+json",
                 nt: "application/n-triples" };
  var EXTENSION = { "text/csv": "csv", "text/tab-separated-values": "tsv", "application/sparql-results+json": "json",
                    "application/sparql-results+xml": "xml", "text/turtle": "ttl", "application/ld+json": "jsonld",
                    "application/n-triples": "nt" };
  var errorLine = null;

  if (editor) {
    if (window.ResizeObserver) { new ResizeObserver(function () { editor.refresh(); }).observe(editor.getWrapperElement()); }
    editor.on("change", function () { clearError(); updatePermalink(); });
  } else {
    textarea.addEventListener("input", updatePermalink);
  }

  function text() { if (editor) { editor.save(); } return textarea.value; }
  function setText(value) {
    if (editor) { editor.setValue(value); editor.refresh(); editor.focus(); } else { textarea.value = value; }
    updatePermalink();
  }

  /* The query as sent: a PREFIX line for each known prefix the query does not declare itself. */
  function withPrefixes(query) {
    var declared = {};
    query.replace(/^\s*PREFIX\s+([A-Za-z][\w.-]*|):/gim, function (m, p) { declared[p] = true; return m; });
    var lines = Object.keys(prefixes).filter(function (p) { return !declared[p]; })
      .map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">"; });
    return { text: lines.length ? lines.join("\n") + "\n" + query : query, added: lines.length };
  }

  function updatePermalink() {
    var q = text();
    if (q.length > LINK_MAX) {
      permalink.hidden = true;
      return null;
    }
    permalink.hidden = false;
    permalink.href = form.action + "?q=" + encodeURIComponent(q);
    return permalink.href;
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (b) {
    b.addEventListener("click", function () { setText(examples[Number(b.dataset.index)][1]); });
  });

  /* -- history (localStorage only) ------------------------------------------------------------------------- */
  function loadHistory() {
    try { return JSON.parse(window.localStorage.getItem(HISTORY_KEY) || "[]") || []; } catch (e) { return []; }
  }
  function saveHistory(items) {
    try { window.localStorage.setItem(HISTORY_KEY, JSON.stringify(items)); } catch (e) { /* storage off or full */ }
  }
  function remember(query, note) {
    var items = loadHistory().filter(function (h) { return h.q !== query; });
    items.unshift({ q: query, at: new Date().toISOString(), note: note });
    saveHistory(items.slice(0, HISTORY_MAX));
    drawHistory();
  }
  function drawHistory() {
    var list = document.getElementById("sparql-history-list");
    if (!list) { return; }
    list.textContent = "";
    var items = loadHistory();
    if (!items.length) {
      var empty = document.createElement("li"); empty.textContent = "Chưa có truy vấn nào (none yet)."; list.appendChild(empty);
    }
    items.forEach(function (h) {
      var li = document.createElement("li");
      var open = document.createElement("button");
      open.type = "button"; open.className = "history-open"; open.textContent = "Mở lại";
      open.addEventListener("click", function () { setText(h.q); window.scrollTo(0, 0); });
      var when = document.createElement("small");
      when.textContent = " " + new Date(h.at).toLocaleString("vi-VN") + (h.note ? " · " + h.note : "") + " ";
      var code = document.createElement("code");
      var body = h.q.replace(/^\s*PREFIX[^\n]*\n/gim, "").trim();
      code.textContent = body.length > 160 ? body.slice(0, 157) + "…" : body;
      li.appendChild(open); li.appendChild(when); li.appendChild(code);
      list.appendChild(li);
    });
  }
  document.getElementById("sparql-history-clear").addEventListener("click", function () { saveHistory([]); drawHistory(); });
  drawHistory();

  /* -- errors in plain words ------------------------------------------------------------------------------- */
  function clearError() {
    errorBox.hidden = true; errorBox.textContent = "";
    if (editor && errorLine !== null) { editor.removeLineClass(errorLine, "background", "cm-error-line"); }
    errorLine = null;
  }
  function para(parent, content, cls) {
    var p = document.createElement("p"); p.textContent = content; if (cls) { p.className = cls; } parent.appendChild(p); return p;
  }
  function expectedWords(list) {
    // keep what a reader recognises (keywords and punctuation in quotes); drop character classes
    var words = [];
    list.replace(/"([^"]+)"|\b([A-Z]{2,})\b/g, function (m, punct, word) { words.push(punct || word); return m; });
    return words.length && words.length <= 8 && list.indexOf("[") < 0 ? words : [];
  }
  function explain(status, body, added, query) {
    clearError();
    var box = errorBox;
    var m = /error at (\d+):(\d+): ([\s\S]*)/.exec(body);
    if (m) {
      var lines = query.split("\n");
      var line = Number(m[1]) - added;
      // the parser counts columns from 1 on its first line and from the newline before on the others
      var col = Math.max(1, Number(m[2]) - (Number(m[1]) > 1 ? 1 : 0));
      if (line >= 1) { col = Math.min(col, (lines[line - 1] || "").length + 1); }
      if (line < 1) {
        para(box, "Câu truy vấn sai cú pháp trong các dòng PREFIX được thêm sẵn — kiểm tra các dòng PREFIX của bạn. " +
                  "(Syntax error in the declared prefixes.)");
      } else {
        var source = lines[line - 1] || "";
        var before = source.slice(0, Math.max(0, col - 1));
        var near = source.slice(Math.max(0, col - 1)).trim().split(/\s+/)[0] || "";
        var what;
        var pname = /([A-Za-z][\w.-]*):[\w.-]*$/.exec(before) || /^([A-Za-z][\w.-]*):/.exec(near);
        if (m[3].indexOf("Prefix not found") >= 0 && pname) {
          what = "tiền tố «" + pname[1] + ":» chưa được khai báo — thêm một dòng PREFIX " + pname[1] +
                 ": <…> hoặc dùng một tiền tố có sẵn (the prefix " + pname[1] + ": is not declared).";
        } else if (line >= lines.length && !near) {
          // the parser read to the end without making sense of it: the slip is earlier, often a missing separator
          what = "câu truy vấn kết thúc giữa chừng — kiểm tra các dòng trước: có thể thiếu dấu đóng «}» «)» " +
                 "hoặc dấu «.» giữa hai mẫu (the parser reached the end of the query; the slip is before it).";
        } else {
          what = "máy không hiểu " + (near ? "«" + near + "»" : "chỗ này") + " (the parser cannot read this here).";
          var words = expectedWords(m[3]);
          if (words.length) { what += " Ở đây cần một trong: " + words.join("  "); }
        }
        para(box, "Câu truy vấn sai cú pháp ở dòng " + line + ", cột " + col + ": " + what, "error");
        var pre = document.createElement("pre");
        pre.textContent = source + "\n" + " ".repeat(Math.max(0, col - 1)) + "^";
        box.appendChild(pre);
        if (editor) {
          errorLine = line - 1;
          editor.addLineClass(errorLine, "background", "cm-error-line");
          editor.setCursor({ line: line - 1, ch: Math.max(0, col - 1) });
        }
      }
    } else if (status === 503) {
      para(box, "Truy vấn chạy quá lâu hoặc máy chủ đang bận, nên đã dừng. Thêm LIMIT, thu hẹp mẫu, hoặc thử lại sau. " +
                "(Too slow or the server is busy.)", "error");
    } else if (status === 405) {
      para(box, "Trang này chỉ đọc: không nhận lệnh INSERT/DELETE (read-only).", "error");
    } else {
      para(box, "Câu truy vấn không chạy được: " + body.replace(/^query syntax error:\s*/, "").trim(), "error");
    }
    var details = document.createElement("details");
    var summary = document.createElement("summary"); summary.textContent = "Chi tiết kỹ thuật (technical details)";
    var raw = document.createElement("pre"); raw.textContent = "HTTP " + status + "\n" + body;
    details.appendChild(summary); details.appendChild(raw); box.appendChild(details);
    box.hidden = false;
  }

  /* -- results ------------------------------------------------------------------------------------------------ */
  var names = Object.keys(prefixes).sort(function (a, b) { return prefixes[b].length - prefixes[a].length; });
  function shortIri(value) {
    for (var i = 0; i < names.length; i++) {
      var ns = prefixes[names[i]];
      if (value.indexOf(ns) === 0 && value.length > ns.length) { return names[i] + ":" + value.slice(ns.length); }
    }
    return value;
  }
  function cell(term, iris) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var a = document.createElement("a");
      var base = "https://w3id.org/policykg/id/";
      a.href = term.value.indexOf(base) === 0 ? "/id/" + term.value.slice(base.length)
                                               : "/resource?iri=" + encodeURIComponent(term.value);
      a.textContent = shortIri(term.value);
      a.title = term.value;
      a.dataset.iri = term.value;
      td.appendChild(a);
      iris[term.value] = true;
    } else {
      td.textContent = term.value + (term["xml:lang"] ? " @" + term["xml:lang"] : "");
    }
    return td;
  }
  function table(data, iris) {
    var t = document.createElement("table");
    t.className = "results";
    t.id = "sparql-table";
    var tr = document.createElement("tr");
    data.head.vars.forEach(function (v) { var th = document.createElement("th"); th.textContent = v; tr.appendChild(th); });
    t.appendChild(tr);
    data.results.bindings.forEach(function (b) {
      var row = document.createElement("tr");
      data.head.vars.forEach(function (v) { row.appendChild(cell(b[v], iris)); });
      t.appendChild(row);
    });
    return t;
  }
  function addLabels(t, iris) {
    var wanted = Object.keys(iris).slice(0, labelsCap);
    if (!wanted.length || !labelsUrl) { return; }
    fetch(labelsUrl, { method: "POST", body: JSON.stringify({ iris: wanted }), headers: { "Content-Type": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (labels) {
        Array.prototype.forEach.call(t.querySelectorAll("a[data-iri]"), function (a) {
          var label = labels[a.dataset.iri];
          if (!label) { return; }
          var iri = document.createElement("span"); iri.className = "iri"; iri.textContent = a.textContent;
          a.textContent = label;
          a.parentNode.appendChild(iri);
        });
      })
      .catch(function () { /* labels are a convenience: the IRIs stay */ });
  }

  function send(query, accept) {
    var body = new URLSearchParams();
    body.set("query", query);
    return fetch(form.action, { method: "POST", body: body,
                                headers: { "Accept": accept, "Content-Type": "application/x-www-form-urlencoded" } })
      .then(function (r) {
        return r.text().then(function (t) {
          return { ok: r.ok, status: r.status, text: t, ctype: r.headers.get("Content-Type") || "",
                   truncated: r.headers.get("X-Result-Truncated") };
        });
      });
  }

  function run() {
    var query = text();
    var sent = withPrefixes(query);
    var fmt = formatSelect.value;
    status.textContent = "…";
    out.textContent = "";
    clearError();
    var link = updatePermalink();
    if (link) { window.history.replaceState(null, "", link); }
    var started = performance.now();
    send(sent.text, ACCEPT[fmt] + ", text/turtle;q=0.5, */*;q=0.1")
      .then(function (res) {
        var ms = Math.round(performance.now() - started);
        if (!res.ok) {
          status.textContent = "Lỗi (HTTP " + res.status + ")";
          explain(res.status, res.text, sent.added, query);
          remember(query, "lỗi");
          return;
        }
        var note = res.truncated ? " · đã cắt ở " + res.truncated + " dòng (truncated)" : "";
        if (res.ctype.indexOf("sparql-results+json") >= 0) {
          var data = JSON.parse(res.text);
          if (typeof data.boolean === "boolean") {
            status.textContent = (data.boolean ? "Có (true)" : "Không (false)") + " · " + ms + " ms";
            remember(query, String(data.boolean));
            return;
          }
          var n = data.results.bindings.length;
          status.textContent = n + " dòng · " + ms + " ms" + note;
          var iris = {};
          var t = table(data, iris);
          out.appendChild(t);
          addLabels(t, iris);
          remember(query, n + " dòng");
        } else {
          status.textContent = ms + " ms" + note;
          var p = document.createElement("pre"); p.id = "sparql-text"; p.textContent = res.text; out.appendChild(p);
          remember(query, "");
        }
      })
      .catch(function (e) { status.textContent = "Không gửi được truy vấn (the request failed): " + e; });
  }

  function download(fmt) {
    var query = text();
    var sent = withPrefixes(query);
    status.textContent = "…";
    clearError();
    send(sent.text, ACCEPT[fmt] + ", text/turtle;q=0.5, */*;q=0.1").then(function (res) {
      if (!res.ok) {
        status.textContent = "Lỗi (HTTP " + res.status + ")";
        explain(res.status, res.text, sent.added, query);
        return;
      }
      var media = res.ctype.split(";")[0].trim();
      var blob = new Blob([res.text], { type: media || "application/octet-stream" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "policykg-query." + (EXTENSION[media] || "txt");
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
      status.textContent = "Đã tải " + a.download + (res.truncated ? " · đã cắt ở " + res.truncated + " dòng" : "");
    }).catch(function (e) { status.textContent = "Không gửi được truy vấn (the request failed): " + e; });
  }
  document.getElementById("sparql-csv").addEventListener("click", function () { download("csv"); });
  document.getElementById("sparql-json").addEventListener("click", function () { download("json"); });

  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  updatePermalink();
  if (new URLSearchParams(window.location.search).has("q")) { run(); }
})();
