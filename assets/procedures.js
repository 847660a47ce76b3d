// procedures.js -- the procedure editor's live JSON check (page_procedures.c).
// Progressive enhancement only: the server's "check" button does the real
// schema check and works without this file.  While typing, this tells
// whether the text is well-formed JSON, in a polite live region.
(function () {
  'use strict';
  var ta = document.getElementById('definition');
  if (!ta) return;
  var out = document.createElement('p');
  out.className = 'live-status';
  out.id = 'definition-live';
  out.setAttribute('aria-live', 'polite');
  ta.parentNode.insertBefore(out, ta.nextSibling);
  var ja = document.documentElement.lang !== 'en';
  var timer = null;
  function check() {
    try {
      JSON.parse(ta.value);
      out.textContent = ja ? 'JSONの書式は正しいです（内容の検査は「検査とプレビュー」で）。'
        : 'Well-formed JSON (use "Check and preview" for the full check).';
    } catch (err) {
      out.textContent = (ja ? 'JSONの書式に誤りがあります: ' : 'Not well-formed JSON: ') + err.message;
    }
  }
  ta.addEventListener('input', function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
