/* Frostpress search, loaded by frostpress.js the first time the search box is used.
   The index lives in /search/: index.json (the first word of each shard), t/<name>.json
   (shards: word -> [page, weight, count, positions as gaps...]) and p/<n>-<k>.json (part k
   of page n: its title, URL, and the pieces of its sections from word k * part_words on).
   A query fetches index.json, the shards of its words, and for each result shown the part
   of its page that holds the match; nothing else. Words are split as frostpress/search.py
   splits them. */
(function () {
  "use strict";
  var WORD = /[\p{L}\p{N}\p{M}]+/gu;
  var NO_SPACE_CHARS = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u2e80-\u2fdf" +
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf" +
    "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2fa1f}";
  var NO_SPACE = new RegExp("([" + NO_SPACE_CHARS + "]+)", "u");
  var PAGE_SIZE = 6;
  var PREFIX_MIN = 2;

  /* ------------------------------------------------------------ words */
  /* The index words of one word of text. In the index, a run of characters of a script
     without spaces gives every pair of characters and its last character; a query asks for
     the pairs only (or the single character), which then must follow each other. */
  function split(word, asIndexed) {
    var out = [], parts = word.normalize("NFKC").toLowerCase().split(NO_SPACE);
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i];
      if (!part) { continue; }
      if (i % 2 === 0) { out.push(part); continue; }
      var chars = Array.from(part);
      for (var j = 0; j + 1 < chars.length; j++) { out.push(chars[j] + chars[j + 1]); }
      if (asIndexed || chars.length === 1) { out.push(chars[chars.length - 1]); }
    }
    return out;
  }

  /* The words of a text with where they are: [{start, end, words}]. */
  function scan(text, asIndexed) {
    var out = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      out.push({ start: m.index, end: m.index + m[0].length, words: split(m[0], asIndexed) });
    }
    return out;
  }

  function countWords(text) {
    var n = 0;
    scan(text, true).forEach(function (w) { n += w.words.length; });
    return n;
  }

  /* A query: groups of words that must follow each other ("quoted phrases", and the parts
     of one word such as TEXT_LIMIT or 日本語); the last word of a group may be a prefix. */
  function parse(query) {
    var groups = [], re = /"([^"]*)"?|(\S+)/g, m;
    while ((m = re.exec(query))) {
      var words = [];
      scan(m[1] !== undefined ? m[1] : m[2], false).forEach(function (w) {
        words = words.concat(w.words);
      });
      if (words.length) { groups.push(words); }
    }
    return groups;
  }

  function prefixAllowed(word) {
    return Array.from(word).length >= PREFIX_MIN || NO_SPACE.test(word);
  }

  /* ------------------------------------------------------------ index */
  function Index(base) {
    this.base = base;
    this.meta = null;
    this.shards = {};
    this.pages = {};
    this.fetched = 0;
  }

  Index.prototype.get = function (path) {
    var self = this;
    return fetch(this.base + path).then(function (r) {
      if (!r.ok) { throw new Error(r.status + " " + r.statusText); }
      return r.text();
    }).then(function (text) {
      self.fetched += text.length;
      return JSON.parse(text);
    });
  };

  Index.prototype.load = function () {
    var self = this;
    if (!this.meta) {
      this.meta = this.get("index.json");
      this.meta.catch(function () { self.meta = null; });
    }
    return this.meta;
  };

  /* The shards that can hold ``word`` (and, with ``prefix``, the words it begins). */
  function shardNames(meta, word, prefix) {
    var list = meta.shards, lo = 0, hi = list.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (list[mid][0] <= word) { lo = mid; } else { hi = mid - 1; }
    }
    var names = [list[lo][1]];
    for (var i = lo + 1; prefix && i < list.length && list[i][0].indexOf(word) === 0; i++) {
      names.push(list[i][1]);
    }
    return names;
  }

  Index.prototype.shard = function (name) {
    var self = this;
    if (!this.shards[name]) {
      this.shards[name] = this.get("t/" + name + ".json");
      this.shards[name].catch(function () { delete self.shards[name]; });
    }
    return this.shards[name];
  };

  /* The fragment file of page ``n`` that holds the word at position ``at``. */
  Index.prototype.page = function (n, at) {
    var self = this;
    return this.load().then(function (meta) {
      var name = n + "-" + Math.floor(at / meta.part_words);
      if (!self.pages[name]) {
        self.pages[name] = self.get("p/" + name + ".json");
        self.pages[name].catch(function () { delete self.pages[name]; });
      }
      return self.pages[name];
    });
  };

  /* Postings of a word: {page: {weight, positions}}. */
  function decode(flat) {
    var out = {}, i = 0;
    while (i < flat.length) {
      var n = flat[i + 2], at = 0, positions = [];
      for (var k = 0; k < n; k++) { at += flat[i + 3 + k]; positions.push(at); }
      out[flat[i]] = { weight: flat[i + 1], positions: positions, count: n };
      i += 3 + n;
    }
    return out;
  }

  /* The words of the loaded shards that match ``word``: [[postings, factor]]. */
  function candidates(shards, word, prefix) {
    var out = [], seen = {};
    shards.forEach(function (shard) {
      Object.keys(shard).forEach(function (key) {
        if (seen[key]) { return; }
        if (key === word || (prefix && key.indexOf(word) === 0)) {
          seen[key] = true;
          out.push([decode(shard[key]), key === word ? 1 : 0.5]);
        }
      });
    });
    return out;
  }

  /* Pages matching one group: {page: {score, at}} (``at``: the position of the match). */
  function matchGroup(group, shardsOf, pageCount) {
    var lists = group.map(function (word, i) {
      var last = i === group.length - 1;
      return candidates(shardsOf[i], word, last && prefixAllowed(word));
    });
    var found = {};
    lists[0].forEach(function (cand) {
      var postings = cand[0], idf = Math.log(1 + pageCount / Object.keys(postings).length);
      Object.keys(postings).forEach(function (page) {
        var entry = postings[page];
        var at = group.length === 1 ? entry.positions[0] : followedAt(entry.positions, lists, page);
        if (at === undefined) { return; }
        var score = entry.weight * idf * cand[1] * (group.length > 1 ? 2 : 1);
        if (!found[page] || found[page].score < score) { found[page] = { score: score, at: at }; }
      });
    });
    return found;
  }

  /* The first position where the group's words follow each other on ``page``. */
  function followedAt(starts, lists, page) {
    for (var s = 0; s < starts.length; s++) {
      var ok = true;
      for (var k = 1; k < lists.length && ok; k++) {
        ok = lists[k].some(function (cand) {
          var e = cand[0][page];
          return e && e.positions.indexOf(starts[s] + k) !== -1;
        });
      }
      if (ok) { return starts[s]; }
    }
    return undefined;
  }

  /* Ranked results of ``query``: [{page, score, at}], best first. */
  Index.prototype.search = function (query) {
    var self = this, groups = parse(query);
    if (!groups.length) { return Promise.resolve({ groups: groups, hits: [] }); }
    return this.load().then(function (meta) {
      var wanted = groups.map(function (group) {
        return Promise.all(group.map(function (word, i) {
          var prefix = i === group.length - 1 && prefixAllowed(word);
          return Promise.all(shardNames(meta, word, prefix).map(self.shard, self));
        }));
      });
      return Promise.all(wanted).then(function (loaded) {
        var total = null;
        groups.forEach(function (group, g) {
          var found = matchGroup(group, loaded[g], meta.pages);
          if (total === null) { total = found; return; }
          var both = {};
          Object.keys(total).forEach(function (page) {
            if (found[page]) {
              both[page] = { score: total[page].score + found[page].score, at: total[page].at };
            }
          });
          total = both;
        });
        var hits = Object.keys(total).map(function (page) {
          return { page: +page, score: total[page].score, at: total[page].at };
        });
        hits.sort(function (a, b) { return b.score - a.score || a.page - b.page; });
        return { groups: groups, hits: hits };
      });
    });
  };

  /* ------------------------------------------------------------ passages */
  /* Where position ``at`` falls in a page's fragment: {anchor, heading, text, offset}
     (``offset``: the character where the matched word starts in ``text``, or -1 when the
     match is in the title or a heading). */
  function locate(page, at) {
    var pieces = page.pieces, first = pieces[0] || ["", "", "", 0];
    if (at < countWords(page.title)) {
      return { anchor: "", heading: "", text: first[2], offset: -1 };
    }
    var piece = first;
    for (var i = 0; i < pieces.length && pieces[i][3] <= at; i++) { piece = pieces[i]; }
    var pos = piece[3] + countWords(piece[1]);
    var found = { anchor: piece[0], heading: piece[1], text: piece[2], offset: -1 };
    if (at < pos) { return found; }
    var words = scan(piece[2], true);
    for (var k = 0; k < words.length; k++) {
      if (at < pos + words[k].words.length) { found.offset = words[k].start; break; }
      pos += words[k].words.length;
    }
    return found;
  }

  function excerpt(text, offset) {
    var size = 180;
    if (offset <= 60) { return text.length > size ? text.slice(0, size) + "\u2026" : text; }
    var start = text.lastIndexOf(" ", offset - 50);
    start = start === -1 ? offset - 50 : start + 1;
    var end = start + size;
    return "\u2026" + text.slice(start, end) + (end < text.length ? "\u2026" : "");
  }

  /* Put ``text`` into ``node``, the words of the query marked. */
  function mark(node, text, groups) {
    var wanted = [], ranges = [];
    groups.forEach(function (group) {  /* [word, matches as a prefix] */
      group.forEach(function (q, i) { wanted.push([q, i === group.length - 1 && prefixAllowed(q)]); });
    });
    scan(text, true).forEach(function (w) {
      var raw = text.slice(w.start, w.end), lower = raw.toLowerCase(), word = w.words[0];
      var whole = word && !NO_SPACE.test(word) && wanted.some(function (q) {
        return !NO_SPACE.test(q[0]) && (q[1] ? word.indexOf(q[0]) === 0 : word === q[0]);
      });
      if (whole) { ranges.push([w.start, w.end]); return; }
      wanted.forEach(function (pair) {
        var q = pair[0];
        if (!NO_SPACE.test(q)) { return; }
        for (var at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, at + 1)) {
          ranges.push([w.start + at, w.start + at + q.length]);
        }
      });
    });
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    ranges.forEach(function (r) {
      if (r[1] <= pos) { return; }
      var from = Math.max(r[0], pos);
      node.appendChild(document.createTextNode(text.slice(pos, from)));
      var m = document.createElement("mark");
      m.textContent = text.slice(from, r[1]);
      node.appendChild(m);
      pos = r[1];
    });
    node.appendChild(document.createTextNode(text.slice(pos)));
  }

  /* ------------------------------------------------------------ results */
  function resultItem(page, hit, groups, query) {
    var place = locate(page, hit.at);
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.className = "search-hit";
    link.href = page.url + "?h=" + encodeURIComponent(query) + (place.anchor ? "#" + place.anchor : "");
    mark(link, page.title, groups);
    item.appendChild(link);
    var where = [page.chapter, place.heading].filter(Boolean).join(" \u203a ");
    if (where) {
      var section = document.createElement("span");
      section.className = "search-section";
      mark(section, where, groups);
      item.appendChild(section);
    }
    var text = document.createElement("p");
    mark(text, excerpt(place.text, place.offset), groups);
    item.appendChild(text);
    return item;
  }

  function status(box, text) {
    var p = document.createElement("p");
    p.className = "search-status";
    p.textContent = text;
    box.appendChild(p);
  }

  /* The search box's state: its elements, the index, and the number of the last query
     (answers to older queries are dropped). */
  function Box(form) {
    this.form = form;
    this.input = form.querySelector(".search-input");
    this.box = form.querySelector(".search-results");
    this.index = new Index(form.getAttribute("data-index").replace(/index\.json$/, ""));
    this.asked = 0;
    /* The words shown, from the form's data-text-* attributes (the theme's templates
       translate them), in English without them. */
    var words = this.words = {
      loading: "Loading the search index\u2026", failed: "The search index could not be loaded.",
      none: "No pages found.", one: "1 page found.", many: "{n} pages found.",
      more: "More results"
    };
    Object.keys(words).forEach(function (key) {
      var given = form.getAttribute("data-text-" + key);
      if (given) { words[key] = given; }
    });
  }

  Box.prototype.clear = function () {
    this.asked += 1; /* results still on their way are for a query no longer asked */
    this.box.textContent = "";
    this.form.classList.remove("has-results");
  };

  Box.prototype.render = function () {
    var self = this, query = this.input.value.trim(), ticket = ++this.asked;
    if (!query) { this.clear(); return; }
    if (!this.index.meta) {
      this.box.textContent = this.words.loading;
      this.form.classList.add("has-results");
    }
    this.index.search(query).then(function (result) {
      if (ticket === self.asked) { return self.show(result, query, 0); }
    }).catch(function () {
      if (ticket !== self.asked) { return; }
      self.box.textContent = self.words.failed;
      self.form.classList.add("has-results");
    });
  };

  /* Show results ``shown`` to ``shown + PAGE_SIZE`` (the first batch replaces the list). */
  Box.prototype.show = function (result, query, shown) {
    var self = this, box = this.box, hits = result.hits, list = box.querySelector("ul");
    if (!shown) {
      box.textContent = "";
      var words = this.words;
      status(box, hits.length === 0 ? words.none :
        (hits.length === 1 ? words.one : words.many).replace("{n}", String(hits.length)));
      list = document.createElement("ul");
      box.appendChild(list);
    }
    var more = box.querySelector(".search-more");
    if (more) { box.removeChild(more); }
    var batch = hits.slice(shown, shown + PAGE_SIZE), ticket = this.asked;
    var pages = batch.map(function (hit) { return self.index.page(hit.page, hit.at); });
    return Promise.all(pages).then(function (loaded) {
      if (ticket !== self.asked) { return; }
      loaded.forEach(function (page, i) {
        list.appendChild(resultItem(page, batch[i], result.groups, query));
      });
      if (shown + PAGE_SIZE < hits.length) { self.moreButton(result, query, shown + PAGE_SIZE); }
      self.form.classList.add("has-results");
      self.form.setAttribute("data-fetched", String(self.index.fetched));
    });
  };

  Box.prototype.moreButton = function (result, query, next) {
    var self = this, button = document.createElement("button");
    button.type = "button";
    button.className = "search-more";
    button.textContent = this.words.more;
    button.addEventListener("click", function () {
      self.show(result, query, next).then(function () {
        var item = self.box.querySelectorAll("li")[next];
        if (item) { item.querySelector("a").focus(); }
      });
    });
    this.box.appendChild(button);
  };

  /* Escape empties and leaves the box; the arrow keys move through the results. */
  Box.prototype.key = function (event) {
    if (event.key === "Escape") {
      this.input.value = "";
      this.clear();
      this.input.blur();
      event.stopPropagation();
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var hits = Array.prototype.slice.call(this.box.querySelectorAll(".search-hit"));
      if (!hits.length) { return; }
      var at = hits.indexOf(document.activeElement);
      var next = event.key === "ArrowDown" ? at + 1 : at - 1;
      if (next < 0) { this.input.focus(); } else { hits[Math.min(next, hits.length - 1)].focus(); }
      event.preventDefault();
    }
  };

  function attach(form) {
    var ui = new Box(form), pending = 0;
    ui.input.addEventListener("input", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () { ui.render(); }, 80);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = ui.box.querySelector(".search-hit");
      if (first) { window.location.href = first.href; } else { ui.render(); }
    });
    form.addEventListener("keydown", function (event) { ui.key(event); });
    document.addEventListener("click", function (event) {
      /* (a click on "More results" removes the button before it reaches the document) */
      if (event.target.isConnected && !form.contains(event.target)) { ui.clear(); }
    });
    ui.index.load();
    if (ui.input.value.trim()) { ui.render(); }
  }

  /* ------------------------------------------------------------ on the page found */
  /* Mark the searched words in the page's text (the results link to page.html?h=words). */
  function highlightPage(query, root) {
    var groups = parse(query);
    if (!groups.length || !root) { return; }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentNode;
        if (!node.nodeValue.trim() || parent.closest("pre, script, style, mark, .headerlink")) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (node) {
      var holder = document.createDocumentFragment();
      mark(holder, node.nodeValue, groups);
      if (holder.querySelector("mark")) {
        Array.prototype.forEach.call(holder.querySelectorAll("mark"), function (m) {
          m.className = "search-mark";
        });
        node.parentNode.replaceChild(holder, node);
      }
    });
  }

  window.FrostpressSearch = { attach: attach, highlightPage: highlightPage, parse: parse };
})();
