// reports.js -- the report form's one enhancement (src/svc/reports,
// /reports/new): a button that fills the latitude and longitude fields from
// the phone's location.  Without JavaScript, or when the location is refused,
// the address and lat/lon fields work as they are.  Texts come from the
// page (data-* attributes written from the message catalog).
(function () {
  'use strict';
  var p = document.querySelector('.report-locate');
  var btn = document.getElementById('report-locate');
  var status = document.getElementById('report-locate-status');
  var lat = document.getElementById('f-lat');
  var lon = document.getElementById('f-lon');
  if (!p || !btn || !status || !lat || !lon || !navigator.geolocation) return;
  p.hidden = false;
  btn.addEventListener('click', function () {
    status.textContent = btn.getAttribute('data-busy') || '';
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lon.value = pos.coords.longitude.toFixed(6);
      status.textContent = btn.getAttribute('data-done') || '';
    }, function () {
      status.textContent = btn.getAttribute('data-fail') || '';
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
