// notify_sms.test.mjs -- the SMS channel of the notification service
// (src/svc/notify/message.c, sms.c, web/page_channels.c) against the SMS
// provider's test double (tests/doubles/sms_gateway.mjs, its own process,
// Twilio's Messages API shape) and a real server:
//   - an SMS queued from a template reaches the provider and its signed
//     delivery receipt makes it delivered; an undeliverable one ends bounced
//     with the provider's reason code;
//   - a replayed receipt changes nothing; a forged or unsigned one is refused;
//   - a provider error is retried (queued again, attempt counted, the code
//     kept); a refused number fails at once;
//   - an emergency queued after a newsletter goes to the provider first;
//   - staff see the messages with a state filter and the reason; the API
//     answers a message's state by id without the number or the text;
//   - without the options the callback is 404 and the staff page says so.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, registerAndLogin, loginWithTotp, ROOT, DEMO, DEMO_USERS } from './lib.mjs';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'madoguchi_sms_test_token_0001';
const FROM = '+815012340000';
const STATUS = '/api/v1/notify/sms/status';
// a weekday noon in Japan (not in quiet hours), in the past: due at once
const NOON = String(Date.UTC(2026, 0, 6, 3, 0, 0) / 1000);

let srv, gw, dir, admin;

function startGateway() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/sms_gateway.mjs'), '--port', '0',
      '--key-file', join(dir, 'sms.key')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => reject(new Error(`sms_gateway exited ${code}: ${out}`)));
  });
}

const gwMode = async (m) => (await fetch(gw.base + '/_control/mode', { method: 'POST', body: JSON.stringify(m) })).json();
const gwMessages = async () => (await (await fetch(gw.base + '/_control/messages')).json()).messages;
const gwPost = async (path) => (await fetch(gw.base + path, { method: 'POST' })).json();

function sms(to, id, values, extra = []) {
  const out = cli(['notify', 'sms', '--db', srv.db, '--tenant', DEMO, '--to', to, '--id', id,
    '--now', NOON, ...extra, ...values]);
  return Number(out.trim());
}
function status(id) {
  const [mid, channel, state, lane, attempts, error] = cli(['notify', 'status', '--db', srv.db, '--tenant', DEMO,
    '--msg', String(id)]).trim().split('\t');
  return { id: Number(mid), channel, state, lane, attempts: Number(attempts), error };
}
async function until(id, pred) {
  const deadline = Date.now() + 30000;
  let s;
  while (Date.now() < deadline) {
    s = status(id);
    if (pred(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`message ${id} did not reach the state: ${JSON.stringify(s)}`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-sms-'));
  mkdirSync(join(dir, 'srv'));
  writeFileSync(join(dir, 'sms.key'), `# AccountSid:AuthToken (test)\n${SID}:${TOKEN}\n`, { mode: 0o600 });
  gw = await startGateway();
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined, dir: join(dir, 'srv'),
    extraArgs: ['--sms-url', gw.base, '--sms-key-file', join(dir, 'sms.key'), '--sms-from', FROM],
  });
  admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin, {});
});

after(async () => {
  if (srv) await srv.stop();
  if (gw) gw.proc.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('an SMS reaches the provider and its signed receipt makes it delivered; a replay changes nothing; forged and unsigned are refused', async () => {
  await gwMode({ send: 'ok', receipt: 'delivered', delay_ms: 0 });
  const id = sms('+819012345678', 'sms.notice', ['ward=デモ区', 'title=区報12月号を発行しました']);
  assert.ok(id > 0);
  const s = await until(id, (x) => x.state === 'delivered');
  assert.equal(s.channel, 'sms');
  assert.equal(s.attempts, 1);
  const got = (await gwMessages()).filter((m) => m.to === '+819012345678');
  assert.equal(got.length, 1);
  assert.equal(got[0].body, '【デモ区】区報12月号を発行しました');
  assert.equal(got[0].from, FROM);
  assert.equal(got[0].callbacks[0].answer, 200);
  // the same receipt again (same signature): 200, nothing changes
  const again = await gwPost(`/_control/resend/${got[0].sid}`);
  assert.equal(again.answer, 200);
  assert.match(again.body, /"changed":false/);
  // signed with another token: refused
  const forged = await gwPost(`/_control/forge/${got[0].sid}`);
  assert.equal(forged.answer, 403);
  // unsigned, and a body changed after signing: refused
  const anon = new Client(srv.base);
  const body = new URLSearchParams({ AccountSid: SID, MessageSid: got[0].sid, MessageStatus: 'undelivered' }).toString();
  const r1 = await fetch(srv.base + STATUS, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(r1.status, 403);
  const r2 = await fetch(srv.base + STATUS, { method: 'POST', body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'A'.repeat(27) + '=' } });
  assert.equal(r2.status, 403);
  assert.equal(status(id).state, 'delivered');
  void anon;
  // the API: state by id, no number, no text
  const api = await admin.get(`/api/v1/notify/messages/${id}`);
  assert.equal(api.status, 200);
  const j = JSON.parse(api.text_);
  assert.equal(j.state, 'delivered');
  assert.equal(j.channel, 'sms');
  assert.equal(j.segments, 1);
  assert.doesNotMatch(api.text_, /9012345678|区報/);
  // nobody without the permission
  assert.notEqual((await new Client(srv.base).get(`/api/v1/notify/messages/${id}`)).status, 200);
});

test('an undeliverable SMS ends bounced with the reason code, visible to staff with the state filter', async () => {
  await gwMode({ send: 'ok', receipt: 'undelivered', delay_ms: 200 });
  const id = sms('+819087654321', 'sms.notice', ['ward=デモ区', 'title=お知らせ']);
  // sending until the receipt comes
  const s = await until(id, (x) => x.state === 'bounced');
  assert.equal(s.error, 'sms undelivered 30003');
  const list = await admin.get('/staff/notify/messages?state=bounced');
  assert.equal(list.status, 200);
  assert.match(list.text_, new RegExp(`href="/staff/notify/messages/${id}"`));
  assert.match(list.text_, /sms undelivered 30003/);
  assert.match(list.text_, /届かなかった/);
  const delivered = await admin.get('/staff/notify/messages?state=delivered');
  assert.doesNotMatch(delivered.text_, new RegExp(`href="/staff/notify/messages/${id}"`));
  const one = await admin.get(`/staff/notify/messages/${id}`);
  assert.equal(one.status, 200);
  assert.match(one.text_, /\+819087654321/);
  assert.match(one.text_, /id="msg-state">届かなかった/);
  assert.equal((await admin.get('/staff/notify/messages?state=nonsense')).status, 400);
  assert.equal((await admin.get('/staff/notify/messages/999999999')).status, 404);
});

test('a provider error is retried with back-off; a refused number fails at once', async () => {
  await gwMode({ send: 'fail500', fail_count: 1, receipt: 'delivered', delay_ms: 0 });
  const id = sms('+819011112222', 'sms.notice', ['ward=デモ区', 'title=再送の確認']);
  const s = await until(id, (x) => x.attempts === 1 && x.state === 'queued');
  assert.equal(s.error, 'sms 500 20500');
  await gwMode({ send: 'refuse', fail_count: 1 });
  const id2 = sms('+819033334444', 'sms.notice', ['ward=デモ区', 'title=番号の誤り']);
  const s2 = await until(id2, (x) => x.state === 'failed');
  assert.equal(s2.error, 'sms 400 21211');
  assert.equal(s2.attempts, 1);
  const list = await admin.get('/staff/notify/messages?state=failed');
  assert.match(list.text_, /sms 400 21211/);
});

test('an SMS too long is refused at queueing; the text stays within the limit', () => {
  const long = 'あ'.repeat(700);
  assert.throws(() => sms('+819055556666', 'sms.notice', ['ward=デモ区', `title=${long}`]));
  assert.throws(() => sms('090-1234-5678', 'sms.notice', ['ward=デモ区', 'title=x']));
  // an e-mail template is not an SMS template
  assert.throws(() => sms('+819055556666', 'news.notice', ['ward=デモ区', 'title=x', 'text=y', 'unsubscribe_url=https://x.example/u']));
});

test('an emergency SMS queued after a newsletter goes to the provider first', async () => {
  await srv.stop();
  await gwMode({ send: 'ok', receipt: 'delivered', delay_ms: 0 });
  const before = (await gwMessages()).length;
  const N = 12;
  for (let i = 0; i < N; i++) sms(`+81901000${String(1000 + i)}`, 'sms.notice', ['ward=デモ区', `title=区報 ${i}`]);
  const alert = sms('+819099990000', 'sms.alert', ['ward=デモ区', 'area=chuo', 'title=避難指示'], ['--emergency']);
  assert.equal(status(alert).state, 'queued');
  assert.equal(status(alert).lane, 'emergency');
  await srv.restart();
  // this test's messages only (an earlier test's retry may come due meanwhile)
  const mine = async () => (await gwMessages()).slice(before).filter((m) => /^\+81901000|^\+819099990000$/.test(m.to));
  const deadline = Date.now() + 30000;
  while ((await mine()).length < N + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const got = await mine();
  assert.equal(got.length, N + 1);
  assert.equal(got[0].body, '【緊急・デモ区】chuo: 避難指示', 'the emergency went first');
  await until(alert, (x) => x.state === 'delivered');
});

test('My page: a mobile number typed as 090-… gets a code by SMS (the emergency lane) and is verified by it; a wrong code is refused', async () => {
  await gwMode({ send: 'ok', receipt: 'delivered', delay_ms: 0 });
  const res = await registerAndLogin(srv.base, 'sms-number@example.org', 'Bangou-Kakunin-2026');
  assert.match((await res.get('/mypage/notifications')).text_, /href="\/mypage\/notifications\/sms"/);
  const page = await res.get('/mypage/notifications/sms');
  assert.equal(page.status, 200);
  assert.match(page.text_, /id="sms-none"/);
  const csrf = Client.csrf(page.text_);
  const bad = await res.post('/mypage/notifications/sms', { form: { csrf, action: 'send', phone: '12345' } });
  assert.equal(bad.status, 422);
  const before = (await gwMessages()).length;
  // a code goes to a Japanese mobile number only: not abroad, not a fixed line
  for (const phone of ['+12025550123', '+447700900123', '03-1234-5678', '050-1234-5678']) {
    const r = await res.post('/mypage/notifications/sms', { form: { csrf, action: 'send', phone } });
    assert.equal(r.status, 422, phone);
  }
  assert.equal((await gwMessages()).length, before, 'no SMS sent to them');
  const sent = await res.post('/mypage/notifications/sms', { form: { csrf, action: 'send', phone: '０９０-８７６５-４３２１' } });
  assert.equal(sent.status, 200);
  assert.match(sent.text_, /id="f-code"/);
  const m = await (async () => {
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      const got = (await gwMessages()).slice(before).find((x) => x.to === '+819087654321');
      if (got) return got;
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  })();
  assert.ok(m, 'the code went by SMS');
  const code = m.body.match(/(\d{6})/)[1];
  // staff see that a code went, not the code
  const ids = [...(await admin.get('/staff/notify/messages')).text_.matchAll(/href="\/staff\/notify\/messages\/(\d+)"/g)]
    .map((x) => Number(x[1]));
  const shown = await admin.get(`/staff/notify/messages/${Math.max(...ids)}`);
  assert.equal(shown.status, 200);
  assert.match(shown.text_, /sms\.verify/);
  assert.match(shown.text_, /id="message-body-hidden"/);
  assert.ok(!shown.text_.includes(code), 'the code is not on the staff page');
  const wrong = String((Number(code) + 1) % 1000000).padStart(6, '0');
  const w = await res.post('/mypage/notifications/sms', { form: { csrf, action: 'verify', code: wrong } });
  assert.equal(w.status, 422);
  const ok = await res.post('/mypage/notifications/sms', { form: { csrf, action: 'verify', code } });
  assert.equal(ok.status, 200);
  assert.match(ok.text_, /id="sms-verified"[^<]*<span lang="en">\+819087654321</);
  const rm = await res.post('/mypage/notifications/sms', { form: { csrf, action: 'remove' } });
  assert.match(rm.text_, /id="sms-none"/);
  assert.equal((await res.post('/mypage/notifications/sms', { form: { action: 'remove' } })).status, 403);
});

test('without the SMS options the callback is 404 and the staff page says SMS is off', async () => {
  const off = await startServer({});
  try {
    const r = await fetch(off.base + STATUS, { method: 'POST', body: 'MessageSid=SM1&MessageStatus=delivered',
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(r.status, 404);
    const c = new Client(off.base);
    await loginWithTotp(c, ...DEMO_USERS.admin, {});
    const page = await c.get('/staff/notify/messages');
    assert.equal(page.status, 200);
    assert.match(page.text_, /SMS の送信先（事業者）が設定されていない/);
    assert.match(page.text_, /id="channels-line-off"/);
    // LINE off too: its webhook is 404, My page says LINE is not offered and makes no code
    const lr = await fetch(off.base + '/api/v1/notify/line/webhook', { method: 'POST', body: '{}',
      headers: { 'content-type': 'application/json', 'x-line-signature': 'A'.repeat(43) + '=' } });
    assert.equal(lr.status, 404);
    const res = await registerAndLogin(off.base, 'sms-off@example.org', 'Teishi-Kakunin-2026');
    const lp = await res.get('/mypage/notifications/line');
    assert.equal(lp.status, 200);
    assert.match(lp.text_, /id="line-off"/);
    assert.doesNotMatch((await res.get('/mypage/notifications')).text_, /notifications\/(line|sms)/);
    assert.match((await res.get('/mypage/notifications/sms')).text_, /id="sms-off"/);
  } finally {
    await off.stop();
  }
});
