// smtp_sink.mjs -- a small SMTP server for the tests: it speaks enough of
// RFC 5321 for libcurl (220 greeting, EHLO/HELO, MAIL FROM, RCPT TO, DATA
// with dot-unstuffing, RSET, NOOP, QUIT), writes each accepted message as
// a file NNNN.eml into a directory and keeps it in memory for the tests.
//
//   const sink = await startSmtpSink({ tempFail: 1, reject: (a) => a.startsWith('bounce') });
//   sink.url                  smtp://127.0.0.1:PORT
//   sink.messages()           [{ id, from, to, raw, file, headers, subject, text }]
//   await sink.waitFor((m) => m.to.includes('a@example.jp'))
//   sink.stats                { connections, tempFailed, rejected, commands }
//   sink.setTempFail(n, at)   451 for the next n recipients ('rcpt') or messages ('data')
//   await sink.close()
//
// Options: tempFail N answers "451" to the first N recipients (at RCPT, or
// at the end of DATA with tempFailAt: 'data'); reject(addr) answers "550"
// to a recipient for good; auth { user, pass } advertises AUTH PLAIN and
// answers 530 to MAIL until the client authenticated (535 for wrong ones);
// maxSessions N answers "421" at the greeting to a session beyond N open at
// once (stats.tooManySessions counts them).  Nothing here trusts the client: lines are
// limited (1000 bytes, RFC 5321) and a message to 10 MiB.
//
// The message is also parsed here, independently of madoguchi's C code:
// headers unfolded, RFC 2047 encoded-words decoded (B and Q), and the body
// decoded from base64 or quoted-printable as Content-Transfer-Encoding says.
import net from 'node:net';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MAX_LINE = 1000;
const MAX_MESSAGE = 10 * 1024 * 1024;

export function decodeWords(value) {
  // adjacent encoded-words separated by folding white space join up
  const joined = value.replace(/(\?=)\s+(=\?)/g, '$1$2');
  const bytes = [];
  let rest = joined;
  const re = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/;
  let out = '';
  for (;;) {
    const m = rest.match(re);
    if (!m) { out += flush() + rest; break; }
    // plain text between words breaks a multi-byte run: flush first
    if (m.index > 0) { out += flush() + rest.slice(0, m.index); }
    if (!/^utf-8$/i.test(m[1])) throw new Error(`charset ${m[1]}`);
    if (m[2] === 'B' || m[2] === 'b') bytes.push(...Buffer.from(m[3], 'base64'));
    else bytes.push(...Buffer.from(m[3].replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1'));
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
  function flush() {
    if (!bytes.length) return '';
    const s = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes));
    bytes.length = 0;
    return s;
  }
}

// raw message (CRLF lines) -> { headers: {name: [values]}, headerLines, subject, text }
export function parseMail(raw) {
  const sep = raw.indexOf('\r\n\r\n');
  const head = sep < 0 ? raw : raw.slice(0, sep);
  const body = sep < 0 ? '' : raw.slice(sep + 4);
  const headerLines = head.split('\r\n');
  const headers = {};
  const fields = [];
  for (const line of headerLines) {
    if (/^[ \t]/.test(line) && fields.length) fields[fields.length - 1] += line;   // unfold: drop CRLF only
    else fields.push(line);
  }
  for (const f of fields) {
    const i = f.indexOf(':');
    if (i <= 0) throw new Error(`bad header line: ${JSON.stringify(f)}`);
    const k = f.slice(0, i).toLowerCase();
    (headers[k] ||= []).push(f.slice(i + 1).trim());
  }
  const cte = (headers['content-transfer-encoding'] || ['7bit'])[0].toLowerCase();
  let bytes;
  if (cte === 'base64') {
    if (!/^[A-Za-z0-9+/=\r\n]*$/.test(body)) throw new Error('body is not base64');
    bytes = Buffer.from(body.replace(/\r\n/g, ''), 'base64');
  } else if (cte === 'quoted-printable') {
    bytes = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  } else {
    bytes = Buffer.from(body, 'latin1');
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const subject = headers.subject ? decodeWords(headers.subject[0]) : undefined;
  return { headers, headerLines, subject, text, bodyRaw: body };
}

export async function startSmtpSink({ dir, tempFail = 0, tempFailAt = 'rcpt', reject = () => false, auth = null,
  maxSessions = 0 } = {}) {
  const own = !dir;
  dir ||= mkdtempSync(join(tmpdir(), 'madoguchi-smtp-'));
  const msgs = [];
  const waiters = [];
  const stats = { connections: 0, tempFailed: 0, rejected: 0, commands: [], authOk: 0, authFailed: 0, ehlo: [],
    tooManySessions: 0 };
  let tempLeft = tempFail;
  const sockets = new Set();

  function deliver(m) {
    msgs.push(m);
    for (const w of [...waiters]) if (w.pred(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m); }
  }

  const server = net.createServer((sock) => {
    stats.connections++;
    sock.on('error', () => {});
    // a relay that takes at most maxSessions sessions from a client at
    // once answers the others 421 at the greeting (Postfix's
    // smtpd_client_connection_count_limit) and closes
    if (maxSessions > 0 && sockets.size >= maxSessions) {
      stats.tooManySessions++;
      sock.end('421 4.7.0 sink.test Error: too many connections from 127.0.0.1\r\n');
      return;
    }
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let buf = Buffer.alloc(0);
    let st = { from: null, to: [] };
    let inData = false, data = [], dataLen = 0, tooBig = false;
    let authed = !auth, authWait = false;
    const say = (s) => { if (!sock.destroyed) sock.write(`${s}\r\n`); };
    say('220 sink.test ESMTP madoguchi test sink');
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const i = buf.indexOf('\r\n');
        if (i < 0) {
          if (buf.length > MAX_LINE) { say('500 5.5.6 line too long'); sock.destroy(); }
          return;
        }
        const line = buf.subarray(0, i).toString('latin1');
        buf = buf.subarray(i + 2);
        if (inData) { onDataLine(line); continue; }
        if (authWait) { authWait = false; checkPlain(line); continue; }
        onCommand(line);
      }
    });
    function onCommand(line) {
      const verb = line.slice(0, 4).toUpperCase();
      stats.commands.push(verb);
      if (verb === 'EHLO') {
        stats.ehlo.push(line.slice(5).trim());
        say('250-sink.test greets you');
        say('250-8BITMIME');
        if (auth) say('250-AUTH PLAIN');
        say('250 SIZE 10485760');
      } else if (verb === 'HELO') {
        say('250 sink.test');
      } else if (verb === 'AUTH') {
        const m = line.match(/^AUTH PLAIN(?: (\S+))?$/i);
        if (!auth || !m) return say('504 5.5.4 mechanism not supported');
        if (m[1]) checkPlain(m[1]); else { authWait = true; say('334 '); }
      } else if (verb === 'MAIL') {
        if (!authed) return say('530 5.7.0 authentication required');
        const m = line.match(/^MAIL FROM:\s*<([^>]*)>/i);
        if (!m) return say('501 5.5.4 syntax: MAIL FROM:<address>');
        st = { from: m[1], to: [] };
        say('250 2.1.0 OK');
      } else if (verb === 'RCPT') {
        if (st.from === null) return say('503 5.5.1 MAIL first');
        const m = line.match(/^RCPT TO:\s*<([^>]*)>/i);
        if (!m) return say('501 5.5.4 syntax: RCPT TO:<address>');
        if (reject(m[1])) { stats.rejected++; return say('550 5.1.1 mailbox unavailable'); }
        if (tempFailAt === 'rcpt' && tempLeft > 0) { tempLeft--; stats.tempFailed++; return say('451 4.7.1 try again later'); }
        st.to.push(m[1]);
        say('250 2.1.5 OK');
      } else if (verb === 'DATA') {
        if (!st.to.length) return say('503 5.5.1 RCPT first');
        inData = true; data = []; dataLen = 0; tooBig = false;
        say('354 end data with <CR><LF>.<CR><LF>');
      } else if (verb === 'RSET') {
        st = { from: null, to: [] };
        say('250 2.0.0 OK');
      } else if (verb === 'NOOP') {
        say('250 2.0.0 OK');
      } else if (verb === 'QUIT') {
        say('221 2.0.0 bye');
        sock.end();
      } else {
        say('502 5.5.2 command not recognised');
      }
    }
    function checkPlain(b64) {
      // RFC 4616: authzid NUL authcid NUL passwd
      const [, user, pass] = Buffer.from(b64, 'base64').toString('utf8').split('\0');
      if (user === auth.user && pass === auth.pass) { authed = true; stats.authOk++; say('235 2.7.0 authenticated'); }
      else { stats.authFailed++; say('535 5.7.8 authentication credentials invalid'); }
    }
    function onDataLine(line) {
      if (line === '.') {
        inData = false;
        const env = st;
        st = { from: null, to: [] };
        if (tooBig) return say('552 5.3.4 message too big');
        if (tempFailAt === 'data' && tempLeft > 0) { tempLeft--; stats.tempFailed++; return say('451 4.3.0 try again later'); }
        const raw = Buffer.from(data.join('\r\n') + '\r\n', 'latin1').toString('utf8');
        const id = msgs.length + 1;
        const file = join(dir, `${String(id).padStart(4, '0')}.eml`);
        writeFileSync(file, Buffer.from(data.join('\r\n') + '\r\n', 'latin1'));
        let parsed;
        try { parsed = parseMail(raw); } catch (err) { parsed = { parseError: String(err) }; }
        deliver({ id, from: env.from, to: env.to, raw, file, ...parsed });
        return say(`250 2.0.0 OK queued as ${id}`);
      }
      const l = line.startsWith('.') ? line.slice(1) : line;   // dot-unstuffing
      dataLen += l.length + 2;
      if (dataLen > MAX_MESSAGE) { tooBig = true; return; }
      data.push(l);
    }
  });
  await new Promise((resolve, reject_) => { server.on('error', reject_); server.listen(0, '127.0.0.1', resolve); });
  const port = server.address().port;
  return {
    port,
    dir,
    url: `smtp://127.0.0.1:${port}`,
    stats,
    messages: () => [...msgs],
    // answer 451 to the next n recipients (at: 'rcpt') or messages (at: 'data')
    setTempFail(n, at = 'rcpt') { tempLeft = n; tempFailAt = at; },
    waitFor(pred = () => true, timeoutMs = 20000) {
      const found = msgs.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, rej) => {
        const w = { pred, resolve: (m) => { clearTimeout(t); resolve(m); } };
        const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); rej(new Error('no matching message reached the SMTP sink')); }, timeoutMs);
        waiters.push(w);
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
}
