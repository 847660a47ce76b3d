// mail_bounce.test.mjs -- a bounce arriving later: the server delivers a
// message through the SMTP sink; a delivery status notification written
// as Postfix writes it (RFC 3464, the returned headers holding our
// Message-ID) is piped into `madoguchi mail bounce` as Postfix's pipe
// transport would; the message is then bounced with its status code on
// the staff outbox (filter "bounced", its view), the address is listed
// among those that hard-bounced, and it is gone from the "sent" filter.
// A malformed DSN, one for no message of ours and one too large are
// refused with a clear message (exit 1) and the command never prints the
// address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, cli, DEMO, DEMO_USERS, loginWithTotp, startSmtpSink } from './lib.mjs';

const BIN = process.env.MADOGUCHI_BIN || 'build/madoguchi';

// run `madoguchi mail bounce` with the DSN on standard input
function bounce(db, input) {
  try {
    const out = execFileSync(BIN, ['mail', 'bounce', '--db', db], { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    return { code: 0, out, err: '' };
  } catch (e) {
    return { code: e.status, out: e.stdout || '', err: e.stderr || '' };
  }
}

// a Postfix bounce for the message whose header block is `head`
function postfixDsn(rcpt, head) {
  const b = '4F1C82A0B.1796623331/mail.demo-ku.example.jp';
  return [
    'Return-Path: <>',
    'Date: Mon,  7 Dec 2026 15:02:11 +0900 (JST)',
    'From: MAILER-DAEMON@mail.demo-ku.example.jp (Mail Delivery System)',
    'Subject: Undelivered Mail Returned to Sender',
    'To: noreply@demo-ku.example.jp',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status;',
    `\tboundary="${b}"`,
    'Content-Transfer-Encoding: 8bit',
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${b}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'This is the mail system at host mail.demo-ku.example.jp.',
    '',
    `<${rcpt}>: host mx.example.jp[192.0.2.25] said: 550 5.1.1 <${rcpt}>:`,
    '    Recipient address rejected: User unknown (in reply to RCPT TO command)',
    '',
    `--${b}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mail.demo-ku.example.jp',
    'X-Postfix-Queue-ID: 4F1C82A0B',
    'Arrival-Date: Mon,  7 Dec 2026 15:02:10 +0900 (JST)',
    '',
    `Final-Recipient: rfc822; ${rcpt}`,
    `Original-Recipient: rfc822;${rcpt}`,
    'Action: failed',
    'Status: 5.1.1',
    'Remote-MTA: dns; mx.example.jp',
    `Diagnostic-Code: smtp; 550 5.1.1 <${rcpt}>: Recipient address rejected:`,
    '    User unknown',
    '',
    `--${b}`,
    'Content-Description: Undelivered Message Headers',
    'Content-Type: text/rfc822-headers',
    '',
    head,
    '',
    `--${b}--`,
    '',
  ].join('\n');
}

test('a DSN piped into madoguchi mail bounce marks the message bounced, staff see it and the address', async () => {
  const sink = await startSmtpSink();
  const s = await startServer({ extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp',
    '--smtp-starttls', 'none'] });
  try {
    const to = 'modori.kaeru@example.jp';
    const id = Number(cli(['mail', 'test', '--db', s.db, '--to', to, '--tenant', DEMO]).match(/queued (\d+)/)[1]);
    const mail = await sink.waitFor((m) => m.to.includes(to));
    const mid = mail.headers['message-id'][0];
    assert.match(mid, new RegExp(`^<[0-9a-f]{32}\\.${id}@demo-ku\\.example\\.jp>$`));
    // the outcome is written after the send: wait until the outbox says sent
    const deadline = Date.now() + 15000;
    while (!/"state":"sent"/.test(cli(['mail', 'list', '--db', s.db, '--json']))) {
      assert.ok(Date.now() < deadline, 'the message is recorded sent');
      await new Promise((r) => setTimeout(r, 100));
    }
    const head = mail.raw.slice(0, mail.raw.indexOf('\r\n\r\n')).replace(/\r\n/g, '\n');

    // refused: not a DSN, a DSN for no message of ours, a DSN too large
    const plain = bounce(s.db, 'From: someone@example.jp\nSubject: hi\n\nhello\n');
    assert.equal(plain.code, 1);
    assert.match(plain.err, /配信状態通知 \(RFC 3464\) として読めません \/ not a delivery status notification/);
    const other = bounce(s.db, postfixDsn(to, head.replace(/<[0-9a-f]{32}\./, `<${'0'.repeat(32)}.`)));
    assert.equal(other.code, 1);
    assert.match(other.err, /no sent message matches this notification/);
    const huge = bounce(s.db, 'Content-Type: text/plain\n\n' + 'x'.repeat(1024 * 1024));
    assert.equal(huge.code, 1);
    assert.match(huge.err, /too large/);
    for (const r of [plain, other, huge]) assert.ok(!(r.out + r.err).includes(to), 'no address printed');
    let admin = new Client(s.base);
    await loginWithTotp(admin, ...DEMO_USERS.admin, {});
    assert.doesNotMatch((await admin.get('/staff/outbox?state=bounced')).text_, new RegExp(to));

    // the real one
    const ok = bounce(s.db, postfixDsn(to, head));
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.out.trim(), `bounced ${id} 5.1.1 hard`);
    const list = await admin.get('/staff/outbox?state=bounced');
    assert.equal(list.status, 200);
    const row = [...list.text_.matchAll(/<tr><td>(\d+)<\/td>([\s\S]*?)<\/tr>/g)].find((m) => Number(m[1]) === id);
    assert.ok(row, 'the bounced filter shows the message');
    assert.match(row[2], new RegExp(`<td>${to}</td>`));
    assert.match(row[2], /mail-state-bounced">不達/);
    assert.match(row[2], /<td>bounce 5\.1\.1 \(smtp 550\)<\/td>/);
    // the address is flagged for staff
    assert.match(list.text_, new RegExp(`<tr class="bounced-address"><td>${to}</td><td>1</td><td><a href="/staff/outbox/${id}">`));
    // no longer among the sent
    const sent = await admin.get('/staff/outbox?state=sent');
    assert.ok(![...sent.text_.matchAll(/<tr><td>(\d+)<\/td>/g)].some((m) => Number(m[1]) === id));
    const view = await admin.get(`/staff/outbox/${id}`);
    assert.match(view.text_, /<th scope="row">不達の通知<\/th><td>[0-9-]+ [0-9:]+ 5\.1\.1<\/td>/);
    // the CLI's list filters by it too
    assert.match(cli(['mail', 'list', '--db', s.db, '--state', 'bounced', '--json']), new RegExp(`"id":${id},.*"state":"bounced"`));
    // the server's log has no address of it
    assert.ok(!s.log().includes(to));
  } finally {
    try { await s.stop(); } finally { await sink.close(); }
  }
});
