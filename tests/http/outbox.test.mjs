// outbox.test.mjs -- mail that arrives: a server without an SMTP relay
// delivers to the development mailbox, which staff holding mail.read read
// at /staff/outbox (every read audited; others get 403); the confirmation
// link of a registration uses the listen address with its port and
// confirms the address; the staff home warns when mail waits unsent (no
// relay and --no-dev-mailbox) or the relay fails, and not in the demo
// ward's normal case; mail about an application goes to the address the
// resident typed in the form (through the SMTP sink); with a relay the
// outbox hides the tokens of mailed links; and `madoguchi demo`
// on a fresh database leaves published procedures and datasets and prints
// the logins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, DEMO, DEMO_USERS, registerAndLogin, loginWithTotp, passwordLogin,
  startSmtpSink, multipartBody, freePort } from './lib.mjs';

let srv;           // no relay: the development mailbox
let admin;
before(async () => {
  srv = await startServer();
  admin = new Client(srv.base);
  const r = await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  assert.ok(r.status === 200 || r.status === 303, `admin login ${r.status}`);
});
after(async () => { await srv?.stop(); });

function auditOf(db, login) {
  return cli(['audit', 'query', '--db', db, '--actor', login, '--json']).trim().split('\n')
    .filter(Boolean).map((l) => JSON.parse(l));
}

// the outbox row (id, its cells' text) of the newest message to `to`,
// waiting (bounded) until pred holds for it
async function outboxRow(c, to, pred = () => true) {
  const deadline = Date.now() + 15000;
  for (;;) {
    const page = await c.get('/staff/outbox');
    assert.equal(page.status, 200);
    const rows = [...page.text_.matchAll(/<tr><td>(\d+)<\/td>([\s\S]*?)<\/tr>/g)]
      .map((m) => ({ id: Number(m[1]), html: m[2] }))
      .filter((x) => x.html.includes(`<td>${to}</td>`));
    if (rows.length && pred(rows[0])) return rows[0];
    if (Date.now() > deadline) throw new Error(`no outbox row for ${to} as expected: ${JSON.stringify(rows)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

test('no relay: the confirmation mail reaches the development mailbox, its link (listen address with port) confirms the address', async () => {
  assert.match(srv.log(), /no SMTP relay configured: e-mail is delivered to the development mailbox/);
  const email = 'kaihatsu.hanako@example.jp';
  const resident = await registerAndLogin(srv.base, email, 'Kaihatsu-Mado-2026');
  assert.match((await resident.get('/mypage')).text_, /id="email-status">未確認/);
  const row = await outboxRow(admin, email, (x) => /開発用メールボックスに配達済み/.test(x.html));
  assert.match(row.html, /mail-state-devbox/);
  assert.match(row.html, /<td>1<\/td>/, 'one attempt counted');
  const view = await admin.get(`/staff/outbox/${row.id}`);
  assert.equal(view.status, 200);
  assert.match(view.text_, new RegExp(`<th scope="row">To</th><td>${email}</td>`));
  assert.match(view.text_, /<th scope="row">Subject<\/th><td>【デモ区】メールアドレスの確認/);
  assert.match(view.text_, /<th scope="row">Message-ID<\/th><td>&lt;[0-9a-f]{32}\.\d+@localhost&gt;/);
  // the link is clickable and uses the address the server listens on, its port included
  const m = view.text_.match(/<a href="(http:\/\/127\.0\.0\.1:(\d+)\/resident\/verify\?token=[0-9a-f]{64})">/);
  assert.ok(m, `a clickable confirmation link: ${view.text_.slice(0, 3000)}`);
  assert.equal(Number(m[2]), srv.port);
  // following it (GET shows the form, the POST confirms)
  const anon = new Client(srv.base);
  const form = await anon.get(m[1].slice(srv.base.length));
  assert.equal(form.status, 200);
  const token = m[1].split('token=')[1];
  const done = await anon.post('/resident/verify', { form: { token } });
  assert.equal(done.status, 200);
  assert.match(done.text_, /メールアドレスを確認しました/);
  assert.match((await resident.get('/mypage')).text_, /id="email-status">確認済み/);
  // both reads were audited: the list by municipality, the message by id
  const recs = auditOf(srv.db, 'demo-admin');
  assert.ok(recs.some((x) => x.action === 'data.read' && x.object_type === 'mail_outbox' && x.object_id === DEMO));
  assert.ok(recs.some((x) => x.action === 'data.read' && x.object_type === 'mail' && x.object_id === String(row.id)));
  // filtered by state; an unknown message is 404
  const sent = await admin.get('/staff/outbox?state=sent');
  assert.match(sent.text_, new RegExp(`href="/staff/outbox/${row.id}"`));
  const queued = await admin.get('/staff/outbox?state=queued');
  assert.doesNotMatch(queued.text_, new RegExp(`href="/staff/outbox/${row.id}"`));
  assert.equal((await admin.get('/staff/outbox?state=nonsense')).status, 400);
  assert.equal((await admin.get('/staff/outbox/999999')).status, 404);
  // the demo ward's normal case: no warning on the staff home
  assert.doesNotMatch((await admin.get('/staff')).text_, /id="mail-warning"/);
});

test('the ward `madoguchi demo` made serves its procedures and open data', async () => {
  const c = new Client(srv.base);
  assert.match((await c.get('/procedures')).text_, /href="\/procedures\/gairotou-koshou"/);
  const ckan = JSON.parse((await c.get('/api/3/action/package_search?rows=1')).text_);
  assert.ok(ckan.result.count >= 7, `datasets: ${ckan.result.count}`);
});

test('the outbox needs mail.read: the viewer and a department member get 403, a resident and a visitor are sent to log in', async () => {
  const viewer = new Client(srv.base);
  assert.equal((await passwordLogin(viewer, ...DEMO_USERS.viewer)).status, 303);
  assert.equal((await viewer.get('/staff/outbox')).status, 403);
  assert.equal((await viewer.get('/staff/outbox/1')).status, 403);
  assert.doesNotMatch((await viewer.get('/staff')).text_, /href="\/staff\/outbox"/, 'not in the viewer\'s menu');
  assert.match((await admin.get('/staff')).text_, /href="\/staff\/outbox"/, 'in the administrator\'s menu');
  const staff = new Client(srv.base);
  await loginWithTotp(staff, ...DEMO_USERS.staff, {});
  assert.equal((await staff.get('/staff/outbox')).status, 403);
  const anon = await new Client(srv.base).get('/staff/outbox');
  assert.equal(anon.status, 303);
  const resident = await registerAndLogin(srv.base, 'outbox.resident@example.jp', 'Outbox-Mado-2026');
  assert.notEqual((await resident.get('/staff/outbox')).status, 200);
  assert.equal(auditOf(srv.db, 'demo-viewer').filter((x) => x.object_type === 'mail_outbox').length, 0);
});

test('the staff home warns when mail waits unsent: no relay with --no-dev-mailbox, or a relay that refuses connections', async () => {
  // no relay, mail kept queued
  const a = await startServer({ extraArgs: ['--no-dev-mailbox'] });
  try {
    assert.match(a.log(), /no SMTP relay configured: e-mail stays queued/);
    const c = new Client(a.base);
    await loginWithTotp(c, ...DEMO_USERS.admin, {});
    assert.doesNotMatch((await c.get('/staff')).text_, /id="mail-warning"/, 'nothing waits yet');
    cli(['mail', 'test', '--db', a.db, '--to', 'machi.hanako@example.jp', '--tenant', DEMO]);
    const home = await c.get('/staff');
    assert.match(home.text_, /id="mail-warning"/);
    assert.match(home.text_, /1 件のメールが送られずに待っています/);
    assert.match(home.text_, /<div class="notice" role="status" id="mail-warning">[\s\S]*href="\/staff\/outbox"/);
    const row = await outboxRow(c, 'machi.hanako@example.jp');
    assert.match(row.html, /送信待ち/);
  } finally {
    await a.stop();
  }
  // a relay nobody answers at: the attempt fails, is retried later, the home warns
  const closed = await freePort();
  const b = await startServer({ extraArgs: ['--smtp-url', `smtp://127.0.0.1:${closed}`, '--mail-from', 'noreply@demo-ku.example.jp',
    '--smtp-starttls', 'none', '--mail-retry-base', '600'] });
  try {
    const c = new Client(b.base);
    await loginWithTotp(c, ...DEMO_USERS.admin, {});
    cli(['mail', 'test', '--db', b.db, '--to', 'todokanai.taro@example.jp', '--tenant', DEMO]);
    const row = await outboxRow(c, 'todokanai.taro@example.jp', (x) => /curl 7/.test(x.html));
    assert.match(row.html, /送信待ち/);
    const home = await c.get('/staff');
    assert.match(home.text_, /id="mail-warning"/);
    assert.match(home.text_, /再送待ち 1 件、失敗 0 件/);
    // with a relay the mail is meant for the resident alone: the outbox
    // hides the token of its link (staff cannot use a resident's link)
    await registerAndLogin(b.base, 'kakusu.hanako@example.jp', 'Kakusu-Mado-2026');
    const vrow = await outboxRow(c, 'kakusu.hanako@example.jp');
    const view = await c.get(`/staff/outbox/${vrow.id}`);
    assert.match(view.text_, /\/resident\/verify\?token=\*{8}/);
    assert.doesNotMatch(view.text_, /token=[0-9a-f]{64}/);
    assert.doesNotMatch(view.text_, /<a href="[^"]*token=/);
  } finally {
    await b.stop();
  }
});

test('mail about an application goes to the address typed in the form, with a link on the public URL', async () => {
  const sink = await startSmtpSink();
  const s = await startServer({ extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp',
    '--smtp-starttls', 'none', '--public-url', 'https://demo-ku.example.jp/'] });
  try {
    const a = new Client(s.base);
    const form = await a.get('/resident/login');
    const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
    assert.equal((await a.post('/resident/login', { form: { pre, email: 'demo-taro@example.jp', password: 'Hinode-Kumin-2026' } })).status, 303);
    // 街路灯の故障 (published by demo itself): a reply wanted, to this address
    const ov = await a.get('/procedures/gairotou-koshou');
    assert.equal(ov.status, 200);
    const st = await a.post('/procedures/gairotou-koshou/start', { form: { csrf: Client.csrf(ov.text_) } });
    const id = st.headers.get('location').match(/^\/drafts\/(\d+)\/page\/0$/)[1];
    const p0 = await a.get(`/drafts/${id}/page/0`);
    const csrf = Client.csrf(p0.text_);
    const shown = p0.text_.match(/name="_shown" value="([^"]*)"/)[1];
    const typed = 'henshin.saki@example.jp';
    const r = await a.post(`/drafts/${id}/page/0`, multipartBody({ csrf, _shown: `${shown} reply_email`,
      'f.location': 'デモ区役所前の交差点', 'f.state': 'off', 'f.wants_reply': 'yes', 'f.reply_email': typed,
      _action: 'next' }));
    assert.equal(r.status, 303, `the page is complete: ${r.status}`);
    const confirm = await a.get(`/drafts/${id}/confirm`);
    const sub = await a.post(`/drafts/${id}/submit`, multipartBody({ csrf: Client.csrf(confirm.text_) }));
    assert.equal(sub.status, 303);
    const receipt = sub.headers.get('location').match(/submissions\/([0-9-]+)/)[1];
    const mail = await sink.waitFor((x) => x.subject.includes(receipt));
    assert.ok(mail.to.includes(typed), `to the typed address: ${mail.to}`);
    assert.ok(!mail.to.includes('demo-taro@example.jp'));
    assert.match(mail.text, new RegExp(`https://demo-ku\\.example\\.jp/submissions/${receipt}`));
  } finally {
    try { await s.stop(); } finally { await sink.close(); }
  }
});

test('madoguchi demo on a fresh database: published procedures, datasets, the logins printed; again: nothing new', () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-demo-'));
  try {
    const db = `sqlite:${join(dir, 'var', 'demo.db')}`;   // var/ does not exist yet
    const out = cli(['demo', '--db', db, '--key-dir', join(dir, 'var', 'keys')]);
    for (const [login, pw] of Object.values(DEMO_USERS)) assert.match(out, new RegExp(`${login}\\s+/ ${pw}`));
    assert.match(out, /demo-taro@example\.jp\s+\/ Hinode-Kumin-2026/);
    assert.match(out, /\/staff\/outbox/);
    const procs = cli(['procedure', 'list', '--db', db, '--tenant', DEMO]).trim().split('\n');
    assert.ok(procs.length >= 30, `published procedures: ${procs.length}`);
    assert.ok(procs.some((l) => /\tgairotou-koshou\tv1\t/.test(l)));
    assert.match(out, /データセット [1-9]\d* 件（新規 [1-9]\d* 件）/);
    const again = cli(['demo', '--db', db, '--key-dir', join(dir, 'var', 'keys')], { stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(again, /（新規 0 件）/);
    assert.doesNotMatch(again, /（新規 [1-9]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
