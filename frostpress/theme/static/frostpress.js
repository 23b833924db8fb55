/* Frostpress theme: small enhancements; every page works without them.
   - dark-mode toggle, remembered in localStorage (the system setting rules until then)
   - the sidebar as a menu on narrow screens, scrolled to the current page
     when it is taller than the window
   - a copy button on code blocks
   - search: frostpress-search.js and the index under /search/, fetched when first used
   - the "On this page" table of contents, following the section being read */
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
      if (pre.closest(".linenos")) { return; }  /* line numbers are not copied */
      var holder = pre.closest(".highlight") || pre;
      if (holder.querySelector(".copy-button")) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code") || pre;
        copyText(code.textContent.replace(/\n$/, "")).then(function () {
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
  /* The search script (frostpress-search.js) and the index are fetched the first time the
     search box is used; "/" focuses the box from anywhere, Escape leaves it. */
  function loadSearchScript(src) {
    if (window.FrostpressSearch) { return Promise.resolve(window.FrostpressSearch); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () { resolve(window.FrostpressSearch); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function setupSearch() {
    var form = document.querySelector(".site-search");
    if (!form || !window.fetch) { return; }
    var input = form.querySelector(".search-input");
    var src = form.getAttribute("data-script");
    var started = null;
    function start() {
      if (!started) {
        started = loadSearchScript(src).then(function (search) { search.attach(form); return search; });
        started.catch(function () { started = null; });
      }
      return started;
    }
    input.addEventListener("focus", start);
    input.addEventListener("input", start);
    document.addEventListener("keydown", function (event) {
      if (event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey && !typing(event.target)) {
        event.preventDefault();
        input.focus();
        input.select();
      }
    });
    var params = new URLSearchParams(window.location.search);
    var q = params.get("q");
    if (q) { input.value = q; start(); }
    var h = params.get("h");
    var article = document.querySelector(".content article");
    if (h && article) {
      loadSearchScript(src).then(function (search) { search.highlightPage(h, article); });
    }
  }

  /* ---------------------------------------------------------------- header */
  /* On narrow screens the header (two rows there) slides away while the reader scrolls
     down and comes back as soon as they scroll up, or when anything in it has focus. */
  function setupHeader() {
    var header = document.querySelector(".site-header");
    var narrow = window.matchMedia ? window.matchMedia("(max-width: 50rem)") : null;
    if (!header || !narrow) { return; }
    var lastY = window.scrollY, queued = false;
    function update() {
      queued = false;
      var y = window.scrollY;
      var keep = !narrow.matches || y <= header.offsetHeight || header.contains(document.activeElement);
      if (keep || y < lastY - 4) {
        header.classList.remove("is-tucked");
      } else if (y > lastY + 4) {
        header.classList.add("is-tucked");
      }
      lastY = y;
    }
    window.addEventListener("scroll", function () {
      if (!queued) { queued = true; window.requestAnimationFrame(update); }
    }, { passive: true });
    header.addEventListener("focusin", function () { header.classList.remove("is-tucked"); });
  }

  /* ---------------------------------------------------------------- on this page */
  /* The table of contents beside the text is open on wide screens, folded on narrow ones,
     and marks the section being read. */
  function setupPageToc() {
    var toc = document.querySelector(".toc, .page-toc");
    if (!toc) { return; }
    var details = toc.querySelector("details");
    var wide = window.matchMedia ? window.matchMedia("(min-width: 76rem)") : null;
    if (details && wide && !toc.classList.contains("page-toc")) {
      details.open = wide.matches;
      if (wide.addEventListener) {
        wide.addEventListener("change", function () { details.open = wide.matches; });
      }
    }
    var links = Array.prototype.slice.call(toc.querySelectorAll("a[href^='#']"));
    var targets = links.map(function (a) {
      return document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
    });
    if (!links.length) { return; }
    var current = null;
    function update() {
      var line = 0.25 * window.innerHeight, at = 0;
      for (var i = 0; i < targets.length; i++) {
        if (targets[i] && targets[i].getBoundingClientRect().top <= line) { at = i; }
      }
      if (current === links[at]) { return; }
      if (current) { current.removeAttribute("aria-current"); }
      current = links[at];
      current.setAttribute("aria-current", "location");
    }
    var queued = false;
    window.addEventListener("scroll", function () {
      if (queued) { return; }
      queued = true;
      window.requestAnimationFrame(function () { queued = false; update(); });
    }, { passive: true });
    update();
  }

  setupThemeToggle();
  setupMenu();
  revealCurrentPage();
  setupCopyButtons();
  setupScrollables();
  setupSearch();
  setupHeader();
  setupPageToc();
})();
