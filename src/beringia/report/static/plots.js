/* beringia: draw the page's figures from their JSON blocks once plotly.js has loaded.
   The figures on screen are drawn first, the rest one by one afterwards, and all of them
   before printing. <html data-plots-visible="ready"> says the figures on the first screen
   are drawn, <html data-plots="ready"> that every figure is. Also opens a
   collapsed <details> when a link points inside it, and filters tables with a search box. */
(function () {
  "use strict";
  var root = document.documentElement;
  var blocks = document.querySelectorAll('script[type="application/json"][data-plot]');
  var pending = {};
  var left = blocks.length;
  function finished() {
    left -= 1;
    if (left === 0) {
      root.setAttribute("data-plots", "ready");
      if (window.performance && performance.mark) { performance.mark("plots-all"); }
    }
  }
  function draw(id) {
    var block = pending[id];
    if (!block) { return Promise.resolve(); }
    delete pending[id];
    var spec = JSON.parse(block.textContent);
    return Plotly.newPlot(id, spec.data, spec.layout, spec.config).then(finished, function (e) {
      console.error("beringia: figure " + id + " failed: " + e);
      finished();
    });
  }
  Array.prototype.forEach.call(blocks, function (b) { pending[b.getAttribute("data-plot")] = b; });
  if (left === 0) { root.setAttribute("data-plots", "ready"); }
  // The figures on the first screen now; <html data-plots-visible="ready"> when drawn.
  var onScreen = Object.keys(pending).filter(function (id) {
    var el = document.getElementById(id);
    var r = el ? el.getBoundingClientRect() : null;
    return r && r.bottom > 0 && r.top < window.innerHeight;
  });
  Promise.all(onScreen.map(draw)).then(function () {
    root.setAttribute("data-plots-visible", "ready");
    if (window.performance && performance.mark) { performance.mark("plots-visible"); }
  });
  var seen = null;
  if ("IntersectionObserver" in window) {
    seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { seen.unobserve(e.target); draw(e.target.id); }
      });
    }, { rootMargin: "600px 0px" });
    Object.keys(pending).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { seen.observe(el); }
    });
  }
  function rest() {
    var ids = Object.keys(pending);
    if (ids.length) { draw(ids[0]).then(function () { setTimeout(rest, 0); }); }
  }
  function drawAll() { return Promise.all(Object.keys(pending).map(draw)); }
  window.beringiaDrawAll = drawAll;
  window.addEventListener("beforeprint", drawAll);
  if (document.readyState === "complete") { setTimeout(rest, 100); }
  else { window.addEventListener("load", function () { setTimeout(rest, 100); }); }

  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el) { return; }
    for (var p = el.parentElement; p; p = p.parentElement) {
      if (p.tagName === "DETAILS" && !p.open) { p.open = true; }
    }
    el.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  if (location.hash) { openTarget(); }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-filter]"), function (box) {
    var table = document.getElementById(box.getAttribute("data-filter"));
    var count = document.getElementById(box.getAttribute("data-filter") + "-count");
    if (!table) { return; }
    var rows = table.tBodies[0].rows;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(rows, function (r) {
        if (r.classList.contains("section")) { r.hidden = words.length > 0; return; }
        var text = r.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
        r.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = words.length ? shown + " shown" : ""; }
    });
  });
})();
