// protocol.test.mjs -- HTTP/1.1 framing attacks over a raw socket (RFC
// 9112), the session cookie's attributes, and /metrics with a token when
// the server has the option.  Framing: a request whose length or target is
// ambiguous is refused with 400 and never answered twice (a request
// smuggled behind it is not served); oversize heads are refused
// (400/414/431), never a 5xx or a hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, passwordLogin, Client, cli } from '../http/lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) await srv.stop(); });

// write raw bytes, read until the server closes or `ms` pass; the status
// codes of every response seen
function raw(port, bytes, ms = 3000) {
  return new Promise((resolve) => {
    const chunks = [];
    let closed = false;
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    s.on('data', (d) => chunks.push(d));
    const done = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ text, statuses: [...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((m) => Number(m[1])), closed });
    };
    s.on('close', () => { closed = true; done(); });
    s.on('error', () => {});
    s.setTimeout(ms, () => { s.destroy(); });
  });
}

const H = (lines, body = '') => `${lines.join('\r\n')}\r\n\r\n${body}`;

// name, request, allowed first statuses, whether a second answer is allowed
const FRAMING = [
  ['two Content-Length headers with different values',
    H(['POST /login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 5', 'Content-Length: 6'], 'login='), [400]],
  ['a Content-Length list with different values',
    H(['POST /login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 5, 6'], 'login='), [400]],
  ['two Host headers',
    H(['GET / HTTP/1.1', 'Host: 127.0.0.1', 'Host: other.localhost']), [400]],
  ['no Host header in HTTP/1.1',
    H(['GET / HTTP/1.1']), [400]],
  ['a space before the colon of Content-Length',
    H(['POST /login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length : 5'], 'login'), [400]],
  ['a Content-Length that is not a number',
    H(['POST /login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: 5x'], 'login'), [400]],
  ['a negative Content-Length',
    H(['POST /login HTTP/1.1', 'Host: 127.0.0.1', 'Content-Length: -1'], 'login'), [400]],
  ['a NUL in a header value',
    H(['GET / HTTP/1.1', 'Host: 127.0.0.1', 'X-A: a\u0000b']), [400]],
  ['a request target that is not a path',
    H(['GET evil HTTP/1.1', 'Host: 127.0.0.1']), [400]],
  ['a NUL in the path',
    H(['GET /%00 HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close']), [400, 404]],
  ['a 1 MB header',
    H(['GET / HTTP/1.1', 'Host: 127.0.0.1', `Cookie: a=${'x'.repeat(1 << 20)}`, 'Connection: close']), [400, 431]],
  ['a 1 MB request line',
    H([`GET /procedures?q=${'x'.repeat(1 << 20)} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']), [400, 414, 431]],
];

for (const [name, req, allowed] of FRAMING) {
  test(`framing: ${name} is refused`, async () => {
    const r = await raw(srv.port, req);
    assert.ok(r.statuses.length >= 1, `${name}: no answer (${JSON.stringify(r.text.slice(0, 200))})`);
    assert.ok(allowed.includes(r.statuses[0]), `${name}: expected ${allowed.join('/')}, got ${r.statuses[0]}\n${JSON.stringify(req.slice(0, 300))}`);
    assert.ok(r.statuses.every((s) => s < 500), `${name}: ${r.statuses}`);
  });
}

test('framing: Content-Length and Transfer-Encoding together: refused, or answered once and the connection closed', async () => {
  // by Transfer-Encoding the body is empty and a second request follows;
  // by Content-Length (4) the body is "0\r\n\r" -- a server must not let the
  // two readings disagree: 400, or one answer then close (RFC 9112 6.1)
  const req = 'POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n' +
    '0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
  const r = await raw(srv.port, req);
  assert.ok(r.statuses.length >= 1, 'an answer');
  assert.ok(r.statuses[0] === 400 || (r.statuses.length === 1 && r.closed),
    `CL+TE: answers ${JSON.stringify(r.statuses)}, closed ${r.closed}`);
});

test('framing: an ordinary pipelined pair is answered twice (the checks above are not blanket refusals)', async () => {
  const req = 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
  const r = await raw(srv.port, req);
  assert.deepEqual(r.statuses, [200, 200]);
});

// the session cookie: HttpOnly and SameSite=Strict for staff on any
// server; behind TLS (--public-url https://...) also Secure, with the
// __Host- prefix (Path=/, no Domain)
function sessionCookie(setCookies) {
  return setCookies.find((c) => /^(__Host-)?mg_session=[^;]+/.test(c) && !/max-age=0/i.test(c));
}

test('the staff session cookie is HttpOnly and SameSite=Strict', async () => {
  const c = new Client(srv.base);
  const r = await passwordLogin(c, 'demo-viewer', 'Momiji-Etsuran-2026');
  assert.equal(r.status, 303);
  const ck = sessionCookie(r.headers.getSetCookie());
  assert.ok(ck, `a session cookie: ${r.headers.getSetCookie()}`);
  assert.match(ck, /;\s*HttpOnly/i);
  assert.match(ck, /;\s*SameSite=Strict/i, ck);
});

test('behind TLS (--public-url https://...) the session cookie is __Host- and Secure', async () => {
  const tls = await startServer({ extraArgs: ['--public-url', 'https://demo.example.jp/'] });
  try {
    // a request for the public URL's host came through the TLS proxy;
    // one for another name (127.0.0.1 here) did not, and gets no Secure
    // cookie (a browser would not keep it over plain HTTP)
    const plain = await passwordLogin(new Client(tls.base), 'demo-viewer', 'Momiji-Etsuran-2026');
    assert.match(sessionCookie(plain.headers.getSetCookie()) || '', /^mg_session=/);
    const c = new Client(tls.base, 'demo.example.jp');
    const r = await passwordLogin(c, 'demo-viewer', 'Momiji-Etsuran-2026');
    assert.equal(r.status, 303);
    const ck = sessionCookie(r.headers.getSetCookie());
    assert.ok(ck, `a session cookie: ${r.headers.getSetCookie()}`);
    assert.match(ck, /^__Host-mg_session=/, ck);
    assert.match(ck, /;\s*Secure/i, ck);
    assert.match(ck, /;\s*Path=\/(;|$)/i, ck);
    assert.doesNotMatch(ck, /;\s*Domain=/i, ck);
  } finally { await tls.stop(); }
});

// /metrics: with --metrics-token-file, only the token opens it (also from
// loopback, which a proxy on the same machine would make every request)
test('/metrics with --metrics-token-file: refused without the token and with a wrong one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-sec-metrics-'));
  writeFileSync(join(dir, 'token'), 'mg-metrics-secret-0123456789\n', { mode: 0o600 });
  const m = await startServer({ extraArgs: ['--metrics-token-file', join(dir, 'token')] });
  try {
    const none = await fetch(`${m.base}/metrics`);
    assert.equal(none.status, 403, `no token: ${none.status}`);
    for (const bad of ['Bearer wrong-token', 'Bearer mg-metrics-secret-012345678', 'Bearer mg-metrics-secret-01234567890',
      'Basic mg-metrics-secret-0123456789', 'Bearer  mg-metrics-secret-0123456789']) {
      const wrong = await fetch(`${m.base}/metrics`, { headers: { authorization: bad } });
      assert.equal(wrong.status, 403, `${bad}: ${wrong.status}`);
    }
    const right = await fetch(`${m.base}/metrics`, { headers: { authorization: 'Bearer mg-metrics-secret-0123456789' } });
    assert.equal(right.status, 200);
  } finally { await m.stop(); rmSync(dir, { recursive: true, force: true }); }
});
