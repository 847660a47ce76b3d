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
        installHandles();
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

  // Reordering fields by drag and drop, or from the keyboard: a 「並べ替え」
  // handle on each field of a page with two or more; dragging it onto
  // another field of the same page, or ArrowUp / ArrowDown on it, sends the
  // same move_up / move_down POSTs as the buttons (which stay), one after
  // another, then shows the page the last one answered.
  function fieldsOf(list) {
    return Array.prototype.filter.call(list.children, function (x) { return x.classList.contains('builder-field'); });
  }
  function moveField(id, steps, focusHandle) {
    var any = document.querySelector('form.builder-op');
    if (!any || !steps) return;
    var csrf = any.elements.csrf.value, url = any.action;
    var op = steps < 0 ? 'move_up' : 'move_down';
    var live = document.getElementById('builder-live');
    if (live) live.textContent = ja ? '保存しています…' : 'Saving…';
    seq++;
    var chain = Promise.resolve(null);
    for (var i = 0; i < Math.abs(steps); i++) chain = chain.then(function () {
      var body = new URLSearchParams();
      body.set('csrf', csrf);
      body.set('op', op);
      body.set('field', id);
      return fetch(url, { method: 'POST', body: body, credentials: 'same-origin' })
        .then(function (r) { return r.text().then(function (t) { return { status: r.status, text: t, url: r.url }; }); });
    });
    chain.then(function (res) {
      var doc = new DOMParser().parseFromString(res.text, 'text/html');
      var fresh = doc.querySelector('main'), main = document.querySelector('main');
      if (!fresh || !main) { location.reload(); return; }
      main.innerHTML = fresh.innerHTML;
      document.title = doc.title;
      if (res.status < 400 && res.url) history.replaceState(null, '', res.url);
      installHandles();
      var summary = main.querySelector('.error-summary');
      if (summary) { summary.focus(); return; }
      var h = focusHandle && document.querySelector('#bf-' + CSS.escape(id) + ' .builder-drag');
      if (h) h.focus();
    }).catch(function () { location.reload(); });
  }
  function installHandles() {
    var b = document.getElementById('builder');
    var label = b && b.getAttribute('data-drag');
    if (!label) return;
    Array.prototype.forEach.call(document.querySelectorAll('li.builder-field'), function (li) {
      var buttons = li.querySelector('.builder-buttons');
      if (!buttons || li.querySelector('.builder-drag') || fieldsOf(li.parentElement).length < 2) return;
      var h4 = li.querySelector('h4');
      var h = document.createElement('button');
      h.type = 'button';
      h.className = 'button-secondary button-small builder-drag';
      h.setAttribute('aria-describedby', 'builder-drag-help');
      h.textContent = label;
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ' ' + (h4 && h4.firstChild ? h4.firstChild.textContent.trim() : '');
      h.appendChild(hidden);
      buttons.insertBefore(h, buttons.firstChild);
    });
    if (!document.getElementById('builder-drag-help') && document.querySelector('.builder-drag')) {
      var help = document.createElement('p');
      help.id = 'builder-drag-help';
      help.className = 'visually-hidden';
      help.textContent = b.getAttribute('data-drag-help') || '';
      b.appendChild(help);
    }
  }
  var dragged = null;
  document.addEventListener('mousedown', function (ev) {
    var h = ev.target.closest && ev.target.closest('.builder-drag');
    if (h) h.closest('li.builder-field').draggable = true;   // only from the handle
  });
  document.addEventListener('dragstart', function (ev) {
    var li = ev.target.closest && ev.target.closest('li.builder-field');
    if (!li || !li.draggable) return;
    dragged = li;
    ev.dataTransfer.effectAllowed = 'move';
    ev.dataTransfer.setData('text/plain', li.id);
  });
  document.addEventListener('dragover', function (ev) {
    var li = ev.target.closest && ev.target.closest('li.builder-field');
    if (dragged && li && li !== dragged && li.parentElement === dragged.parentElement) ev.preventDefault();
  });
  document.addEventListener('drop', function (ev) {
    var li = ev.target.closest && ev.target.closest('li.builder-field');
    if (!dragged || !li || li === dragged || li.parentElement !== dragged.parentElement) return;
    ev.preventDefault();
    var list = fieldsOf(li.parentElement);
    moveField(dragged.id.replace(/^bf-/, ''), list.indexOf(li) - list.indexOf(dragged), false);
  });
  document.addEventListener('dragend', function () {
    if (dragged) dragged.draggable = false;
    dragged = null;
  });
  document.addEventListener('keydown', function (ev) {
    var h = ev.target.closest && ev.target.closest('.builder-drag');
    if (!h || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
    ev.preventDefault();
    var li = h.closest('li.builder-field'), list = fieldsOf(li.parentElement), at = list.indexOf(li);
    var step = ev.key === 'ArrowUp' ? -1 : 1;
    if (at + step < 0 || at + step >= list.length) return;
    moveField(li.id.replace(/^bf-/, ''), step, true);
  });
  installHandles();
})();
