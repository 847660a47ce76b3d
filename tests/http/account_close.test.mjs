// account_close.test.mjs -- a resident closes their account (退会) from My
// page (src/web/page_resident_close.c, auth_resident_close, the notify
// service's account_closed hook) against a real server:
//   - My page links /mypage/close; the page explains in ja, en and
//     やさしい日本語 what goes and what the ward keeps, and asks for the
//     password; without a login it sends to the login page;
//   - without the CSRF token: refused, nothing changes; a wrong password:
//     401 with the message, audited as failed, nothing changes (the
//     subscriptions, the SMS number and LINE id stay, the session works);
//   - the right password: every session of the account ends, the e-mail
//     subscriptions, SMS number, LINE id and link codes are gone (another
//     resident's stay), a queued SMS to the number failed "account
//     closed", the registry link gone, the confirmation page; the address
//     and password no longer log in; the record auth.resident.close names
//     the account id and nothing personal; the address may register again.
// The SMS number, LINE id, link code and queued message are put in with
// SQL (sqlite3, or psql when MADOGUCHI_HTTP_DB is a PostgreSQL URL): their
// own flows are tested in notify_sms / notify_line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, cli, Client, DEMO, startSmtpSink } from './lib.mjs';

const EMAIL = 'taikai.hanako@example.jp';
const OTHER = 'nokoru.jiro@example.jp';
const PASSWORD = 'Sayonara-Mado-2026';
let sink, srv, a, a2, b, idA, idB;

const sql = (q) => (srv.db.startsWith('postgresql:')
  ? execFileSync('psql', [srv.db, '-qAtc', q], { encoding: 'utf8' })
  : execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' })).trim();
const n = (q) => Number(sql(q));

// a resident with a confirmed address, logged in
async function resident(email) {
  const c = new Client(srv.base);
  const pre = async (p) => (await c.get(p)).text_.match(/name="pre" value="([^"]+)"/)[1];
  assert.equal((await c.post('/resident/register', { form: { pre: await pre('/resident/register'), email, password: PASSWORD } })).status, 200);
  assert.equal((await c.post('/resident/login', { form: { pre: await pre('/resident/login'), email, password: PASSWORD } })).status, 303);
  const m = await sink.waitFor((x) => x.to.includes(email));
  const token = m.text.match(/\/resident\/verify\?token=([0-9a-f]{64})/)[1];
  assert.equal((await new Client(srv.base).post('/resident/verify', { form: { token } })).status, 200);
  return c;
}
async function login(email, password) {
  const c = new Client(srv.base);
  const pre = (await c.get('/resident/login')).text_.match(/name="pre" value="([^"]+)"/)[1];
  return { c, r: await c.post('/resident/login', { form: { pre, email, password } }) };
}
async function subscribe(c) {
  const csrf = Client.csrf((await c.get('/mypage/notifications')).text_);
  assert.equal((await c.post('/mypage/notifications', { form: { csrf, news: '1', disaster: '1', area: 'chuo' } })).status, 303);
}
const audits = () => cli(['audit', 'query', '--db', srv.db, '--action', 'auth.resident.close', '--json'])
  .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

before(async () => {
  sink = await startSmtpSink();
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined,
    extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp', '--smtp-starttls', 'none'] });
  a = await resident(EMAIL);
  b = await resident(OTHER);
  a2 = (await login(EMAIL, PASSWORD)).c;   // a second session of the same account
  idA = n(`SELECT id FROM residents WHERE email = '${EMAIL}'`);
  idB = n(`SELECT id FROM residents WHERE email = '${OTHER}'`);
  assert.ok(idA > 0 && idB > 0 && idA !== idB);
  await subscribe(a);
  await subscribe(b);
  sql(`INSERT INTO notify_contacts (tenant, account, channel, address, verified_at) VALUES
    ('${DEMO}', ${idA}, 'sms', '+819012340001', 1), ('${DEMO}', ${idA}, 'line', 'U${'a'.repeat(31)}1', 1),
    ('${DEMO}', ${idB}, 'sms', '+819012340002', 1)`);
  sql(`INSERT INTO notify_link_codes (tenant, account, channel, code_hash, target, expires_at, created_at) VALUES
    ('${DEMO}', ${idA}, 'line', '${'0'.repeat(64)}', NULL, 4000000000, 1)`);
  sql(`INSERT INTO notify_messages (tenant, channel, recipient, template, lang, body, state, created_at) VALUES
    ('${DEMO}', 'sms', '+819012340001', 'sms.alert', 'ja', 'closing-test-1', 'queued', 1),
    ('${DEMO}', 'sms', '+819012340002', 'sms.alert', 'ja', 'closing-test-2', 'queued', 1)`);
});

after(async () => {
  await srv?.stop();
  await sink?.close();
});

const subsOf = (id) => n(`SELECT COUNT(*) FROM notify_subscriptions WHERE account = ${id}`);
const contactsOf = (id) => n(`SELECT COUNT(*) FROM notify_contacts WHERE account = ${id}`);

test('My page links the closure page, which explains in three languages and asks for the password', async () => {
  assert.match((await a.get('/mypage')).text_, /<a href="\/mypage\/close" id="close-link">アカウントを削除（退会）<\/a>/);
  const p = await a.get('/mypage/close');
  assert.equal(p.status, 200);
  assert.match(p.text_, /<h1[^>]*>アカウントの削除（退会）<\/h1>/);
  assert.match(p.text_, /id="close-removed"/);
  assert.match(p.text_, /お知らせの受け取りの設定/);
  assert.match(p.text_, /SMS の携帯電話番号と LINE の連携/);
  assert.match(p.text_, /id="close-kept"/);
  assert.match(p.text_, /提出した申請とその結果/);
  assert.match(p.text_, /name="password"[^>]*autocomplete="current-password"|autocomplete="current-password"[^>]*name="password"/);
  assert.ok(Client.csrf(p.text_));
  assert.doesNotMatch(p.text_, new RegExp(EMAIL.replace('.', '\\.')), 'the page shows no address');
  const en = new Client(srv.base);
  en.jar = new Map(a.jar);
  await en.get('/lang?to=en&next=/');
  const pe = await en.get('/mypage/close');
  assert.match(pe.text_, /Delete your account/);
  assert.match(pe.text_, /What the ward keeps \(required by law\)/);
  await en.get('/lang?to=ja-easy&next=/');
  const pz = await en.get('/mypage/close');
  assert.match(pz.text_, /アカウントを けす（たいかい）/);
  assert.match(pz.text_, /区が のこす もの/);
  // nobody logged in: to the login page
  assert.equal((await new Client(srv.base).get('/mypage/close')).status, 303);
});

test('without the CSRF token, or with a wrong password, nothing changes', async () => {
  assert.equal(subsOf(idA), 2);
  assert.equal(contactsOf(idA), 2);
  const noCsrf = await a.post('/mypage/close', { form: { password: PASSWORD } });
  assert.notEqual(noCsrf.status, 303);
  assert.ok(noCsrf.status >= 400, `status ${noCsrf.status}`);
  const csrf = Client.csrf((await a.get('/mypage/close')).text_);
  const wrong = await a.post('/mypage/close', { form: { csrf, password: 'Chigau-Password-2026' } });
  assert.equal(wrong.status, 401);
  assert.match(wrong.text_, /パスワードが違います/);
  assert.match(wrong.text_, /アカウントは削除していません/);
  assert.match(wrong.text_, /aria-invalid="true"/);
  // the same message in English
  const en = new Client(srv.base);
  en.jar = new Map(a.jar);
  await en.get('/lang?to=en&next=/');
  const wrongEn = await en.post('/mypage/close', { form: { csrf, password: 'Chigau-Password-2027' } });
  assert.equal(wrongEn.status, 401);
  assert.match(wrongEn.text_, /The password is not correct/);
  await en.get('/lang?to=ja&next=/');
  assert.equal(subsOf(idA), 2);
  assert.equal(contactsOf(idA), 2);
  assert.equal(n(`SELECT COUNT(*) FROM notify_link_codes WHERE account = ${idA}`), 1);
  assert.equal(sql(`SELECT status FROM residents WHERE id = ${idA}`), 'active');
  assert.equal((await a.get('/mypage')).status, 200);
  assert.equal((await a2.get('/mypage')).status, 200);
  const failed = audits().filter((r) => r.result === 'failed');
  assert.equal(failed.length, 2);
  assert.equal(failed[0].object_id, String(idA));
});

test('the right password closes the account: the notification service forgets it, nobody can log in with it', async () => {
  // a registry link, so that its removal is seen
  const person = sql(`SELECT code FROM registry_persons WHERE tenant = '${DEMO}'
    AND id NOT IN (SELECT person_id FROM registry_links) ORDER BY code LIMIT 1`);
  assert.match(cli(['registry', 'link', '--db', srv.db, '--tenant', DEMO, '--email', EMAIL, '--person', person]), /^linked\t/);
  assert.equal(n(`SELECT COUNT(*) FROM registry_links WHERE resident_id = ${idA}`), 1);
  const csrf = Client.csrf((await a.get('/mypage/close')).text_);
  const r = await a.post('/mypage/close', { form: { csrf, password: PASSWORD } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/resident/closed');
  assert.ok(r.headers.getSetCookie().some((c) => /max-age=0/i.test(c)), 'the session cookie is cleared');
  const done = await a.get('/resident/closed');
  assert.equal(done.status, 200);
  assert.match(done.text_, /id="close-done"/);
  assert.match(done.text_, /アカウントを削除しました/);

  // the notification service forgot the account, and only it
  assert.equal(subsOf(idA), 0);
  assert.equal(contactsOf(idA), 0);
  assert.equal(n(`SELECT COUNT(*) FROM notify_link_codes WHERE account = ${idA}`), 0);
  assert.equal(subsOf(idB), 2);
  assert.equal(contactsOf(idB), 1);
  assert.equal(sql(`SELECT state || '|' || last_error FROM notify_messages WHERE body = 'closing-test-1'`), 'failed|account closed');
  assert.equal(sql(`SELECT state FROM notify_messages WHERE body = 'closing-test-2'`), 'queued');
  assert.equal(n(`SELECT COUNT(*) FROM registry_links WHERE resident_id = ${idA}`), 0);
  // the account row stays (applications name it) without its address or sessions
  assert.equal(sql(`SELECT status FROM residents WHERE id = ${idA}`), 'disabled');
  assert.equal(n(`SELECT COUNT(*) FROM residents WHERE email = '${EMAIL}'`), 0);
  assert.equal(n(`SELECT COUNT(*) FROM sessions WHERE kind = 'resident' AND account_id = ${idA}`), 0);
  // both sessions ended; the other resident's goes on
  assert.equal(a.jar.has('mg_session'), false);
  assert.equal((await a2.get('/mypage')).status, 303);
  assert.equal((await b.get('/mypage')).status, 200);
  // no login with the old address and password
  const l = await login(EMAIL, PASSWORD);
  assert.equal(l.r.status, 401);
  // the audit record: the account id, nothing personal
  const ok = audits().filter((x) => x.result === 'ok');
  assert.equal(ok.length, 1);
  assert.equal(ok[0].object_type, 'resident');
  assert.equal(ok[0].object_id, String(idA));
  assert.equal(ok[0].actor_id, idA);
  assert.doesNotMatch(JSON.stringify(ok[0]), /example\.jp|\+8190/);
  // closing again from a dead session: nothing more (to the login page)
  assert.equal((await a2.post('/mypage/close', { form: { csrf, password: PASSWORD } })).status >= 300, true);
  assert.equal(audits().filter((x) => x.result === 'ok').length, 1);
  // the address may be registered again: a new account
  const c = new Client(srv.base);
  const pre = (await c.get('/resident/register')).text_.match(/name="pre" value="([^"]+)"/)[1];
  assert.equal((await c.post('/resident/register', { form: { pre, email: EMAIL, password: 'Mata-Kimashita-2027' } })).status, 200);
  assert.equal((await login(EMAIL, 'Mata-Kimashita-2027')).r.status, 303);
  assert.notEqual(n(`SELECT id FROM residents WHERE email = '${EMAIL}'`), idA);
});
