// procedures.js -- live check and preview for the procedure editor
// (page_procedures.c).  Progressive enhancement only: the "check and
// preview" button does the same without this file.  While typing, this
// says whether the text is well-formed JSON, then (after a pause) sends it
// to the server's own check (the form's action, with its CSRF token) and
// shows the result: the problem with its JSON path, or the preview of the
// pages, replacing the previous one.  Nothing is published from here.
(function () {
  'use strict';
  var ta = document.getElementById('definition');
  if (!ta || !ta.form || !window.fetch || !window.DOMParser) return;
  var form = ta.form;
  var out = document.createElement('p');
  out.className = 'live-status';
  out.id = 'definition-live';
  out.setAttribute('aria-live', 'polite');
  ta.parentNode.insertBefore(out, ta.nextSibling);
  var ja = document.documentElement.lang !== 'en';
  var timer = null, seq = 0;

  function say(t) { out.textContent = t; }

  function showPreview(doc) {
    var fresh = doc.querySelector('section.preview');
    var old = document.querySelector('section.preview');
    if (!fresh) return;
    var node = document.importNode(fresh, true);
    if (old) old.parentNode.replaceChild(node, old);
    else form.parentNode.insertBefore(node, form.nextSibling);
  }

  function serverCheck() {
    var mine = ++seq;
    var body = new URLSearchParams();
    body.set('csrf', form.elements.csrf.value);
    body.set('definition', ta.value);
    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t }; }); })
      .then(function (res) {
        if (mine !== seq) return;          // a newer check is on its way
        var doc = new DOMParser().parseFromString(res.text, 'text/html');
        if (res.status === 200) {
          showPreview(doc);
          say(ja ? '誤りはありません。プレビューを更新しました。' : 'Valid: the preview is up to date.');
        } else {
          var err = doc.getElementById('definition-error');
          say((ja ? '誤り: ' : 'Problem: ') + (err ? err.textContent.replace(/\s+/g, ' ').trim() : res.status));
        }
      })
      .catch(function () { /* offline: the buttons still work */ });
  }

  function check() {
    try {
      JSON.parse(ta.value);
    } catch (err) {
      seq++;
      say((ja ? 'JSONの書式に誤りがあります: ' : 'Not well-formed JSON: ') + err.message);
      return;
    }
    say(ja ? '検査しています…' : 'Checking…');
    serverCheck();
  }

  ta.addEventListener('input', function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 700);
  });
})();

// The builder (page_builder.c): its forms are submitted without a reload,
// and the phone preview follows what is typed before it is saved.
// Every form still works without this file (a POST, then the page again);
// here the same POST goes by fetch, the answer's <main> (the builder after
// the redirect, or the page with the refusal next to its control) replaces
// this one, so the phone preview shows the change at once, and focus goes
// back to where it was (or to the error summary).  A delete asks first in
// a dialog instead of the confirmation page.
(function () {
  'use strict';
  if (!document.getElementById('builder') || !window.fetch || !window.DOMParser) return;
  var ja = document.documentElement.lang !== 'en';

  function keepOpen(main, formId) {
    var f = formId && main.querySelector('#' + CSS.escape(formId));
    for (var d = f; d; d = d.parentElement) if (d.tagName === 'DETAILS') d.open = true;
    return f;
  }

  // Live preview: while staff type in (or change a picker of) an edit
  // form, the unsaved form goes to .../builder/preview after a pause; the
  // server applies it to a copy of the draft (forms_edit, nothing saved)
  // and answers the page, whose phone frame replaces this one.  A change
  // forms_edit refuses is said in the status line; the preview stays.
  var timer = null, seq = 0;
  function previewUrl(form) {
    var b = form.querySelector('.builder-preview-button');
    return b ? b.getAttribute('formaction') : null;
  }
  function preview(form) {
    var url = previewUrl(form);
    if (!url) return;
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    var pl = document.getElementById('builder-plang-select');
    if (pl) body.set('plang', pl.value);
    var live = document.getElementById('builder-live');
    fetch(url, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t }; }); })
      .then(function (res) {
        if (mine !== seq) return;          // a newer preview is on its way
        var doc = new DOMParser().parseFromString(res.text, 'text/html');
        var frame = document.getElementById('phone-frame');
        var fresh = doc.getElementById('phone-frame');
        var b = document.getElementById('builder');
        if (res.status === 200 && fresh && frame) {
          frame.parentNode.replaceChild(document.importNode(fresh, true), frame);
          var st = doc.getElementById('builder-live');
          if (live && st) live.textContent = st.textContent;
        } else if (live) {
          var s = doc.querySelector('.error-summary li') || doc.querySelector('.error-summary');
          live.textContent = ((b && b.getAttribute('data-refused')) || '') +
            (s ? s.textContent.replace(/\s+/g, ' ').trim() : String(res.status));
        }
      })
      .catch(function () { /* offline: the buttons still work */ });
  }
  function edited(ev) {
    var form = ev.target && ev.target.form;
    if (!form || !form.classList.contains('builder-op') || !previewUrl(form)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(function () { preview(form); }, 300);
  }
  document.addEventListener('input', edited);
  document.addEventListener('change', edited);

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains('builder-op')) return;
    ev.preventDefault();
    if (ev.submitter && ev.submitter.classList.contains('builder-preview-button')) {
      if (timer) clearTimeout(timer);
      preview(form);
      return;
    }
    if (timer) clearTimeout(timer);
    seq++;                                 // a save supersedes any preview
    var body = new URLSearchParams(new FormData(form));
    if (body.get('op') === 'delete') {
      if (!window.confirm(ja ? '削除します。よろしいですか。' : 'Delete it?')) return;
      body.set('confirm', '1');
    }
    var formId = form.id, focusId = document.activeElement && document.activeElement.id;
    var live = document.getElementById('builder-live');
    if (live) live.textContent = ja ? '保存しています…' : 'Saving…';
    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin' })
      .then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t, url: r.url }; }); })
      .then(function (res) {
        var doc = new DOMParser().parseFromString(res.text, 'text/html');
        var fresh = doc.querySelector('main'), main = document.querySelector('main');
        if (!fresh || !main) { form.submit(); return; }
        main.innerHTML = fresh.innerHTML;
        document.title = doc.title;
        if (res.status < 400 && res.url) history.replaceState(null, '', res.url);
        var summary = main.querySelector('.error-summary');
        var f = keepOpen(main, formId);
        if (summary) { summary.focus(); return; }
        var el = (focusId && document.getElementById(focusId)) || (f && f.querySelector('button')) ||
                 document.getElementById('builder-live');
        if (el) el.focus();
      })
      .catch(function () { form.submit(); });
  });
})();
