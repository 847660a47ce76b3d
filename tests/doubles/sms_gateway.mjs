#!/usr/bin/env node
// sms_gateway.mjs -- TEST DOUBLE of an SMS provider (Twilio's Programmable
// Messaging API shape).
//
// NOT AN SMS GATEWAY.  It sends nothing to any telephone and is never
// shipped, installed or started by `make run` or `madoguchi serve`: only the
// tests (tests/http/notify_sms.test.mjs) start it, as its own process, to
// stand in for the provider madoguchi's SMS adapter (src/svc/notify/sms.c)
// is written to.  The shape (twilio.com/docs/messaging/api/message-resource,
// twilio.com/docs/usage/webhooks/webhooks-security):
//
//   POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json
//        Authorization: Basic base64(AccountSid:AuthToken)
//        form To, From, Body, StatusCallback
//        -> 201 {sid, status: "queued", to, from, body, num_segments, error_code: null}
//        -> 400 {code: 21211, message, status: 400} for a number it calls invalid
//   the status callback: a form POST to StatusCallback with MessageSid,
//        MessageStatus (sent, delivered, undelivered, failed), ErrorCode,
//        AccountSid, To, From; X-Twilio-Signature = base64(HMAC-SHA1(AuthToken,
//        URL + each name and value sorted by name)).
//
// Test controls:
//   POST /_control/mode {send: "ok"|"fail500"|"fail429"|"refuse", fail_count,
//                        receipt: "delivered"|"undelivered"|"failed"|"none",
//                        delay_ms}
//        send: how the next API calls are answered (fail_count of them, then ok);
//        receipt: what the status callback says, delay_ms after accepting
//   GET  /_control/messages   every message accepted, in order (to, body, sid,
//                             status, callbacks with madoguchi's answers) and
//                             the count of API calls refused
//   POST /_control/resend/{sid}  the message's last callback again (a replay)
//   POST /_control/forge/{sid}   a callback signed with a wrong token
//
// Usage: node tests/doubles/sms_gateway.mjs --port 0 --key-file F [--host 127.0.0.1]
// (F: one line "AccountSid:AuthToken").  Prints the port alone on the first line.
import http from 'node:http';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : def;
}
const line = readFileSync(arg('key-file'), 'utf8').split('\n').map((l) => l.trim())
  .find((l) => l && !l.startsWith('#'));
const [sid, token] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)];
const host = arg('host', '127.0.0.1');
const port = Number(arg('port', '0'));

let mode = { send: 'ok', fail_count: 0, receipt: 'delivered', delay_ms: 0 };
const messages = [];
let refused = 0;

export function signature(authToken, url, params) {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

function readBody(req, max = 65536) {
  return new Promise((resolve, reject) => {
    const chunks = []; let n = 0;
    req.on('data', (c) => { n += c.length; if (n > max) { reject(new Error('too large')); req.destroy(); } else chunks.push(c); });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res, status, obj) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}

async function callback(m, status, key = token) {
  if (!m.callback) return;
  const params = { AccountSid: sid, MessageSid: m.sid, MessageStatus: status, To: m.to, From: m.from };
  if (status === 'undelivered') params.ErrorCode = '30003';
  if (status === 'failed') params.ErrorCode = '30008';
  const body = new URLSearchParams(params).toString();
  const entry = { status, at: Date.now() };
  m.callbacks.push(entry);
  try {
    const r = await fetch(m.callback, {
      method: 'POST', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature(key, m.callback, params) },
    });
    entry.answer = r.status;
    entry.body = await r.text();
  } catch (err) {
    entry.answer = 0;
    entry.error = String(err);
  }
  m.last = { status, key };
}

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'POST' && url.pathname === '/_control/mode') {
      mode = { ...mode, ...JSON.parse(await readBody(req) || '{}') };
      return send(res, 200, mode);
    }
    if (req.method === 'GET' && url.pathname === '/_control/messages') return send(res, 200, { messages, refused });
    let m = url.pathname.match(/^\/_control\/(resend|forge)\/([A-Za-z0-9]+)$/);
    if (req.method === 'POST' && m) {
      const msg = messages.find((x) => x.sid === m[2]);
      if (!msg) return send(res, 404, { error: 'no such message' });
      await callback(msg, msg.last ? msg.last.status : 'delivered', m[1] === 'forge' ? 'not-the-token-0000000000' : token);
      return send(res, 200, msg.callbacks[msg.callbacks.length - 1]);
    }
    m = url.pathname.match(/^\/2010-04-01\/Accounts\/([A-Za-z0-9]+)\/Messages\.json$/);
    if (req.method === 'POST' && m) {
      const auth = req.headers.authorization || '';
      const want = 'Basic ' + Buffer.from(`${sid}:${token}`).toString('base64');
      if (m[1] !== sid || auth !== want) return send(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
      const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
      if (!form.To || !form.From || !form.Body) return send(res, 400, { code: 21604, message: 'A To, From and Body are required', status: 400 });
      if (mode.send !== 'ok' && mode.fail_count > 0) {
        mode.fail_count--;
        refused++;
        if (mode.send === 'fail500') return send(res, 500, { code: 20500, message: 'Internal Server Error', status: 500 });
        if (mode.send === 'fail429') return send(res, 429, { code: 20429, message: 'Too Many Requests', status: 429 });
        if (mode.send === 'refuse') return send(res, 400, { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 });
      }
      const msg = {
        sid: 'SM' + randomBytes(16).toString('hex'), to: form.To, from: form.From, body: form.Body,
        callback: form.StatusCallback || null, status: 'queued', callbacks: [], at: Date.now(),
      };
      messages.push(msg);
      send(res, 201, { sid: msg.sid, account_sid: sid, status: 'queued', to: msg.to, from: msg.from, body: msg.body,
        num_segments: String(Math.max(1, Math.ceil([...msg.body].length / 67))), error_code: null });
      if (mode.receipt !== 'none') {
        const receipt = mode.receipt;
        setTimeout(async () => { msg.status = receipt; await callback(msg, receipt); }, mode.delay_ms);
      }
      return undefined;
    }
    return send(res, 404, { code: 20404, message: 'not found', status: 404 });
  } catch (err) {
    return send(res, 500, { error: String(err) });
  }
});

server.listen(port, host, () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
