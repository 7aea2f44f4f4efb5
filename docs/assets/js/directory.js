/* Directory filters and sorting. Ours, no dependencies, nothing fetched.
   Filter state lives in the URL query so a filtered view can be shared. */
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("ce-filters");
    var table = document.getElementById("ce-directory");
    if (!form || !table || table.dataset.ready) return;
    table.dataset.ready = "1";
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.forEach(function (r, i) { r.dataset.order = i; r.dataset.text = r.textContent.toLowerCase(); });
    var count = document.getElementById("ce-count");
    var keys = ["district", "category", "series", "specialty", "status", "grade"];
    var multi = { series: true, specialty: true };
    var q = document.getElementById("f-q");

    function apply(push) {
      var want = {}, shown = 0;
      keys.forEach(function (k) { var el = document.getElementById("f-" + k); if (el) want[k] = el.value; });
      var text = q.value.trim().toLowerCase();
      rows.forEach(function (r) {
        var ok = keys.every(function (k) {
          if (!want[k]) return true;
          var v = r.dataset[k] || "";
          return multi[k] ? v.split("|").indexOf(want[k]) >= 0 : v === want[k];
        });
        if (ok && text) ok = r.dataset.text.indexOf(text) >= 0;
        r.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = "共 " + rows.length + " 个单位，当前显示 " + shown + " 个";
      if (push) {
        var params = new URLSearchParams();
        if (q.value.trim()) params.set("q", q.value.trim());
        keys.forEach(function (k) { if (want[k]) params.set(k, want[k]); });
        var s = params.toString();
        history.replaceState(null, "", location.pathname + (s ? "?" + s : "") + location.hash);
      }
    }

    function sortBy(th) {
      var col = +th.dataset.col;
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", dir);
      var sign = dir === "ascending" ? 1 : -1;
      var sorted = rows.slice().sort(function (a, b) {
        var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
        return (x.localeCompare(y, "zh-Hans-CN") || (a.dataset.order - b.dataset.order)) * sign;
      });
      sorted.forEach(function (r) { tbody.appendChild(r); });
    }

    var params = new URLSearchParams(location.search);
    if (params.get("q")) q.value = params.get("q");
    keys.forEach(function (k) {
      var el = document.getElementById("f-" + k);
      if (el && params.get(k)) el.value = params.get(k);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
    form.addEventListener("input", function () { apply(true); });
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
    Array.prototype.forEach.call(table.querySelectorAll("th .ce-sort"), function (btn) {
      btn.addEventListener("click", function () { sortBy(btn.parentNode); });
    });
    apply(false);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
