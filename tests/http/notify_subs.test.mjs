// notify_subs.test.mjs -- subscriptions end to end, through a real SMTP
// conversation (tests/smtp_sink.mjs): a resident confirms their address,
// chooses notifications on My page (/mypage/notifications, CSRF, saved and
// shown again), and gets the message sent to the topic (`madoguchi notify
// send`) with its one-click unsubscribe link in the text and in
// List-Unsubscribe / List-Unsubscribe-Post; the link works from the link
// alone, without cookies (GET shows a button, POST unsubscribes, an RFC
// 8058 POST too), and answers 404 once spent or for a token nobody has;
// an emergency alert queued after a newsletter of N messages is delivered
// before all of them; a message's status is asked by its id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, cli, DEMO, DEMO_USERS, loginWithTotp, startSmtpSink, BIN, ROOT, Client, confirmedResident } from './lib.mjs';

const cliAsync = async (args) => (await promisify(execFile)(BIN, args, { cwd: ROOT, encoding: 'utf8' })).stdout;

const FROM = 'noreply@demo-ku.example.jp';
const PUBLIC = 'https://demo-ku.example.jp';
// 2026-12-07 12:00 JST: outside quiet hours, whenever the test runs
const NOON = 1796612400;
const EMAIL = 'oshirase.hanako@example.jp';
let sink, srv, dir, resident;

before(async () => {
  sink = await startSmtpSink();
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-subs-'));
  srv = await startServer({ dir, extraArgs: ['--smtp-url', sink.url, '--mail-from', FROM, '--smtp-starttls', 'none',
    '--public-url', PUBLIC + '/'] });
  // a resident with a confirmed address
  resident = await confirmedResident(srv.base, sink, EMAIL, 'Oshirase-Mado-2026');
});

after(async () => {
  await srv?.stop();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const send = (topic, id, values, extra = []) => cliAsync(['notify', 'send', '--db', srv.db, '--tenant', DEMO,
  '--topic', topic, '--id', id, '--link-base', PUBLIC, '--now', String(NOON), ...extra, ...values]);

test('an unconfirmed account is told to confirm first; My page links the page', async () => {
  const c = new Client(srv.base);
  const pre = async (p) => (await c.get(p)).text_.match(/name="pre" value="([^"]+)"/)[1];
  await c.post('/resident/register', { form: { pre: await pre('/resident/register'), email: 'mikakunin@example.jp', password: 'Kiku-Sakura-2026x' } });
  assert.equal((await c.post('/resident/login', { form: { pre: await pre('/resident/login'), email: 'mikakunin@example.jp', password: 'Kiku-Sakura-2026x' } })).status, 303);
  const p = await c.get('/mypage/notifications');
  assert.equal(p.status, 200);
  assert.match(p.text_, /id="subs-unverified"/);
  assert.doesNotMatch(p.text_, /id="subs-save"/);
  assert.match((await c.get('/mypage')).text_, /href="\/mypage\/notifications"/);
  // without a login: to the login page
  assert.equal((await new Client(srv.base).get('/mypage/notifications')).status, 303);
});

test('a resident chooses notifications on My page and gets the message with a one-click unsubscribe link', async () => {
  let p = await resident.get('/mypage/notifications');
  assert.equal(p.status, 200);
  assert.match(p.text_, new RegExp(`メール（${EMAIL.replace('.', '\\.')}）`));
  const csrf = Client.csrf(p.text_);
  // no CSRF token: refused, nothing saved
  assert.notEqual((await resident.post('/mypage/notifications', { form: { news: '1' } })).status, 303);
  // an area the ward does not have: the form again with the error
  const bad = await resident.post('/mypage/notifications', { form: { csrf, disaster: '1', area: 'Chuo Ku' } });
  assert.equal(bad.status, 400);
  assert.match(bad.text_, /災害のお知らせを受け取る地区を、一覧から選んでください/);
  const r = await resident.post('/mypage/notifications', { form: { csrf, news: '1', waste: '1', disaster: '1', area: 'chuo' } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/mypage/notifications?saved=1');
  p = await resident.get('/mypage/notifications?saved=1');
  assert.match(p.text_, /id="subs-notice"/);
  assert.match(p.text_, /name="news" value="1"[^>]*checked/);
  assert.match(p.text_, /name="waste" value="1"[^>]*checked/);
  assert.doesNotMatch(p.text_, /name="apply" value="1"[^>]*checked/);
  assert.match(p.text_, /value="chuo"/);

  const out = await send('waste.reminder', 'news.notice', ['ward=デモ区', 'title=明日は粗大ごみの収集日です', 'text=朝8時までにお出しください。']);
  assert.match(out, /^1\t/);
  const m = await sink.waitFor((x) => x.to.includes(EMAIL) && x.subject === '【デモ区】明日は粗大ごみの収集日です');
  assert.match(m.text, /朝8時までにお出しください。/);
  const link = m.text.match(/https:\/\/demo-ku\.example\.jp(\/unsubscribe\/[0-9a-f]{64})\r\n/);
  assert.ok(link, m.text);
  assert.deepEqual(m.headers['list-unsubscribe'], [`<${PUBLIC}${link[1]}>`]);
  assert.deepEqual(m.headers['list-unsubscribe-post'], ['List-Unsubscribe=One-Click']);

  // the link alone, no cookies: a GET only asks
  const anon = new Client(srv.base);
  const ask = await anon.get(link[1]);
  assert.equal(ask.status, 200);
  assert.match(ask.text_, /id="unsub-confirm"/);
  assert.match(ask.text_, /粗大ごみの収集日のお知らせ/);
  assert.match((await resident.get('/mypage/notifications')).text_, /name="waste" value="1"[^>]*checked/);
  const done = await anon.post(link[1], { form: {} });
  assert.equal(done.status, 200);
  assert.match(done.text_, /id="unsub-done"/);
  assert.doesNotMatch((await resident.get('/mypage/notifications')).text_, /name="waste" value="1"[^>]*checked/);
  // spent, or a token nobody has: 404
  assert.equal((await anon.post(link[1], { form: {} })).status, 404);
  assert.equal((await anon.get(link[1])).status, 404);
  assert.equal((await anon.get('/unsubscribe/' + 'a'.repeat(64))).status, 404);
  assert.equal((await anon.get('/unsubscribe/not-a-token')).status, 400);
  // nothing more is sent to the topic
  assert.match(await send('waste.reminder', 'news.notice', ['ward=デモ区', 'title=x', 'text=y']), /^0\t/);
});

test('an emergency alert queued after a newsletter of N messages is delivered first; its status by id', async () => {
  const N = 30;
  await srv.stop();
  const before = sink.messages().length;
  for (let i = 0; i < N; i++) {
    assert.match(await send('news', 'news.notice', ['ward=デモ区', `title=区報 ${i}`, 'text=今月の区報です。']), /^1\t/);
  }
  assert.match(await send('disaster.chuo', 'disaster.alert',
    ['ward=デモ区', 'area=chuo', 'title=避難指示', 'text=すぐに避難してください。'], ['--emergency']), /^1\t/);
  const ids = JSON.parse('[' + cli(['mail', 'list', '--db', srv.db, '--json']).trim().split('\n').join(',') + ']')
    .filter((r) => r.state === 'queued').map((r) => r.id);
  assert.equal(ids.length, N + 1);
  const alertId = Math.max(...ids);
  assert.match(cli(['notify', 'status', '--db', srv.db, '--tenant', DEMO, '--mail', String(alertId)]),
    new RegExp(`^${alertId}\\tqueued\\temergency\\t0\\n$`));
  await srv.restart();
  const deadline = Date.now() + 30000;
  while (sink.messages().length < before + N + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const got = sink.messages().slice(before);
  assert.equal(got.length, N + 1);
  assert.equal(got[0].subject, '【緊急・デモ区】避難指示', 'the emergency went first');
  assert.match(cli(['notify', 'status', '--db', srv.db, '--tenant', DEMO, '--mail', String(alertId)]),
    new RegExp(`^${alertId}\\tsent\\temergency\\t1\\n$`));
  // staff see the message's id, status and lane on the outbox page
  const admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  const view = await admin.get(`/staff/outbox/${alertId}`);
  assert.equal(view.status, 200);
  assert.match(view.text_, /緊急（先に送信）/);
  assert.match(view.text_, /送信済み/);
  assert.match((await admin.get(`/staff/outbox/${alertId - 1}`)).text_, /<td>通常<\/td>/);
  // RFC 8058: a mail client's one-click POST, no cookie, no CSRF token
  const link = got[0].headers['list-unsubscribe'][0].match(/^<https:\/\/demo-ku\.example\.jp(\/unsubscribe\/[0-9a-f]{64})>$/);
  assert.ok(link);
  const one = await new Client(srv.base).post(link[1], { form: { 'List-Unsubscribe': 'One-Click' } });
  assert.equal(one.status, 200);
  assert.doesNotMatch((await resident.get('/mypage/notifications')).text_, /name="disaster" value="1"[^>]*checked/);
});
