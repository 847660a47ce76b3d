// notify_hooks.test.mjs -- webhooks to staff systems (src/svc/notify/hooks*.c,
// /staff/notify/hooks) on the real server with the demo ward and the
// receiving test double tests/doubles/hook_receiver.mjs (its own process,
// verifying Standard Webhooks signatures):
//   - who may open the pages: anonymous to the login, staff without
//     notify.hooks 403;
//   - the admin registers the double's URL: the secret is on that answer
//     once (not on the endpoint's page after), and a test event arrives
//     signed, verified by the double, with the three headers;
//   - a real event: a fee paid at the counter reaches the endpoint as
//     payments.paid with the payment's number and amount, ids only;
//   - the double answers 500 once: the delivery is retried (after its 5 s
//     back-off) and delivered, both attempts recorded with their status,
//     the same webhook-id both times;
//   - a disabled endpoint gets nothing for an event it wants;
//   - a loopback or private URL is refused (422) by a server without
//     --notify-hooks-loopback, and nothing is stored;
//   - the body of a real delivery with one byte changed, sent again with
//     its original headers, is refused by the receiver (401);
//   - a failed delivery resent by staff is delivered with its id kept;
//   - each write is audited (notify.hook.*).
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { startServer, Client, DEMO, DEMO_USERS, ROOT, cli, loginWithTotp, passwordLogin } from './lib.mjs';

let srv, strict, rcv, admin;

function startReceiver() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/hook_receiver.mjs'), '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => reject(new Error(`hook_receiver exited ${code}: ${out}`)));
  });
}
const rcvLog = async () => (await fetch(rcv.base + '/_control/log')).json();
const rcvPost = async (path, body) => (await fetch(rcv.base + path, { method: 'POST', body: JSON.stringify(body) })).json();

// wait for a state, not a time: poll until fn() is truthy (the test's own
// timeout bounds it)
async function until(fn, what) {
  for (;;) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function main(html) {
  const m = html.match(/<main[\s\S]*<\/main>/);
  assert.ok(m, 'the page has a <main>');
  return m[0];
}

function audit() {
  return cli(['audit', 'query', '--db', srv.db, '--json']).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l)).filter((r) => r.action.startsWith('notify.hook'));
}

async function register(c, url, events, note = '') {
  const page = await c.get('/staff/notify/hooks');
  const form = { csrf: Client.csrf(page.text_), url, note };
  for (const ev of events) form[`ev_${ev.replace(/\./g, '_')}`] = '1';
  return c.post('/staff/notify/hooks', { form });
}

const endpointId = (html) => Number((html.match(/href="\/staff\/notify\/hooks\/(\d+)"/) || [])[1]);
const secretOf = (html) => (html.match(/id="hook-secret"[^>]*>(whsec_[A-Za-z0-9+/=]+)</) || [])[1];

async function action(id, act, extra = {}) {
  const page = await admin.get(`/staff/notify/hooks/${id}`);
  return admin.post(`/staff/notify/hooks/${id}`, { form: { csrf: Client.csrf(page.text_), action: act, ...extra } });
}

before(async () => {
  rcv = await startReceiver();
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined,
    extraArgs: ['--notify-hooks-loopback', 'allow'] });
  admin = new Client(srv.base);
  assert.equal((await loginWithTotp(admin, ...DEMO_USERS.admin, {})).status, 200, 'the demo admin logs in');
});
after(async () => {
  if (srv) await srv.stop();
  if (strict) await strict.stop();
  if (rcv) rcv.proc.kill('SIGTERM');
});

test('only staff with notify.hooks may open the pages', async () => {
  const anon = new Client(srv.base);
  const r = await anon.get('/staff/notify/hooks');
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login');
  const viewer = new Client(srv.base);
  assert.equal((await passwordLogin(viewer, ...DEMO_USERS.viewer)).status, 303);
  assert.equal((await viewer.get('/staff/notify/hooks')).status, 403);
  assert.equal((await viewer.post('/staff/notify/hooks', { form: { url: 'https://x.example.jp/in' } })).status, 403);
});

let hookId, secret;

test('registered, shown its secret once, a test event arrives signed and verified', async () => {
  const r = await register(admin, `${rcv.base}/in`, ['payments.paid', 'apply.state_changed'], '会計システム（試験）');
  assert.equal(r.status, 200, r.text_.slice(0, 400));
  secret = secretOf(r.text_);
  assert.ok(secret, 'the secret is on the answer');
  hookId = endpointId(main(r.text_));
  assert.ok(hookId > 0);
  await rcvPost('/_control/secret', { secret });
  const page = await admin.get(`/staff/notify/hooks/${hookId}`);
  assert.equal(page.status, 200);
  assert.ok(!page.text_.includes(secret), 'the secret is not shown again');
  assert.equal((await action(hookId, 'ping')).status, 303);
  const got = await until(async () => (await rcvLog()).find((x) => x.body.includes('"notify.ping"')));
  assert.equal(got.verified, true, 'the receiver verified the signature');
  assert.equal(got.answered, 200);
  assert.match(got.id, /^msg_[0-9a-f]{32}$/);
  assert.match(got.signature, /^v1,[A-Za-z0-9+/]{43}=$/);
  assert.ok(Math.abs(Number(got.timestamp) - Date.now() / 1000) < 300);
  assert.equal(got.contentType, 'application/json');
  const body = JSON.parse(got.body);
  assert.equal(body.type, 'notify.ping');
  assert.match(body.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(body.data, { endpoint: hookId });
  // the staff page shows it delivered
  const list = await until(async () => {
    const p = await admin.get(`/staff/notify/hooks/${hookId}`);
    return main(p.text_).includes('配信済み') && p;
  });
  assert.match(main(list.text_), /notify\.ping/);
});

function payAtCounter(key, amount) {
  const out = cli(['payments', 'create', '--db', srv.db, '--tenant', DEMO, '--service', 'hooktest', '--key', key,
    '--amount', String(amount), '--reference', `REF-${key}`, '--description', '試験の手数料']);
  return out.split('\t')[0];
}

test('a fee paid at the counter reaches the endpoint as payments.paid, ids only', async () => {
  const number = payAtCounter('k1', 3000);
  const page = await admin.get(`/staff/payments/${number}`);
  assert.equal(page.status, 200);
  const paid = await admin.post(`/staff/payments/${number}/counter`, { form: { csrf: Client.csrf(page.text_), via: 'cash' } });
  assert.equal(paid.status, 303);
  const got = await until(async () => (await rcvLog()).find((x) => x.body.includes(`"number":"${number}"`)));
  assert.equal(got.verified, true);
  const body = JSON.parse(got.body);
  assert.equal(body.type, 'payments.paid');
  assert.deepEqual(body.data, { number, service: 'hooktest', reference: 'REF-k1', amount_yen: 3000 });
});

test('a 500 is retried after its back-off and delivered, both attempts recorded', async () => {
  await rcvPost('/_control/fail', { count: 1, status: 500 });
  const number = payAtCounter('k2', 1200);
  const page = await admin.get(`/staff/payments/${number}`);
  await admin.post(`/staff/payments/${number}/counter`, { form: { csrf: Client.csrf(page.text_), via: 'cash' } });
  const ok = await until(async () => {
    const l = (await rcvLog()).filter((x) => x.body.includes(`"number":"${number}"`));
    return l.length >= 2 && l;
  });
  assert.equal(ok[0].answered, 500);
  assert.equal(ok[1].answered, 200);
  assert.equal(ok[0].id, ok[1].id, 'the same webhook-id on the retry');
  assert.ok(Number(ok[1].timestamp) >= Number(ok[0].timestamp) + 5, 'the retry waited its back-off');
  // the delivery's page: delivered, two attempts with their status
  const list = await admin.get(`/staff/notify/hooks/${hookId}`);
  const ids = [...main(list.text_).matchAll(/href="\/staff\/notify\/deliveries\/(\d+)"/g)].map((m) => Number(m[1]));
  let found = null;
  for (const id of ids) {
    const d = await admin.get(`/staff/notify/deliveries/${id}`);
    if (d.text_.includes(ok[0].id)) { found = d; break; }
  }
  assert.ok(found, 'the delivery is listed');
  const m = main(found.text_);
  assert.match(m, /<td>1<\/td><td>[^<]+<\/td><td>500<\/td><td>http 500<\/td>/);
  assert.match(m, /<td>2<\/td><td>[^<]+<\/td><td>200<\/td><td>—<\/td>/);
});

test('a disabled endpoint gets nothing', async () => {
  const before = (await rcvLog()).length;
  // saved without "enabled": disabled, events kept
  assert.equal((await action(hookId, 'save', { ev_payments_paid: '1', ev_apply_state_changed: '1' })).status, 303);
  const page = await admin.get(`/staff/notify/hooks/${hookId}`);
  assert.match(main(page.text_), /停止中/);
  const number = payAtCounter('k3', 500);
  const p = await admin.get(`/staff/payments/${number}`);
  await admin.post(`/staff/payments/${number}/counter`, { form: { csrf: Client.csrf(p.text_), via: 'cash' } });
  // enabled again and pinged: the ping arrives, and nothing of the
  // payment before or with it (had the payment been queued, it would be
  // due first)
  assert.equal((await action(hookId, 'save', { ev_payments_paid: '1', ev_apply_state_changed: '1', enabled: '1' })).status, 303);
  assert.equal((await action(hookId, 'ping')).status, 303);
  const next = await until(async () => {
    const l = (await rcvLog()).slice(before);
    return l.some((x) => x.body.includes('notify.ping')) && l;
  });
  assert.ok(!next.some((x) => x.body.includes(number)), 'nothing of the payment reached it');
  const all = await admin.get(`/staff/notify/hooks/${hookId}`);
  assert.ok(!main(all.text_).includes(number));
});

test('the receiver refuses a tampered body with the original signature', async () => {
  const real = (await rcvLog()).find((x) => x.answered === 200 && x.body.includes('payments.paid'));
  assert.ok(real);
  const tampered = real.body.replace('"amount_yen":3000', '"amount_yen":30');
  assert.notEqual(tampered, real.body);
  const r = await fetch(`${rcv.base}/in`, { method: 'POST', body: tampered,
    headers: { 'content-type': 'application/json', 'webhook-id': real.id, 'webhook-timestamp': real.timestamp,
      'webhook-signature': real.signature } });
  assert.equal(r.status, 401);
  // and the untouched body with the same headers is accepted (the check is the body's)
  const again = await fetch(`${rcv.base}/in`, { method: 'POST', body: real.body,
    headers: { 'content-type': 'application/json', 'webhook-id': real.id, 'webhook-timestamp': real.timestamp,
      'webhook-signature': real.signature } });
  assert.equal(again.status, 200);
});

test('a failed delivery resent by staff is delivered with its id kept', async () => {
  // a delivery made failed by sending to a disabled endpoint (the unit
  // test runs the whole retry schedule to failed)
  const r = await register(admin, `${rcv.base}/second`, ['apply.submitted']);
  assert.equal(r.status, 200);
  const id2 = endpointId(main(r.text_));
  const secret2 = secretOf(r.text_);
  // disabled, then pinged: the attempt fails at once ("endpoint disabled")
  assert.equal((await action(id2, 'save', { ev_apply_submitted: '1' })).status, 303);
  assert.equal((await action(id2, 'ping')).status, 303);
  const failed = await until(async () => {
    const p = await admin.get(`/staff/notify/hooks/${id2}`);
    const m = main(p.text_).match(/href="\/staff\/notify\/deliveries\/(\d+)"[\s\S]*?失敗/);
    return m && Number(m[1]);
  });
  const d = await admin.get(`/staff/notify/deliveries/${failed}`);
  assert.match(main(d.text_), /endpoint disabled/);
  const msgId = main(d.text_).match(/msg_[0-9a-f]{32}/)[0];
  // enabled again, the secret set on the receiver, resent
  assert.equal((await action(id2, 'save', { ev_apply_submitted: '1', enabled: '1' })).status, 303);
  await rcvPost('/_control/secret', { secret: secret2 });
  const re = await admin.post(`/staff/notify/deliveries/${failed}/resend`, { form: { csrf: Client.csrf(d.text_) } });
  assert.equal(re.status, 303);
  const got = await until(async () => (await rcvLog()).find((x) => x.id === msgId && x.answered === 200));
  assert.equal(got.verified, true);
  assert.equal(got.path, '/second');
  // resending a delivered one: refused
  const d2 = await admin.get(`/staff/notify/deliveries/${failed}`);
  const again = await admin.post(`/staff/notify/deliveries/${failed}/resend`, { form: { csrf: Client.csrf(d2.text_) } });
  assert.equal(again.status, 409);
  await rcvPost('/_control/secret', { secret });
});

test('a rotated secret: the old one no longer verifies, the new one does', async () => {
  const r = await action(hookId, 'rotate');
  assert.equal(r.status, 200);
  const fresh = secretOf(r.text_);
  assert.ok(fresh && fresh !== secret);
  // the receiver still holds the old secret: the next delivery fails its check
  assert.equal((await action(hookId, 'ping')).status, 303);
  const bad = await until(async () => (await rcvLog()).find((x) => x.answered === 401 && x.body.includes('notify.ping')));
  assert.equal(bad.verified, false);
  await rcvPost('/_control/secret', { secret: fresh });
  const good = await until(async () => (await rcvLog()).find((x) => x.id === bad.id && x.answered === 200));
  assert.equal(good.verified, true);
  secret = fresh;
});

test('without --notify-hooks-loopback, loopback and private URLs are refused', async () => {
  strict = await startServer();
  const c = new Client(strict.base);
  assert.equal((await loginWithTotp(c, ...DEMO_USERS.admin, {})).status, 200);
  for (const url of [`${rcv.base}/in`, 'https://127.0.0.1/in', 'https://10.0.0.8/in', 'https://169.254.169.254/latest',
    'https://[::1]/in', 'http://hooks.example.jp/in']) {
    const r = await register(c, url, ['payments.paid']);
    assert.equal(r.status, 422, url);
    assert.match(main(r.text_), /error-summary|role="alert"/);
    assert.ok(!secretOf(r.text_));
  }
  const list = await c.get('/staff/notify/hooks');
  assert.match(main(list.text_), /送り先はまだありません/);
});

test('each write is audited with the id only', async () => {
  const a = audit();
  const actions = new Set(a.map((r) => r.action));
  for (const x of ['notify.hook.create', 'notify.hook.ping', 'notify.hook.disable', 'notify.hook.update',
    'notify.hook.rotate', 'notify.hook.resend']) assert.ok(actions.has(x), x);
  assert.ok(a.every((r) => !JSON.stringify(r).includes('whsec_')));
});
