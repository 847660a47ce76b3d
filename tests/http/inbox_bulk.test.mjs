// inbox_bulk.test.mjs -- issue 14, items 6 and 7 over HTTP:
//   - the inbox filters: each field alone with the others left at 「指定なし」
//     (sent empty, as the browser sends them: never a 400), combined, and
//     all empty;
//   - the CSV export linked on every inbox page, its link carrying the
//     filters, and what it exports following them (rows counted against the
//     list), in CP932 as before;
//   - bulk assignment and bulk state change of ticked rows: CSRF, one audit
//     record per application, all or nothing, refusals naming the rows;
//   - the departments admin page (roles.manage only): the demo's
//     departments with their readers, adding one, giving it a role, audited;
//   - publishing refused when a procedure's department reaches nobody
//     (`procedure load`, the domain's procedures_publish), accepted once a
//     role owning it is held;
//   - applications that reach nobody: the unrouted view and the staff
//     home's warning for the administrator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Client, cli, DEMO, ROOT, BIN } from './lib.mjs';
import { inboxFixture, submit, iryoshoAnswers, inkanAnswers, hoikuAnswers, getRaw, R2, PNG } from './inbox_fixture.mjs';

let fx, sub = {};



const audit = (action) => cli(['audit', 'query', '--db', fx.srv.db, '--action', action, '--json'])
  .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const receipts = (html) => [...html.matchAll(/<tr data-receipt="([^"]+)"/g)].map((m) => m[1]);
const EMPTY = { department: '', procedure: '', status: '', from: '', to: '', assignee: '' };
const q = (o) => '/staff/inbox?' + new URLSearchParams({ ...EMPTY, ...o }).toString();
const ids = (html) => Object.fromEntries([...html.matchAll(/name="s\d+" value="(\d+)" id="sel-\d+"><label[^>]*>[^<]*? ([0-9-]+)<\/label>/g)]
  .map((m) => [m[2], m[1]]));
const staffId = (html, login) => html.match(new RegExp(`<option value="(\\d+)"[^>]*>[^<]*\\(${login}\\)</option>`))[1];

before(async () => {
  fx = await inboxFixture();
  sub.a = fx.subs.a;                 // kodomo-iryosho (kosodate-teate), today
  sub.b = fx.subs.b;                 // inkan-shomei (kuminka)
  sub.h = submit(fx.srv, 'hoikusho-riyou', hoikuAnswers(), R2);   // hoiku
  const other = iryoshoAnswers({ applicant_name: { family: '窓口', given: '太郎', family_kana: 'マドグチ', given_kana: 'タロウ' },
    applicant_birth: '1970-07-07' });
  sub.old = submit(fx.srv, 'kodomo-iryosho', other, R2, { files: { insurance_card: PNG }, receivedOn: '2026-10-01' });
});
after(async () => { if (fx) await fx.srv.stop(); });

test('inbox filters: each field alone with the rest at 指定なし, combined, all empty: never a 400', async () => {
  const c = fx.clients.deptA;
  const all = await c.get(q({}));
  assert.equal(all.status, 200, 'every field left at 指定なし');
  const every = receipts(all.text_);
  for (const r of [sub.a.receipt, sub.h.receipt, sub.old.receipt]) assert.ok(every.includes(r));
  assert.ok(!every.includes(sub.b.receipt), 'another department stays out');
  const only = async (o) => {
    const r = await c.get(q(o));
    assert.equal(r.status, 200, JSON.stringify(o));
    return receipts(r.text_);
  };
  assert.deepEqual((await only({ department: 'hoiku' })), [sub.h.receipt]);
  assert.deepEqual((await only({ procedure: 'hoikusho-riyou' })), [sub.h.receipt]);
  const iry = await only({ procedure: 'kodomo-iryosho' });
  assert.ok(iry.includes(sub.a.receipt) && iry.includes(sub.old.receipt) && !iry.includes(sub.h.receipt));
  assert.deepEqual((await only({ status: 'approved' })), []);
  assert.ok((await only({ status: 'received' })).includes(sub.h.receipt));
  const from = await only({ from: '2026-11-01' });
  assert.ok(!from.includes(sub.old.receipt) && from.includes(sub.a.receipt));
  assert.deepEqual((await only({ to: '2026-10-31' })), [sub.old.receipt]);
  assert.ok((await only({ assignee: 'unassigned' })).includes(sub.h.receipt));
  assert.deepEqual((await only({ assignee: 'mine' })), []);
  // combined
  assert.deepEqual((await only({ department: 'kosodate-teate', procedure: 'kodomo-iryosho', to: '2026-10-31' })), [sub.old.receipt]);
  assert.deepEqual((await only({ department: 'kosodate-teate', from: '2026-11-01', status: 'received', assignee: 'unassigned' })).includes(sub.a.receipt), true);
  assert.deepEqual((await only({ department: 'hoiku', procedure: 'kodomo-iryosho' })), []);
  // the view alone, empty, and a value that is not one: still validated
  assert.equal((await c.get(q({ view: '' }))).status, 200);
  assert.equal((await c.get(q({ view: 'overdue' }))).status, 200);
  assert.equal((await c.get(q({ status: 'no such' }))).status, 400);
  assert.equal((await c.get(q({ from: '2026-13-40' }))).status, 400);
});

test('export: linked on every inbox page with the filters; exports what they select, CP932 as before', async () => {
  const c = fx.clients.deptA;
  const plain = (await c.get('/staff/inbox')).text_;
  assert.match(plain, /href="\/staff\/inbox\/export\.csv\?encoding=cp932" data-export="cp932"/);
  const page = (await c.get(q({ department: 'kosodate-teate', to: '2026-10-31' }))).text_;
  const href = page.match(/href="([^"]+)" data-export="cp932"/)[1].replace(/&amp;/g, '&');
  assert.match(href, /department=kosodate-teate/);
  assert.match(href, /to=2026-10-31/);
  const r = await getRaw(c, href);
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /Shift_JIS/);
  assert.equal(r.headers['x-rows'], '1');
  const text = new TextDecoder('shift_jis').decode(r.body);
  const lines = text.split('\r\n').filter(Boolean);
  assert.equal(lines[0].split(',')[0], '受付番号');
  assert.equal(lines.length, 2);
  assert.ok(lines[1].startsWith(sub.old.receipt));
  // without filters: every row of the departments, no answers in it
  const all = await getRaw(c, '/staff/inbox/export.csv?encoding=utf8bom&header=keys');
  const body = all.body.toString('utf8');
  assert.equal(body.charCodeAt(0), 0xfeff);
  assert.equal(body.slice(1).split('\r\n')[0], 'receipt,procedure,version,department,status,submitted_at,due_at,assignee,duplicate_of');
  for (const s of [sub.a, sub.h, sub.old]) assert.ok(body.includes(s.receipt));
  assert.ok(!body.includes(sub.b.receipt));
  assert.ok(!body.includes('花子') && !body.includes('123456789018'), 'no answers without a procedure');
  // with a procedure chosen the answers' columns come as before, masked
  const pr = await getRaw(c, '/staff/inbox/export.csv?procedure=kodomo-iryosho&encoding=utf8bom&department=&status=');
  assert.equal(pr.status, 200);
  assert.equal(pr.headers['x-rows'], '2');
  assert.ok(audit('data.export').some((x) => x.object_id === '*/1'));
});

test('bulk assign: ticked rows to one assignee, CSRF, audited per application; refusals name the rows, nothing changes', async () => {
  const c = fx.clients.deptA;
  const html = (await c.get('/staff/inbox')).text_;
  const csrf = Client.csrf(html);
  const id = ids(html);
  assert.ok(id[sub.a.receipt] && id[sub.h.receipt], 'a checkbox per row');
  const mate = staffId(html, 'kosodate-2');
  // without the CSRF token: refused
  const no = await c.post('/staff/inbox/bulk', { form: { s0: id[sub.a.receipt], action: 'assign', assignee: mate } });
  assert.equal(no.status, 403);
  // someone who cannot read 保育 (kumin-b, 区民課): refused, naming the rows, nothing assigned
  const kumin = staffId(html, 'kumin-b');
  const bad = await c.post('/staff/inbox/bulk', { form: { csrf, s0: id[sub.a.receipt], s1: id[sub.h.receipt], action: 'assign', assignee: kumin, back: '/staff/inbox' } });
  assert.equal(bad.status, 409);
  assert.match(bad.text_, new RegExp(`data-receipt="${sub.a.receipt}"`));
  assert.match(bad.text_, new RegExp(`data-receipt="${sub.h.receipt}"`));
  assert.match(bad.text_, /何も変更していません/);
  assert.deepEqual(receipts((await c.get(q({ assignee: mate }))).text_), []);
  // nothing selected
  assert.equal((await c.post('/staff/inbox/bulk', { form: { csrf, action: 'assign', assignee: mate } })).status, 400);
  // the real thing
  const back = '/staff/inbox?department=&procedure=kodomo-iryosho';
  const ok = await c.post('/staff/inbox/bulk', { form: { csrf, s0: id[sub.a.receipt], s3: id[sub.h.receipt], action: 'assign', assignee: mate, back } });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), back);
  const mine = receipts((await c.get(q({ assignee: mate }))).text_).sort();
  assert.deepEqual(mine, [sub.a.receipt, sub.h.receipt].sort());
  const rec = audit('application.assign').map((x) => x.object_id);
  assert.ok(rec.includes(`${sub.a.receipt}/${mate}`) && rec.includes(`${sub.h.receipt}/${mate}`));
  // a row of another department, smuggled in: not found, refused
  const forged = await c.post('/staff/inbox/bulk', { form: { csrf, s0: id[sub.a.receipt], s1: String(sub.b.id), action: 'assign', assignee: '0' } });
  assert.equal(forged.status, 409);
  assert.match(forged.text_, new RegExp(`#${sub.b.id}`));
  // a back link elsewhere is not accepted
  assert.equal((await c.post('/staff/inbox/bulk', { form: { csrf, s0: id[sub.a.receipt], action: 'assign', assignee: mate, back: '//evil.example/' } })).status, 400);
});

test('bulk state change: allowed moves for all ticked rows; one row not allowed refuses the batch, named', async () => {
  const c = fx.clients.deptA;
  let html = (await c.get('/staff/inbox')).text_;
  const csrf = Client.csrf(html);
  const id = ids(html);
  const ok = await c.post('/staff/inbox/bulk', { form: { csrf, s0: id[sub.a.receipt], s1: id[sub.old.receipt], action: 'transition', to: 'in_review' } });
  assert.equal(ok.status, 303);
  const inrev = receipts((await c.get(q({ status: 'in_review' }))).text_).sort();
  assert.deepEqual(inrev, [sub.a.receipt, sub.old.receipt].sort());
  const moves = audit('application.transition').map((x) => x.object_id);
  assert.ok(moves.includes(`${sub.a.receipt}/received/in_review`) && moves.includes(`${sub.old.receipt}/received/in_review`));
  // received -> in_review is allowed for h, not for a (already in review): all refused, a named
  html = (await c.get('/staff/inbox')).text_;
  const id2 = ids(html);
  const bad = await c.post('/staff/inbox/bulk', { form: { csrf, s0: id2[sub.h.receipt], s1: id2[sub.a.receipt], action: 'transition', to: 'in_review' } });
  assert.equal(bad.status, 409);
  assert.match(bad.text_, new RegExp(`<li data-receipt="${sub.a.receipt}">`));
  assert.ok(!bad.text_.includes(`<li data-receipt="${sub.h.receipt}">`));
  assert.match(bad.text_, /「審査中」から「審査中」には移せません/);
  assert.ok(receipts((await c.get(q({ status: 'received' }))).text_).includes(sub.h.receipt), 'h did not move');
  // returning needs a note
  assert.equal((await c.post('/staff/inbox/bulk', { form: { csrf, s0: id2[sub.a.receipt], action: 'transition', to: 'returned' } })).status, 400);
  // no state chosen
  assert.equal((await c.post('/staff/inbox/bulk', { form: { csrf, s0: id2[sub.a.receipt], action: 'transition', to: '' } })).status, 400);
  // a member of staff without applications.write has no bulk form, and the route refuses
  const v = fx.clients.noapps;
  assert.equal((await v.post('/staff/inbox/bulk', { form: { csrf: Client.csrf((await v.get('/staff')).text_), s0: id2[sub.h.receipt], action: 'assign', assignee: '0' } })).status, 403);
});

test('departments: the admin page lists the demo ward with readers; add one, give it a role, audited; roles.manage only', async () => {
  const a = fx.clients.admin;
  const list = await a.get('/staff/departments');
  assert.equal(list.status, 200);
  assert.match(list.text_, /<tr data-code="kokuho-nenkin"><th scope="row"><a href="[^"]+">国保年金課<\/a>/);
  const readers = (code) => Number(list.text_.match(new RegExp(`<tr data-code="${code}"[\\s\\S]*?data-readers="(\\d+)"`))[1]);
  assert.ok(readers('kokuho-nenkin') >= 1 && readers('seisou') >= 1 && readers('seikatsu-eisei') >= 1);
  assert.ok(!list.text_.includes('id="dept-unrouted-count"'), 'no department of the demo reaches nobody');
  assert.equal((await fx.clients.deptA.get('/staff/departments')).status, 403);
  assert.equal((await fx.clients.deptA.get('/staff/inbox/unrouted')).status, 403);
  // add
  const form = await a.get('/staff/departments/edit');
  assert.equal(form.status, 200);
  const csrf = Client.csrf(form.text_);
  const badMail = await a.post('/staff/departments', { form: { csrf, code: 'test-ka', name_ja: 'テスト課', email: 'not-mail' } });
  assert.equal(badMail.status, 422);
  assert.match(badMail.text_, /href="#f-email"/);
  assert.match(badMail.text_, /value="テスト課"/, 'what was typed is kept');
  const made = await a.post('/staff/departments', { form: { csrf, code: 'test-ka', name_ja: 'テスト課', name_en: 'Test Division',
    phone: '03-0000-9999', email: 'test-ka@demo-ward.example.jp', place: '本庁舎9階', parent: 'kuminka' } });
  assert.equal(made.status, 303);
  let l2 = (await a.get('/staff/departments')).text_;
  assert.match(l2, /<tr data-code="test-ka" class="unrouted">/);
  assert.match(l2, /id="dept-unrouted-count" data-count="1"/);
  assert.ok(audit('department.put').some((x) => x.object_id === 'test-ka' && x.actor_login === 'demo-admin'));
  // the same code again as new: refused
  assert.equal((await a.post('/staff/departments', { form: { csrf, code: 'test-ka', name_ja: '二つ目' } })).status, 422);
});

test('publishing a procedure whose department nobody reads is refused (CLI), then accepted; unrouted view and staff-home warning', async () => {
  const a = fx.clients.admin;
  const dir = join(fx.srv.dir, 'defs14');
  mkdirSync(dir);
  const d = JSON.parse(readFileSync(join(ROOT, 'data/procedures/inkan-shomei.json'), 'utf8'));
  d.id = 'test-unrouted';
  d.department = 'test-ka';
  writeFileSync(join(dir, 'test-unrouted.json'), JSON.stringify(d));
  let err;
  try {
    execFileSync(BIN, ['procedure', 'load', '--db', fx.srv.db, '--tenant', DEMO, dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) { err = e; }
  assert.ok(err, 'refused');
  assert.equal(err.status, 1);
  assert.match(err.stderr, /担当課「test-ka」の申請を読める職員がいない/);
  assert.match(err.stderr, /no staff can read the applications of department "test-ka"/);
  assert.ok(!cli(['procedure', 'list', '--db', fx.srv.db, '--tenant', DEMO]).includes('test-unrouted'), 'nothing published');
  // give the department to the kuminka role (held by kumin-b) on the admin page
  const form = (await a.get('/staff/departments/edit?code=test-ka')).text_;
  const slot = form.match(/name="(r\d+)" value="kuminka"/)[1];
  const saved = await a.post('/staff/departments', { form: { csrf: Client.csrf(form), existing: '1', code: 'test-ka',
    name_ja: 'テスト課', name_en: 'Test Division', parent: 'kuminka', [slot]: 'kuminka' } });
  assert.equal(saved.status, 303);
  assert.ok(audit('department.owner').some((x) => x.object_id === 'test-ka/+kuminka'));
  assert.match(cli(['department', 'list', '--db', fx.srv.db, '--tenant', DEMO]), /^test-ka\tテスト課\tTest Division\tkuminka\t[1-9]\d*\tkuminka$/m);
  assert.match(cli(['procedure', 'load', '--db', fx.srv.db, '--tenant', DEMO, dir]), /test-unrouted\tv1\tnew/);
  const s = submit(fx.srv, 'test-unrouted', inkanAnswers(), R2);
  // staff home: no warning while it reaches someone
  assert.ok(!(await a.get('/staff')).text_.includes('id="unrouted-warning"'));
  // take the role away: the application reaches nobody
  const f2 = (await a.get('/staff/departments/edit?code=test-ka')).text_;
  assert.equal((await a.post('/staff/departments', { form: { csrf: Client.csrf(f2), existing: '1', code: 'test-ka', name_ja: 'テスト課' } })).status, 303);
  const home = (await a.get('/staff')).text_;
  assert.match(home, /id="unrouted-warning" data-count="1"/);
  assert.match(home, /href="\/staff\/inbox\/unrouted"/);
  const view = await a.get('/staff/inbox/unrouted');
  assert.equal(view.status, 200);
  assert.deepEqual(receipts(view.text_), [s.receipt]);
  assert.match(view.text_, /<li data-department="test-ka">/);
  assert.ok(!view.text_.includes('花子'), 'no answers on the unrouted view');
  // staff who cannot change roles see no warning
  assert.ok(!(await fx.clients.deptB.get('/staff')).text_.includes('unrouted-warning'));
});
