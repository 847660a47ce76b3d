// map.js -- the resident's map (/map, src/svc/map/web/page_map.c), drawn
// with Leaflet (/assets/leaflet/leaflet.js, from npm, served by madoguchi).
// Progressive enhancement only: without JavaScript the page's lists, the
// search and the "show on the map" links are the content, and the map
// container and the layer switcher stay hidden.
//
// What it reads from the page (all written and escaped by the server):
//   #map-view        data-tiles / data-attribution (none: a blank
//                    background), data-lat / data-lon (centre on a point),
//                    data-unavailable (the text of a layer that cannot load)
//   #map-switcher    one checkbox per layer: data-src (same-origin
//                    GeoJSON), data-kind (1 points, 2 lines, 3 polygons,
//                    4 choropleth), data-color (#rrggbb), data-marker (1
//                    circle, 2 square, 3 triangle), data-width,
//                    data-opacity (%), data-name; a choropleth's class
//                    colours in hidden spans (data-class-color)
//   a.map-goto       data-lat / data-lon: pan there instead of reloading
// Each point is a keyboard-focusable marker named after the place; its
// popup gives the name, the address and the coordinates as text.
(function () {
  'use strict';
  var el = document.getElementById('map-view');
  var sw = document.getElementById('map-switcher');
  if (!el || !sw || !window.L || !window.fetch) { return; }
  var HEX = /^#[0-9a-fA-F]{6}$/;
  function colour(c, dflt) { return HEX.test(c || '') ? c : dflt; }

  el.hidden = false;
  sw.hidden = false;
  var map = L.map(el, { scrollWheelZoom: false, keyboard: true, fadeAnimation: false });
  var tiles = el.getAttribute('data-tiles');
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18, attribution: el.getAttribute('data-attribution') || '' }).addTo(map);
  } else {
    el.classList.add('map-blank');
  }
  var lat0 = parseFloat(el.getAttribute('data-lat'));
  var lon0 = parseFloat(el.getAttribute('data-lon'));
  var centred = !isNaN(lat0) && !isNaN(lon0);
  if (centred) {
    map.setView([lat0, lon0], 16);
  } else {
    map.setView([35.68, 139.76], 12);
  }

  function shapeSvg(marker, fill) {
    var f = colour(fill, '#1a5fb4');
    var body = marker === '2' ? '<rect x="3" y="3" width="16" height="16" fill="' + f + '" stroke="#1a1a1a" stroke-width="2"/>'
      : marker === '3' ? '<polygon points="11,2 20,19 2,19" fill="' + f + '" stroke="#1a1a1a" stroke-width="2"/>'
        : '<circle cx="11" cy="11" r="8" fill="' + f + '" stroke="#1a1a1a" stroke-width="2"/>';
    return '<svg width="22" height="22" viewBox="0 0 22 22" aria-hidden="true" focusable="false">' + body + '</svg>';
  }

  function popupOf(p, latlng) {
    var box = document.createElement('div');
    var b = document.createElement('strong');
    b.textContent = (p && p.name) || '';
    box.appendChild(b);
    if (p && p.address) {
      box.appendChild(document.createElement('br'));
      box.appendChild(document.createTextNode(p.address));
    }
    if (p && typeof p.value === 'number') {
      box.appendChild(document.createElement('br'));
      box.appendChild(document.createTextNode(String(p.value)));
    }
    box.appendChild(document.createElement('br'));
    box.appendChild(document.createTextNode(latlng.lat.toFixed(6) + ', ' + latlng.lng.toFixed(6)));
    return box;
  }

  var layers = {};   // id -> { group, loading, failed }
  var bounds = null;
  var fitted = false;

  function build(cb, gj) {
    var kind = cb.getAttribute('data-kind');
    var color = colour(cb.getAttribute('data-color'), '#1a5fb4');
    var width = parseInt(cb.getAttribute('data-width'), 10) || 2;
    var opacity = (parseInt(cb.getAttribute('data-opacity'), 10) || 0) / 100;
    var marker = cb.getAttribute('data-marker');
    var classes = [];
    var spans = cb.parentNode.querySelectorAll('[data-class-color]');
    for (var i = 0; i < spans.length; i++) { classes.push(colour(spans[i].getAttribute('data-class-color'), '#ffffff')); }
    return L.geoJSON(gj, {
      pointToLayer: function (f, latlng) {
        var name = (f.properties && f.properties.name) || (latlng.lat.toFixed(5) + ', ' + latlng.lng.toFixed(5));
        var m = L.marker(latlng, {
          title: name, alt: name, keyboard: true,
          icon: L.divIcon({ className: 'map-marker', html: shapeSvg(marker, color), iconSize: [22, 22], iconAnchor: [11, 11] })
        });
        m.on('add', function () { var e = m.getElement(); if (e) { e.setAttribute('aria-label', name); } });
        return m;
      },
      style: function (f) {
        if (kind === '4') {
          var c = f.properties && typeof f.properties['class'] === 'number' ? classes[f.properties['class']] : '#ffffff';
          return { color: '#333333', weight: width, fillColor: c || '#ffffff', fillOpacity: Math.max(opacity, 0.2) };
        }
        return { color: color, weight: width, fillColor: color, fillOpacity: opacity };
      },
      onEachFeature: function (f, l) {
        l.bindPopup(function () {
          var ll = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
          return popupOf(f.properties, ll);
        });
      }
    });
  }

  function status(cb, text) {
    var s = document.getElementById('map-status-' + cb.getAttribute('data-layer'));
    if (s) { s.textContent = text; }
  }

  function show(cb) {
    var id = cb.getAttribute('data-layer');
    var st = layers[id] || (layers[id] = {});
    if (st.group) { st.group.addTo(map); return; }
    if (st.loading || st.failed) { return; }
    st.loading = true;
    fetch(cb.getAttribute('data-src'), { credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    }).then(function (gj) {
      st.loading = false;
      if (!gj || gj.type !== 'FeatureCollection') { throw new Error('not GeoJSON'); }
      st.group = build(cb, gj);
      if (cb.checked) { st.group.addTo(map); }
      var b = st.group.getBounds();
      if (b.isValid()) { bounds = bounds ? bounds.extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
      if (!centred && !fitted && bounds) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16 }); }
      cb.setAttribute('data-loaded', String((gj.features || []).length));
    }).catch(function () {
      st.loading = false;
      st.failed = true;
      status(cb, el.getAttribute('data-unavailable') || '');
      cb.setAttribute('data-loaded', 'failed');
    });
  }

  function hide(cb) {
    var st = layers[cb.getAttribute('data-layer')];
    if (st && st.group) { map.removeLayer(st.group); }
  }

  var boxes = sw.querySelectorAll('input[type=checkbox][data-src]');
  for (var i = 0; i < boxes.length; i++) {
    (function (cb) {
      cb.addEventListener('change', function () { if (cb.checked) { show(cb); } else { hide(cb); } });
      if (cb.checked) { show(cb); }
    })(boxes[i]);
  }
  map.on('movestart', function () { fitted = true; });

  // links that centre the map: pan instead of reloading the page
  var gotos = document.querySelectorAll('a.map-goto[data-lat][data-lon]');
  for (var k = 0; k < gotos.length; k++) {
    gotos[k].addEventListener('click', function (ev) {
      var la = parseFloat(this.getAttribute('data-lat')), lo = parseFloat(this.getAttribute('data-lon'));
      if (isNaN(la) || isNaN(lo)) { return; }
      ev.preventDefault();
      centred = true;
      map.setView([la, lo], 17);
      el.setAttribute('data-centre', la.toFixed(6) + ',' + lo.toFixed(6));
      el.scrollIntoView();
    });
  }
  // a search with results: the map starts at the first one
  var first = document.querySelector('a.map-hit[data-lat][data-lon]');
  if (first && !centred) {
    centred = true;
    map.setView([parseFloat(first.getAttribute('data-lat')), parseFloat(first.getAttribute('data-lon'))], 17);
    el.setAttribute('data-centre', parseFloat(first.getAttribute('data-lat')).toFixed(6) + ',' +
      parseFloat(first.getAttribute('data-lon')).toFixed(6));
  }
  el.setAttribute('data-ready', '1');
})();
