// smtp_sink.mjs -- a minimal SMTP server on loopback for tests: accepts
// every message (no TLS, no auth), keeps them decoded (RFC 2047 subject,
// base64 or plain body).  Only what madoguchi's sender speaks.
import net from 'node:net';

function decodeWords(s) {
  return s.replace(/\r?\n[ \t]+/g, ' ').replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/gi,
    (_, b) => Buffer.from(b, 'base64').toString('utf8')).trim();
}

export function parseMessage(raw) {
  const sep = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, sep), body = raw.slice(sep + 4);
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const text = /base64/i.test(headers['content-transfer-encoding'] || '')
    ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { headers, subject: decodeWords(headers.subject || ''), text, raw };
}

export async function smtpSink() {
  const messages = [];
  const server = net.createServer((sock) => {
    let buf = '', data = false, rcpt = [];
    sock.write('220 sink ESMTP\r\n');
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        if (data) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const raw = Buffer.from(buf.slice(0, end).replace(/\r\n\.\./g, '\r\n.'), 'latin1').toString('utf8');
          buf = buf.slice(end + 5);
          messages.push({ to: rcpt, ...parseMessage(raw) });
          rcpt = [];
          data = false;
          sock.write('250 ok queued\r\n');
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (cmd === 'EHLO') sock.write('250-sink\r\n250 8BITMIME\r\n');
        else if (cmd === 'HELO') sock.write('250 sink\r\n');
        else if (cmd === 'MAIL') sock.write('250 ok\r\n');
        else if (cmd === 'RCPT') { rcpt.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, '$1')); sock.write('250 ok\r\n'); }
        else if (cmd === 'DATA') { data = true; sock.write('354 go ahead\r\n'); }
        else if (cmd === 'QUIT') { sock.write('221 bye\r\n'); sock.end(); return; }
        else sock.write('250 ok\r\n');
      }
    });
    sock.on('error', () => {});
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    messages,
    // wait until a message matches (the server's mail job sends it soon)
    async waitFor(pred, ms = 20000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = messages.find(pred);
        if (m) return m;
        if (Date.now() > deadline) return null;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
