// payments_card.test.mjs -- a fee paid by card through the provider's test
// double (tests/doubles/card_psp.mjs, its own process) and a real server
// (src/svc/payments/card.c, web/page_card.c):
//   - the resident chooses card, follows the link to the provider's page,
//     pays, and comes back: the webhook (a) before the return, (b) after
//     it, (c) never (the return's status query settles it); each ends in
//     one paid state with one receipt;
//   - a replayed webhook (same event id) answers 200 "seen" and changes
//     nothing; a forged, an old and an unsigned one are refused with 401
//     and change nothing;
//   - a declined card leaves the payment failed, and the resident can
//     choose card again and pay;
//   - a refund asked for by one member of staff and approved by another
//     calls the provider's refund API; the one who asked cannot approve;
//   - without the serve options, card is not offered and the webhook is 404.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { startServer, Client, cli, registerAndLogin, loginWithTotp, ROOT, DEMO, DEMO_USERS } from './lib.mjs';

const KEY = 'sk_test_madoguchi_card_0001';
const SECRET = 'whsec_madoguchi_test_secret_0001';
const WEBHOOK = '/api/v1/payments/card/webhook';

let srv, psp, dir, resident;

// the test double, as its own process; resolves with its base URL
function startPsp() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/card_psp.mjs'), '--port', '0',
      '--secret-file', join(dir, 'secret'), '--key-file', join(dir, 'key')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => reject(new Error(`card_psp exited ${code}: ${out}`)));
  });
}

const pspGet = async (path) => (await fetch(psp.base + path)).json();
const pspPost = async (path, body) => (await fetch(psp.base + path, { method: 'POST', body: JSON.stringify(body) })).json();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-card-'));
  writeFileSync(join(dir, 'key'), `# the provider's API key (test)\n${KEY}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'secret'), `${SECRET}\n`, { mode: 0o600 });
  psp = await startPsp();
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined,
    extraArgs: ['--pay-card-url', psp.base, '--pay-card-key-file', join(dir, 'key'),
      '--pay-card-webhook-secret-file', join(dir, 'secret')],
  });
  await pspPost('/_control/notify', { url: srv.base + WEBHOOK });
  resident = await registerAndLogin(srv.base, 'card-payer@example.org', 'Kado-Shiharai-2026');
});

after(async () => {
  if (srv) await srv.stop();
  if (psp) psp.proc.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function createPayment(amount = 3000) {
  const key = `card-test-${process.pid}-${++seq}`;
  const out = cli(['payments', 'create', '--db', srv.db, '--tenant', DEMO, '--service', 'demo', '--key', key,
    '--amount', String(amount), '--reference', `CARD-${seq}`, '--description', '犬の登録手数料']);
  const number = out.match(/^(\d{14})\t/)[1];
  return number;
}

// `payments show`: state, method and the history's lines
function show(number) {
  const out = cli(['payments', 'show', '--db', srv.db, '--tenant', DEMO, number]);
  const field = (k) => (out.match(new RegExp(`^${k}\\t(.*)$`, 'm')) || [])[1];
  const history = out.split('\n').filter((l) => /^ {2}\d{4}-\d\d-\d\d\t/.test(l)).map((l) => l.trim().split('\t'));
  return { state: field('state'), method: field('method'), history, out };
}
const paidEvents = (number) => show(number).history.filter((h) => h[1] === 'paid').length;

// the resident chooses card: the page links to the provider
async function chooseCard(number) {
  const page = await resident.get(`/pay/${number}`);
  assert.equal(page.status, 200, page.text_.slice(0, 500));
  assert.match(page.text_, /name="method"[^>]*value="card"|value="card"[^>]*name="method"/, 'card is offered');
  const r = await resident.post(`/pay/${number}`, { form: { csrf: Client.csrf(page.text_), method: 'card' } });
  assert.equal(r.status, 200, r.text_.slice(0, 800));
  const href = r.text_.match(/id="card-go" href="([^"]+)"/)[1].replace(/&amp;/g, '&');
  assert.ok(href.startsWith(psp.base + '/pay/pay_'), href);
  return { href, id: href.split('/').pop() };
}

// the payer on the provider's page: Pay (or Decline), with the double's
// webhook control; returns where the provider sends the payer back
async function payAtProvider(href, { action = 'pay', webhook = 'before', delayMs = 0, card = '4242 4242 4242 4242' } = {}) {
  const page = await fetch(href);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /TEST DOUBLE/);
  const r = await fetch(href, {
    method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card, action, _webhook: webhook, _delay_ms: String(delayMs) }).toString(),
  });
  assert.equal(r.status, 303);
  return r.headers.get('location');
}

// the payer's return: 303 to the payment page, which shows the state
async function comeBack(returnUrl, number) {
  const u = new URL(returnUrl);
  assert.equal(u.pathname, `/pay/${number}/return`);
  const r = await resident.get(u.pathname);
  assert.equal(r.status, 303, r.text_.slice(0, 300));
  assert.equal(r.headers.get('location'), `/pay/${number}`);
  return resident.get(`/pay/${number}`);
}

const webhooksOf = async (id) => (await pspGet('/_control/log')).webhooks.filter((w) => w.payment_id === id);
const queriesOf = async (id) => (await pspGet('/_control/log')).queries.filter((q) => q.payment_id === id);

async function waitFor(fn, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function signed(body, { secret = SECRET, t = Math.floor(Date.now() / 1000) } = {}) {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
async function postWebhook(body, signature) {
  const headers = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['pay-signature'] = signature;
  return new Client(srv.base).post(WEBHOOK, { body, headers });
}

test('(a) the webhook arrives before the resident returns: paid once, no status query needed', async () => {
  const number = createPayment(3000);
  assert.equal(show(number).state, 'created');
  const { href, id } = await chooseCard(number);
  assert.equal(show(number).state, 'pending');
  assert.equal(show(number).method, 'card');
  const back = await payAtProvider(href, { webhook: 'before' });
  const [w] = await webhooksOf(id);
  assert.equal(w.status, 200, JSON.stringify(w));
  assert.equal(JSON.parse(w.body).outcome, 'settled');
  assert.equal(show(number).state, 'paid');
  const page = await comeBack(back, number);
  assert.equal(page.status, 200);
  assert.equal((await queriesOf(id)).length, 0, 'the return found it paid and asked nothing');
  assert.equal(show(number).state, 'paid');
  assert.equal(paidEvents(number), 1);
});

test('(b) the webhook arrives after the return: the return asks the provider, the late webhook changes nothing', async () => {
  const number = createPayment(1200);
  const { href, id } = await chooseCard(number);
  const back = await payAtProvider(href, { webhook: 'after', delayMs: 800 });
  assert.equal((await webhooksOf(id)).length, 0, 'no webhook yet');
  assert.equal(show(number).state, 'pending');
  await comeBack(back, number);
  assert.equal((await queriesOf(id)).length, 1, 'one status query on return');
  assert.equal(show(number).state, 'paid');
  const w = await waitFor(async () => (await webhooksOf(id)).find((x) => x.status !== null || x.error), 'the late webhook');
  assert.equal(w.status, 200, JSON.stringify(w));
  assert.equal(JSON.parse(w.body).outcome, 'settled_before');
  assert.equal(show(number).state, 'paid');
  assert.equal(paidEvents(number), 1);
});

test('(c) no webhook ever: the return\'s status query settles it', async () => {
  const number = createPayment(500);
  const { href, id } = await chooseCard(number);
  const back = await payAtProvider(href, { webhook: 'none' });
  await comeBack(back, number);
  assert.equal((await webhooksOf(id)).length, 0);
  assert.equal((await queriesOf(id)).length, 1);
  assert.equal(show(number).state, 'paid');
  assert.equal(paidEvents(number), 1);
  // coming back again asks nothing more
  await comeBack(back, number);
  assert.equal((await queriesOf(id)).length, 1);
});

test('a replayed webhook (same event id) answers 200 and changes nothing; sent twice by the provider too', async () => {
  const number = createPayment(800);
  const { href, id } = await chooseCard(number);
  const back = await payAtProvider(href, { webhook: 'twice', delayMs: 100 });
  const ws = await waitFor(async () => { const l = await webhooksOf(id); return l.length === 2 && l[1].status !== null && l; }, 'two deliveries');
  assert.equal(ws[0].event_id, ws[1].event_id);
  assert.equal(JSON.parse(ws[0].body).outcome, 'settled');
  assert.equal(ws[1].status, 200);
  assert.equal(JSON.parse(ws[1].body).outcome, 'seen');
  const before = show(number);
  const again = await pspPost(`/_control/payments/${id}/resend`, {});
  assert.equal(again.status, 200);
  assert.equal(JSON.parse(again.body).outcome, 'seen');
  const afterwards = show(number);
  assert.equal(afterwards.state, 'paid');
  assert.deepEqual(afterwards.history, before.history);
  assert.equal(paidEvents(number), 1);
  await comeBack(back, number);
});

test('a forged, an old, a malformed or a missing signature is refused (401) and changes nothing', async () => {
  const number = createPayment(2500);
  const { id } = await chooseCard(number);
  const body = JSON.stringify({ event_id: `evt_forged_${id}`, type: 'payment_succeeded', payment_id: id, amount: 2500,
    created: Math.floor(Date.now() / 1000) });
  const history = show(number).history;
  const cases = [
    ['another secret', signed(body, { secret: 'whsec_not_the_shared_one_000000' })],
    ['ten minutes old', signed(body, { t: Math.floor(Date.now() / 1000) - 600 })],
    ['from the future', signed(body, { t: Math.floor(Date.now() / 1000) + 600 })],
    ['over another body', signed(body.replace('2500', '1'))],
    ['malformed', 'sha256=' + 'a'.repeat(64)],
    ['missing', undefined],
  ];
  for (const [what, sig] of cases) {
    const r = await postWebhook(body, sig);
    assert.equal(r.status, 401, `${what}: ${r.text_}`);
    const j = JSON.parse(r.text_);
    assert.equal(j.error.status, 401, what);
    assert.ok(j.error.message.ja && j.error.message.en, what);
  }
  const s = show(number);
  assert.equal(s.state, 'pending');
  assert.deepEqual(s.history, history);
  // the same body, rightly signed, is taken: the refusals did not record its event id
  const ok = await postWebhook(body, signed(body));
  assert.equal(ok.status, 200, ok.text_);
  assert.equal(JSON.parse(ok.text_).outcome, 'settled');
  assert.equal(show(number).state, 'paid');
});

test('the webhook refuses a body that is not an event (400) or too large (413), and an unknown payment is acknowledged', async () => {
  const bad = '{"event_id":"evt_x","type":"payment_stolen","payment_id":"pay_x","amount":1}';
  const r = await postWebhook(bad, signed(bad));
  assert.equal(r.status, 400, r.text_);
  const big = JSON.stringify({ event_id: 'evt_big', type: 'payment_failed', payment_id: 'pay_x', amount: 1, pad: 'x'.repeat(17000) });
  const r2 = await postWebhook(big, signed(big));
  assert.equal(r2.status, 413, r2.text_);
  const unknown = JSON.stringify({ event_id: `evt_unknown_${process.pid}`, type: 'payment_succeeded', payment_id: 'pay_nobody', amount: 1 });
  const r3 = await postWebhook(unknown, signed(unknown));
  assert.equal(r3.status, 200, r3.text_);
  assert.equal(JSON.parse(r3.text_).outcome, 'unknown');
});

test('a declined card leaves the payment failed; the resident chooses card again and pays', async () => {
  const number = createPayment(3000);
  const first = await chooseCard(number);
  const back = await payAtProvider(first.href, { action: 'decline', webhook: 'before' });
  const [w] = await webhooksOf(first.id);
  assert.equal(w.status, 200);
  assert.equal(show(number).state, 'failed');
  const page = await comeBack(back, number);
  assert.equal(page.status, 200);
  assert.match(page.text_, /value="card"/, 'card is offered again');
  const second = await chooseCard(number);
  assert.notEqual(second.id, first.id);
  assert.equal(show(number).state, 'pending');
  const back2 = await payAtProvider(second.href, { webhook: 'after', delayMs: 200 });
  await comeBack(back2, number);
  assert.equal(show(number).state, 'paid');
  assert.equal(paidEvents(number), 1);
  // the first attempt's failure, sent again late, does not set the paid payment back
  const again = await pspPost(`/_control/payments/${first.id}/resend`, {});
  assert.equal(again.status, 200);
  assert.equal(show(number).state, 'paid');
});

test('the return needs the resident\'s login; an unknown number is not found', async () => {
  const number = createPayment(700);
  await chooseCard(number);
  const anon = new Client(srv.base);
  const r = await anon.get(`/pay/${number}/return`);
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /login/);
  const bad = await resident.get('/pay/12345678901234/return');
  assert.ok(bad.status === 404 || bad.status === 400, String(bad.status));
});

test('a refund approved by a second member of staff is made at the provider; the one who asked cannot approve it', async () => {
  const number = createPayment(3000);
  const { href, id } = await chooseCard(number);
  await comeBack(await payAtProvider(href, { webhook: 'before' }), number);
  assert.equal(show(number).state, 'paid');
  const kaikei = new Client(srv.base);
  const r1 = await loginWithTotp(kaikei, 'demo-kaikei', 'Sazanka-Kaikei-2026');
  assert.ok(r1.status === 303 || r1.status === 200, String(r1.status));
  let page = await kaikei.get(`/staff/payments/${number}`);
  assert.equal(page.status, 200, page.text_.slice(0, 300));
  const asked = await kaikei.post(`/staff/payments/${number}/refund`, { form: { csrf: Client.csrf(page.text_), reason: '二重に申請されたため' } });
  assert.equal(asked.status, 303, asked.text_.slice(0, 500));
  // the one who asked cannot approve: refused, and the provider is not called
  page = await kaikei.get(`/staff/payments/${number}`);
  const own = await kaikei.post(`/staff/payments/${number}/refund/approve`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(own.status, 409, own.text_.slice(0, 300));
  assert.equal((await pspGet('/_control/log')).refunds.filter((x) => x.payment_id === id).length, 0);
  assert.equal(show(number).state, 'paid');
  // another member approves: the provider refunds the amount paid
  const admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin);
  page = await admin.get(`/staff/payments/${number}`);
  assert.equal(page.status, 200);
  const ok = await admin.post(`/staff/payments/${number}/refund/approve`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(ok.status, 303, ok.text_.slice(0, 500));
  const refunds = (await pspGet('/_control/log')).refunds.filter((x) => x.payment_id === id);
  // one refund, asked with the payment's idempotency key
  assert.deepEqual(refunds, [{ payment_id: id, amount: 3000, key: `refund:${id}` }]);
  // approving again (a second click): refused, and the provider is not asked again
  const twice = await admin.post(`/staff/payments/${number}/refund/approve`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(twice.status, 409);
  assert.equal((await pspGet('/_control/log')).refunds.filter((x) => x.payment_id === id).length, 1);
  assert.equal((await pspGet(`/_control/log`)).created.find((c) => c.payment_id === id).amount, 3000);
  assert.equal(show(number).state, 'refunded');
  // the provider's refund_succeeded notice is acknowledged and changes nothing
  const w = await waitFor(async () => (await webhooksOf(id)).find((x) => x.type === 'refund_succeeded' && x.status !== null), 'the refund notice');
  assert.equal(w.status, 200, JSON.stringify(w));
  assert.equal(show(number).state, 'refunded');
});

test('without the card options, card is not offered and the webhook answers 404', async () => {
  const plain = await startServer({});
  try {
    const body = '{}';
    const r = await new Client(plain.base).post(WEBHOOK, { body, headers: { 'content-type': 'application/json', 'pay-signature': signed(body) } });
    assert.equal(r.status, 404);
  } finally {
    await plain.stop();
  }
});
