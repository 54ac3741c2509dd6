/* The topology map: the backbone drawn from /map/data.json, links and sites coloured by their live state.
   No tiles are loaded: it works with no internet access. */
(function () {
  "use strict";
  var COLOURS = { up: "#2e8b57", down: "#d0342c", maintenance: "#3b6fd4", unknown: "#9aa5b1" };
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: false, preferCanvas: false });
  var links = {}, sites = {};
  function liveOf(data, key) { return (data.live && data.live[key]) || "unknown"; }
  function draw(data) {
    var scene = data.scene;
    scene.links.forEach(function (lk) {
      if (!lk.drawn) { return; }
      var planned = lk.status !== "active";
      var state = planned ? null : liveOf(data, "link:" + lk.id);
      var style = { color: planned ? "#94a3b8" : COLOURS[state], weight: Math.max(2, lk.style.weight),
        opacity: planned ? 0.6 : 0.9, dashArray: planned ? "6 6" : (lk.medium.indexOf("radio") === 0 ? "2 4" : null) };
      if (links[lk.id]) { links[lk.id].setStyle(style); return; }
      var line = L.polyline(lk.pts, style).addTo(map);
      line.bindTooltip(lk.tip + (planned ? " (" + el.dataset.planned + ")" : ""));
      links[lk.id] = line;
    });
    scene.sites.forEach(function (s) {
      var state = liveOf(data, "site:" + s.id);
      var style = { radius: s.kind === "manhole" ? 3 : 5, color: "#1f2933", weight: 1, fillColor: COLOURS[state], fillOpacity: 0.95 };
      if (sites[s.id]) { sites[s.id].setStyle(style); return; }
      var m = L.circleMarker([s.lat, s.lon], style).addTo(map);
      m.bindTooltip(s.name || s.id);
      sites[s.id] = m;
    });
    var at = document.getElementById("map-at");
    if (at) { at.textContent = data.at.replace("T", " ").slice(0, 19); }
  }
  function load(first) {
    fetch(el.dataset.src, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) { window.location = "/login"; return null; }
      return r.json();
    }).then(function (data) {
      if (!data) { return; }
      if (first) {
        var f = data.scene.fit || data.scene.extent;
        map.fitBounds(f);
      }
      draw(data);
    });
  }
  load(true);
  setInterval(function () { load(false); }, 15000);
})();
