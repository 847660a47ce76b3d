// hardening_http.test.mjs -- the HTTP layer's part of the outside review
// (issue 12): control characters in any parameter, redirect targets that
// a browser would read as another origin, RFC 9112 framing (duplicate
// Host, disagreeing Content-Length, Content-Length with Transfer-Encoding),
// cookies behind a TLS-terminating proxy, who may read /metrics, and a
// search text of "%" or "_" that listed everything.  Each test failed on
// the code before the fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, cli, Client } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer({
    setup: ({ db }) => {
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']);
      cli(['opendata', 'import', '--db', db, '--tenant', '139998', 'data/opendata/demo']);
    },
  });
});
after(async () => { if (srv) await srv.stop(); });

// one raw HTTP/1.1 exchange: the bytes as sent, the answer as received
// (the server closes after a framing error; a sound request gets
// "Connection: close" from us)
function raw(port, bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.end(bytes));
    const chunks = [];
    s.on('data', (d) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', reject);
    s.setTimeout(5000, () => { s.destroy(); reject(new Error('timeout')); });
  });
}
const statusOf = (resp) => Number(resp.slice(9, 12));
// the response's header lines (of the first response only)
const headerLines = (resp) => resp.split('\r\n\r\n')[0].split('\r\n').slice(1);

test('a CR/LF in ?next= never reaches the Location header (no planted cookie)', async () => {
  const resp = await raw(srv.port, 'GET /lang?to=en&next=/%0d%0aSet-Cookie:%20mg_session=X HTTP/1.1\r\n' +
    'Host: 127.0.0.1\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(resp), 400, resp.slice(0, 200));
  const lines = headerLines(resp);
  assert.ok(!lines.some((l) => /^set-cookie:\s*mg_session=X/i.test(l)), lines.join('\n'));
  assert.ok(!lines.some((l) => /^location:/i.test(l)), 'no redirect at all');
});

test('redirect targets a browser reads as another origin are refused', async () => {
  const c = new Client(srv.base);
  for (const next of ['/%09/evil.example', '/%0a/evil.example', '//evil.example', '/\\evil.example',
    '/%5Cevil.example', 'https://evil.example/', '/%20/evil.example', '/a%0d%0aX-Injected:%201']) {
    const r = await c.get(`/lang?to=en&next=${next}`);
    assert.equal(r.status, 400, `next=${next} answered ${r.status} ${r.headers.get('location')}`);
    assert.equal(r.headers.get('location'), null);
  }
  // a path of this origin is still fine, Japanese in it percent-encoded
  const ok = await c.get('/lang?to=en&next=/opendata?q=%E4%BF%9D%E8%82%B2');
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/opendata?q=%E4%BF%9D%E8%82%B2');
});

test('control characters are refused in every ordinary parameter, 400 not a 5xx', async () => {
  const c = new Client(srv.base);
  for (const ch of ['%09', '%0d', '%0a', '%00', '%7f', '%C2%85']) {
    const r = await c.get(`/procedures?q=a${ch}b`);
    assert.equal(r.status, 400, `q with ${ch}: ${r.status}`);
    const o = await c.get(`/opendata?q=a${ch}b`);
    assert.equal(o.status, 400, `opendata q with ${ch}: ${o.status}`);
  }
  // the same text without them is answered
  assert.equal((await c.get('/procedures?q=ab')).status, 200);
});

test('the language links carry the current path percent-encoded', async () => {
  const c = new Client(srv.base);
  // a path with "&" in it must not add a parameter to the /lang link
  const r = await c.get('/no-such-page&to=xx');
  assert.equal(r.status, 404);
  const links = [...r.text_.matchAll(/href="(\/lang\?[^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
  assert.ok(links.length >= 2, r.text_.slice(0, 300));
  for (const l of links) {
    assert.match(l, /next=\/no-such-page%26to%3Dxx$/, l);
    const follow = await c.get(l);
    assert.equal(follow.status, 303, `${l} answered ${follow.status}`);
    assert.equal(follow.headers.get('location'), '/no-such-page&to=xx');
  }
});

test('RFC 9112 framing: duplicate Host, disagreeing Content-Length, CL with TE are 400 and close', async () => {
  const body = 'email=a%40example.jp&password=x';
  const cases = {
    'Host twice': `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n`,
    'no Host in HTTP/1.1': 'GET / HTTP/1.1\r\n\r\n',
    'Content-Length twice, different': 'POST /resident/login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${body.length}\r\nContent-Length: ${body.length - 5}\r\n\r\n${body}`,
    'Content-Length not a number': 'POST /resident/login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `Content-Length: ${body.length}, ${body.length}\r\n\r\n${body}`,
    'Content-Length with Transfer-Encoding': 'POST /resident/login HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
  };
  for (const [what, bytes] of Object.entries(cases)) {
    const resp = await raw(srv.port, bytes);
    assert.equal(statusOf(resp), 400, `${what}: ${resp.slice(0, 120)}`);
    assert.ok(headerLines(resp).some((l) => /^connection:\s*close/i.test(l)), `${what}: closes`);
    // exactly one response: the rest of the bytes was not read as a request
    assert.equal(resp.match(/HTTP\/1\.1 \d{3}/g).length, 1, `${what}: one response`);
  }
  // the same Content-Length twice is one value (RFC 9110 8.6), and sound
  // requests still work
  const same = await raw(srv.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  assert.equal(statusOf(same), 200);
  const dupSame = await raw(srv.port, 'POST /resident/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n' +
    'Content-Type: application/x-www-form-urlencoded\r\n' +
    `Content-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  assert.notEqual(statusOf(dupSame), 400, dupSame.slice(0, 200));
  assert.ok(statusOf(dupSame) < 500);
});

test('"%" and "_" in a search are text, not wildcards', async () => {
  const c = new Client(srv.base);
  const count = (html) => (html.match(/<li><a href="\/procedures\/[a-z]/g) || []).length;
  const all = count((await c.get('/procedures')).text_);
  assert.ok(all > 5, `the demo's procedures are listed (${all})`);
  for (const q of ['%25', '_', '%25%25', '__']) {
    const r = await c.get(`/procedures?q=${q}`);
    assert.equal(r.status, 200);
    assert.equal(count(r.text_), 0, `q=${q} listed ${count(r.text_)} of ${all}`);
  }
  // CKAN tag_list: a query of "%" matches tags containing "%", i.e. none
  const api = async (q) => JSON.parse((await c.get(`/api/3/action/tag_list?query=${q}`)).text_).result;
  assert.ok((await api('')).length > 0);
  assert.deepEqual(await api('%25'), []);
  assert.deepEqual(await api('_'), []);
});

test('/metrics: loopback only when reached directly, or the Bearer token', async () => {
  const c = new Client(srv.base);
  assert.equal((await c.get('/metrics')).status, 200, 'the operator on the machine');
  const viaProxy = await c.get('/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
  assert.equal(viaProxy.status, 403, 'through a proxy on the same machine');
  assert.doesNotMatch(viaProxy.text_, /madoguchi_http_requests/);
  const fwd = await c.get('/metrics', { headers: { forwarded: 'for=203.0.113.9' } });
  assert.equal(fwd.status, 403);
});

test('behind a trusted TLS proxy: Secure __Host- cookies, HSTS, the client address; untrusted headers ignored', async () => {
  const s2 = await startServer({
    extraArgs: ['--trusted-proxy', '127.0.0.1', '--public-url', 'https://demo-ku.example.jp/'],
  });
  try {
    const c = new Client(s2.base);
    // the proxy says the client used HTTPS
    const r = await c.get('/login', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' } });
    assert.equal(r.status, 200);
    const pre = r.headers.getSetCookie().find((x) => x.startsWith('__Host-mg_pre='));
    assert.ok(pre, r.headers.getSetCookie().join(' | '));
    assert.match(pre, /; Secure/);
    assert.match(pre, /; Path=\/;/);
    assert.match(r.headers.get('strict-transport-security') || '', /max-age=\d+/);
    // a request for the https public URL's host is HTTPS too
    const h = await new Client(s2.base, 'demo-ku.example.jp').get('/login');
    assert.ok(h.headers.getSetCookie().some((x) => x.startsWith('__Host-mg_pre=') && /; Secure/.test(x)));
    // plain HTTP on another host: no Secure (it would not be stored)
    const p = await c.get('/login');
    assert.ok(p.headers.getSetCookie().some((x) => x.startsWith('mg_pre=') && !/Secure/.test(x)));
    // over HTTPS an unprefixed session cookie (planted by a sibling host
    // or over plain HTTP) is not read
    const staff = new Client(s2.base);
    staff.jar.set('mg_session', 'planted');
    const me = await staff.get('/api/v1/me', { headers: { 'x-forwarded-proto': 'https' } });
    assert.equal(me.status, 401);
    // the log names the client the proxy saw, not the proxy
    await new Promise((res) => setTimeout(res, 100));
    assert.match(s2.log(), /peer="198\.51\.100\.7"/);
    // /metrics through the trusted proxy: refused without the token
    assert.equal((await c.get('/metrics')).status, 403);
  } finally {
    await s2.stop();
  }
  // the same headers from a peer that is not a trusted proxy count for nothing
  const c = new Client(srv.base);
  const r = await c.get('/login', { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.7' } });
  assert.ok(r.headers.getSetCookie().some((x) => x.startsWith('mg_pre=') && !/Secure/.test(x)));
  assert.equal(r.headers.get('strict-transport-security'), null);
});

test('/metrics with a token: only the right Bearer token, from anywhere', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-metrics-'));
  const token = 'k3Jq-metrics-token-for-tests';
  writeFileSync(join(dir, 'metrics.token'), `${token}\n`, { mode: 0o600 });
  const s3 = await startServer({ dir, extraArgs: ['--trusted-proxy', '127.0.0.1',
    '--metrics-token-file', join(dir, 'metrics.token')] });
  try {
    const c = new Client(s3.base);
    const ok = await c.get('/metrics', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.match(ok.text_, /madoguchi_http_/);
    for (const bad of [`Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, 'Bearer ', `Basic ${token}`]) {
      const r = await c.get('/metrics', { headers: { authorization: bad } });
      assert.equal(r.status, 403, bad);
    }
    // without the token: refused, from the proxy and from loopback alike
    assert.equal((await c.get('/metrics')).status, 403);
    const direct = await fetch(`${s3.base}/metrics`);
    assert.equal(direct.status, 403);
  } finally {
    await s3.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  // a token file that cannot be read stops the start with a message
  assert.throws(() => cli(['serve', '--db', 'sqlite:/nonexistent/x.db', '--metrics-token-file', '/nonexistent/token']),
    /metrics-token-file/);
});
