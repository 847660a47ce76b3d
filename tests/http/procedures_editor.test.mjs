// procedures_editor.test.mjs -- the back office's procedure editor over
// real HTTP: refused without procedures.manage (the demo viewer), refused
// when not logged in; the schema check shows the problem's JSON path next
// to the textarea; a valid definition gets a preview of its pages;
// saving makes a draft, and approval by a second member of staff makes
// version N+1 only when the definition changed (an unchanged one makes
// none), the version is readable, and each new version has its audit
// record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_USERS, passwordLogin, loginWithTotp, cli } from './lib.mjs';

let srv, admin, second;
const PW2 = 'Sazanka-Niwa-2026';

before(async () => {
  srv = await startServer();
  admin = new Client(srv.base);
  const r = await loginWithTotp(admin, ...DEMO_USERS.admin);
  assert.ok(r.status < 400, `admin login: ${r.status}`);
  // the demo ward's procedures, as scripts/run-demo.sh loads them
  cli(['procedure', 'load', '--db', srv.db, '--tenant', '139998', 'data/procedures']);
  // a second member of staff with procedures.manage and procedures.approve
  // (the demo's 手続の承認 role), who approves
  cli(['user', 'add', '--db', srv.db, '--tenant', '139998', '--login', 'editor-2', '--name', 'テスト 承認者',
    '--role', 'admin', '--role', 'tetsuzuki-shounin', '--password-stdin'], { input: `${PW2}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  second = new Client(srv.base);
  assert.ok((await loginWithTotp(second, 'editor-2', PW2)).status < 400);
});

after(async () => { await srv.stop(); });

const textarea = (html) => {
  const m = html.match(/<textarea[^>]* id="definition"[^>]*>([\s\S]*?)<\/textarea>/);
  assert.ok(m, 'the editor has the definition textarea');
  return m[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>').replace(/&amp;/g, '&');
};

test('refused without procedures.manage, and when not logged in', async () => {
  const viewer = new Client(srv.base);
  assert.equal((await passwordLogin(viewer, ...DEMO_USERS.viewer)).status, 303);
  for (const p of ['/staff/procedures', '/staff/procedures/new', '/staff/procedures/inu-touroku/edit',
    '/staff/procedures/inu-touroku/versions/1']) {
    assert.equal((await viewer.get(p)).status, 403, p);
  }
  const home = await viewer.get('/account');
  const csrf = Client.csrf(home.text_);
  const r = await viewer.post('/staff/procedures/draft', { form: { csrf, definition: '{}' } });
  assert.equal(r.status, 403);
  const anon = new Client(srv.base);
  const a = await anon.get('/staff/procedures');
  assert.ok([302, 303, 401].includes(a.status), `anonymous: ${a.status}`);
});

test('list, check with the JSON path of the problem, preview', async () => {
  const list = await admin.get('/staff/procedures');
  assert.equal(list.status, 200);
  assert.match(list.text_, /inu-touroku/);
  assert.match(list.text_, /href="\/staff\/procedures\/juminhyo-yuso\/edit"/);

  const edit = await admin.get('/staff/procedures/juminhyo-yuso/edit');
  assert.equal(edit.status, 200);
  const csrf = Client.csrf(edit.text_);
  const text = textarea(edit.text_);
  const def = JSON.parse(text);
  assert.equal(def.id, 'juminhyo-yuso');
  assert.ok(text.startsWith('{\n  "format"'), 'the JSON is shown in a reading order');

  // a wrong field type: the path and the problem next to the textarea
  const bad = structuredClone(def);
  bad.pages[0].fields[2].type = 'adress_jp';
  const r = await admin.post('/staff/procedures/check', { form: { csrf, definition: JSON.stringify(bad, null, 2) } });
  assert.equal(r.status, 422);
  assert.match(r.text_, /<code class="error-path">pages\[0\]\.fields\[2\]<\/code>/);
  assert.match(r.text_, /unknown field type &quot;adress_jp&quot;/);
  assert.match(r.text_, /aria-invalid="true"/);
  assert.match(r.text_, /href="#definition"/, 'the error summary links to the textarea');
  assert.equal(JSON.parse(textarea(r.text_)).pages[0].fields[2].type, 'adress_jp', 'the text is kept');

  // a JSON syntax error
  const syn = await admin.post('/staff/procedures/check', { form: { csrf, definition: '{"format": ' } });
  assert.equal(syn.status, 422);
  assert.match(syn.text_, /JSON error at line 1/);

  // a condition reading a later field
  const later = structuredClone(def);
  later.pages[0].fields[0].show_if = 'copies > 1';
  const lr = await admin.post('/staff/procedures/check', { form: { csrf, definition: JSON.stringify(later) } });
  assert.equal(lr.status, 422);
  assert.match(lr.text_, /pages\[0\]\.fields\[0\]\.show_if/);
  assert.match(lr.text_, /answered later/);

  // valid: a preview of every page with labels, types, conditions, options
  const ok = await admin.post('/staff/procedures/check', { form: { csrf, definition: text } });
  assert.equal(ok.status, 200);
  assert.match(ok.text_, /<section class="preview"/);
  for (const pg of def.pages) assert.ok(ok.text_.includes(`<code>${pg.id}</code></h3>`), `page ${pg.id} previewed`);
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  for (const pg of def.pages) {
    for (const f of pg.fields) {
      if (!f.label) continue;
      assert.ok(ok.text_.includes(`<span lang="ja">${esc(f.label.ja)}</span> / <span lang="en">${esc(f.label.en)}</span>`),
        `label of ${f.id} in both languages`);
      assert.ok(ok.text_.includes(`<span class="tag">${f.type}</span> <code>${f.id}</code>`), `type of ${f.id}`);
      if (f.show_if) assert.ok(ok.text_.includes(`<code>${esc(f.show_if)}</code>`), `condition of ${f.id}`);
      // a prefilled field: its source, and whether the resident may change it
      // (from the resident register: not, unless the definition says so)
      if (f.prefill) {
        const ro = f.prefill.editable === undefined ? ['juki', 'jpki_cert'].includes(f.prefill.source) : !f.prefill.editable;
        const src = `<code>${f.prefill.source}${f.prefill.path ? `.${f.prefill.path}` : ''}</code>`;
        assert.ok(ok.text_.includes(`${src}${ro ? ' （変更不可）' : ''}</li>`), `prefill of ${f.id}`);
      }
    }
  }
  assert.match(ok.text_, /<code>juki\.address<\/code> = applicant_address/, 'the waiver is shown');
  assert.match(ok.text_, /<code>agent<\/code>/, 'options are listed');
});

// the JSON editor saves a draft; a second member of staff approves it in
// the builder, which publishes
async function approveDraft(code) {
  const submit = await admin.get(`/staff/procedures/${code}/builder`);
  let r = await admin.post(`/staff/procedures/${code}/review`, { form: { csrf: Client.csrf(submit.text_), step: 'submit' } });
  assert.equal(r.status, 303);
  const page = await second.get(`/staff/procedures/${code}/builder`);
  r = await second.post(`/staff/procedures/${code}/approve`, { form: { csrf: Client.csrf(page.text_), step: 'approve' } });
  assert.equal(r.status, 200);
  return r;
}

test('publish: saved as a draft, approved by another; a new version only when changed, readable, audited', async () => {
  const edit = await admin.get('/staff/procedures/inu-touroku/edit');
  const csrf = Client.csrf(edit.text_);
  const text = textarea(edit.text_);
  const v0 = Number(edit.text_.match(/versions\/(\d+)">v\d+<\/a>/)[1]);

  // unchanged (even re-spaced): approved, but no new version
  const same = await admin.post('/staff/procedures/draft', { form: { csrf, definition: JSON.stringify(JSON.parse(text)) } });
  assert.equal(same.status, 303);
  assert.equal(same.headers.get('location'), '/staff/procedures/inu-touroku/builder?saved=1');
  const sameOk = await approveDraft('inu-touroku');
  assert.match(sameOk.text_, /新しい版は作成していません/);
  assert.match(sameOk.text_, new RegExp(`<strong>${v0}</strong>`));

  // changed: saving publishes nothing by itself; approval makes version N+1
  const def = JSON.parse(text);
  def.title.ja = `${def.title.ja}（改訂）`;
  const saved = await admin.post('/staff/procedures/draft', { form: { csrf, definition: JSON.stringify(def) } });
  assert.equal(saved.status, 303);
  assert.equal((await admin.get(`/staff/procedures/inu-touroku/versions/${v0 + 1}`)).status, 404, 'not published yet');
  // the JSON editor shows the draft
  assert.match(textarea((await admin.get('/staff/procedures/inu-touroku/edit')).text_), /（改訂）/);
  const pub = await approveDraft('inu-touroku');
  assert.match(pub.text_, /新しい版を公開しました/);
  assert.match(pub.text_, new RegExp(`<strong>${v0 + 1}</strong>`));

  // a bad definition is not saved
  const bad = structuredClone(def);
  delete bad.retention_years;
  const br = await admin.post('/staff/procedures/draft', { form: { csrf, definition: JSON.stringify(bad) } });
  assert.equal(br.status, 422);
  assert.match(br.text_, /missing &quot;retention_years&quot;/);

  // the new version is readable; the old one is unchanged
  const vn = await admin.get(`/staff/procedures/inu-touroku/versions/${v0 + 1}`);
  assert.equal(vn.status, 200);
  assert.match(vn.text_, /（改訂）/);
  const vo = await admin.get(`/staff/procedures/inu-touroku/versions/${v0}`);
  assert.equal(vo.status, 200);
  assert.doesNotMatch(vo.text_, /（改訂）/);
  assert.equal((await admin.get(`/staff/procedures/inu-touroku/versions/${v0 + 2}`)).status, 404);
  assert.equal((await admin.get('/staff/procedures/no-such/edit')).status, 404);

  // listed with the new version, and the CLI sees it too
  const list = await admin.get('/staff/procedures');
  assert.match(list.text_, new RegExp(`inu-touroku/versions/${v0 + 1}">v${v0 + 1}</a>, <a href="/staff/procedures/inu-touroku/versions/${v0}">v${v0}</a>`),
    'every version is listed, newest first');
  assert.match(cli(['procedure', 'list', '--db', srv.db, '--tenant', '139998']), new RegExp(`inu-touroku\\tv${v0 + 1}\\t`));

  // exactly one audit record for the new version, by the approver
  const q = cli(['audit', 'query', '--db', srv.db, '--actor', 'editor-2', '--action', 'procedure.publish', '--json']);
  const recs = q.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).flat();
  const mine = recs.filter((x) => JSON.stringify(x).includes(`inu-touroku:v${v0 + 1}`));
  assert.equal(mine.length, 1, q);
  assert.doesNotMatch(q, new RegExp(`inu-touroku:v${v0 + 2}`));

  // a new procedure from the JSON template
  const nw = await admin.get('/staff/procedures/new/json');
  assert.equal(nw.status, 200);
  const tdef = JSON.parse(textarea(nw.text_));
  tdef.id = 'test-shinki';
  const created = await admin.post('/staff/procedures/draft', { form: { csrf, definition: JSON.stringify(tdef) } });
  assert.equal(created.status, 303);
  const first = await approveDraft('test-shinki');
  assert.match(first.text_, /<strong>1<\/strong>/);
});
