#!/usr/bin/env node
// line_api.mjs -- TEST DOUBLE of the LINE Messaging API (the platform side).
//
// NOT LINE.  It reaches no LINE user and is never shipped, installed or
// started by `make run` or `madoguchi serve`: only the tests
// (tests/http/notify_line.test.mjs) start it, as its own process, to stand
// in for the platform madoguchi's LINE adapter (src/svc/notify/line.c) is
// written to (developers.line.biz/en/reference/messaging-api/):
//
//   POST {base}/v2/bot/message/push   Authorization: Bearer <channel access token>
//        X-Line-Retry-Key: <UUID>      {to, messages: [{type: "text", text}]}
//        -> 200 {sentMessages: [{id, quoteToken}]}
//        -> 409 {message} when the retry key was accepted before (nothing sent again)
//        -> 400 {message} for a user id it does not know the shape of
//   the webhook it sends (as the platform does when a user writes to the
//   official account): POST {destination, events: [{type: "message",
//        message: {type: "text", id, text}, webhookEventId, timestamp,
//        source: {type: "user", userId}, replyToken, mode: "active",
//        deliveryContext: {isRedelivery}}]}
//        with X-Line-Signature = base64(HMAC-SHA256(channel secret, body)).
//
// Test controls:
//   POST /_control/notify {url}            where webhooks go
//   POST /_control/mode {push: "ok"|"fail500"|"fail429", fail_count}
//   POST /_control/say {userId, text}      the user writes text: a signed webhook;
//                                          answers {status, body} of madoguchi's answer
//   POST /_control/unfollow {userId}       the user blocks the account: a webhook
//   POST /_control/replay                  the last webhook again, byte for byte
//   POST /_control/forge {userId, text}    a webhook signed with another secret
//   GET  /_control/pushes                  every push accepted (to, text, retryKey) and
//                                          the count of refused and duplicate calls
//
// Usage: node tests/doubles/line_api.mjs --port 0 --token-file F --secret-file F
// Prints the port alone on the first line of stdout.
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const first = (p) => readFileSync(p, 'utf8').split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('#'));
const token = first(arg('token-file'));
const secret = first(arg('secret-file'));
const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '0'));

let notify = arg('notify', '');
let mode = { push: 'ok', fail_count: 0 };
const pushes = [];
const keys = new Set();
let refused = 0, duplicates = 0;
let last = null;

const sign = (body, key = secret) => createHmac('sha256', key).update(body, 'utf8').digest('base64');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function readBody(req, max = 65536) {
  return new Promise((resolve, reject) => {
    const chunks = []; let n = 0;
    req.on('data', (c) => { n += c.length; if (n > max) { reject(new Error('too large')); req.destroy(); } else chunks.push(c); });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
function send(res, status, obj, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(obj));
}

async function webhook(body, key = secret) {
  last = { body, key };
  try {
    const r = await fetch(notify, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-line-signature': sign(body, key) } });
    return { status: r.status, body: await r.text() };
  } catch (err) {
    return { status: 0, body: String(err) };
  }
}
function event(type, userId, extra = {}) {
  return {
    type, webhookEventId: '01' + randomBytes(12).toString('hex').toUpperCase(), timestamp: Date.now(),
    source: { type: 'user', userId }, mode: 'active', deliveryContext: { isRedelivery: false }, ...extra,
  };
}
const bodyOf = (events) => JSON.stringify({ destination: 'U' + '0'.repeat(32), events });

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname.startsWith('/_control/')) {
      const j = JSON.parse((await readBody(req)) || '{}');
      switch (url.pathname) {
        case '/_control/notify': notify = j.url; return send(res, 200, { notify });
        case '/_control/mode': mode = { ...mode, ...j }; return send(res, 200, mode);
        case '/_control/say':
          return send(res, 200, await webhook(bodyOf([event('message', j.userId,
            { replyToken: randomBytes(16).toString('hex'), message: { type: 'text', id: String(Date.now()), text: j.text } })])));
        case '/_control/unfollow': return send(res, 200, await webhook(bodyOf([event('unfollow', j.userId)])));
        case '/_control/replay': return send(res, 200, last ? await webhook(last.body, last.key) : { status: 0 });
        case '/_control/forge':
          return send(res, 200, await webhook(bodyOf([event('message', j.userId,
            { message: { type: 'text', id: '1', text: j.text } })]), 'not-the-channel-secret'));
        default: return send(res, 404, { message: 'no such control' });
      }
    }
    if (req.method === 'GET' && url.pathname === '/_control/pushes') return send(res, 200, { pushes, refused, duplicates });
    if (req.method === 'POST' && url.pathname === '/v2/bot/message/push') {
      if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { message: 'Authentication failed' });
      const key = req.headers['x-line-retry-key'];
      if (key !== undefined && !UUID.test(key)) return send(res, 400, { message: 'The retry key is invalid' });
      const j = JSON.parse(await readBody(req));
      if (mode.push !== 'ok' && mode.fail_count > 0) {
        mode.fail_count--;
        refused++;
        return send(res, mode.push === 'fail429' ? 429 : 500, { message: mode.push === 'fail429' ? 'Too Many Requests' : 'Internal error' });
      }
      if (key && keys.has(key)) {
        duplicates++;
        return send(res, 409, { message: 'The retry key is already accepted' }, { 'x-line-accepted-request-id': key });
      }
      if (!/^U[0-9a-f]{32}$/.test(j.to || '') || !Array.isArray(j.messages) || !j.messages.length) {
        return send(res, 400, { message: 'The request body has 1 error(s)' });
      }
      if (key) keys.add(key);
      const id = String(Date.now()) + String(pushes.length);
      for (const m of j.messages) pushes.push({ to: j.to, type: m.type, text: m.text, retryKey: key || null, id });
      return send(res, 200, { sentMessages: [{ id, quoteToken: randomBytes(8).toString('hex') }] });
    }
    return send(res, 404, { message: 'Not found' });
  } catch (err) {
    return send(res, 500, { message: String(err) });
  }
});

server.listen(port, host, () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
