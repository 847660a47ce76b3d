// tls.test.mjs -- HTTPS from the configuration: TLS 1.2+ only, HTTP/2 by
// ALPN, HSTS, and cookies marked Secure.  The certificate is made here with
// the openssl command (a throw-away self-signed one for 127.0.0.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import https from 'node:https';
import http2 from 'node:http2';
import tls from 'node:tls';
import { startServer } from './lib.mjs';

function get(port, path, extra = {}) {
  return new Promise((resolve, reject) => {
    const q = https.request({ host: '127.0.0.1', port, path, rejectUnauthorized: false, ...extra }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    q.on('error', reject);
    q.end();
  });
}

test('HTTPS with HTTP/2, HSTS and Secure cookies', async () => {
  let srv;
  srv = await startServer({
    setup: ({ dir }) => execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
      '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
    { stdio: 'ignore' }),
    tls: true,
  });
  try {
    const r = await get(srv.port, '/login');
    assert.equal(r.status, 200);
    assert.match(r.headers['strict-transport-security'], /max-age=\d+/);
    // over HTTPS a cookie is Secure and __Host- prefixed (the browser
    // refuses it without Secure, from another host or with a Domain)
    const cookie = r.headers['set-cookie'].find((c) => c.startsWith('__Host-mg_pre='));
    assert.ok(cookie, `a __Host- cookie: ${r.headers['set-cookie']}`);
    assert.match(cookie, /; Secure/);
    assert.match(cookie, /; Path=\/;/);
    assert.doesNotMatch(cookie, /Domain=/i);
    // HTTP/2 negotiated by ALPN
    const s = http2.connect(srv.base.replace('http:', 'https:'), { rejectUnauthorized: false });
    const h = await new Promise((resolve, reject) => {
      const q = s.request({ ':path': '/healthz' });
      q.on('response', resolve);
      q.on('error', reject);
      q.end();
    });
    assert.equal(h[':status'], 200);
    assert.equal(s.alpnProtocol, 'h2');
    s.close();
    // old protocol versions are refused
    await assert.rejects(new Promise((resolve, reject) => {
      const c = tls.connect({ host: '127.0.0.1', port: srv.port, rejectUnauthorized: false,
        minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1' }, () => resolve(c));
      c.on('error', reject);
    }));
  } finally {
    await srv.stop();
  }
});
