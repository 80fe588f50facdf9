(function () {
  "use strict";
  // The report's only script, admitted by its hash. It reads what the page
  // already shows (rows, data attributes) and writes text and classes
  // only: no innerHTML, no network, no eval.
  function all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function byId(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  var rank = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };
  var collate = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  // --- findings: filters, grouping, sorting, CSV ----------------------------
  var table = byId("findings");
  var rows = table ? all("tr.finding", table) : [];
  var cols = table ? table.tHead.rows[0].cells.length : 0;
  var ruleHeads = {};
  all("tr.group-head", table || document).forEach(function (h) { ruleHeads[h.dataset.rule] = h; });
  function ruleTitle(r) {
    var h = ruleHeads[r.dataset.rule];
    var t = h && h.querySelector(".rtitle");
    return t ? t.textContent : "";
  }
  function part(r, sel) {
    var e = r.querySelector(sel);
    return e ? e.textContent : "";
  }
  var haystack = rows.map(function (r) { return (r.textContent + " " + r.dataset.rule + " " + ruleTitle(r)).toLowerCase(); });
  rows.forEach(function (r, i) { r.dataset.i = i; });

  var q = byId("q"), rule = byId("f-rule"), account = byId("f-account"), region = byId("f-region");
  var supp = byId("f-suppressed"), group = byId("f-group"), shown = byId("shown");
  var sevs = all("input[name=sev]");
  var chip = byId("node-filter"), chipText = byId("node-filter-text");
  var state = { node: "", nodeLabel: "", sortKey: "", sortDir: 1 };

  function visible(r, i) {
    var d = r.dataset;
    var on = false;
    sevs.forEach(function (c) { if (c.value === d.sev && c.checked) { on = true; } });
    var query = q ? q.value.trim().toLowerCase() : "";
    return on && (!query || haystack[i].indexOf(query) >= 0) &&
      (!rule.value || d.rule === rule.value) && (!account.value || d.account === account.value) &&
      (!region.value || d.region === region.value) && (supp.checked || d.suppressed !== "true") &&
      (!state.node || (" " + d.nodes + " ").indexOf(" " + state.node + " ") >= 0);
  }

  function apply() {
    var n = 0;
    rows.forEach(function (r, i) {
      var ok = visible(r, i);
      r.hidden = !ok;
      if (ok) { n++; }
    });
    all("tbody", table).forEach(function (tb) {
      var body = all("tr.finding", tb);
      var on = body.filter(function (r) { return !r.hidden; }).length;
      tb.hidden = on === 0;
      var c = tb.querySelector("tr.group-head .count");
      if (c) { c.textContent = on === body.length ? on + "" : on + " of " + body.length; }
    });
    shown.textContent = n + " of " + rows.length + " findings shown";
    chip.hidden = !state.node;
    chipText.textContent = state.nodeLabel;
    all(".picture .node").forEach(function (g) {
      g.classList.toggle("dim", !!account.value && g.dataset.account !== account.value);
      g.classList.toggle("selected", g.id === state.node);
    });
    all(".picture .edge").forEach(function (p) {
      p.classList.toggle("hl", !!state.node && (p.dataset.from === state.node || p.dataset.to === state.node));
    });
  }

  var keys = {
    severity: function (r) { return rank[r.dataset.sev]; },
    rule: function (r) { return r.dataset.rule; },
    resource: function (r) { return part(r, ".rname") || part(r, ".arn"); },
    account: function (r) { return r.dataset.account; },
    region: function (r) { return r.dataset.region; },
    finding: function (r) { return part(r, ".msg"); }
  };
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") { return a - b; }
    return collate.compare(String(a), String(b));
  }
  function sortedRows() {
    var out = rows.slice();
    if (state.sortKey) {
      var key = keys[state.sortKey];
      out.sort(function (a, b) {
        return state.sortDir * compare(key(a), key(b)) || a.dataset.i - b.dataset.i;
      });
    }
    return out;
  }

  // regroup rebuilds the table's bodies: one per rule (with the rule's
  // server-rendered heading), per resource, or one for everything.
  function regroup() {
    var mode = group.value;
    all("tbody", table).forEach(function (tb) { tb.remove(); });
    var bodies = {}, order = [];
    function body(key, head) {
      if (!bodies[key]) {
        var tb = el("tbody");
        if (head) { tb.appendChild(head); }
        bodies[key] = tb;
        order.push(key);
      }
      return bodies[key];
    }
    // Groups keep the report's order (most severe first); rows within a
    // group follow the sort.
    rows.forEach(function (r) {
      if (mode === "rule") {
        body(r.dataset.rule, ruleHeads[r.dataset.rule]);
      } else if (mode === "resource") {
        var key = r.dataset.resource;
        if (!bodies[key]) {
          var tr = el("tr", "group-head"), th = el("th");
          th.colSpan = cols;
          th.appendChild(el("span", "gtitle", part(r, ".rname") || part(r, ".arn")));
          th.appendChild(el("span", "count"));
          th.appendChild(el("div", "arn", r.dataset.resource));
          tr.appendChild(th);
          body(key, tr);
        }
      } else {
        body("", null);
      }
    });
    sortedRows().forEach(function (r) {
      var key = mode === "rule" ? r.dataset.rule : mode === "resource" ? r.dataset.resource : "";
      bodies[key].appendChild(r);
    });
    order.forEach(function (k) { table.appendChild(bodies[k]); });
    table.classList.toggle("flat", mode !== "rule");
    apply();
  }

  function sortable(tbl, onSort) {
    all("th button.sort", tbl).forEach(function (b) {
      b.addEventListener("click", function () {
        var th = b.parentNode;
        // The first click sorts the way the column reads best (most
        // severe, largest first where it says so), the next reverses.
        var now = th.getAttribute("aria-sort");
        var dir = now ? (now === "ascending" ? -1 : 1) : (b.dataset.first === "desc" ? -1 : 1);
        all("th", tbl).forEach(function (x) { x.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        onSort(b.dataset.key, dir, th.cellIndex);
      });
    });
  }

  function csvCell(v) {
    v = String(v === undefined || v === null ? "" : v);
    // A spreadsheet runs a cell that starts with = + - @ (after blanks),
    // a tab or a carriage return as a formula: make it text.
    if (/^[\t\r]/.test(v) || /^\s*[=+\-@]/.test(v)) { v = "'" + v; }
    return "\"" + v.replace(/"/g, "\"\"") + "\"";
  }
  function exportCSV() {
    var lines = [["severity", "rule", "title", "resource", "name", "account", "region", "finding", "status"].map(csvCell).join(",")];
    all("tr.finding", table).forEach(function (r) {
      if (r.hidden) { return; }
      var d = r.dataset;
      lines.push([d.sev, d.rule, ruleTitle(r), d.resource, part(r, ".rname"), d.account, d.region,
        part(r, ".msg"), part(r, ".rstatus")].map(csvCell).join(","));
    });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var a = el("a");
    a.href = URL.createObjectURL(blob);
    a.download = "gatewatch-findings.csv";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 60000);
  }

  if (table) {
    sevs.concat([rule, account, region, supp]).forEach(function (e) { e.addEventListener("change", apply); });
    q.addEventListener("input", apply);
    group.addEventListener("change", regroup);
    sortable(table, function (key, dir) { state.sortKey = key; state.sortDir = dir; regroup(); });
    byId("csv").addEventListener("click", exportCSV);
    byId("node-filter-clear").addEventListener("click", function () { selectNode(null); });
  }

  // --- topology: a node filters the findings to it ---------------------------
  function selectNode(g) {
    if (!g || state.node === g.id) {
      state.node = "";
      state.nodeLabel = "";
    } else {
      state.node = g.id;
      state.nodeLabel = g.dataset.label;
    }
    if (table) { apply(); }
  }
  all(".picture .node").forEach(function (g) {
    g.addEventListener("click", function () { selectNode(g); });
    g.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); selectNode(g); }
    });
  });

  var fit = byId("fit");
  if (fit) {
    fit.addEventListener("click", function () {
      var on = document.querySelector(".picture").classList.toggle("fit");
      fit.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  // --- other tables: sort by a column's cells ----------------------------------
  all("table.sortable").forEach(function (tbl) {
    sortable(tbl, function (key, dir, index) {
      var tb = tbl.tBodies[0];
      var trs = all("tr", tb);
      trs.forEach(function (r, i) { r.dataset.i = i; });
      trs.sort(function (a, b) {
        var x = a.cells[index], y = b.cells[index];
        var vx = x.dataset.v !== undefined ? Number(x.dataset.v) : x.textContent.trim();
        var vy = y.dataset.v !== undefined ? Number(y.dataset.v) : y.textContent.trim();
        return dir * compare(vx, vy) || a.dataset.i - b.dataset.i;
      });
      trs.forEach(function (r) { tb.appendChild(r); });
    });
  });

  if (table) { apply(); }
  // Last: the mark a browser test waits for, set only if all of the above ran.
  document.documentElement.setAttribute("data-ready", "dashboard");
})();
