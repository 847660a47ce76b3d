// inbox.test.mjs -- the staff back office over HTTP: inbox filters and
// per-state tabs, overdue and duplicate views, keyset paging, assignment,
// internal comments, every transition allowed or refused (with the 409 of
// a concurrent edit), audit records, the resident's notification mail
// delivered to an SMTP sink, the submission page (labels in page order,
// My Number masking, sources, attachments served safely), and the CSV
// export in UTF-8 with BOM and in CP932.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, cli, DEMO, ROOT } from './lib.mjs';
import { inboxFixture, submit, iryoshoAnswers, inkanAnswers, hoikuAnswers, getRaw, R2, PNG } from './inbox_fixture.mjs';
import { startSmtpSink } from '../smtp_sink.mjs';

let fx, sink, s;



const csrfOf = async (c, id) => Client.csrf((await c.get(`/staff/submissions/${id}`)).text_);
const page = async (c, id) => (await c.get(`/staff/submissions/${id}`)).text_;
const audit = (action) => cli(['audit', 'query', '--db', fx.srv.db, '--action', action, '--json'])
  .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

before(async () => {
  sink = await startSmtpSink();
  fx = await inboxFixture({ extraArgs: ['--smtp-url', sink.url,
    '--mail-from', 'noreply@demo.example', '--smtp-starttls', 'none', '--public-url', 'https://demo.example.jp/'] });
  s = fx.subs;
  // a test procedure whose file field takes any content
  const dir = join(fx.srv.dir, 'defs');
  mkdirSync(dir);
  writeFileSync(join(dir, 'test-upload.json'), readFileSync(join(ROOT, 'tests/http/data/inbox-test-upload.json')));
  cli(['procedure', 'load', '--db', fx.srv.db, '--tenant', DEMO, dir]);
  s.h = submit(fx.srv, 'hoikusho-riyou', hoikuAnswers(), R2);
  const other = iryoshoAnswers({ applicant_name: { family: '窓口', given: '太郎', family_kana: 'マドグチ', given_kana: 'タロウ' },
    applicant_birth: '1970-07-07' });
  s.old = submit(fx.srv, 'kodomo-iryosho', other, R2, { files: { insurance_card: PNG }, receivedOn: '2026-10-01' });
  s.dup = submit(fx.srv, 'kodomo-iryosho', iryoshoAnswers(), fx.residentEmail, { files: { insurance_card: PNG } });
  s.html = submit(fx.srv, 'test-upload', { memo: 'テスト' }, R2,
    { files: { doc: Buffer.from('<html><script>alert(1)</script></html>') } });
});
after(async () => {
  try { if (fx) await fx.srv.stop(); } finally { if (sink) await sink.close(); }
});

test('the CLI records submissions with receipts, due dates and likely duplicates', () => {
  for (const x of [s.a, s.b, s.h, s.old, s.dup]) {
    assert.match(x.receipt, /^139998-20\d\d-\d{8}$/);
    assert.equal(x.status, 'received');
  }
  assert.equal(s.a.department, 'kosodate-teate');
  assert.equal(s.h.department, 'hoiku');
  assert.equal(s.b.department, 'kuminka');
  assert.equal(s.dup.duplicate_of, s.a.id, 'the same applicant and procedure within 30 days');
  assert.equal(s.old.duplicate_of, 0);
  const listed = cli(['submission', 'list', '--db', fx.srv.db, '--tenant', DEMO, '--procedure', 'kodomo-iryosho', '--json'])
    .trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(listed.map((x) => x.id).sort(), [s.a.id, s.old.id, s.dup.id].sort());
  assert.ok(!cli(['submission', 'list', '--db', fx.srv.db, '--tenant', DEMO]).includes('花子'), 'no personal data listed');
  // answers that do not validate: nothing submitted, the errors named
  assert.throws(() => submit(fx.srv, 'inkan-shomei', inkanAnswers({ copies: 99 }), R2), /copies/);
  assert.equal(audit('application.submit').length >= 5, true);
});

test('inbox: department A only, tabs with counts, an accessible table', async () => {
  const r = await fx.clients.deptA.get('/staff/inbox');
  assert.equal(r.status, 200);
  for (const x of [s.a, s.h, s.old, s.dup, s.html]) assert.ok(r.text_.includes(x.receipt), x.receipt);
  assert.ok(!r.text_.includes(s.b.receipt));
  assert.match(r.text_, /<table class="inbox"><caption id="inbox-caption">[^<]+\(5\)<\/caption>/);
  assert.match(r.text_, /<th scope="col">受付番号<\/th>/);
  assert.match(r.text_, new RegExp(`<th scope="row"><a href="/staff/submissions/${s.a.id}">${s.a.receipt}</a></th>`));
  assert.match(r.text_, /data-status="received" aria-current="page"|data-status="received">受付 <span class="count">\(5\)<\/span>/);
  assert.match(r.text_, /すべての状態 <span class="count">\(5\)<\/span>/);
});

test('inbox filters: department, procedure, status, dates, overdue and duplicate views', async () => {
  const c = fx.clients.deptA;
  const rows = async (q) => [...(await c.get(`/staff/inbox${q}`)).text_.matchAll(/<tr data-receipt="([^"]+)"/g)].map((m) => m[1]).sort();
  assert.deepEqual(await rows('?department=hoiku'), [s.h.receipt]);
  assert.deepEqual(await rows('?procedure=kodomo-iryosho'), [s.a.receipt, s.old.receipt, s.dup.receipt].sort());
  assert.deepEqual(await rows('?to=2026-10-31'), [s.old.receipt]);
  assert.ok(!(await rows('?from=2026-11-01')).includes(s.old.receipt));
  assert.deepEqual(await rows('?view=overdue'), [s.old.receipt], 'received on 1 October, due in three business days');
  const dups = await c.get('/staff/inbox?view=duplicates');
  assert.deepEqual([...dups.text_.matchAll(/<tr data-receipt="([^"]+)"/g)].map((m) => m[1]), [s.dup.receipt]);
  assert.match(dups.text_, new RegExp(`data-duplicate-of="${s.a.id}"`));
  assert.match((await c.get('/staff/inbox?view=overdue')).text_, /<strong class="overdue">期限超過<\/strong>/);
  // a department not theirs is an empty list, not someone else's rows
  assert.deepEqual(await rows('?department=kuminka'), []);
  // invalid filters are refused before the handler
  assert.equal((await c.get('/staff/inbox?from=2026-13-01')).status, 400);
  assert.equal((await c.get('/staff/inbox?assignee=someone')).status, 400);
});

test('assignment: to oneself, the mine and unassigned filters, audited', async () => {
  const c = fx.clients.deptA;
  const p = await page(c, s.a.id);
  const me = p.match(/<option value="(\d+)"[^>]*>デモ 職員 \(demo-staff\)<\/option>/)[1];
  const r = await c.post(`/staff/submissions/${s.a.id}/assign`, { form: { csrf: Client.csrf(p), assignee: me } });
  assert.equal(r.status, 303);
  assert.match(await page(c, s.a.id), /<dd id="current-assignee">デモ 職員<\/dd>/);
  const rows = async (q) => [...(await c.get(`/staff/inbox${q}`)).text_.matchAll(/<tr data-receipt="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(await rows('?assignee=mine'), [s.a.receipt]);
  assert.ok(!(await rows('?assignee=unassigned')).includes(s.a.receipt));
  assert.deepEqual(await rows(`?assignee=${me}`), [s.a.receipt]);
  // someone who is not staff of this municipality cannot be assigned
  const bad = await c.post(`/staff/submissions/${s.a.id}/assign`, { form: { csrf: Client.csrf(p), assignee: '999999' } });
  assert.equal(bad.status, 400);
  assert.match(bad.text_, /href="#assignee"/);
  assert.ok(audit('application.assign').some((x) => x.object_id === `${s.a.receipt}/${me}` && x.actor_login === 'demo-staff'));
});

test('internal comments: in the staff history marked internal, refused empty, audited', async () => {
  const c = fx.clients.deptA;
  const csrf = await csrfOf(c, s.h.id);
  const text = '電話で在籍を確認済み（内部メモ）';
  assert.equal((await c.post(`/staff/submissions/${s.h.id}/comment`, { form: { csrf, text } })).status, 303);
  const p = await page(c, s.h.id);
  assert.match(p, new RegExp(`<tr data-kind="comment" data-internal="1">[\\s\\S]*?${text}`));
  const hist = await c.get(`/staff/submissions/${s.h.id}/history`);
  assert.equal(hist.status, 200);
  assert.ok(hist.text_.includes(text));
  const empty = await c.post(`/staff/submissions/${s.h.id}/comment`, { form: { csrf, text: '　 ' } });
  assert.equal(empty.status, 400);
  assert.match(empty.text_, /href="#comment"/);
  assert.ok(audit('application.comment').some((x) => x.object_id === s.h.receipt));
  // the resident's own page, when the resident pages are there, never shows it
  const routes = JSON.parse(cli(['routes', '--json']));
  if (routes.some((rt) => rt.pattern === '/submissions/{receipt}' && rt.method === 'GET')) {
    const mine = await fx.clients.resident2.get(`/submissions/${s.h.receipt}`);
    assert.equal(mine.status, 200);
    assert.ok(!mine.text_.includes(text));
  }
});

test('transitions: each allowed move, refusals, notes required, a concurrent edit gets 409', async () => {
  const c = fx.clients.deptA;
  const move = async (sub, to, from, note = '') =>
    c.post(`/staff/submissions/${sub.id}/transition`, { form: { csrf: await csrfOf(c, sub.id), to, expect_from: from, note } });
  const status = async (sub) => (await page(c, sub.id)).match(/id="current-status" data-status="([a-z_]+)"/)[1];
  const offered = async (sub) => [...(await page(c, sub.id)).matchAll(/name="to" value="([a-z_]+)"/g)].map((m) => m[1]);

  assert.deepEqual(await offered(s.a), ['in_review', 'returned', 'approved', 'rejected']);
  assert.equal((await move(s.a, 'in_review', 'received')).status, 303);
  assert.equal(await status(s.a), 'in_review');
  assert.deepEqual(await offered(s.a), ['returned', 'approved', 'rejected']);
  // returning needs a message to the resident
  const noNote = await move(s.a, 'returned', 'in_review');
  assert.equal(noNote.status, 400);
  assert.match(noNote.text_, /<a href="#note-returned">/);
  // the required attribute and aria-invalid, in any order
  assert.match(noNote.text_, /id="note-returned" name="note"(?=[^>]* required[ >])[^>]* aria-invalid="true"/);
  assert.equal(await status(s.a), 'in_review');
  assert.equal((await move(s.a, 'approved', 'in_review')).status, 303);
  assert.deepEqual(await offered(s.a), ['completed']);
  assert.equal((await move(s.a, 'completed', 'approved')).status, 303);
  assert.deepEqual(await offered(s.a), [], 'completed is final');
  const again = await move(s.a, 'in_review', 'completed');
  assert.equal(again.status, 409);
  assert.match(again.text_, /この状態には変更できません/);
  // withdrawn is the resident's, never staff's; unknown states are refused
  assert.equal((await move(s.old, 'withdrawn', 'received')).status, 409);
  assert.equal((await move(s.old, 'received', 'received')).status, 409);
  assert.equal(await status(s.old), 'received');

  // returned with a message; then a stale page tries to approve
  const note = 'お子さんの生年月日をご確認ください';
  assert.equal((await move(s.h, 'returned', 'received', note)).status, 303);
  assert.equal(await status(s.h), 'returned');
  assert.ok((await page(c, s.h.id)).includes(note));
  assert.deepEqual(await offered(s.h), [], 'returned waits for the resident');
  const stale = await move(s.h, 'approved', 'received');
  assert.equal(stale.status, 409);
  assert.match(stale.text_, /ほかの職員が更新しました/);
  assert.match(stale.text_, /another member of staff updated this application/);
  assert.match(stale.text_, /data-status="returned"/);
  // the English page says it first in English
  const en = new Client(fx.srv.base);
  en.jar = new Map([...c.jar, ['mg_lang', 'en']]);
  const staleEn = await en.post(`/staff/submissions/${s.h.id}/transition`,
    { form: { csrf: await csrfOf(c, s.h.id), to: 'approved', expect_from: 'received' } });
  assert.equal(staleEn.status, 409);
  assert.match(staleEn.text_, /<p>Nothing was changed: another member of staff[^<]*<\/p><p lang="ja">/);

  // rejecting needs a message too
  assert.equal((await move(s.dup, 'rejected', 'received')).status, 400);
  assert.equal((await move(s.dup, 'rejected', 'received', '重複した申請のため')).status, 303);
  assert.deepEqual(await offered(s.dup), []);

  // the audit trail has each move, with the receipt and the states
  const moves = audit('application.transition').map((x) => x.object_id);
  for (const m of [`${s.a.receipt}/received/in_review`, `${s.a.receipt}/in_review/approved`,
    `${s.a.receipt}/approved/completed`, `${s.h.receipt}/received/returned`, `${s.dup.receipt}/received/rejected`])
    assert.ok(moves.includes(m), m);
  assert.ok(!moves.some((m) => m.startsWith(`${s.old.receipt}/`)), 'refused moves leave no record');
});

test('the resident is told of each transition by e-mail: receipt, state, link, no personal data', async () => {
  const mails = [];
  for (const [sub, to, ja, en] of [[s.a, fx.residentEmail, '審査中', 'In review'], [s.a, fx.residentEmail, '完了', 'Completed'],
    [s.h, R2, '差戻し', 'Returned'], [s.dup, fx.residentEmail, '却下', 'Rejected']]) {
    const m = await sink.waitFor((x) => x.subject.includes(sub.receipt) && x.text.includes(`新しい状態: ${ja}`));
    assert.ok(m, `mail for ${sub.receipt} ${ja}`);
    assert.deepEqual(m.to, [to]);
    // the template apply.state_changed in Japanese (the resident chose no
    // language for apply.state on My page), no English part
    assert.match(m.subject, /申請の状態が変わりました/);
    assert.ok(!m.text.includes(`New status: ${en}`));
    assert.match(m.text, new RegExp(`\nhttps://demo\\.example\\.jp/submissions/${sub.receipt}\r?\n`), 'link to the resident page');
    mails.push(m);
  }
  for (const m of sink.messages()) {
    for (const secret of ['花子', '次郎', '123456789018', 'お子さんの生年月日', '内部メモ', '重複した申請のため', 'デモ保育園'])
      assert.ok(!m.text.includes(secret) && !m.subject.includes(secret), `no "${secret}" in a mail`);
  }
  const returned = mails[2];
  assert.match(returned.text, /担当者からのお知らせがあります/);
  // assignment and comments send nothing
  assert.equal(sink.messages().filter((m) => /申請の状態が変わりました/.test(m.subject)).length, 5,
    'one mail per transition');
});

test('the state change follows the resident\'s apply.state subscription: in English when they chose it; a staff edit of the template changes the next', async () => {
  // the resident confirms the address from its mail and, on the English
  // My page, chooses to hear of their applications
  const vm = await sink.waitFor((x) => x.to.includes(fx.residentEmail) && /\/resident\/verify\?token=/.test(x.text));
  const token = vm.text.match(/\/resident\/verify\?token=([0-9a-f]{64})/)[1];
  assert.equal((await new Client(fx.srv.base).post('/resident/verify', { form: { token } })).status, 200);
  const res = fx.clients.resident;
  await res.get('/lang?to=en&next=/');
  const subs = await res.get('/mypage/notifications');
  assert.equal((await res.post('/mypage/notifications', { form: { csrf: Client.csrf(subs.text_), apply: '1' } })).status, 303);
  const c = fx.clients.deptB;   /* 区民課: the 印鑑証明 of s.b */
  const move = async (to, from) => c.post(`/staff/submissions/${s.b.id}/transition`,
    { form: { csrf: await csrfOf(c, s.b.id), to, expect_from: from } });
  assert.equal((await move('in_review', 'received')).status, 303);
  const m = await sink.waitFor((x) => x.subject.includes(s.b.receipt));
  assert.deepEqual(m.to, [fx.residentEmail]);
  assert.equal(m.subject, `[Demo Ward] Your application status has changed (${s.b.receipt})`);
  assert.match(m.text, /New status: In review/);
  assert.match(m.text, new RegExp(`\nhttps://demo\\.example\\.jp/submissions/${s.b.receipt}\r?\n`));
  assert.doesNotMatch(m.text, /新しい状態/);

  // staff change the English text of apply.state_changed: the next mail is the new version
  const admin = fx.clients.admin;
  const PATH = '/staff/notify/templates/apply.state_changed';
  const ed = await admin.get(PATH);
  assert.equal(ed.status, 200);
  const saved = await admin.post(PATH, { form: {
    csrf: Client.csrf(ed.text_), base: ed.text_.match(/name="base" value="(\d+)"/)[1], action: 'save', note: 'test',
    subject_ja: '【((ward))】状態のお知らせ（((receipt))）', body_ja: '((receipt)) は ((state)) です。\n((url))',
    subject_en: '[((ward))] ((receipt)) is now ((state))', body_en: 'Edited by staff.\nApplication ((receipt)): ((state)).\n((url))',
    subject_easy: '', body_easy: '' } });
  assert.equal(saved.status, 303, saved.text_);
  assert.equal((await move('approved', 'in_review')).status, 303);
  const m2 = await sink.waitFor((x) => x.subject === `[Demo Ward] ${s.b.receipt} is now Approved`);
  assert.match(m2.text, /^Edited by staff\.\r?\nApplication /);
  assert.match(m2.text, new RegExp(`/submissions/${s.b.receipt}`));
});

test('submission page: labels in page order, sources, My Number masked unless personal.read asks', async () => {
  const def = JSON.parse(readFileSync(join(ROOT, 'data/procedures/kodomo-iryosho.json'), 'utf8'));
  const p = await page(fx.clients.deptA, s.dup.id);
  let at = 0;
  for (const pg of def.pages) {
    const i = p.indexOf(`<h3>${pg.title.ja}</h3>`, at);
    assert.ok(i > at, `page ${pg.id} in order`);
    at = i;
    for (const f of pg.fields.filter((x) => x.id in iryoshoAnswers() || x.id === 'insurance_card')) {
      const j = p.indexOf(`<dt>${f.label.ja}`, at);
      assert.ok(j > at, `field ${f.id} in order`);
      at = j;
    }
  }
  assert.match(p, /<dt>氏名<\/dt><dd>区民 花子（クミン ハナコ）<\/dd>/);
  // s.a was entered with its prefill sources
  assert.match(await page(fx.clients.deptA, s.a.id),
    /<dt>氏名 <span class="source" data-source="juki">住民記録から<\/span><\/dt><dd>区民 花子（クミン ハナコ）<\/dd>/);
  assert.match(p, /<span class="my-number" data-masked="1">\*\*\*\*\*\*\*\*9018<\/span>/);
  assert.ok(!p.includes('123456789018'));
  assert.match(p, /電子署名はありません/);
  // demo-staff also holds personal.read: may reveal, and it is logged
  assert.match(p, new RegExp(`href="/staff/submissions/${s.dup.id}\\?show=my_number"`));
  const shown = await fx.clients.deptA.get(`/staff/submissions/${s.dup.id}?show=my_number`);
  assert.match(shown.text_, /data-masked="0">123456789018</);
  assert.ok(audit('data.read').some((x) => x.object_type === 'submission.my_number' && x.object_id === s.dup.receipt));
  assert.ok(audit('data.read').some((x) => x.object_type === 'submission' && x.object_id === s.dup.receipt));
  // kosodate-2 has the department but not personal.read
  const p2 = await page(fx.clients.deptA2, s.dup.id);
  assert.match(p2, /data-masked="1">\*\*\*\*\*\*\*\*9018</);
  assert.ok(!p2.includes('show=my_number'));
  assert.equal((await fx.clients.deptA2.get(`/staff/submissions/${s.dup.id}?show=my_number`)).status, 403);
  // kosodate-2 may act (applications.write) like demo-staff
  assert.match(p2, /action="\/staff\/submissions\/\d+\/assign"/);
  // one h1 per page
  assert.equal(p2.match(/<h1>/g).length, 1);
});

test('attachments: images inline with their sniffed type, anything else downloads; always sandboxed', async () => {
  const c = fx.clients.deptA;
  const p = await page(c, s.dup.id);
  const sha = p.match(/\/files\/([0-9a-f]{64})/)[1];
  const img = await getRaw(c, `/staff/submissions/${s.dup.id}/files/${sha}`);
  assert.equal(img.status, 200);
  assert.equal(img.headers['content-type'], 'image/png');
  assert.match(img.headers['content-disposition'], /^inline; filename\*=UTF-8''insurance_card-[0-9a-f]+\.png$/);
  assert.match(img.headers['content-security-policy'], /^sandbox, default-src 'self'/);
  assert.equal(img.headers['x-content-type-options'], 'nosniff');
  assert.ok(img.body.equals(PNG));
  // an HTML page uploaded where any content is accepted: never rendered
  const hp = await page(c, s.html.id);
  const hsha = hp.match(/\/files\/([0-9a-f]{64})/)[1];
  const doc = await getRaw(c, `/staff/submissions/${s.html.id}/files/${hsha}`);
  assert.equal(doc.status, 200);
  assert.equal(doc.headers['content-type'], 'application/octet-stream');
  assert.match(doc.headers['content-disposition'], /^attachment; /);
  assert.match(doc.headers['content-security-policy'], /sandbox/);
  // a hash that is not this submission's file is 404, even a real one
  assert.equal((await getRaw(c, `/staff/submissions/${s.a.id}/files/${hsha}`)).status, 404);
  assert.equal((await getRaw(c, `/staff/submissions/${s.html.id}/files/${'0'.repeat(64)}`)).status, 404);
  assert.ok(audit('data.read').some((x) => x.object_type === 'submission.file' && x.object_id === s.html.receipt));
});

test('CSV export: UTF-8 with BOM and CP932, stable header, quoting, formula guard, replacements counted', async () => {
  const tricky = inkanAnswers({
    applicant_name: { family: '𠮷田', given: '花子', family_kana: 'ヨシダ', given_kana: 'ハナコ' },
    applicant_address: { postal_code: '100-0001', pref: '東京都', city: 'デモ区', street: '1丁目2-3',
      building: '=HYPERLINK("http://evil.example/","x"), 101' },
  });
  const t = submit(fx.srv, 'inkan-shomei', tricky, R2);
  const c = fx.clients.deptB;
  const u = await getRaw(c, '/staff/inbox/export.csv?procedure=inkan-shomei&encoding=utf8bom');
  assert.equal(u.status, 200);
  assert.equal(u.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(u.headers['content-disposition'], /^attachment; filename="inkan-shomei-v1-utf8\.csv"$/);
  assert.deepEqual([...u.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = u.body.subarray(3).toString('utf8');
  const lines = text.split('\r\n');
  assert.equal(lines.at(-1), '', 'CRLF after every row');
  assert.match(lines[0], /^受付番号,状態,申請日時,担当者,/);
  const row = lines.find((l) => l.startsWith(t.receipt));
  assert.ok(row, 'the row of the new submission');
  assert.match(row, new RegExp(`^${t.receipt},received,20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,,`));
  assert.ok(row.includes('𠮷田'));
  assert.ok(row.includes('"\'=HYPERLINK(""http://evil.example/"",""x""), 101"'), row);
  assert.equal(u.headers['x-replaced-characters'], '0');
  // keys: the stable machine header, the same on every export of the version
  const k1 = (await getRaw(c, '/staff/inbox/export.csv?procedure=inkan-shomei&header=keys')).body.toString('utf8');
  const k2 = (await getRaw(c, '/staff/inbox/export.csv?procedure=inkan-shomei&header=keys&status=received')).body.toString('utf8');
  const h1 = k1.slice(1).split('\r\n')[0];
  assert.equal(h1, k2.slice(1).split('\r\n')[0]);
  assert.match(h1, /^receipt,status,submitted_at,assignee,applicant_name\./);
  assert.ok(h1.split(',').includes('card_number') && h1.split(',').includes('pickup_date'));
  // CP932 for Excel: 𠮷 has no CP932 code, it becomes 〓 and is counted
  const sj = await getRaw(c, '/staff/inbox/export.csv?procedure=inkan-shomei&encoding=cp932');
  assert.equal(sj.status, 200);
  assert.equal(sj.headers['content-type'], 'text/csv; charset=Shift_JIS');
  assert.equal(sj.headers['x-replaced-characters'], '1');
  assert.notEqual(sj.body[0], 0xef, 'no BOM in CP932');
  const dec = new TextDecoder('shift_jis', { fatal: true }).decode(sj.body);
  const drow = dec.split('\r\n').find((l) => l.startsWith(t.receipt));
  assert.ok(drow.includes('〓田'));
  assert.equal(dec.split('\r\n')[0], lines[0], 'the same header in both encodings');
  // the rows are the same, but for the replacement
  assert.equal(dec.split('\r\n').length, lines.length);
  // a version that does not exist, and a procedure not published
  assert.equal((await getRaw(c, '/staff/inbox/export.csv?procedure=inkan-shomei&version=99')).status, 404);
  // without a procedure: the list's columns for every row the filters select (issue 14)
  assert.equal((await getRaw(c, '/staff/inbox/export.csv')).status, 200);
  assert.ok(audit('data.export').some((x) => x.object_type === 'submissions.csv' && x.object_id.startsWith('inkan-shomei/1/')));
});

test('keyset paging: fifty a page, every submission once', async () => {
  const c = fx.clients.deptB;
  for (let i = 0; i < 52; i++)
    submit(fx.srv, 'inkan-shomei', inkanAnswers({ card_number: String(1000000 + i) }), R2);
  const all = cli(['submission', 'list', '--db', fx.srv.db, '--tenant', DEMO, '--procedure', 'inkan-shomei', '--json'])
    .trim().split('\n').map((l) => JSON.parse(l).receipt);
  const seen = [];
  // the 52 command runs may outlast the server's keep-alive idle timeout:
  // a pooled connection it closed meanwhile is retried once, on a new one
  const get = async (p) => {
    try { return await c.get(p); } catch (e) { if (e.code !== 'ECONNRESET') throw e; return c.get(p); }
  };
  let path = '/staff/inbox?procedure=inkan-shomei';
  for (let pages = 0; path && pages < 5; pages++) {
    const r = await get(path);
    const rows = [...r.text_.matchAll(/<tr data-receipt="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(rows.length <= 50);
    seen.push(...rows);
    const next = r.text_.match(/<a href="([^"]+)" rel="next">/);
    path = next ? next[1].replace(/&amp;/g, '&') : null;
  }
  assert.equal(seen.length, all.length);
  assert.deepEqual(seen, all, 'newest first, no row twice, none left out');
});
