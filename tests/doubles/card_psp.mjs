#!/usr/bin/env node
// card_psp.mjs -- TEST DOUBLE of a card payment service provider (PSP).
//
// NOT A PAYMENT METHOD.  It takes no real card, moves no money and is never
// shipped, installed or started by `make run` or `madoguchi serve`: only the
// tests (tests/http/payments_card.test.mjs, tests/browser/payments_card.test.mjs)
// start it, as its own process, to stand in for a real provider that speaks
// the API shape madoguchi's card adapter is written to (src/svc/payments/
// README.md "## Card"; GOV.UK Pay's shape):
//
//   POST {base}/v1/payments            Authorization: Bearer <key>
//        {amount, reference, description, return_url}
//        -> 201 {payment_id, amount, reference, state:{status}, _links:{next_url:{href}}}
//   GET  {base}/v1/payments/{id}       -> {payment_id, amount, state:{status}, refunds}
//   POST {base}/v1/payments/{id}/refunds {amount} -> 202 {refund_id, amount, status}
//   webhooks POSTed to --notify with  Pay-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t "." body)>
//        {event_id, type: payment_succeeded|payment_failed|refund_succeeded, payment_id, amount, created}
//
// The hosted "card page" GET /pay/{id} is a form with a test card number
// and Pay / Decline buttons.  Pay marks the payment success (Decline, or
// the card number 4000 0000 0000 0002, failed), sends the signed webhook
// and redirects the payer to return_url.  How and when the webhook goes is
// a test control: the form fields _webhook and _delay_ms (a test adds
// them), else the defaults set by POST /_control/defaults {webhook, delay_ms}:
//   before  the webhook is delivered (and answered) before the redirect (default)
//   after   the redirect first, the webhook delay_ms later (default 300)
//   twice   before the redirect, and the same event again after it
//   none    no webhook at all (the return's status query must settle it)
// GET /_control/log lists every payment created, status query, webhook
// delivery (with madoguchi's answer) and refund asked for; POST
// /_control/notify {url} sets where webhooks go; POST /_control/payments/{id}/resend sends
// the payment's last event again, same event id (a replay).
//
// Usage: node tests/doubles/card_psp.mjs --port 0 --secret-file F --key-file F
//        --notify URL [--host 127.0.0.1]
// Prints the port it listens on, alone on the first line of stdout.
import http from 'node:http';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
function firstLine(path) {
  return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
}

const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '0'));
const secret = firstLine(arg('secret-file'));
const key = firstLine(arg('key-file'));
let notify = arg('notify', '');
if (!secret || !key) {
  process.stderr.write('card_psp: --secret-file and --key-file are required\n');
  process.exit(2);
}

const payments = new Map();   // id -> payment
const log = { webhooks: [], refunds: [], created: [], queries: [] };
let defaults = { webhook: 'before', delay_ms: 300 };

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const newId = (p) => p + randomBytes(10).toString('hex');
const now = () => Math.floor(Date.now() / 1000);

function sign(body, t = now()) {
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

function send(res, status, obj, headers = {}) {
  const b = typeof obj === 'string' ? obj : JSON.stringify(obj);
  res.writeHead(status, { 'content-type': typeof obj === 'string' ? 'text/html; charset=utf-8' : 'application/json', ...headers });
  res.end(b);
}

function readBody(req, max = 65536) {
  return new Promise((resolve, reject) => {
    const chunks = []; let n = 0;
    req.on('data', (d) => { n += d.length; if (n > max) { reject(new Error('too large')); req.destroy(); } else chunks.push(d); });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function authorized(req) {
  const h = req.headers.authorization || '';
  const want = Buffer.from(`Bearer ${key}`);
  const got = Buffer.from(h);
  return got.length === want.length && timingSafeEqual(got, want);
}

function view(p) {
  return {
    payment_id: p.id, amount: p.amount, reference: p.reference, description: p.description,
    return_url: p.return_url, state: { status: p.status, finished: ['success', 'failed', 'cancelled', 'error'].includes(p.status) },
    refunds: p.refunds, created_date: new Date(p.created * 1000).toISOString(),
    _links: { self: { href: `${base()}/v1/payments/${p.id}`, method: 'GET' }, next_url: { href: `${base()}/pay/${p.id}`, method: 'GET' } },
  };
}

let boundPort = 0;
const base = () => `http://${host}:${boundPort}`;

async function deliver(p, ev) {
  const body = JSON.stringify(ev);
  const entry = { event_id: ev.event_id, type: ev.type, payment_id: p.id, status: null, error: null, at: Date.now() };
  log.webhooks.push(entry);
  if (!notify) { entry.error = 'no --notify URL'; return entry; }
  try {
    const r = await fetch(notify, { method: 'POST', headers: { 'content-type': 'application/json', 'pay-signature': sign(body) }, body });
    entry.status = r.status;
    entry.body = (await r.text()).slice(0, 500);
  } catch (err) {
    entry.error = String(err.message || err);
  }
  return entry;
}

function eventOf(p, type, amount) {
  const ev = { event_id: newId('evt_'), type, payment_id: p.id, amount, created: now() };
  p.events.push(ev);
  return ev;
}

async function complete(p, outcome, mode, delay, redirect) {
  p.status = outcome === 'success' ? 'success' : 'failed';
  const ev = eventOf(p, outcome === 'success' ? 'payment_succeeded' : 'payment_failed', p.amount);
  if (mode === 'before' || mode === 'twice') await deliver(p, ev);
  if (redirect) redirect();
  if (mode === 'after') setTimeout(() => { deliver(p, ev); }, delay);
  if (mode === 'twice') setTimeout(() => { deliver(p, ev); }, delay);
}

function cardPage(p, error) {
  const done = p.status === 'success' || p.status === 'failed';
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>テスト用カード決済ページ / Test card page (TEST DOUBLE)</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:1rem auto;padding:0 1rem}label,input,button{display:block;font-size:1rem;margin:.5rem 0}
input{padding:.5rem;width:100%;box-sizing:border-box}button{padding:.6rem 1.2rem}.warn{background:#fff3cd;border:2px solid #8a6d00;padding:.5rem}</style></head>
<body><main>
<h1>テスト用カード決済ページ<br><span lang="en">Test card payment page</span></h1>
<p class="warn"><strong>TEST DOUBLE</strong>: 本物の決済事業者ではありません。カード情報を入力しないでください。 / <span lang="en">Not a real payment provider. Do not enter real card data.</span></p>
<dl><dt>お支払い金額 / Amount</dt><dd id="amount">${esc(p.amount)} 円</dd>
<dt>内容 / Description</dt><dd>${esc(p.description)}</dd><dt>整理番号 / Reference</dt><dd>${esc(p.reference)}</dd></dl>
${error ? `<p role="alert" id="error">${esc(error)}</p>` : ''}
${done ? `<p id="state">${esc(p.status)}</p>` : `<form method="post" action="/pay/${esc(p.id)}">
<label for="card">テスト用カード番号 / Test card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off" value="4242 4242 4242 4242">
<button type="submit" name="action" value="pay" id="pay">支払う / Pay</button>
<button type="submit" name="action" value="decline" id="decline">拒否する / Decline</button>
</form>`}
</main></body></html>`;
}

const server = http.createServer(async (req, res) => {
  try {
    const u = new URL(req.url, base());
    const parts = u.pathname.split('/').filter(Boolean);
    // ---- the API ----
    if (parts[0] === 'v1' && parts[1] === 'payments') {
      if (!authorized(req)) return send(res, 401, { code: 'P0920', description: 'invalid API key' });
      if (req.method === 'POST' && parts.length === 2) {
        let b;
        try { b = JSON.parse(await readBody(req)); } catch { return send(res, 400, { code: 'P0102', description: 'invalid JSON' }); }
        if (!Number.isInteger(b.amount) || b.amount < 1 || b.amount > 10000000) return send(res, 422, { code: 'P0102', field: 'amount' });
        if (typeof b.reference !== 'string' || !b.reference || b.reference.length > 255) return send(res, 422, { code: 'P0102', field: 'reference' });
        if (typeof b.return_url !== 'string' || !/^https?:\/\//.test(b.return_url)) return send(res, 422, { code: 'P0102', field: 'return_url' });
        const p = { id: newId('pay_'), amount: b.amount, reference: b.reference, description: String(b.description || ''),
          return_url: b.return_url, status: 'created', created: now(), refunds: [], events: [] };
        payments.set(p.id, p);
        log.created.push({ payment_id: p.id, amount: p.amount, reference: p.reference, return_url: p.return_url });
        return send(res, 201, view(p));
      }
      const p = payments.get(parts[2]);
      if (!p) return send(res, 404, { code: 'P0200', description: 'not found' });
      if (req.method === 'GET' && parts.length === 3) {
        log.queries.push({ payment_id: p.id, status: p.status });
        return send(res, 200, view(p));
      }
      if (req.method === 'POST' && parts.length === 4 && parts[3] === 'refunds') {
        let b;
        try { b = JSON.parse(await readBody(req)); } catch { return send(res, 400, { code: 'P0102' }); }
        const refunded = p.refunds.reduce((s, r) => s + r.amount, 0);
        const key = req.headers['idempotency-key'];
        log.refunds.push({ payment_id: p.id, amount: b.amount, key: key || null });
        // the same Idempotency-Key again: the refund made for it, not a second one
        const seen = key && p.refunds.find((r) => r.key === key);
        if (seen) return send(res, 202, { refund_id: seen.refund_id, amount: seen.amount, status: seen.status });
        if (p.status !== 'success') return send(res, 412, { code: 'P0603', description: 'not refundable' });
        if (!Number.isInteger(b.amount) || b.amount < 1 || b.amount + refunded > p.amount) return send(res, 400, { code: 'P0604', description: 'amount' });
        const r = { refund_id: newId('rfd_'), amount: b.amount, status: 'success', key: key || null };
        p.refunds.push(r);
        const ev = eventOf(p, 'refund_succeeded', b.amount);
        setTimeout(() => { deliver(p, ev); }, 10);
        return send(res, 202, r);
      }
      return send(res, 405, { code: 'P0999' });
    }
    // ---- the hosted card page ----
    if (parts[0] === 'pay' && parts.length === 2) {
      const p = payments.get(parts[1]);
      if (!p) return send(res, 404, '<!doctype html><title>not found</title><p>not found');
      if (req.method === 'GET') {
        if (p.status === 'created') p.status = 'started';
        return send(res, 200, cardPage(p));
      }
      if (req.method === 'POST') {
        if (p.status === 'success' || p.status === 'failed') return send(res, 409, cardPage(p, 'already finished'));
        const f = new URLSearchParams(await readBody(req));
        const card = (f.get('card') || '').replace(/\D/g, '');
        if (f.get('action') === 'pay' && !/^\d{14,16}$/.test(card)) return send(res, 422, cardPage(p, 'カード番号を入力してください / Enter a card number'));
        p.status = 'submitted';
        const outcome = f.get('action') === 'pay' && card !== '4000000000000002' ? 'success' : 'failed';
        const mode = f.get('_webhook') || defaults.webhook;
        const delay = Number(f.get('_delay_ms') || defaults.delay_ms);
        return complete(p, outcome, mode, delay, () => { res.writeHead(303, { location: p.return_url }); res.end(); });
      }
    }
    // ---- controls for the tests ----
    if (parts[0] === '_control') {
      if (req.method === 'GET' && parts[1] === 'log') return send(res, 200, log);
      if (req.method === 'POST' && parts[1] === 'defaults') {
        defaults = { ...defaults, ...JSON.parse(await readBody(req) || '{}') };
        return send(res, 200, defaults);
      }
      if (req.method === 'POST' && parts[1] === 'notify') {
        notify = JSON.parse(await readBody(req)).url;
        return send(res, 200, { notify });
      }
      const p = payments.get(parts[2]);
      if (parts[1] === 'payments' && p && req.method === 'POST' && parts[3] === 'resend') {
        const ev = p.events[p.events.length - 1];
        if (!ev) return send(res, 409, { error: 'no event yet' });
        return send(res, 200, await deliver(p, ev));
      }
      if (parts[1] === 'payments' && p && req.method === 'POST' && parts[3] === 'complete') {
        const b = JSON.parse(await readBody(req) || '{}');
        await complete(p, b.outcome || 'success', b.webhook || 'before', b.delay_ms || 0, null);
        return send(res, 200, view(p));
      }
    }
    return send(res, 404, { code: 'P0404' });
  } catch (err) {
    send(res, 500, { code: 'P0050', description: String(err.message || err) });
  }
});

server.listen(port, host, () => {
  boundPort = server.address().port;
  process.stdout.write(`${boundPort}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => { server.close(() => process.exit(0)); server.closeAllConnections(); });
}
