// lib.mjs -- shared by the HTTP and browser tests: start a real madoguchi
// server on a free loopback port with a fresh demo ward, a small HTTP client
// with a cookie jar, and an RFC 6238 TOTP generator written independently of
// the server's (Node's crypto HMAC-SHA1).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import net from 'node:net';
import http from 'node:http';

export const BIN = process.env.MADOGUCHI_BIN || new URL('../../build/madoguchi', import.meta.url).pathname;
export const ROOT = new URL('../..', import.meta.url).pathname;
export const DEMO = '139998';
export const DEMO_USERS = {
  admin: ['demo-admin', 'Hinode-Koban-2026'],
  staff: ['demo-staff', 'Ajisai-Mado-2026'],
  viewer: ['demo-viewer', 'Momiji-Etsuran-2026'],
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

export function cli(args, opts = {}) {
  return execFileSync(BIN, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
}

// spawn `madoguchi serve` on db and wait until it answers /healthz
export async function spawnServe({ db, keys, port, extraArgs = [] }) {
  const tls = extraArgs.includes('--tls-cert');
  const proc = spawn(BIN, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--key-dir', keys,
    '--static', join(ROOT, 'build/assets'), '--default-tenant', DEMO, '--threads', '2', ...extraArgs],
  { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', (d) => { log += d; });
  proc.stderr.on('data', (d) => { log += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, sig) => resolve({ code, sig })));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`server exited: ${log}`);
    if (tls) {
      // readiness over TLS: the port accepts a handshake
      const ok = await new Promise((resolve) => {
        const c = net.connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
        c.on('error', () => resolve(false));
      });
      if (ok) break;
    } else {
      try { const r = await fetch(`${base}/healthz`); if (r.ok) break; } catch { /* not yet */ }
    }
    if (Date.now() > deadline) throw new Error(`server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, exited, base, log: () => log };
}

// start a server with a fresh demo ward; db: 'sqlite' (default) or a URL
export async function startServer({ db, extraArgs = [], setup, dir: given, tls = false } = {}) {
  const dir = given || mkdtempSync(join(tmpdir(), 'madoguchi-http-'));
  const url = db || `sqlite:${join(dir, 'db.sqlite')}`;
  const keys = join(dir, 'keys');
  cli(['demo', '--db', url, '--key-dir', keys]);
  if (setup) setup({ db: url, keys, dir });
  if (tls) extraArgs = [...extraArgs, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')];
  const port = await freePort();
  const srv = { port, dir, db: url, keys };
  Object.assign(srv, await spawnServe({ db: url, keys, port, extraArgs }));
  srv.restart = async () => {
    Object.assign(srv, await spawnServe({ db: url, keys, port, extraArgs }));
  };
  // stop: SIGTERM, then the exit must be clean, 0 and no signal (also
  // when the test sent the SIGTERM itself); only a SIGKILL the test sent is
  // its business.  With MADOGUCHI_SAN=1 (the sanitizer build) a report in
  // the server's output fails too: LeakSanitizer runs at exit (exit code
  // 23), AddressSanitizer and UBSan as they find something.
  srv.stop = async () => {
    const running = srv.proc.exitCode === null && srv.proc.signalCode === null;
    if (running) srv.proc.kill('SIGTERM');
    const r = await srv.exited;
    const log = srv.log();
    if (!given) rmSync(dir, { recursive: true, force: true });
    if (process.env.MADOGUCHI_SAN === '1') {
      const at = log.search(/ERROR: (LeakSanitizer|AddressSanitizer)|runtime error:/);
      if (at >= 0) {
        throw new Error(`sanitizer report from the server (exit ${JSON.stringify(r)}):\n` +
          log.slice(Math.max(0, log.lastIndexOf('\n', at - 1) + 1), at + 3000));
      }
    }
    if (!(r.sig === 'SIGKILL' && !running) && (r.code !== 0 || r.sig !== null)) {
      throw new Error(`server did not exit cleanly: ${JSON.stringify(r)}\n${log.slice(-2000)}`);
    }
    return r;
  };
  return srv;
}

// a client with a cookie jar; never follows redirects
export class Client {
  constructor(base, host) { this.base = base; this.jar = new Map(); this.host = host; }
  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  // node:http rather than fetch(): fetch() may not set Host, and the
  // tenant tests need it
  req(method, path, { form, json, headers = {}, body } = {}) {
    const h = { ...headers };
    if (this.jar.size) h.cookie = this.cookieHeader();
    if (this.host) h.host = this.host;
    let b = body;
    if (form) { b = new URLSearchParams(form).toString(); h['content-type'] = 'application/x-www-form-urlencoded'; }
    if (json) { b = JSON.stringify(json); h['content-type'] = 'application/json'; }
    if (b !== undefined) h['content-length'] = Buffer.byteLength(b);
    const u = new URL(this.base + path);
    return new Promise((resolve, reject) => {
      const q = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers: h }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const setCookies = res.headers['set-cookie'] || [];
          for (const c of setCookies) {
            const [pair, ...attrs] = c.split(';');
            const i = pair.indexOf('=');
            const k = pair.slice(0, i).trim(), v = pair.slice(i + 1).trim();
            if (attrs.some((a) => /max-age=0$/i.test(a.trim())) || v === '') this.jar.delete(k); else this.jar.set(k, v);
          }
          resolve({
            status: res.statusCode,
            headers: { get: (n) => { const v = res.headers[n.toLowerCase()]; return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v; },
              getSetCookie: () => setCookies },
            text_: Buffer.concat(chunks).toString(),
          });
        });
      });
      q.on('error', reject);
      if (b !== undefined) q.write(b);
      q.end();
    });
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, o) { return this.req('POST', p, o); }
  // the CSRF token of the current page's first form
  static csrf(html) { const m = html.match(/name="csrf" value="([^"]+)"/); return m && m[1]; }
}

// register a resident account and log it in (registering logs nobody in:
// a taken address must look the same as a new one); host: the
// municipality's host name, when not the default one
export async function registerAndLogin(base, email, password, host) {
  const c = new Client(base, host);
  const pre = (await c.get('/resident/register')).text_.match(/name="pre" value="([^"]+)"/)[1];
  const r = await c.post('/resident/register', { form: { pre, email, password } });
  if (r.status !== 200) throw new Error(`register ${email}: ${r.status}`);
  const pre2 = (await c.get('/resident/login')).text_.match(/name="pre" value="([^"]+)"/)[1];
  const l = await c.post('/resident/login', { form: { pre: pre2, email, password } });
  if (l.status !== 303) throw new Error(`log in ${email}: ${l.status}`);
  return c;
}

export function base32Decode(s) {
  const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, val = 0; const out = [];
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alpha.indexOf(ch); if (i < 0) throw new Error('bad base32');
    val = (val << 5) | i; bits += 5;
    if (bits >= 8) { out.push((val >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

export function totp(secretB32, t = Date.now() / 1000, step = 30, digits = 6) {
  const counter = Math.floor(t / step);
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secretB32)).update(buf).digest();
  const off = mac[mac.length - 1] & 0xf;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

// log in with a password; returns the response of the POST
export async function passwordLogin(c, login, password) {
  const form = await c.get('/login');
  const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
  return c.post('/login', { form: { pre, login, password } });
}

// full login of an account that needs 2FA: enrol (first time) or code
export async function loginWithTotp(c, login, password, state = {}) {
  const r = await passwordLogin(c, login, password);
  const where = r.headers.get('location');
  if (where === '/account/totp') {
    const page = await c.get('/account/totp');
    state.secret = page.text_.match(/id="totp-secret">([A-Z2-7]+)</)[1];
    const r2 = await c.post('/account/totp', { form: { csrf: Client.csrf(page.text_), code: totp(state.secret) } });
    state.recovery = [...r2.text_.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]);
    return r2;
  }
  if (where === '/login/code') {
    const page = await c.get('/login/code');
    // a code of the next step: the one of the current step may have been
    // used by the enrolment a moment ago (single use per step)
    const code = totp(state.secret, Date.now() / 1000 + 30);
    return c.post('/login/code', { form: { csrf: Client.csrf(page.text_), code } });
  }
  return r;
}

// a multipart/form-data request: text fields, and at most one file part
// ({ name, filename, type, data }); { body, headers } for Client.req
export function multipartBody(fields, file) {
  const boundary = '----madoguchi' + Math.random().toString(16).slice(2);
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; ` +
      `filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

// a resident account whose address is confirmed (the check mail read from
// the SMTP sink, its link followed), logged in: its Client
export async function confirmedResident(base, sink, email, password) {
  const c = new Client(base);
  const pre = async (p) => (await c.get(p)).text_.match(/name="pre" value="([^"]+)"/)[1];
  const reg = await c.post('/resident/register', { form: { pre: await pre('/resident/register'), email, password } });
  if (reg.status !== 200) throw new Error(`register ${email}: ${reg.status}`);
  const login = await c.post('/resident/login', { form: { pre: await pre('/resident/login'), email, password } });
  if (login.status !== 303) throw new Error(`log-in ${email}: ${login.status}`);
  const m = await sink.waitFor((x) => x.to.includes(email));
  const token = m.text.match(/\/resident\/verify\?token=([0-9a-f]{64})/)[1];
  const v = await new Client(base).post('/resident/verify', { form: { token } });
  if (v.status !== 200) throw new Error(`confirm ${email}: ${v.status}`);
  return c;
}

// --- mail (tests/smtp_sink.mjs): a local SMTP sink for e-mail tests ---
export { startSmtpSink, parseMail, decodeWords } from '../smtp_sink.mjs';
