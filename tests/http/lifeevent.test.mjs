// lifeevent.test.mjs -- connected one-stop over HTTP on a real server with
// the demo ward: the life-event interview (転入, 出生, おくやみ) decides
// which procedures apply (questions brought up by an answer, errors,
// hidden answers ignored, a tampered _state validated like typed answers);
// a logged-in resident starts a bundle whose drafts carry the shared
// answers, cannot submit it half done (all or none), fills it in and gets
// one receipt per procedure, each in its own department's list; another
// resident gets 404; staff at the counter (書かない窓口) print the filled
// forms of the register person as one PDF (text read back with pdftotext);
// a bundle with a procedure that needs a signature is signed once, over
// its manifest (every application's canonical SHA-256), and refused
// unsigned or with a signature over other bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, loginWithTotp, DEMO_USERS, ROOT, multipartBody } from './lib.mjs';

const withProcedures = { setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']) };
const SAKURA = ['demo-sakura@example.jp', 'Minato-Kumin-2026'];
const TARO = ['demo-taro@example.jp', 'Hinode-Kumin-2026'];

async function residentLogin(c, email, password) {
  const form = await c.get('/resident/login');
  const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
  const r = await c.post('/resident/login', { form: { pre, email, password } });
  assert.equal(r.status, 303, 'resident login');
}

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

const state = (html) => {
  const m = html.match(/name="_state" value="([^"]*)"/);
  return m ? m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'") : null;
};
const checked = (html, code) => new RegExp(`value="${code}" checked`).test(html);
const offered = (html, code) => new RegExp(`name="procedure" value="${code}"`).test(html);

test('the interview decides which procedures apply', async () => {
  const srv = await startServer(withProcedures);
  try {
    const c = new Client(srv.base);
    const list = await c.get('/life-events');
    assert.equal(list.status, 200);
    for (const ev of ['move_in', 'birth', 'death']) assert.match(list.text_, new RegExp(`href="/life-events/${ev}"`));

    const p0 = await c.get('/life-events/move_in');
    assert.equal(p0.status, 200);
    assert.match(p0.text_, /name="f\.with_children"/);
    // a follow-up question waits for its answer: written hidden (for the
    // script to reveal in place) and not among the questions shown
    assert.match(p0.text_, /<div class="reveal" id="reveal-wants_nursery" hidden data-reveal-by="f\.with_children" data-reveal-values="yes"[^>]*>/);
    assert.doesNotMatch(p0.text_.match(/name="_shown" value="([^"]*)"/)[1], /wants_nursery/);

    // nothing answered: the error summary, nothing decided
    const none = await c.post('/life-events/move_in', { form: { _page: '0', _state: '{}', _shown: 'with_children health_insurance has_dog parks_bicycle' } });
    assert.equal(none.status, 400);
    assert.match(none.text_, /class="error-summary"/);
    assert.match(none.text_, /href="#f-health_insurance[^"]*">転入後に加入する健康保険：/, 'the summary names the question');

    // "with children" brings up two questions, asked without errors
    const base = { _page: '0', _state: '{}', _shown: 'with_children health_insurance has_dog parks_bicycle',
      'f.with_children': 'yes', 'f.health_insurance': 'employee', 'f.has_dog': 'yes', 'f.parks_bicycle': 'no' };
    const more = await c.post('/life-events/move_in', { form: base });
    assert.equal(more.status, 200);
    assert.match(more.text_, /質問が追加されました/);
    assert.match(more.text_, /name="f\.wants_nursery"/);
    assert.doesNotMatch(more.text_, /class="error-summary"/);

    const full = { ...base, _shown: 'with_children wants_nursery wants_school_aid health_insurance has_dog parks_bicycle',
      'f.wants_nursery': 'no', 'f.wants_school_aid': 'no' };
    const p1 = await c.post('/life-events/move_in', { form: full });
    assert.equal(p1.status, 200);
    assert.match(p1.text_, /name="f\.applicant_phone"/, 'the contact page');
    const st = state(p1.text_);
    assert.ok(st && JSON.parse(st).has_dog === true, 'earlier answers are carried');

    const me = { 'f.applicant_name.family': '転居', 'f.applicant_name.given': '一郎', 'f.applicant_name.family_kana': 'てんきょ',
      'f.applicant_name.given_kana': 'いちろう', 'f.applicant_birth': '平成2年4月1日', 'f.applicant_address.postal_code': '166-8570',
      'f.applicant_address.pref': '東京都', 'f.applicant_address.city': 'デモ区', 'f.applicant_address.street': '1-2-3' };
    const shown1 = 'applicant_name applicant_birth applicant_address applicant_phone applicant_email';
    const result = await c.post('/life-events/move_in', { form: { _page: '1', _state: st, _shown: shown1, ...me,
      'f.applicant_phone': '０３－１２３４－５６７８' } });
    assert.equal(result.status, 200);
    assert.ok(checked(result.text_, 'tennyu-yoyaku'), '転入届 always');
    assert.ok(checked(result.text_, 'jidou-teate-nintei'), '児童手当 with children');
    assert.ok(checked(result.text_, 'kodomo-iryosho'));
    assert.ok(checked(result.text_, 'inu-touroku'), 'a dog');
    assert.ok(!checked(result.text_, 'hoikusho-riyou') && offered(result.text_, 'hoikusho-riyou'), 'offered, not ticked');
    assert.ok(!checked(result.text_, 'kokuho-kanyu-dattai'), 'employee insurance: no 国保');
    assert.ok(!checked(result.text_, 'jitensha-chushajo'));
    assert.match(result.text_, /ログインしてください/, 'anonymous: log in to apply');
    assert.doesNotMatch(result.text_, /これらの申請を始める/);

    // a tampered state is validated: an answer the interview does not
    // allow is an error, not a decision
    const bad = JSON.parse(st); bad.health_insurance = 'nonsense';
    const t = await c.post('/life-events/move_in', { form: { _page: '1', _state: JSON.stringify(bad), _shown: shown1, ...me, 'f.applicant_phone': '0312345678' } });
    assert.equal(t.status, 400);
    assert.match(t.text_, /href="#f-health_insurance/);

    // without children, a nursery answer smuggled in is hidden and ignored
    const nokids = { ...JSON.parse(st), with_children: false, wants_nursery: true };
    const r2 = await c.post('/life-events/move_in', { form: { _page: '1', _state: JSON.stringify(nokids), _shown: shown1, ...me, 'f.applicant_phone': '0312345678' } });
    assert.equal(r2.status, 200);
    assert.ok(!checked(r2.text_, 'hoikusho-riyou') && !checked(r2.text_, 'jidou-teate-nintei'));

    assert.equal((await c.get('/life-events/marriage')).status, 404);
  } finally {
    await srv.stop();
  }
});

// the birth interview up to the result page, as a logged-in resident
async function birthResult(c) {
  const p0 = await c.get('/life-events/birth');
  const page0 = { _page: '0', _state: '{}', _shown: 'child_name child_birth wants_nursery',
    'f.child_name.family': '港', 'f.child_name.given': 'みらい', 'f.child_name.family_kana': 'ミナト',
    'f.child_name.given_kana': 'ミライ', 'f.child_birth': jstDate(-5), 'f.wants_nursery': 'no' };
  assert.equal(p0.status, 200);
  const p1 = await c.post('/life-events/birth', { form: page0 });
  assert.equal(p1.status, 200, p1.text_.slice(0, 400));
  return c.post('/life-events/birth', { form: { _page: '1', _state: state(p1.text_), _shown: 'applicant_phone applicant_email',
    'f.applicant_phone': '03-5555-0101', 'f.applicant_email': 'sakura@example.jp' } });
}

test('a birth bundle: shared answers, all or none, one receipt per procedure', async () => {
  const srv = await startServer(withProcedures);
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...SAKURA);
    const result = await birthResult(a);
    assert.equal(result.status, 200);
    assert.ok(checked(result.text_, 'shinseiji-houmon') && checked(result.text_, 'kodomo-iryosho'));
    assert.ok(!checked(result.text_, 'hoikusho-riyou'));
    const csrf = Client.csrf(result.text_);
    assert.ok(csrf, 'a logged-in resident may start');
    const start = await a.req('POST', '/life-events/birth/start', {
      body: new URLSearchParams([['csrf', csrf], ['_state', state(result.text_)],
        ['procedure', 'kodomo-iryosho'], ['procedure', 'shinseiji-houmon'], ['procedure', 'not-in-event']]).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(start.status, 303);
    const bid = start.headers.get('location').match(/^\/bundles\/(\d+)$/)[1];

    const b = await a.get(`/bundles/${bid}`);
    assert.equal(b.status, 200);
    const drafts = [...b.text_.matchAll(/href="\/drafts\/(\d+)\/page\/(\d+)"/g)].map((m) => m[1]);
    assert.equal(drafts.length, 2, 'one draft per chosen procedure, the unknown one dropped');
    assert.match(b.text_, /子ども医療証/);
    assert.match(b.text_, /新生児訪問/);

    // the interview's answers are in the drafts: the baby's name and the
    // phone in 子ども医療証 (shared by id and type)
    let joined = '';
    const joinedIds = {};
    for (const id of drafts) {
      const pages = [];
      for (let p = 0; p < 6; p++) {
        const pg = await a.get(`/drafts/${id}/page/${p}`);
        if (pg.status === 200) pages.push(pg.text_);
      }
      if (pages.some((t) => /f\.child_name\.family/.test(t))) { joined = pages.join('\n'); joinedIds[id] = true; }
    }
    assert.ok(joined, '子ども医療証 draft found');
    assert.match(joined, /value="ミライ"/, 'the baby\'s name from the interview');
    assert.match(joined, /03-5555-0101/, 'the phone from the interview');

    // half done: nothing is submitted
    const bad = await a.post(`/bundles/${bid}/submit`, { form: { csrf: Client.csrf(b.text_) } });
    assert.equal(bad.status, 422);
    assert.match(bad.text_, /needs-attention/);
    const mine = await a.get('/mypage/applications');
    assert.doesNotMatch(mine.text_, /139998-\d{4}-\d{8}/, 'no receipt was issued');

    // another resident cannot see the bundle
    const t = new Client(srv.base);
    await residentLogin(t, ...TARO);
    assert.equal((await t.get(`/bundles/${bid}`)).status, 404);
    const tcsrf = Client.csrf((await t.get('/mypage')).text_);
    assert.equal((await t.post(`/bundles/${bid}/submit`, { form: { csrf: tcsrf } })).status, 404);

    // leave 子ども医療証 out (it needs an insurance card upload), fill in
    // 新生児訪問, then submit the bundle: a receipt, listed on the bundle
    const iryoId = drafts.find((id) => joinedIds[id]);
    const del = await a.post(`/drafts/${iryoId}/delete`, { form: { csrf: Client.csrf(b.text_) } });
    assert.equal(del.status, 303);
    const visit = drafts.find((id) => id !== iryoId);
    const v0 = await a.get(`/drafts/${visit}/page/0`);
    const vc = Client.csrf(v0.text_);
    let r = await a.post(`/drafts/${visit}/page/0`, { form: { csrf: vc, '_shown': 'baby_name baby_birth birth_weight weeks',
      'f.baby_name.family': '港', 'f.baby_name.given': 'みらい', 'f.baby_name.family_kana': 'ミナト',
      'f.baby_name.given_kana': 'ミライ', 'f.baby_birth': jstDate(-5), 'f.birth_weight': '3100', 'f.weeks': '39', '_action': 'next' } });
    assert.equal(r.status, 303, r.text_.slice(0, 300));
    r = await a.post(`/drafts/${visit}/page/1`, { form: { csrf: vc, '_shown': 'mother_name visit_address phone wish_period',
      'f.mother_name.family': '港', 'f.mother_name.family_kana': 'ミナト',
      'f.visit_address.postal_code': '1668570', 'f.visit_address.pref': '東京都', 'f.visit_address.city': 'デモ区',
      'f.visit_address.street': '１－２－３', 'f.phone': '03-5555-0101', 'f.wish_period': 'asap', '_action': 'next' } });
    assert.equal(r.status, 303, r.text_.slice(0, 300));
    const b2 = await a.get(`/bundles/${bid}`);
    assert.match(b2.text_, /すべての手続の入力が済みました/);
    // submitted from the English page: the mail is the template
    // lifeevent.bundle_received (svc/notify) in English
    await a.get('/lang?to=en&next=/');
    const ok = await a.post(`/bundles/${bid}/submit`, { form: { csrf: Client.csrf(b2.text_) } });
    assert.equal(ok.status, 303);
    await a.get('/lang?to=ja&next=/');
    const done = await a.get(`/bundles/${bid}`);
    const receipts = [...done.text_.matchAll(/href="\/submissions\/(139998-\d{4}-\d{8})"/g)].map((m) => m[1]);
    assert.equal(receipts.length, 1);
    assert.doesNotMatch(done.text_, /まとめて申請する/, 'nothing left to submit');
    const st = await a.get(`/submissions/${receipts[0]}`);
    assert.equal(st.status, 200);
    assert.match(st.text_, /新生児訪問/);
    const mail = execFileSync('sqlite3', ['-separator', '\t', srv.db.slice(7),
      "SELECT recipient, subject, replace(body, char(10), ' ') FROM mail_outbox WHERE subject LIKE '%Applications received%'"])
      .toString().trim().split('\n').map((l) => l.split('\t'));
    assert.equal(mail.length, 1, JSON.stringify(mail));
    assert.equal(mail[0][0], SAKURA[0]);
    assert.equal(mail[0][1], '[Demo Ward] Applications received (1)');
    assert.match(mail[0][2], new RegExp(`The receipt numbers of the 1 procedures you applied for together:   ${receipts[0]} `));
    assert.match(mail[0][2], /\/mypage /);
    assert.doesNotMatch(mail[0][2], /受付番号|港|ミナト/);
  } finally {
    await srv.stop();
  }
});

test('the counter prints the register person\'s filled forms as one PDF', async () => {
  const srv = await startServer(withProcedures);
  try {
    // a role with the counter permission (applications.write: two-factor
    // only), made by the administrator, and a member of staff holding it
    const admin = new Client(srv.base);
    await loginWithTotp(admin, ...DEMO_USERS.admin);
    const roles = await admin.get('/staff/roles');
    const ac = Client.csrf(roles.text_);
    assert.equal((await admin.post('/staff/roles', { form: { csrf: ac, name: 'madoguchi', description: '総合窓口', needs_mfa: '1' } })).status, 303);
    assert.equal((await admin.post('/staff/roles/permissions', { form: { csrf: ac, role: 'madoguchi', permission: 'applications.write' } })).status, 303);
    cli(['user', 'add', '--db', srv.db, '--tenant', '139998', '--login', 'counter-1', '--name', '窓口 職員',
      '--role', 'madoguchi', '--password-stdin'], { input: 'Counter-Pass-2026\n', stdio: ['pipe', 'pipe', 'pipe'] });
    const list = cli(['registry', 'list', '--db', srv.db, '--tenant', '139998']);
    const code = list.split('\n').find((l) => /\t港 /.test(l))?.split('\t')[2];
    assert.ok(code, 'a register person of the demo ward');
    const s = new Client(srv.base);
    await loginWithTotp(s, 'counter-1', 'Counter-Pass-2026');
    const home = await s.get('/staff/counter');
    assert.equal(home.status, 200);
    assert.match(home.text_, /action="\/staff\/counter\/death"/);
    const p0 = await s.get(`/staff/counter/death?person=${code}`);
    assert.equal(p0.status, 200);
    const csrf = Client.csrf(p0.text_);
    const p1 = await s.post('/staff/counter/death', { form: { csrf, person: code, _page: '0', _state: '{}',
      _shown: 'deceased_name deceased_birth death_date had_kokuho had_kaigo',
      'f.deceased_name.family': '港', 'f.deceased_name.given': '一郎', 'f.deceased_name.family_kana': 'ミナト',
      'f.deceased_name.given_kana': 'イチロウ', 'f.deceased_birth': '昭和20年5月3日', 'f.death_date': jstDate(-3),
      'f.had_kokuho': 'yes', 'f.had_kaigo': 'yes' } });
    assert.equal(p1.status, 200);
    assert.match(p1.text_, /name="f\.funeral_held"/, 'the funeral question follows 国保');
    const p2 = await s.post('/staff/counter/death', { form: { csrf, person: code, _page: '0', _state: '{}',
      _shown: 'deceased_name deceased_birth death_date had_kokuho funeral_held had_kaigo',
      'f.deceased_name.family': '港', 'f.deceased_name.given': '一郎', 'f.deceased_name.family_kana': 'ミナト',
      'f.deceased_name.given_kana': 'イチロウ', 'f.deceased_birth': '昭和20年5月3日', 'f.death_date': jstDate(-3),
      'f.had_kokuho': 'yes', 'f.funeral_held': 'yes', 'f.had_kaigo': 'yes' } });
    assert.equal(p2.status, 200);
    const result = await s.post('/staff/counter/death', { form: { csrf, person: code, _page: '1', _state: state(p2.text_),
      _shown: 'applicant_phone applicant_email', 'f.applicant_phone': '03-5555-0202' } });
    assert.equal(result.status, 200);
    for (const p of ['kokuho-kanyu-dattai', 'kokuho-sousaihi', 'kaigo-soushitsu']) assert.ok(checked(result.text_, p), p);
    const body = new URLSearchParams([['csrf', csrf], ['person', code], ['_state', state(result.text_)],
      ['procedure', 'kokuho-sousaihi'], ['procedure', 'kaigo-soushitsu']]).toString();
    const r = await fetch(srv.base + '/staff/counter/death/pdf', { method: 'POST', body,
      headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    const p = join(srv.dir, 'counter.pdf');
    writeFileSync(p, Buffer.from(await r.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', p, '-'], { encoding: 'utf8' });
    assert.match(text, /葬祭費/);
    assert.match(text, /介護保険/);
    assert.match(text, /1945|昭和20/, 'the deceased\'s birth date shared from the interview');
    assert.match(text, /申請者署名/);
    assert.match(text, /03-5555-0202/);
    const pages = execFileSync('pdfinfo', [p], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)[1];
    assert.ok(Number(pages) >= 2, 'each form on its own page');
    // the audit trail names whose register record staff printed
    const audit = cli(['audit', 'query', '--db', srv.db, '--json']);
    assert.ok(audit.split('\n').some((l) => l.includes('lifeevent.counter.pdf') && l.includes(`death:${code}`)),
      'the counter print is audited with the register code');
    // an unknown register code is refused
    const bad = await fetch(srv.base + '/staff/counter/death/pdf', { method: 'POST',
      body: body.replace(`person=${code}`, 'person=NOPE-0000'),
      headers: { cookie: s.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(bad.status, 404);
    // a resident cannot reach the counter
    const a = new Client(srv.base);
    await residentLogin(a, ...SAKURA);
    assert.ok([403, 303].includes((await a.get('/staff/counter')).status));
  } finally {
    await srv.stop();
  }
});

test('a bundle with a procedure that needs a signature: one signature over its manifest', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-bundle-sig-'));
  const pki = join(dir, 'pki');
  execFileSync('bash', [join(ROOT, 'tests/sign/make-test-pki.sh'), pki], { stdio: 'ignore' });
  // 新生児訪問 as a ward that wants it signed: a new version of it
  const signed = join(dir, 'procedures');
  mkdirSync(signed);
  const def = JSON.parse(readFileSync(join(ROOT, 'data/procedures/shinseiji-houmon.json'), 'utf8'));
  def.signature = 'required';
  writeFileSync(join(signed, 'shinseiji-houmon.json'), JSON.stringify(def));
  const srv = await startServer({
    setup: ({ db }) => {
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']);
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', signed]);
    },
    extraArgs: ['--trust-dir', join(pki, 'trust')],
  });
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...SAKURA);
    const result = await birthResult(a);
    const start = await a.req('POST', '/life-events/birth/start', {
      body: new URLSearchParams([['csrf', Client.csrf(result.text_)], ['_state', state(result.text_)],
        ['procedure', 'shinseiji-houmon']]).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(start.status, 303);
    const bid = start.headers.get('location').match(/^\/bundles\/(\d+)$/)[1];
    const b = await a.get(`/bundles/${bid}`);
    const draft = b.text_.match(/href="\/drafts\/(\d+)\/page\/\d+"/)[1];
    const vc = Client.csrf(b.text_);
    let r = await a.post(`/drafts/${draft}/page/0`, { form: { csrf: vc, '_shown': 'baby_name baby_birth birth_weight weeks',
      'f.baby_name.family': '港', 'f.baby_name.given': 'みらい', 'f.baby_name.family_kana': 'ミナト',
      'f.baby_name.given_kana': 'ミライ', 'f.baby_birth': jstDate(-5), 'f.birth_weight': '3100', 'f.weeks': '39', '_action': 'next' } });
    assert.equal(r.status, 303);
    r = await a.post(`/drafts/${draft}/page/1`, { form: { csrf: vc, '_shown': 'mother_name visit_address phone wish_period',
      'f.mother_name.family': '港', 'f.mother_name.family_kana': 'ミナト',
      'f.visit_address.postal_code': '1668570', 'f.visit_address.pref': '東京都', 'f.visit_address.city': 'デモ区',
      'f.visit_address.street': '１－２－３', 'f.phone': '03-5555-0101', 'f.wish_period': 'asap', '_action': 'next' } });
    assert.equal(r.status, 303);

    // the bundle page asks for one signature over the whole bundle
    const ready = await a.get(`/bundles/${bid}`);
    assert.match(ready.text_, /enctype="multipart\/form-data"/);
    assert.match(ready.text_, new RegExp(`href="/bundles/${bid}/canonical"`));
    assert.match(ready.text_, /すべての手続に対するもの/);
    const csrf = Client.csrf(ready.text_);
    const send = (sig) => a.post(`/bundles/${bid}/submit`, multipartBody({ csrf },
      sig && { name: 'signature', filename: 'b.p7s', type: 'application/pkcs7-signature', data: sig }));
    const receipts = async () => [...(await a.get('/mypage/applications')).text_.matchAll(/139998-\d{4}-\d{8}/g)].length;
    const before = await receipts();

    // unsigned: refused, the field pointed at, nothing sent
    const none = await send(null);
    assert.equal(none.status, 400);
    assert.match(none.text_, /電子署名が必要です/);
    assert.match(none.text_, /href="#signature"/);
    assert.match(none.text_, /needs-attention/);
    assert.equal(await receipts(), before);

    // the manifest: every application's own canonical form by its hash
    const mres = await fetch(`${srv.base}/bundles/${bid}/canonical`, { headers: { cookie: a.cookieHeader() } });
    assert.equal(mres.status, 200);
    const manifest = Buffer.from(await mres.arrayBuffer());
    const m = JSON.parse(manifest.toString());
    assert.equal(m.format, 'madoguchi-bundle/1');
    assert.equal(m.event, 'birth');
    assert.equal(m.bundle, Number(bid));
    assert.equal(m.tenant, '139998');
    assert.equal(m.applications.length, 1);
    assert.equal(m.applications[0].procedure, 'shinseiji-houmon');
    const canon = await fetch(`${srv.base}/drafts/${draft}/canonical`, { headers: { cookie: a.cookieHeader() } });
    const own = createHash('sha256').update(Buffer.from(await canon.arrayBuffer())).digest('hex');
    assert.equal(m.applications[0].sha256, own, 'the manifest names the application\'s canonical bytes');
    assert.equal(manifest.toString(), JSON.stringify(JSON.parse(manifest.toString())), 'RFC 8785: no whitespace');
    // another resident gets nothing
    const t = new Client(srv.base);
    await residentLogin(t, ...TARO);
    assert.equal((await t.get(`/bundles/${bid}/canonical`)).status, 404);

    const sign = (bytes, who = 'resident') => {
      const f = join(dir, `m-${Math.random().toString(16).slice(2)}.json`);
      writeFileSync(f, bytes);
      cli(['sign', '--key', join(pki, `${who}.key`), '--cert', join(pki, `${who}.pem`), '--out', `${f}.p7s`, f]);
      return readFileSync(`${f}.p7s`);
    };
    // a signature over other bytes, and an expired certificate: refused
    const other = await send(sign(Buffer.from(manifest.toString().replace('"birth"', '"death"'))));
    assert.equal(other.status, 400);
    assert.match(other.text_, /電子署名を確認できませんでした/);
    const expired = await send(sign(manifest, 'expired'));
    assert.equal(expired.status, 400);
    assert.match(expired.text_, /期限/);
    assert.equal(await receipts(), before);

    // signed: submitted, the signature recorded on the application
    const ok = await send(sign(manifest));
    assert.equal(ok.status, 303, ok.text_.slice(0, 300));
    const done = await a.get(`/bundles/${bid}`);
    const receipt = done.text_.match(/href="\/submissions\/(139998-\d{4}-\d{8})"/)[1];
    const api = await a.req('GET', `/api/v1/submissions/${receipt}`);
    const sub = JSON.parse(api.text_);
    assert.equal(sub.signed, true);
    assert.match(sub.signature.subject, /CN=/);
    assert.equal(sub.procedure, 'shinseiji-houmon');
  } finally {
    await srv.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
