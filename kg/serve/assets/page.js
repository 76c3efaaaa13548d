"use strict";
(function () {
  const box = document.getElementById("query");
  const out = document.getElementById("results");
  const status = document.getElementById("status");
  const fmt = document.getElementById("format");
  document.querySelectorAll("button[data-rq]").forEach(function (b) {
    b.addEventListener("click", function () {
      box.value = document.getElementById(b.getAttribute("data-rq")).value;
      box.focus();
    });
  });
  // An IRI opens its node: the link's own address answers a DESCRIBE (so a new tab works too);
  // a plain click runs a query listing the node's statements in the page.
  function nodeLink(iri) {
    const a = document.createElement("a");
    a.href = "/sparql?format=turtle&query=" + encodeURIComponent("DESCRIBE <" + iri + ">");
    a.textContent = "<" + iri + ">";
    a.addEventListener("click", function (ev) {
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      ev.preventDefault();
      box.value = "SELECT ?p ?o WHERE { <" + iri + "> ?p ?o } ORDER BY ?p ?o";
      fmt.value = fmt.options[0].value;
      run();
    });
    return a;
  }
  function cell(term) {
    const td = document.createElement("td");
    if (term) {
      if (term.type === "uri") { td.appendChild(nodeLink(term.value)); return td; }
      let text = term.value;
      if (term["xml:lang"]) text += " @" + term["xml:lang"];
      td.textContent = text;
    }
    return td;
  }
  function table(doc) {
    const t = document.createElement("table");
    const head = document.createElement("tr");
    doc.head.vars.forEach(function (v) {
      const th = document.createElement("th"); th.textContent = "?" + v; head.appendChild(th);
    });
    t.appendChild(head);
    doc.results.bindings.forEach(function (b) {
      const tr = document.createElement("tr");
      doc.head.vars.forEach(function (v) { tr.appendChild(cell(b[v])); });
      t.appendChild(tr);
    });
    return t;
  }
  document.getElementById("form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    run();
  });
  function run() {
    out.textContent = "";
    // results sit right below the query box; bring them into view (the saved list is long)
    status.scrollIntoView({block: "start"});
    status.textContent = "running...";
    const started = performance.now();
    fetch("/sparql", {method: "POST", headers: {"Content-Type": "application/sparql-query",
                                                  "Accept": fmt.value}, body: box.value})
      .then(function (r) {
        return r.text().then(function (text) {
          const ms = Math.round(performance.now() - started);
          const cut = r.headers.get("X-KG-Truncated");
          status.textContent = r.status + " " + r.statusText + " in " + ms + " ms" + (cut ? " (truncated at " + cut + ")" : "");
          const ct = r.headers.get("Content-Type") || "";
          if (r.ok && ct.indexOf("sparql-results+json") >= 0) {
            const doc = JSON.parse(text);
            if (doc.results) {
              const p = document.createElement("p");
              p.textContent = doc.results.bindings.length + " row(s)";
              out.appendChild(p);
              out.appendChild(table(doc));
              return;
            }
          }
          const pre = document.createElement("pre");
          pre.textContent = text;
          out.appendChild(pre);
        });
      })
      .catch(function (e) { status.textContent = "request failed: " + e; });
  }
})();
