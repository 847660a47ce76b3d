// madoguchi.js -- small progressive enhancements; every page works without it.
// - Idle timeout: a staff page carries data-idle-seconds (seconds left before
//   the session's idle timeout). One minute before, an alert tells the user;
//   at the timeout, the page goes to the login page.
// - Error summary: focused on load so that screen readers announce it.
(function () {
  'use strict';
  var body = document.body;
  var idle = parseInt(body.getAttribute('data-idle-seconds') || '0', 10);
  if (idle > 0) {
    var warnAt = Math.max(idle - 60, 0) * 1000;
    setTimeout(function () {
      var box = document.getElementById('idle-warning');
      if (box) {
        box.textContent = body.getAttribute('data-idle-warning') || '';
        box.hidden = false;
      }
    }, warnAt);
    setTimeout(function () {
      window.location.assign(body.getAttribute('data-login-href') || '/login?expired=1');
    }, idle * 1000 + 1000);
  }
  var summary = document.querySelector('.error-summary');
  if (summary) { summary.focus(); }
})();
