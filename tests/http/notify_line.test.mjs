// notify_line.test.mjs -- the LINE channel of the notification service
// (src/svc/notify/line.c, link.c, web/page_line.c, web/page_channels.c)
// against the LINE Messaging API's test double (tests/doubles/line_api.mjs,
// its own process) and a real server:
//   - a resident gets a one-time code on My page, "sends" it to the official
//     account (the double's signed webhook): their LINE id is linked, the
//     page says so, and a confirmation is pushed to them and recorded delivered;
//   - the code is single use: the same webhook replayed is seen before and
//     changes nothing, another user sending the code links nothing; a forged
//     and an unsigned webhook are refused;
//   - a push with a Bearer token and a UUID retry key; a platform error is
//     retried (queued again with the code);
//   - unlinking on My page, and the user blocking the account (unfollow).
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, registerAndLogin, loginWithTotp, ROOT, DEMO, DEMO_USERS } from './lib.mjs';

const TOKEN = 'line_channel_access_token_test_0001';
const SECRET = 'line_channel_secret_test_0001';
const WEBHOOK = '/api/v1/notify/line/webhook';
const USER = 'U' + '4af4980629b1f1b7e5b0f6b3e1b2c3d4';
const OTHER = 'U' + 'aaaa980629b1f1b7e5b0f6b3e1b2c3d4';
const NOON = String(Date.UTC(2026, 0, 6, 3, 0, 0) / 1000);

let srv, api, dir, resident, admin;

function startApi() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/line_api.mjs'), '--port', '0',
      '--token-file', join(dir, 'token'), '--secret-file', join(dir, 'secret')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => reject(new Error(`line_api exited ${code}: ${out}`)));
  });
}
const ctl = async (path, body = {}) => (await fetch(api.base + path, { method: 'POST', body: JSON.stringify(body) })).json();
const pushes = async () => (await fetch(api.base + '/_control/pushes')).json();

function status(id) {
  const [mid, channel, state, lane, attempts, error] = cli(['notify', 'status', '--db', srv.db, '--tenant', DEMO,
    '--msg', String(id)]).trim().split('\t');
  return { id: Number(mid), channel, state, lane, attempts: Number(attempts), error };
}
async function until(fn, what) {
  const deadline = Date.now() + 30000;
  let v;
  while (Date.now() < deadline) {
    v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`not reached: ${what}`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-line-'));
  mkdirSync(join(dir, 'srv'));
  writeFileSync(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
  api = await startApi();
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined, dir: join(dir, 'srv'),
    extraArgs: ['--line-url', api.base, '--line-token-file', join(dir, 'token'), '--line-secret-file', join(dir, 'secret')],
  });
  await ctl('/_control/notify', { url: srv.base + WEBHOOK });
  resident = await registerAndLogin(srv.base, 'line-user@example.org', 'Line-Renkei-2026');
  admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin, {});
});

after(async () => {
  if (srv) await srv.stop();
  if (api) api.proc.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function getCode() {
  const page = await resident.get('/mypage/notifications/line');
  assert.equal(page.status, 200);
  assert.match(page.text_, /id="line-unlinked"/);
  const r = await resident.post('/mypage/notifications/line', { form: { csrf: Client.csrf(page.text_), action: 'code' } });
  assert.equal(r.status, 200);
  const m = r.text_.match(/id="line-code" lang="en">([A-Z2-9]{8})</);
  assert.ok(m, 'the code is shown');
  return m[1];
}

test('a code shown on My page and sent to the official account links the LINE id; a confirmation is pushed and delivered', async () => {
  assert.match((await resident.get('/mypage/notifications')).text_, /href="\/mypage\/notifications\/line"/);
  const code = await getCode();
  const before = (await pushes()).pushes.length;
  const said = await ctl('/_control/say', { userId: USER, text: code });
  assert.equal(said.status, 200);
  assert.match(said.body, /"linked":1/);
  assert.match((await resident.get('/mypage/notifications/line')).text_, /id="line-linked"/);
  const p = await until(async () => (await pushes()).pushes.slice(before).find((x) => x.to === USER), 'the confirmation pushed');
  assert.match(p.text, /LINE で受け取れるようになりました/);
  assert.match(p.retryKey, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  // staff see it delivered
  const list = await until(async () => {
    const l = await admin.get('/staff/notify/messages?state=delivered');
    return /line\.linked/.test(l.text_) && l;
  }, 'line.linked delivered');
  assert.match(list.text_, /LINE/);
  // the same webhook again: seen before, nothing changes; the code is spent
  const replay = await ctl('/_control/replay');
  assert.equal(replay.status, 200);
  assert.match(replay.body, /"seen_before":1/);
  const other = await ctl('/_control/say', { userId: OTHER, text: code });
  assert.match(other.body, /"linked":0/);
  assert.match(other.body, /"unknown_code":1/);
  assert.equal((await pushes()).pushes.filter((x) => x.to === OTHER).length, 0);
});

test('a forged or unsigned webhook is refused and links nothing', async () => {
  // a fresh code nobody has sent yet
  await resident.post('/mypage/notifications/line', {
    form: { csrf: Client.csrf((await resident.get('/mypage/notifications/line')).text_), action: 'unlink' } });
  const code = await getCode();
  const forged = await ctl('/_control/forge', { userId: OTHER, text: code });
  assert.equal(forged.status, 403);
  const body = JSON.stringify({ destination: 'x', events: [{ type: 'message', webhookEventId: '01ABC', timestamp: Date.now(),
    source: { type: 'user', userId: OTHER }, message: { type: 'text', id: '1', text: code } }] });
  const r = await fetch(srv.base + WEBHOOK, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 403);
  assert.match((await resident.get('/mypage/notifications/line')).text_, /id="line-unlinked"/);
  // the real one still works
  const said = await ctl('/_control/say', { userId: USER, text: code });
  assert.match(said.body, /"linked":1/);
});

test('a push carries the token and a retry key; a platform error is retried with the code kept', async () => {
  const id = Number(cli(['notify', 'line', '--db', srv.db, '--tenant', DEMO, '--to', USER, '--id', 'line.notice',
    '--now', NOON, 'ward=デモ区', 'title=区報12月号']).trim());
  await until(() => status(id).state === 'delivered', 'delivered');
  assert.ok((await pushes()).pushes.some((x) => x.to === USER && x.text === '【デモ区】区報12月号'));
  await ctl('/_control/mode', { push: 'fail500', fail_count: 1 });
  const id2 = Number(cli(['notify', 'line', '--db', srv.db, '--tenant', DEMO, '--to', USER, '--id', 'line.notice',
    '--now', NOON, 'ward=デモ区', 'title=再送']).trim());
  const s = await until(() => { const x = status(id2); return x.attempts === 1 && x.state === 'queued' && x; }, 'retried');
  assert.equal(s.error, 'line 500');
  assert.equal(s.channel, 'line');
});

test('unlinking on My page, and a user who blocks the account, remove the LINE id', async () => {
  const page = await resident.get('/mypage/notifications/line');
  assert.match(page.text_, /id="line-linked"/);
  const r = await resident.post('/mypage/notifications/line', { form: { csrf: Client.csrf(page.text_), action: 'unlink' } });
  assert.equal(r.status, 200);
  assert.match(r.text_, /id="line-unlinked"/);
  const code = await getCode();
  assert.match((await ctl('/_control/say', { userId: USER, text: code })).body, /"linked":1/);
  const un = await ctl('/_control/unfollow', { userId: USER });
  assert.equal(un.status, 200);
  assert.match((await resident.get('/mypage/notifications/line')).text_, /id="line-unlinked"/);
  // CSRF: a post without the token changes nothing
  assert.equal((await resident.post('/mypage/notifications/line', { form: { action: 'code' } })).status, 403);
});

test('link codes are limited: a few an hour an account, then a clear refusal', async () => {
  const other = await registerAndLogin(srv.base, 'line-codes@example.org', 'Line-Renkei-2026');
  const page = await other.get('/mypage/notifications/line');
  const csrf = Client.csrf(page.text_);
  const codes = new Set();
  for (let i = 0; i < 10; i++) {
    const r = await other.post('/mypage/notifications/line', { form: { csrf, action: 'code' } });
    assert.equal(r.status, 200, `code ${i + 1}`);
    codes.add(r.text_.match(/id="line-code" lang="en">([A-Z2-9]{8})</)[1]);
  }
  assert.equal(codes.size, 10, 'each a new code');
  const over = await other.post('/mypage/notifications/line', { form: { csrf, action: 'code' } });
  assert.equal(over.status, 429);
  assert.match(over.text_, /リンクのコードを作った回数が多すぎます/);
  assert.doesNotMatch(over.text_, /id="line-code"/);
});
