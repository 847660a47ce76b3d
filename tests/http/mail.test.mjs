// mail.test.mjs -- e-mail through a real SMTP conversation: the server
// (started with --smtp-url pointing at the local sink, tests/smtp_sink.mjs)
// delivers what `madoguchi mail test` queues in the same database; the
// message's headers and its Japanese subject and body are decoded here,
// independently of the C code; a 451 is retried and then delivered, a 550
// fails for good; messages queued while no relay was configured (and
// --no-dev-mailbox kept them queued) are delivered once a server with
// one starts; clear text is refused unless
// allowed; a relay that takes one session at a time costs nothing; and the
// server's log never holds an address or a subject.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer, spawnServe, freePort, cli, DEMO, startSmtpSink, BIN, ROOT, Client } from './lib.mjs';

// the sink runs in this process: a command that talks to it must not block
// the event loop (cli() is synchronous)
const cliAsync = async (args) => (await promisify(execFile)(BIN, args, { cwd: ROOT, encoding: 'utf8' })).stdout;

const FROM = 'noreply@demo-ku.example.jp';
const SUBJECT = '【デモ区】児童手当の認定請求を受け付けました（受付番号 2026-000123）：審査の結果は改めてお知らせします';
const BODY = 'デモ区 花子 様\n\n児童手当の認定請求を受け付けました。\n.\n..先頭のドット\n審査の結果は、このアドレスにお知らせします。\n\nデモ区役所 子ども家庭課\n';

let sink, srv;
const relayArgs = () => ['--smtp-url', sink.url, '--mail-from', FROM, '--mail-from-name', 'デモ区役所',
  '--smtp-starttls', 'none', '--mail-retry-base', '1', '--mail-max-attempts', '3',
  '--public-url', 'https://demo-ku.example.jp/'];

before(async () => {
  sink = await startSmtpSink({ reject: (a) => a.startsWith('bounce') });
  srv = await startServer({ extraArgs: relayArgs() });
});

after(async () => {
  await srv?.stop();
  await sink?.close();
});

function queue(to, extra = []) {
  const out = cli(['mail', 'test', '--db', srv.db, '--to', to, '--tenant', DEMO, ...extra]);
  const m = out.match(/^queued (\d+)$/m);
  assert.ok(m, out);
  return Number(m[1]);
}

function listed(id, db = srv.db) {
  const lines = cli(['mail', 'list', '--db', db, '--json', '--show-recipient']).trim().split('\n').filter(Boolean);
  return lines.map((l) => JSON.parse(l)).find((r) => r.id === id);
}

// wait (bounded) until the outbox row satisfies pred
async function until(id, pred, db = srv.db) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const r = listed(id, db);
    if (r && pred(r)) return r;
    if (Date.now() > deadline) throw new Error(`message ${id} never reached the expected state: ${JSON.stringify(r)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('a queued message reaches the relay with RFC 5322 headers and decodes to the Japanese text', async () => {
  const to = 'hanako.demo@example.jp';
  const id = queue(to, ['--subject', SUBJECT, '--body', BODY]);
  const m = await sink.waitFor((x) => x.to.includes(to));
  assert.equal(m.parseError, undefined);
  assert.equal(m.from, FROM, 'envelope sender');
  assert.deepEqual(m.to, [to], 'envelope recipient');
  assert.equal(m.subject, SUBJECT, 'the encoded subject decodes back exactly');
  assert.equal(m.text, BODY.replace(/\n/g, '\r\n'), 'the body decodes to the text, CRLF lines, dots intact');
  const h = m.headers;
  assert.deepEqual(h.to, [to]);
  assert.match(h.from[0], /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=\s*<noreply@demo-ku\.example\.jp>$/);
  assert.equal(decodeName(h.from[0]), 'デモ区役所');
  assert.deepEqual(h['mime-version'], ['1.0']);
  assert.deepEqual(h['content-type'], ['text/plain; charset=UTF-8']);
  assert.deepEqual(h['content-transfer-encoding'], ['base64']);
  assert.deepEqual(h['auto-submitted'], ['auto-generated']);
  assert.match(h['message-id'][0], new RegExp(`^<[0-9a-f]{32}\\.${id}@demo-ku\\.example\\.jp>$`));
  assert.match(h.date[0], /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0900$/);
  assert.ok(!Number.isNaN(Date.parse(h.date[0])));
  for (const k of ['date', 'from', 'to', 'subject', 'message-id']) assert.equal(h[k].length, 1, `one ${k}`);
  // every line of the message ends in CRLF; header lines with encoded-words stay within 76
  assert.ok(!/[^\r]\n/.test(m.raw) && !/\r[^\n]/.test(m.raw));
  const subjectLines = m.headerLines.slice(m.headerLines.findIndex((l) => l.startsWith('Subject:')));
  const cont = [subjectLines[0], ...subjectLines.slice(1).filter((l, i, a) => a.slice(0, i + 1).every((x) => /^\s/.test(x)))];
  assert.ok(cont.length > 3, 'a long subject is folded');
  for (const l of cont) assert.ok(l.length <= 76, `line too long: ${l}`);
  for (const l of m.bodyRaw.split('\r\n')) assert.ok(l.length <= 76);
  const row = await until(id, (r) => r.state === 'sent');
  assert.equal(row.attempts, 1);
  assert.equal(row.last_error, null);
  assert.ok(sink.stats.ehlo.length > 0 && sink.stats.ehlo.every((d) => d === 'demo-ku.example.jp'), 'EHLO with the sender domain');
});

function decodeName(v) {
  const m = v.match(/=\?UTF-8\?B\?([^?]+)\?=/);
  return Buffer.from(m[1], 'base64').toString('utf8');
}

test('451 from the relay: retried after the backoff, then delivered', async () => {
  const before_ = sink.stats.tempFailed;
  sink.setTempFail(1, 'rcpt');
  const to = 'retry.demo@example.jp';
  const id = queue(to);
  const m = await sink.waitFor((x) => x.to.includes(to));
  assert.equal(sink.stats.tempFailed, before_ + 1, 'the first attempt was refused with 451');
  assert.match(m.subject, /テストメール/);
  assert.match(m.text, /テストメールです/);
  const row = await until(id, (r) => r.state === 'sent');
  assert.equal(row.attempts, 2);
  assert.equal(sink.messages().filter((x) => x.to.includes(to)).length, 1, 'delivered once');
});

test('451 after DATA as well: retried, delivered once', async () => {
  sink.setTempFail(1, 'data');
  const to = 'retry.data@example.jp';
  const id = queue(to);
  await sink.waitFor((x) => x.to.includes(to));
  const row = await until(id, (r) => r.state === 'sent');
  assert.equal(row.attempts, 2);
  assert.equal(sink.messages().filter((x) => x.to.includes(to)).length, 1);
});

test('550 from the relay: failed at once, not retried', async () => {
  const rejected = sink.stats.rejected;
  const to = 'bounce.demo@example.jp';
  const id = queue(to);
  const row = await until(id, (r) => r.state === 'failed');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error, /^smtp 550\b/);
  assert.ok(!row.last_error.includes('@'));
  assert.equal(sink.stats.rejected, rejected + 1);
  // a later message still goes through the same relay
  const ok = 'after.bounce@example.jp';
  queue(ok);
  await sink.waitFor((x) => x.to.includes(ok));
  assert.equal(listed(id).attempts, 1, 'the failed one was not tried again');
});

test('messages queued while no relay was configured are delivered by a server that has one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-mail-'));
  // no --smtp-url, and mail kept queued (without --no-dev-mailbox it
  // would go to the development mailbox: outbox.test.mjs)
  const a = await startServer({ dir, extraArgs: ['--no-dev-mailbox'] });
  try {
    assert.match(a.log(), /no SMTP relay configured/);
    const to = 'later.demo@example.jp';
    const id = queue(to, ['--db', a.db]);
    assert.equal(listed(id, a.db).state, 'queued');
    // the mail list masks the address unless asked
    const plain = cli(['mail', 'list', '--db', a.db]);
    assert.match(plain, /to=l\*\*\*@example\.jp/);
    assert.ok(!plain.includes(to));
    await a.stop();
    const port = await freePort();
    const b = await spawnServe({ db: a.db, keys: a.keys, port, extraArgs: relayArgs() });
    try {
      const m = await sink.waitFor((x) => x.to.includes(to));
      assert.match(m.subject, /テストメール/);
      await until(id, (r) => r.state === 'sent', a.db);
      assert.ok(!b.log().includes(to));
    } finally {
      b.proc.kill('SIGTERM');
      await b.exited;
    }
  } finally {
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('send-pending: STARTTLS is required by default, clear text only when allowed', async () => {
  // the server keeps mail queued (no relay, no development mailbox): the CLI sends it
  const a = await startServer({ extraArgs: ['--no-dev-mailbox'] });
  try {
    const to = 'tls.demo@example.jp';
    const id = queue(to, ['--db', a.db]);
    const base = ['mail', 'send-pending', '--db', a.db, '--smtp-url', sink.url, '--mail-from', FROM, '--mail-retry-base', '1'];
    const out1 = await cliAsync(base);
    assert.match(out1, /sent 0, retry later 1, failed 0/);
    const row = listed(id, a.db);
    assert.equal(row.state, 'queued');
    assert.match(row.last_error, /^curl 64 /, 'use of TLS failed: the sink offers no STARTTLS');
    assert.ok(!sink.messages().some((x) => x.to.includes(to)));
    // due again only after the backoff; with clear text allowed it goes
    // once due (send-pending sends what is due now: wait for it)
    const deadline = Date.now() + 90000;
    let out2 = '';
    while (Date.now() < deadline) {
      out2 = await cliAsync([...base, '--smtp-starttls', 'none']);
      if (/sent 1/.test(out2)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.match(out2, /sent 1, retry later 0, failed 0/);
    await sink.waitFor((x) => x.to.includes(to));
    assert.equal(listed(id, a.db).attempts, 2);
  } finally {
    await a.stop();
  }
});

test('a relay that takes one session at a time: the sessions it refuses cost their messages nothing, the batch goes on over the one it took', async () => {
  // Postfix's smtpd_client_connection_count_limit and many providers'
  // relays answer 421 to a client's sessions beyond a few
  const one = await startSmtpSink({ maxSessions: 1 });
  const a = await startServer({ extraArgs: ['--no-dev-mailbox'] });
  try {
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(queue(`one-session-${i}@example.jp`, ['--db', a.db]));
    // a long back-off: a batch ended by the refusals would leave the rest
    // for a minute, and charge a message an attempt
    const out = await cliAsync(['mail', 'send-pending', '--db', a.db, '--smtp-url', one.url, '--mail-from', FROM,
      '--smtp-starttls', 'none', '--mail-retry-base', '60']);
    assert.match(out, /sent 12, retry later 0, failed 0/);
    assert.ok(one.stats.tooManySessions > 0, 'the sender did try more sessions');
    for (const id of ids) {
      const r = listed(id, a.db);
      assert.equal(r.state, 'sent');
      assert.equal(r.attempts, 1, `message ${id}: no attempt charged for a refused session`);
    }
    assert.equal(one.messages().length, 12);
  } finally {
    await a.stop();
    await one.close();
  }
});

test('send-pending: SMTP AUTH with the credentials of the key file; wrong ones defer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-mail-'));
  const authSink = await startSmtpSink({ auth: { user: 'madoguchi', pass: 'S3cret:with-colon' } });
  const a = await startServer({ dir, extraArgs: ['--no-dev-mailbox'] });
  try {
    const good = join(dir, 'smtp-good.auth'), bad = join(dir, 'smtp-bad.auth'), open = join(dir, 'smtp-open.auth');
    writeFileSync(good, '# relay account\nmadoguchi:S3cret:with-colon\n', { mode: 0o600 });
    writeFileSync(bad, 'madoguchi:wrong\n', { mode: 0o600 });
    writeFileSync(open, 'madoguchi:S3cret:with-colon\n', { mode: 0o644 });
    const to = 'auth.demo@example.jp';
    const id = queue(to, ['--db', a.db]);
    const base = ['mail', 'send-pending', '--db', a.db, '--smtp-url', authSink.url, '--mail-from', FROM,
      '--smtp-starttls', 'none', '--mail-retry-base', '1'];
    // a key file others can read is refused before anything is sent
    await assert.rejects(cliAsync([...base, '--smtp-auth-file', open]), /chmod|600|read/);
    assert.match(await cliAsync([...base, '--smtp-auth-file', bad]), /sent 0, retry later 1, failed 0/);
    assert.equal(authSink.stats.authFailed, 1);
    assert.match(listed(id, a.db).last_error, /^smtp 535\b/);
    let out = '';
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline) {
      out = await cliAsync([...base, '--smtp-auth-file', good]);
      if (/sent 1/.test(out)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.match(out, /sent 1, retry later 0, failed 0/);
    assert.equal(authSink.stats.authOk, 1);
    const m = await authSink.waitFor((x) => x.to.includes(to));
    assert.match(m.text, /テストメールです/);
    assert.equal(listed(id, a.db).state, 'sent');
  } finally {
    await a.stop();
    await authSink.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

// the path and query of the one link in a mail, checked to use the public URL
function linkIn(m, path) {
  const re = new RegExp(`https://demo-ku\\.example\\.jp(${path}\\?token=[0-9a-f]{64})\\r\\n`);
  const x = m.text.match(re);
  assert.ok(x, `no ${path} link in: ${m.text}`);
  return x[1];
}

async function preOf(c, path) {
  return (await c.get(path)).text_.match(/name="pre" value="([^"]+)"/)[1];
}

// register (which logs nobody in: a taken address must look the same as a
// new one), then log in; the login's answer
async function registerAndLogIn(c, email, password) {
  const r = await c.post('/resident/register', { form: { pre: await preOf(c, '/resident/register'), email, password } });
  assert.equal(r.status, 200);
  return c.post('/resident/login', { form: { pre: await preOf(c, '/resident/login'), email, password } });
}

test('registering on a やさしい日本語 page: the mail speaks it (the template auth.email_verify), with the link', async () => {
  const email = 'yasashii.hanako@example.jp';
  const c = new Client(srv.base);
  await c.get('/lang?to=ja-easy&next=/');
  const r = await c.post('/resident/register',
    { form: { pre: await preOf(c, '/resident/register'), email, password: 'Yasashii-Mado-2026' } });
  assert.equal(r.status, 200);
  const m = await sink.waitFor((x) => x.to.includes(email));
  assert.equal(m.subject, '【デモ区】メールアドレスの かくにん');
  assert.match(m.text, /デモ区 の インターネットの てつづきに とうろく して くれて/);
  assert.match(m.text, /48じかん つかえます/);
  assert.doesNotMatch(m.text, /48時間有効|Thank you/);
  linkIn(m, '/resident/verify');
});

test('registration mails a confirmation link; following it only shows a form, the button confirms once', async () => {
  const email = 'kakunin.taro@example.jp';
  const c = new Client(srv.base);
  const r = await registerAndLogIn(c, email, 'Kakunin-Mado-2026');
  assert.equal(r.status, 303);
  let my = await c.get('/mypage');
  assert.match(my.text_, /id="email-status">未確認/);
  const m = await sink.waitFor((x) => x.to.includes(email));
  assert.equal(m.subject, '【デモ区】メールアドレスの確認');
  assert.match(m.text, /48時間有効/);
  const link = linkIn(m, '/resident/verify');
  // a link scanner's GET changes nothing
  const anon = new Client(srv.base);
  const page = await anon.get(link);
  assert.equal(page.status, 200);
  assert.match(page.text_, /action="\/resident\/verify"/);
  my = await c.get('/mypage');
  assert.match(my.text_, /id="email-status">未確認/);
  const token = link.split('token=')[1];
  const done = await anon.post('/resident/verify', { form: { token } });
  assert.equal(done.status, 200);
  assert.match(done.text_, /メールアドレスを確認しました/);
  my = await c.get('/mypage');
  assert.match(my.text_, /id="email-status">確認済み/);
  assert.ok(!my.text_.includes('/resident/verify/resend'));
  // single use; a wrong or malformed token is refused the same way
  assert.equal((await anon.post('/resident/verify', { form: { token } })).status, 404);
  assert.equal((await anon.get(link)).status, 404);
  assert.equal((await anon.post('/resident/verify', { form: { token: 'f'.repeat(64) } })).status, 404);
  assert.equal((await anon.get('/resident/verify?token=xyz')).status, 400);
});

test('an unconfirmed resident can have the link sent again from my page', async () => {
  const email = 'saisou.hanako@example.jp';
  const c = new Client(srv.base);
  assert.equal((await registerAndLogIn(c, email, 'Saisou-Mado-2026')).status, 303);
  const first = await sink.waitFor((x) => x.to.includes(email));
  const my = await c.get('/mypage');
  const csrf = my.text_.match(/action="\/resident\/verify\/resend">\s*<input type="hidden" name="csrf" value="([^"]+)"/)[1];
  const r = await c.post('/resident/verify/resend', { form: { csrf } });
  assert.equal(r.status, 200);
  const second = await sink.waitFor((x) => x.to.includes(email) && x.id !== first.id);
  assert.notEqual(linkIn(first, '/resident/verify'), linkIn(second, '/resident/verify'));
  // a stranger's address registered by someone else cannot be flooded: five an hour
  for (let i = 0; i < 3; i++) assert.equal((await c.post('/resident/verify/resend', { form: { csrf } })).status, 200);
  const limited = await c.post('/resident/verify/resend', { form: { csrf } });
  assert.equal(limited.status, 429);
  assert.match(limited.text_, /しばらくしてから/);
  // without the CSRF token, or without a session, nothing is sent
  assert.notEqual((await c.post('/resident/verify/resend', { form: {} })).status, 200);
  assert.equal((await new Client(srv.base).post('/resident/verify/resend', { form: { csrf } })).status, 303);
});

test('password reset by e-mail: same answer for unknown addresses, one mail per interval, single-use link, sessions ended', async () => {
  const email = 'wasureta.jiro@example.jp', oldPw = 'Wasureta-Mado-2026', newPw = 'Atarashii-Kagi-2027';
  const c = new Client(srv.base);
  assert.equal((await registerAndLogIn(c, email, oldPw)).status, 303);
  assert.equal((await c.get('/mypage')).status, 200);
  const login = await new Client(srv.base).get('/resident/login');
  assert.match(login.text_, /href="\/resident\/reset"/);

  const ask = async (addr) => {
    const x = new Client(srv.base);
    const form = await x.get('/resident/reset');
    assert.equal(form.status, 200);
    return x.post('/resident/reset', { form: { pre: form.text_.match(/name="pre" value="([^"]+)"/)[1], email: addr } });
  };
  const known = await ask(email);
  const unknown = await ask('nobody.here@example.jp');
  assert.equal(known.status, 200);
  assert.equal(unknown.status, known.status);
  assert.equal(unknown.text_.replace(/<input[^>]*>/g, ''), known.text_.replace(/<input[^>]*>/g, ''), 'no account enumeration');
  await ask(email);   // again at once: no second mail
  const resets = () => cli(['mail', 'list', '--db', srv.db, '--json', '--show-recipient']).trim().split('\n')
    .map((l) => JSON.parse(l)).filter((r) => r.subject.includes('パスワードの再設定'));
  assert.deepEqual(resets().map((r) => r.to), [email], 'one reset mail, none for the unknown address');

  const m = await sink.waitFor((x) => x.to.includes(email) && x.subject.includes('パスワードの再設定'));
  assert.match(m.text, /1時間有効/);
  const link = linkIn(m, '/resident/reset/confirm');
  const token = link.split('token=')[1];
  const x = new Client(srv.base);
  const form = await x.get(link);
  assert.equal(form.status, 200);
  assert.match(form.text_, /autocomplete="new-password"/);
  // a weak password is refused and the link stays usable
  const weak = await x.post('/resident/reset/confirm', { form: { token, password: 'password' } });
  assert.equal(weak.status, 400);
  assert.match(weak.text_, /このパスワードは使えません/);
  const ok = await x.post('/resident/reset/confirm', { form: { token, password: newPw } });
  assert.equal(ok.status, 200);
  assert.match(ok.text_, /パスワードを再設定しました/);
  assert.equal((await x.post('/resident/reset/confirm', { form: { token, password: 'Mou-Ichido-2028' } })).status, 404, 'single use');
  // the session from before the reset is gone; the old password no longer works, the new one does
  assert.equal((await c.get('/mypage')).status, 303);
  const l1 = new Client(srv.base);
  assert.equal((await l1.post('/resident/login', { form: { pre: await preOf(l1, '/resident/login'), email, password: oldPw } })).status, 401);
  const l2 = new Client(srv.base);
  assert.equal((await l2.post('/resident/login', { form: { pre: await preOf(l2, '/resident/login'), email, password: newPw } })).status, 303);
});

test('on PostgreSQL too: delivery, a retry after 451, a 550', { skip: !process.env.MADOGUCHI_PG_URL && 'needs the suite PostgreSQL (MADOGUCHI_PG_URL)' }, async () => {
  const base = process.env.MADOGUCHI_PG_URL;
  const schema = `mg_mail_http_${process.pid}_${Date.now()}`;
  execFileSync('psql', [base, '-qc', `CREATE SCHEMA ${schema}`]);
  const a = await startServer({ db: `${base}?options=-csearch_path%3D${schema}`, extraArgs: relayArgs() });
  try {
    const ok = 'pg.demo@example.jp', retry = 'pg.retry@example.jp', bounce = 'bounce.pg@example.jp';
    const id1 = queue(ok, ['--db', a.db]);
    const m = await sink.waitFor((x) => x.to.includes(ok));
    assert.match(m.subject, /テストメール/);
    await until(id1, (r) => r.state === 'sent', a.db);
    sink.setTempFail(1, 'rcpt');
    const id2 = queue(retry, ['--db', a.db]);
    await sink.waitFor((x) => x.to.includes(retry));
    assert.equal((await until(id2, (r) => r.state === 'sent', a.db)).attempts, 2);
    const id3 = queue(bounce, ['--db', a.db]);
    assert.match((await until(id3, (r) => r.state === 'failed', a.db)).last_error, /^smtp 550\b/);
    assert.ok(!a.log().includes('@example.jp'));
  } finally {
    await a.stop();
    execFileSync('psql', [base, '-qc', `DROP SCHEMA ${schema} CASCADE`]);
  }
});

test('the server log holds ids and codes, never an address or a subject', async () => {
  const log = srv.log();
  assert.match(log, /mail sent/);
  assert.match(log, /mail_id="\d+"/);
  assert.match(log, /smtp="451"/);
  assert.match(log, /smtp="550"/);
  for (const s of ['hanako.demo', 'retry.demo', 'retry.data', 'bounce.demo', 'after.bounce', 'kakunin.taro', 'saisou.hanako',
    'wasureta.jiro', 'nobody.here', '@example.jp', 'テストメール', '児童手当', 'token='])
    assert.ok(!log.includes(s), `log contains ${s}`);
  // nor does the job queue (payloads are stored in clear)
  const jobs = cli(['job', 'list', '--db', srv.db, '--kind', 'mail.send', '--json']);
  assert.ok(jobs.includes('mail.send'));
  assert.ok(!jobs.includes('@example.jp'));
});
