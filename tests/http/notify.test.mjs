// notify.test.mjs -- the notification service's template editor
// (src/svc/notify/, /staff/notify/templates) on the real server with the
// demo ward:
//   - who may open it: anonymous and resident sessions are sent to the
//     staff login, staff without notify.templates get 403 (GET and POST);
//   - the demo ward has the shipped templates as version 1, listed;
//   - the admin edits one in Japanese, English and やさしい日本語 with a
//     note: a new version (2) is in force (the CLI renders the new texts
//     in each language), the editor says so, the history shows version 2
//     with each changed text old → new, and version 1;
//   - a POST without the CSRF token is refused and stores nothing;
//   - a placeholder the sending code does not give: 422, the error
//     summary links to the field, what was typed is kept, nothing stored;
//   - a save edited from an older version: 409, nothing stored;
//   - the preview renders the typed texts with the sample values and
//     stores nothing;
//   - each saved version is one audit record (notify.template.save, the
//     template's id), a refused one none.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO, DEMO_USERS, cli, loginWithTotp, passwordLogin,
  registerAndLogin } from './lib.mjs';

let srv, admin;
const SLUG = 'apply.state_changed';
const PATH = `/staff/notify/templates/${SLUG}`;

function main(html) {
  const m = html.match(/<main[\s\S]*<\/main>/);
  assert.ok(m, 'the page has a <main>');
  return m[0];
}

function decode(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function show(version) {
  return cli(['notify', 'template', 'show', '--db', srv.db, '--tenant', DEMO, '--id', SLUG,
    ...(version ? ['--version', String(version)] : [])]);
}

function versionInForce() {
  return Number(show().match(/^version: (\d+)$/m)[1]);
}

function audit() {
  return cli(['audit', 'query', '--db', srv.db, '--json']).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l)).filter((r) => r.action.startsWith('notify.'));
}

function textarea(html, id) {
  const m = html.match(new RegExp(`<textarea[^>]*id="${id}"[^>]*>([\\s\\S]*?)</textarea>`));
  return m && decode(m[1]);
}

before(async () => {
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined });
  admin = new Client(srv.base);
  const r = await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  assert.equal(r.status, 200, 'the demo admin logs in');
});
after(async () => { if (srv) await srv.stop(); });

test('only staff with notify.templates may open or save templates', async () => {
  const anon = new Client(srv.base);
  for (const path of ['/staff/notify/templates', PATH]) {
    const r = await anon.get(path);
    assert.equal(r.status, 303, `anonymous ${path}`);
    assert.equal(r.headers.get('location'), '/login');
  }
  const resident = await registerAndLogin(srv.base, 'notify.kumin@example.jp', 'Tsubame-Kaeru-2026');
  assert.equal((await resident.get('/mypage')).status, 200, 'the resident is logged in');
  assert.equal((await resident.get(PATH)).status, 303);

  const viewer = new Client(srv.base);
  assert.equal((await passwordLogin(viewer, ...DEMO_USERS.viewer)).status, 303);
  const staff = new Client(srv.base);
  assert.equal((await loginWithTotp(staff, ...DEMO_USERS.staff, {})).status, 200);
  for (const [who, c] of [['viewer', viewer], ['staff', staff]]) {
    assert.equal((await c.get('/staff')).status, 200, `${who} is logged in`);
    for (const path of ['/staff/notify/templates', PATH])
      assert.equal((await c.get(path)).status, 403, `${who} ${path}`);
    const csrf = Client.csrf((await c.get('/staff')).text_);
    assert.ok(csrf, `${who} has a CSRF token`);
    const w = await c.post(PATH, { form: { csrf, base: '1', subject_ja: '権限なし', body_ja: 'x', action: 'save' } });
    assert.equal(w.status, 403, `${who} cannot save`);
    assert.doesNotMatch((await c.get('/staff')).text_, /href="\/staff\/notify\/templates"/,
      `${who}'s menu has no entry`);
  }
  assert.equal(versionInForce(), 1, 'nothing was saved');
  assert.match((await admin.get('/staff')).text_, /<a href="\/staff\/notify\/templates">メールの文面（テンプレート）<\/a>/);
});

test('the demo ward lists the shipped templates, each at version 1', async () => {
  const r = await admin.get('/staff/notify/templates');
  assert.equal(r.status, 200);
  const rows = [...main(r.text_).matchAll(/<tr><td><a href="\/staff\/notify\/templates\/([a-z0-9_.]+)">[^<]+<\/a><br><code>[^<]+<\/code><\/td><td>([^<]+)<\/td><td>(\d+)<\/td>/g)]
    .map((m) => ({ slug: m[1], channel: m[2], version: Number(m[3]) }));
  const listed = cli(['notify', 'template', 'list', '--db', srv.db, '--tenant', DEMO]).trim().split('\n')
    .map((l) => l.split('\t')[0]);
  assert.deepEqual(rows.map((x) => x.slug), listed, 'the page lists what the CLI lists');
  for (const s of ['apply.received', 'apply.state_changed', 'auth.password_reset', 'auth.email_verify', 'waste.reminder'])
    assert.ok(listed.includes(s), `${s} is shipped`);
  assert.ok(rows.every((x) => x.version === 1));
  // the SMS channel's templates are SMS, the others e-mail
  assert.ok(rows.every((x) => x.channel === (x.slug.startsWith('sms.') ? 'SMS' : x.slug.startsWith('line.') ? 'LINE' : 'メール')));
  assert.ok(rows.some((x) => x.slug === 'sms.alert'));
});

test('edit in three languages: a new version in force, history old → new; CSRF, unknown placeholder and stale saves refused', async () => {
  const ed = await admin.get(PATH);
  assert.equal(ed.status, 200);
  const m0 = main(ed.text_);
  const csrf = Client.csrf(ed.text_);
  assert.match(m0, /name="base" value="1"/);
  // the fields the code gives are listed with their samples
  for (const f of ['ward', 'receipt', 'state', 'url'])
    assert.match(m0, new RegExp(`<dt><code>\\(\\(${f}\\)\\)</code></dt>`));
  const v1 = { ja: textarea(m0, 'notify-body_ja'), en: textarea(m0, 'notify-body_en'), easy: textarea(m0, 'notify-body_easy') };
  assert.match(v1.ja, /\(\(receipt\)\)/);

  const form = {
    csrf, base: '1', action: 'save', note: '問い合わせ先を追加',
    subject_ja: '【((ward))】申請の状態のお知らせ（((receipt))）',
    body_ja: '受付番号 ((receipt)) の申請は「((state))」になりました。\n((url))\n問い合わせ: 区民課 <内線 123>',
    subject_en: '[((ward))] Status of ((receipt))',
    body_en: 'Application ((receipt)) is now "((state))".\n((url))',
    subject_easy: '【((ward))】もうしこみの ようす',
    body_easy: 'もうしこみ ((receipt)) は 「((state))」に なりました。\n((url))',
  };

  // without the CSRF token: refused, nothing stored
  const { csrf: _, ...noCsrf } = form;
  assert.equal((await admin.post(PATH, { form: noCsrf })).status, 403);
  assert.equal((await admin.post(PATH, { form: { ...form, csrf: 'x'.repeat(csrf.length) } })).status, 403);
  assert.equal(versionInForce(), 1);

  // a placeholder the code does not give: 422 with the summary, typed text kept
  const bad = await admin.post(PATH, { form: { ...form, body_en: 'Dear ((nickname)), ((receipt))' } });
  assert.equal(bad.status, 422);
  const mb = main(bad.text_);
  assert.match(mb, /<div class="error-summary" role="alert"[^>]*>[\s\S]*<a href="#notify-body_en">差し込み項目 \(\(nickname\)\) は[^<]*<\/a>/);
  assert.match(mb, /<textarea[^>]*id="notify-body_en"[^>]*aria-invalid="true"/);
  assert.equal(textarea(mb, 'notify-body_en'), 'Dear ((nickname)), ((receipt))');
  assert.equal(textarea(mb, 'notify-body_ja'), form.body_ja);
  assert.match(mb, /id="notify-note" name="note" value="問い合わせ先を追加"/);
  const badEn = await admin.post(PATH, { form: { ...form, body_en: 'Dear ((nickname))' }, headers: { 'accept-language': 'en' } });
  assert.match(badEn.text_, /<a href="#notify-body_en">The placeholder \(\(nickname\)\) is not one the sending code gives/);
  // English subject without its text: refused too
  const half = await admin.post(PATH, { form: { ...form, body_en: '' } });
  assert.equal(half.status, 422);
  assert.match(main(half.text_), /<a href="#notify-body_en">/);
  assert.equal(versionInForce(), 1, 'nothing stored');
  assert.equal(audit().length, 0, 'nothing audited');

  // the preview: typed texts with the sample values, nothing stored
  const pv = await admin.post(PATH, { form: { ...form, action: 'preview' } });
  assert.equal(pv.status, 200);
  const sec = main(pv.text_).match(/<section aria-labelledby="notify-preview-h"[\s\S]*?<\/section>/);
  assert.ok(sec, 'a preview section');
  assert.match(sec[0], /受付番号 R-2026-000123 の申請は「審査中」になりました。/);
  assert.match(sec[0], /区民課 &lt;内線 123&gt;/, 'typed text escaped');
  assert.match(sec[0], /Application R-2026-000123 is now &quot;審査中&quot;\./);
  assert.doesNotMatch(sec[0], /\(\(receipt\)\)/);
  assert.equal(versionInForce(), 1, 'the preview stored nothing');

  // save: version 2
  const rs = await admin.post(PATH, { form });
  assert.equal(rs.status, 303);
  assert.equal(rs.headers.get('location'), `${PATH}?saved=2`);
  assert.equal(versionInForce(), 2);
  const shown = show();
  assert.match(shown, /^author: demo-admin$/m);
  assert.match(shown, /^note: 問い合わせ先を追加$/m);
  // version 1 is kept as it was
  assert.ok(show(1).includes(v1.ja.split('\n')[0]), 'version 1 kept');
  // in force: each language renders the new text
  const vals = ['ward=デモ区', 'receipt=R-9', 'state=完了', 'url=https://demo.example.jp/s/R-9'];
  const render = (lang) => cli(['notify', 'template', 'render', '--db', srv.db, '--tenant', DEMO, '--id', SLUG, '--lang', lang, ...vals]);
  assert.match(render('ja'), /^Subject: 【デモ区】申請の状態のお知らせ（R-9）$/m);
  assert.match(render('ja'), /受付番号 R-9 の申請は「完了」になりました。/);
  assert.match(render('en'), /^Subject: \[デモ区\] Status of R-9$/m);
  assert.match(render('ja-easy'), /もうしこみ R-9 は 「完了」に なりました。/);
  assert.match(render('ja-easy'), /^Version: 2$/m);

  // the editor after the save: the notice, version 2 in force, the history
  const after = await admin.get(rs.headers.get('location'));
  assert.equal(after.status, 200);
  const ma = main(after.text_);
  assert.match(ma, /role="status"><p>版 2 を保存しました。/);
  assert.match(ma, /name="base" value="2"/);
  const hist = ma.match(/<section aria-labelledby="notify-history-h">([\s\S]*?)<\/section>/)[1];
  const v2at = hist.indexOf('<h3>版 2</h3>'), v1at = hist.indexOf('<h3>版 1</h3>');
  assert.ok(v2at >= 0 && v1at > v2at, 'version 2 then version 1');
  const v2 = hist.slice(v2at, v1at);
  assert.match(v2, /demo-admin/);
  assert.match(v2, /変更メモ: 問い合わせ先を追加/);
  // each of the six texts changed: old then new
  for (const label of ['件名（日本語）', '本文（日本語）', '件名（英語）', '本文（英語）', '件名（やさしい日本語）', '本文（やさしい日本語）'])
    assert.match(v2, new RegExp(`<dt>${label.replace(/[()（）]/g, '\\$&')}</dt>`), label);
  const ja = v2.match(/<dt>本文（日本語）<\/dt><dd>([\s\S]*?)<\/dd>/)[1];
  assert.ok(ja.indexOf('notify-old') < ja.indexOf('notify-new'));
  assert.match(ja.slice(ja.indexOf('notify-old'), ja.indexOf('notify-new')), /受付番号: \(\(receipt\)\)/);
  assert.match(ja.slice(ja.indexOf('notify-new')), /区民課 &lt;内線 123&gt;/);
  assert.match(hist.slice(v1at), /最初の版です。/);

  // a save edited from version 1 (another tab): 409, nothing stored
  const stale = await admin.post(PATH, { form: { ...form, body_ja: '古い版から ((receipt))' } });
  assert.equal(stale.status, 409);
  assert.match(main(stale.text_), /ほかの職員が先に新しい版を保存しました。/);
  assert.equal(textarea(main(stale.text_), 'notify-body_ja'), '古い版から ((receipt))');
  assert.equal(versionInForce(), 2);

  // one audit record, for the one save
  const recs = audit();
  assert.equal(recs.length, 1);
  assert.equal(recs[0].action, 'notify.template.save');
  assert.equal(recs[0].object_id, SLUG);
  assert.equal(recs[0].actor_login ?? recs[0].actor, 'demo-admin');
});

test('an unknown template is 404; a malformed id is 400', async () => {
  assert.equal((await admin.get('/staff/notify/templates/no.such')).status, 404);
  assert.equal((await admin.get('/staff/notify/templates/Bad..Id')).status, 400);
});
