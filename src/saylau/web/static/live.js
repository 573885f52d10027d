/* saylau live results: keep an election page current without reloading it.
 *
 * Every few seconds (data-live-seconds on <main>) the page asks for its JSON twin
 * (data-live-url) with If-None-Match; the server answers 304 while nothing has changed, so a
 * quiet page costs a few hundred bytes. When the data changed, the texts marked data-live="key"
 * are replaced by json.live[key] in place; when the page's shape changed (a new okrug row, a
 * certification), the <main> of the HTML page is fetched and swapped in. Polling pauses while
 * the tab is hidden and backs off after errors. Without JavaScript the page is complete as
 * served. No dependencies, no network beyond this site.
 */
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.getAttribute("data-live-url") || !window.fetch) { return; }
  var lang = document.documentElement.lang || "en";
  var seconds = Math.max(1, parseInt(main.getAttribute("data-live-seconds"), 10) || 15);
  var url = main.getAttribute("data-live-url");
  url += (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(lang);
  // The twin's ETag in the state the page was rendered for: the first poll is already a 304.
  var etag = main.getAttribute("data-live-etag") || null;
  var failures = 0;
  var timer = null;
  var busy = false;

  function marked() {
    var found = {};
    var nodes = main.querySelectorAll("[data-live]");
    for (var i = 0; i < nodes.length; i += 1) {
      var key = nodes[i].getAttribute("data-live");
      (found[key] = found[key] || []).push(nodes[i]);
    }
    return found;
  }

  function sameKeys(a, b) {
    if (a.length !== b.length) { return false; }
    var seen = {};
    a.forEach(function (k) { seen[k] = true; });
    return b.every(function (k) { return seen[k]; });
  }

  function flash(node) {
    node.classList.add("changed");
    window.setTimeout(function () { node.classList.remove("changed"); }, 2500);
  }

  // The number of texts changed, or -1 when the page's shape differs from the data's.
  function update(live) {
    var nodes = marked();
    var keys = Object.keys(live);
    if (!sameKeys(Object.keys(nodes), keys)) { return -1; }
    var changed = 0;
    keys.forEach(function (key) {
      nodes[key].forEach(function (node) {
        // a bar keeps its value in an attribute (its width), a text in its content
        var attr = node.getAttribute("data-live-attr");
        if (attr) {
          if (node.getAttribute(attr) !== live[key]) { node.setAttribute(attr, live[key]); }
        } else if (node.textContent !== live[key]) {
          node.textContent = live[key];
          flash(node);
          changed += 1;
        }
      });
    });
    return changed;
  }

  function swap() {
    var here = window.location.pathname + window.location.search;
    return fetch(here, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        if (fresh) { main.innerHTML = fresh.innerHTML; }
      });
  }

  function stamp() {
    var note = main.querySelector("[data-live-status]");
    if (!note) { return; }
    var time;
    try {
      time = new Date().toLocaleTimeString(lang, { timeZone: "Asia/Almaty" });
    } catch (e) {
      time = new Date().toISOString().slice(11, 19) + " UTC";
    }
    note.textContent = (note.getAttribute("data-updated-text") || "{time}").replace("{time}", time);
  }

  function schedule() {
    window.clearTimeout(timer);
    var wait = seconds * 1000 * Math.min(8, Math.pow(2, failures));
    timer = window.setTimeout(poll, wait);
  }

  function poll() {
    if (busy || document.hidden) { schedule(); return; }
    busy = true;
    var headers = { "Accept": "application/json" };
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (!data || !data.live) { return null; }
        var changed = update(data.live);
        if (changed < 0) { return swap().then(stamp); }
        if (changed > 0) { stamp(); }
        return null;
      })
      .catch(function () { failures += 1; })
      .then(function () { busy = false; schedule(); });
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { window.clearTimeout(timer); poll(); }
  });
  schedule();
}());
