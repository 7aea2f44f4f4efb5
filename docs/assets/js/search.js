/* Site search with Pagefind. Ours, no dependencies, nothing fetched from outside.
   Nothing of the index is loaded until the reader types a first search term:
   then Pagefind's script fetches only the index chunks and fragments it needs. */
(function () {
  "use strict";
  var PAGE = 10;
  var pagefind = null;
  var seq = 0;
  var timer = 0;

  function load(base) {
    if (!pagefind) {
      pagefind = import(new URL("pagefind/pagefind.js", base).href).then(function (pf) {
        return pf.options({ baseUrl: new URL(".", base).pathname, excerptLength: 40 }).then(function () {
          return pf;
        });
      });
    }
    return pagefind;
  }

  /* Pagefind's excerpt is HTML with <mark> around hits: keep its text and marks only. */
  function excerpt(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    var out = document.createElement("p");
    Array.prototype.forEach.call(tpl.content.childNodes, function (n) {
      if (n.nodeName === "MARK") {
        var m = document.createElement("mark");
        m.textContent = n.textContent;
        out.appendChild(m);
      } else {
        out.appendChild(document.createTextNode(n.textContent));
      }
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "md-search-result__item";
    var a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = data.url;
    var art = document.createElement("article");
    art.className = "md-search-result__article md-typeset";
    var h = document.createElement("h3");
    h.textContent = (data.meta && data.meta.title) || data.url;
    art.appendChild(h);
    art.appendChild(excerpt(data.excerpt || ""));
    a.appendChild(art);
    li.appendChild(a);
    return li;
  }

  function init() {
    var form = document.getElementById("ce-search-form");
    var input = document.getElementById("ce-search-input");
    var list = document.getElementById("ce-search-results");
    var status = document.getElementById("ce-search-status");
    var toggle = document.getElementById("__search");
    if (!form || !input || !list || !status) return;
    var base = new URL((form.dataset.base || ".") + "/", location.href);
    var idle = status.textContent;
    var results = [];
    var shown = 0;

    function open() { if (toggle) toggle.checked = true; }
    function close() { if (toggle) toggle.checked = false; input.blur(); }

    function more() {
      var next = results.slice(shown, shown + PAGE);
      var mine = seq;
      return Promise.all(next.map(function (r) { return r.data(); })).then(function (rows) {
        if (mine !== seq) return;
        var old = list.querySelector(".ce-search__more");
        if (old) old.parentNode.removeChild(old);
        rows.forEach(function (d) { list.appendChild(item(d)); });
        shown += rows.length;
        if (shown < results.length) {
          var li = document.createElement("li");
          li.className = "ce-search__more";
          var b = document.createElement("button");
          b.type = "button";
          b.className = "md-button";
          b.textContent = "显示更多结果";
          b.addEventListener("click", function () { more(); });
          li.appendChild(b);
          list.appendChild(li);
        }
      });
    }

    function run() {
      var term = input.value.trim();
      var mine = ++seq;
      list.textContent = "";
      results = [];
      shown = 0;
      if (!term) { status.textContent = idle; return; }
      status.textContent = "正在搜索……";
      load(base).then(function (pf) { return pf.search(term); }).then(function (found) {
        if (mine !== seq) return;
        results = found.results;
        return more().then(function () {
          if (mine !== seq) return;
          status.textContent = results.length
            ? "找到 " + results.length + " 个相关页面"
            : "没有找到与“" + term + "”相关的页面，请换一个词试试";
        });
      }).catch(function () {
        if (mine === seq) status.textContent = "搜索暂时不可用，请稍后再试，或从“基地名录”筛选。";
      });
    }

    function later() { clearTimeout(timer); timer = setTimeout(run, 250); }

    input.addEventListener("focus", open);
    input.addEventListener("input", later);
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); run(); });
    form.addEventListener("reset", function () { setTimeout(function () { run(); input.focus(); }, 0); });
    form.addEventListener("keydown", function (e) { if (e.key === "Escape") close(); });
    list.addEventListener("keydown", function (e) { if (e.key === "Escape") { close(); } });
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      var typing = t && (t.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName));
      if (!typing && (e.key === "/" || e.key === "s") && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        open();
        input.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
