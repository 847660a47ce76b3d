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

// --- life events (issue 14, item 4): a question this page's own choice
// brings up is revealed in place.  The server writes such a question
// hidden, inside <div class="reveal" hidden data-reveal-by="f.CHOICE"
// data-reveal-values="V1 V2" data-reveal-id="ID"> (src/web/page_form.h,
// form_view.reveal), and leaves it out of the form's "_shown".  Here the
// choice's controls name the block (aria-controls); when the choice takes
// one of the values the block is shown and ID added to "_shown" (so the
// server checks it like any question shown), otherwise hidden again and
// ID removed.  Without JavaScript the block stays hidden and the server
// asks the question after "next".
(function () {
  'use strict';
  var blocks = document.querySelectorAll('.reveal[data-reveal-by]');
  if (!blocks.length) { return; }
  function listOf(s) { return (s || '').split(' ').filter(function (x) { return x; }); }
  function valueOf(form, name) {
    var els = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === 'radio' || el.type === 'checkbox') {
        if (el.checked) { return el.value; }
      } else if (el.tagName === 'SELECT') {
        return el.value;
      }
    }
    return null;
  }
  function setShown(form, id, on) {
    var input = form.querySelector('input[name="_shown"]');
    if (!input) { return; }
    var ids = listOf(input.value).filter(function (x) { return x !== id; });
    if (on) { ids.push(id); }
    input.value = ids.join(' ');
  }
  Array.prototype.forEach.call(blocks, function (block) {
    var form = block.closest('form');
    if (!form) { return; }
    var by = block.getAttribute('data-reveal-by');
    var values = listOf(block.getAttribute('data-reveal-values'));
    var id = block.getAttribute('data-reveal-id');
    var controls = form.querySelectorAll('[name="' + by + '"]');
    function update() {
      var on = values.indexOf(valueOf(form, by)) >= 0;
      block.hidden = !on;
      setShown(form, id, on);
    }
    Array.prototype.forEach.call(controls, function (el) {
      var ids = listOf(el.getAttribute('aria-controls'));
      if (ids.indexOf(block.id) < 0) { ids.push(block.id); }
      el.setAttribute('aria-controls', ids.join(' '));
      el.addEventListener('change', update);
    });
    update();
  });
})();
