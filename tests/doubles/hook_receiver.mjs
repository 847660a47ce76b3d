#!/usr/bin/env node
// hook_receiver.mjs -- TEST DOUBLE of a staff system receiving madoguchi's
// webhooks (src/svc/notify/hooks_send.c).
//
// NOT A FEATURE.  Never shipped, installed or started by `make run` or
// `madoguchi serve`: only the tests (tests/http/notify_hooks.test.mjs,
// tests/browser/notify_hooks.test.mjs) start it, as its own process, to
// stand in for a ward's own system.  It verifies what a receiver following
// the Standard Webhooks specification (https://www.standardwebhooks.com)
// verifies:
//
//   webhook-id          msg_...; a repeat of a delivered id is answered 200
//                       and logged as a duplicate (at least once delivery)
//   webhook-timestamp   unix seconds, within 5 minutes of now
//   webhook-signature   space-separated "v1,<base64>", one of which must be
//                       HMAC-SHA256(base64-decoded secret after "whsec_",
//                       id "." timestamp "." raw body), compared in constant time
//
// A bad or missing signature is answered 401, a stale timestamp 401.
// Test controls:
//   POST /_control/secret {secret}        the endpoint's secret (whsec_...)
//   POST /_control/fail {count, status}   answer the next count valid
//                                         deliveries with status (default 500)
//   GET  /_control/log                    every request: {path, id, timestamp,
//                                         body, verified, duplicate, answered}
// Any other POST is a delivery.
//
// Usage: node tests/doubles/hook_receiver.mjs --port 0 [--host 127.0.0.1]
// Prints the port it listens on, alone on the first line of stdout.
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const host = opt('host', '127.0.0.1');
const port = Number(opt('port', '0'));

let secret = null;
let failLeft = 0;
let failStatus = 500;
const log = [];
const delivered = new Set();

function readBody(req, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
      if (n > limit) { reject(new Error('too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function verify(secretText, id, ts, sigHeader, body, now = Date.now() / 1000) {
  if (!secretText || !id || !ts || !sigHeader) return false;
  if (!/^\d{1,12}$/.test(ts) || Math.abs(now - Number(ts)) > 300) return false;
  const key = Buffer.from(secretText.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(`${id}.${ts}.`).update(body).digest();
  for (const part of sigHeader.split(' ')) {
    const [ver, b64] = part.split(',');
    if (ver !== 'v1' || !b64) continue;
    const got = Buffer.from(b64, 'base64');
    if (got.length === want.length && timingSafeEqual(got, want)) return true;
  }
  return false;
}

const server = http.createServer(async (req, res) => {
  const send = (status, obj) => {
    const b = JSON.stringify(obj ?? {});
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(b) });
    res.end(b);
  };
  let body;
  try { body = await readBody(req); } catch { send(413, { error: 'too large' }); return; }
  if (req.url === '/_control/log' && req.method === 'GET') { send(200, log); return; }
  if (req.url === '/_control/secret' && req.method === 'POST') {
    secret = JSON.parse(body.toString()).secret;
    send(200, { ok: true });
    return;
  }
  if (req.url === '/_control/fail' && req.method === 'POST') {
    const j = JSON.parse(body.toString());
    failLeft = Number(j.count || 0);
    failStatus = Number(j.status || 500);
    send(200, { ok: true });
    return;
  }
  if (req.method !== 'POST') { send(405, { error: 'method' }); return; }
  const id = req.headers['webhook-id'];
  const ts = req.headers['webhook-timestamp'];
  const sig = req.headers['webhook-signature'];
  const entry = { path: req.url, id, timestamp: ts, signature: sig, body: body.toString(),
    contentType: req.headers['content-type'], verified: verify(secret, id, ts, sig, body), duplicate: false };
  log.push(entry);
  if (!entry.verified) { entry.answered = 401; send(401, { error: 'signature' }); return; }
  if (failLeft > 0) {
    failLeft--;
    entry.answered = failStatus;
    send(failStatus, { error: 'told to fail' });
    return;
  }
  entry.duplicate = delivered.has(id);
  delivered.add(id);
  entry.answered = 200;
  send(200, { ok: true });
});

server.listen(port, host, () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
