/* Frostpress theme: small enhancements; every page works without them.
   - dark-mode toggle, remembered in localStorage (the system setting rules until then)
   - the sidebar as a menu on narrow screens, scrolled to the current page
     when it is taller than the window
   - a copy button on code blocks
   - search over /search-index.json, fetched only when the reader starts searching */
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "frostpress-theme";

  /* ---------------------------------------------------------------- dark mode */
  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) { return chosen === "dark"; }
    return !!(systemDark && systemDark.matches);
  }

  function setupThemeToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) { return; }
    /* The label says what a click does: "Switch to light mode" while the page is dark. */
    var toDark = button.getAttribute("data-to-dark") || "Switch to dark mode";
    var toLight = button.getAttribute("data-to-light") || "Switch to light mode";
    function show() { button.textContent = isDark() ? toLight : toDark; }
    button.addEventListener("click", function () {
      var want = isDark() ? "light" : "dark";
      var system = systemDark && systemDark.matches ? "dark" : "light";
      try {
        if (want === system) { window.localStorage.removeItem(KEY); }
        else { window.localStorage.setItem(KEY, want); }
      } catch (e) { /* not remembered, still applied */ }
      root.setAttribute("data-theme", want);
      show();
    });
    if (systemDark && systemDark.addEventListener) {
      systemDark.addEventListener("change", show);
    }
    show();
  }

  /* ---------------------------------------------------------------- menu */
  function setupMenu() {
    var button = document.querySelector(".menu-toggle");
    var sidebar = document.querySelector(".sidebar");
    if (!button || !sidebar) {
      if (button) { button.classList.add("is-unused"); }
      return;
    }
    if (!sidebar.id) { sidebar.id = "site-sidebar"; }
    button.setAttribute("aria-controls", sidebar.id);
    function set(open) {
      sidebar.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && sidebar.classList.contains("is-open")) {
        set(false);
        button.focus();
      }
    });
  }

  /* The current page's link is in view in a long sidebar (the sidebar scrolls, the page
     does not). */
  function revealCurrentPage() {
    var sidebar = document.querySelector(".sidebar");
    var current = sidebar && sidebar.querySelector('[aria-current="page"]');
    if (!current || sidebar.scrollHeight <= sidebar.clientHeight) { return; }
    var box = sidebar.getBoundingClientRect();
    var link = current.getBoundingClientRect();
    if (link.top < box.top || link.bottom > box.bottom) {
      sidebar.scrollTop += link.top - box.top - (box.height - link.height) / 2;
    }
  }

  /* ---------------------------------------------------------------- copy buttons */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  function setupCopyButtons() {
    var blocks = document.querySelectorAll(".content pre");
    Array.prototype.forEach.call(blocks, function (pre) {
      var holder = pre.parentElement && pre.parentElement.classList.contains("highlight")
        ? pre.parentElement : pre;
      if (holder.querySelector(".copy-button")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        copyText(code.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = "Copied";
        }, function () {
          button.textContent = "Press Ctrl+C";
          var range = document.createRange();
          range.selectNodeContents(code);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        });
        window.setTimeout(function () { button.textContent = "Copy"; }, 2000);
      });
      holder.classList.add("has-copy");
      holder.appendChild(button);
    });
  }

  /* ---------------------------------------------------------------- wide blocks */
  /* Code and tables that scroll sideways can be reached and scrolled with the keyboard. */
  function setupScrollables() {
    var wide = document.querySelectorAll(".content pre, .content table");
    Array.prototype.forEach.call(wide, function (el) {
      if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
      }
    });
  }

  /* ---------------------------------------------------------------- search */
  var MAX_RESULTS = 20;

  function terms(query) {
    return query.toLowerCase().split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  function score(entry, words) {
    var title = entry.lt, text = entry.lx, total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var inTitle = title.indexOf(w) !== -1;
      var at = text.indexOf(w);
      if (!inTitle && at === -1) { return 0; }
      total += (inTitle ? 10 : 0) + (at !== -1 ? 1 : 0);
      if (title === w || title.indexOf(w + " ") === 0) { total += 5; }
    }
    return total;
  }

  function snippet(entry, words) {
    var at = -1;
    for (var i = 0; i < words.length && at === -1; i++) { at = entry.lx.indexOf(words[i]); }
    if (at === -1) { return entry.text.slice(0, 160); }
    var start = Math.max(0, at - 60);
    var part = entry.text.slice(start, start + 180);
    return (start > 0 ? "\u2026" : "") + part + (start + 180 < entry.text.length ? "\u2026" : "");
  }

  function mark(node, text, words) {
    var lower = text.toLowerCase(), pos = 0;
    while (pos < text.length) {
      var next = -1, len = 0;
      for (var i = 0; i < words.length; i++) {
        var at = lower.indexOf(words[i], pos);
        if (at !== -1 && (next === -1 || at < next)) { next = at; len = words[i].length; }
      }
      if (next === -1) { break; }
      node.appendChild(document.createTextNode(text.slice(pos, next)));
      var m = document.createElement("mark");
      m.textContent = text.slice(next, next + len);
      node.appendChild(m);
      pos = next + len;
    }
    node.appendChild(document.createTextNode(text.slice(pos)));
  }

  function setupSearch() {
    var form = document.querySelector(".site-search");
    if (!form || !window.fetch) { return; }
    var input = form.querySelector(".search-input");
    var box = form.querySelector(".search-results");
    var index = null, loading = null;

    function load() {
      if (!loading) {
        loading = fetch(form.getAttribute("data-index"))
          .then(function (r) {
            if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
            return r.json();
          })
          .then(function (entries) {
            entries.forEach(function (e) { e.lt = e.title.toLowerCase(); e.lx = e.text.toLowerCase(); });
            index = entries;
            return entries;
          });
        loading.catch(function () { loading = null; });
      }
      return loading;
    }

    function clear() {
      box.textContent = "";
      form.classList.remove("has-results");
    }

    function render() {
      var words = terms(input.value);
      if (!words.length) { clear(); return; }
      if (!index) {
        box.textContent = "Loading the search index\u2026";
        form.classList.add("has-results");
        load().then(render, function () { box.textContent = "The search index could not be loaded."; });
        return;
      }
      var found = [];
      for (var i = 0; i < index.length; i++) {
        var s = score(index[i], words);
        if (s > 0) { found.push([s, i]); }
      }
      found.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
      box.textContent = "";
      var status = document.createElement("p");
      status.className = "search-status";
      status.textContent = found.length === 0 ? "No pages found." :
        found.length + (found.length === 1 ? " page found" : " pages found") +
        (found.length > MAX_RESULTS ? ", best " + MAX_RESULTS + " shown." : ".");
      box.appendChild(status);
      if (found.length) {
        var list = document.createElement("ul");
        found.slice(0, MAX_RESULTS).forEach(function (hit) {
          var entry = index[hit[1]];
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = entry.url;
          link.className = "search-hit";
          mark(link, entry.title, words);
          item.appendChild(link);
          if (entry.section) {
            var section = document.createElement("span");
            section.className = "search-section";
            section.textContent = entry.section;
            item.appendChild(section);
          }
          var text = document.createElement("p");
          mark(text, snippet(entry, words), words);
          item.appendChild(text);
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      form.classList.add("has-results");
    }

    var pending = 0;
    input.addEventListener("focus", function () { load(); }, { once: true });
    input.addEventListener("input", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(render, 60);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = box.querySelector(".search-hit");
      if (first) { window.location.href = first.href; } else { render(); }
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { input.value = ""; clear(); input.focus(); }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var hits = Array.prototype.slice.call(box.querySelectorAll(".search-hit"));
        if (!hits.length) { return; }
        var at = hits.indexOf(document.activeElement);
        var next = event.key === "ArrowDown" ? at + 1 : at - 1;
        if (next < 0) { input.focus(); } else { hits[Math.min(next, hits.length - 1)].focus(); }
        event.preventDefault();
      }
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) { clear(); }
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) { input.value = q; render(); }
  }

  setupThemeToggle();
  setupMenu();
  revealCurrentPage();
  setupCopyButtons();
  setupScrollables();
  setupSearch();
})();
