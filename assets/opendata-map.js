// opendata-map.js -- the map preview of a dataset page (page_opendata.c),
// with Leaflet (/assets/leaflet/leaflet.js, from npm, served by madoguchi).
// The container #od-map says where the points are (data-geojson: the
// dataset's derived GeoJSON, same origin) and which tiles to draw
// (data-tiles: a URL template, data-attribution); without tiles the points
// are shown on a blank background.  Each point is a Leaflet marker: a
// keyboard-focusable button named after the place (alt and title), whose
// popup gives the name and the coordinates, opaque at once (no fade), its
// close button darker than Leaflet's (opendata.css).  Without JavaScript (or when
// Leaflet or the GeoJSON cannot be loaded) the container stays hidden and
// the page's table of points and the GeoJSON link are the content; the
// table is also the accessible alternative to the map.
(function () {
  'use strict';
  var el = document.getElementById('od-map');
  if (!el || !window.L || !window.fetch) { return; }
  var url = el.getAttribute('data-geojson');
  var names = ['名称', '施設・場所名', 'name', 'title', '施設名'];
  function nameOf(p) {
    for (var i = 0; p && i < names.length; i++) {
      if (typeof p[names[i]] === 'string' && p[names[i]]) { return p[names[i]]; }
    }
    return '';
  }
  fetch(url, { credentials: 'same-origin' }).then(function (r) {
    if (!r.ok) { throw new Error('GeoJSON ' + r.status); }
    return r.json();
  }).then(function (gj) {
    el.hidden = false;
    // no fade: a popup is opaque the moment it opens (while Leaflet's
    // 0.2 s fade runs, its text and close button are below the contrast
    // that WCAG asks for, and a reader, or a checker, may look then)
    var map = L.map(el, { scrollWheelZoom: false, keyboard: true, fadeAnimation: false });
    var tiles = el.getAttribute('data-tiles');
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 18, attribution: el.getAttribute('data-attribution') || '' }).addTo(map);
    } else {
      el.classList.add('od-map-blank');
    }
    var pts = [];
    (gj.features || []).forEach(function (f) {
      var g = f && f.geometry;
      if (!g || g.type !== 'Point' || !g.coordinates) { return; }
      var lon = g.coordinates[0], lat = g.coordinates[1];
      if (typeof lat !== 'number' || typeof lon !== 'number') { return; }
      var name = nameOf(f.properties) || (lat + ', ' + lon);
      var m = L.marker([lat, lon], { title: name, alt: name, keyboard: true });
      var box = document.createElement('div');
      var b = document.createElement('strong');
      b.textContent = name;
      box.appendChild(b);
      box.appendChild(document.createElement('br'));
      box.appendChild(document.createTextNode(lat.toFixed(6) + ', ' + lon.toFixed(6)));
      m.bindPopup(box);
      m.addTo(map);
      pts.push([lat, lon]);
    });
    if (pts.length) {
      map.fitBounds(L.latLngBounds(pts), { padding: [24, 24], maxZoom: 16 });
    } else {
      map.setView([35.68, 139.76], 10);
    }
    el.setAttribute('data-markers', String(pts.length));
  }).catch(function () {
    el.hidden = true;
  });
})();
