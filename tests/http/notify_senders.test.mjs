// notify_senders.test.mjs -- the platform's own messages come from the
// message templates of svc/notify (issue 20 item 8), through a real SMTP
// conversation (tests/smtp_sink.mjs):
//   - registration's address check, the "address taken" notice and the
//     password reset are rendered from auth.email_verify, auth.email_taken
//     and auth.password_reset in the page's language (English here), with
//     their link, and without the other language;
//   - a staff edit of auth.email_verify (/staff/notify/templates) changes
//     the next registration's mail;
//   - an application submitted from the English pages gets apply.received
//     in English: receipt number, the procedure's English title, the link;
//   - the editor lists every template these senders use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, DEMO, DEMO_USERS, loginWithTotp, startSmtpSink } from './lib.mjs';

const PUBLIC = 'https://demo-ku.example.jp';
let sink, srv, admin;

before(async () => {
  sink = await startSmtpSink();
  srv = await startServer({
    setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', DEMO, 'data/procedures']),
    extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp', '--smtp-starttls', 'none',
      '--public-url', PUBLIC + '/'],
  });
  admin = new Client(srv.base);
  assert.equal((await loginWithTotp(admin, ...DEMO_USERS.admin, {})).status, 200);
});

after(async () => {
  await srv?.stop();
  await sink?.close();
});

const preOf = async (c, path) => (await c.get(path)).text_.match(/name="pre" value="([^"]+)"/)[1];
const english = async () => {
  const c = new Client(srv.base);
  await c.get('/lang?to=en&next=/');
  return c;
};
const register = async (c, email, password) => {
  const r = await c.post('/resident/register', { form: { pre: await preOf(c, '/resident/register'), email, password } });
  assert.equal(r.status, 200);
};
// the one link of a mail, on the public URL
const linkIn = (m, path) => {
  const x = m.text.match(new RegExp(`${PUBLIC.replace(/\./g, '\\.')}(${path}\\?token=[0-9a-f]{64})\\r?\\n`));
  assert.ok(x, `no ${path} link in: ${m.text}`);
  return x[1];
};

test('the editor lists every template the senders use', async () => {
  const r = await admin.get('/staff/notify/templates');
  assert.equal(r.status, 200);
  for (const id of ['auth.email_verify', 'auth.email_taken', 'auth.password_reset', 'staff.account_reset',
    'apply.received', 'apply.state_changed', 'lifeevent.bundle_received', 'waste.reminder'])
    assert.match(r.text_, new RegExp(`href="/staff/notify/templates/${id.replace('.', '\\.')}"`), id);
  const ed = await admin.get('/staff/notify/templates/lifeevent.bundle_received');
  assert.equal(ed.status, 200);
  for (const f of ['ward', 'count', 'receipts', 'url'])
    assert.match(ed.text_, new RegExp(`<code>\\(\\(${f}\\)\\)</code>`));
});

test('registration, a taken address and a password reset on English pages: the templates in English, with their links', async () => {
  const email = 'english.hanako@example.jp';
  const c = await english();
  await register(c, email, 'English-Mado-2026');
  const v = await sink.waitFor((x) => x.to.includes(email));
  assert.equal(v.subject, '[Demo Ward] Confirm your e-mail address');
  assert.match(v.text, /Thank you for registering with the online services of Demo Ward\./);
  assert.match(v.text, /valid for 48 hours/);
  assert.doesNotMatch(v.text + v.subject, /確認|デモ区/);
  const verify = linkIn(v, '/resident/verify');
  assert.equal((await new Client(srv.base).post('/resident/verify', { form: { token: verify.split('token=')[1] } })).status, 200);

  // the same address registered again: the "taken" notice, in English
  await register(await english(), email, 'Another-Mado-2026');
  const t = await sink.waitFor((x) => x.to.includes(email) && /registration with your address/.test(x.subject));
  assert.equal(t.subject, '[Demo Ward] About a registration with your address');
  linkIn(t, '/resident/reset/confirm');

  // a reset asked later (one reset link per hour: the taken notice was
  // one), so a new account for the reset
  const email2 = 'english.taro@example.jp';
  await register(await english(), email2, 'English-Taro-2026');
  await sink.waitFor((x) => x.to.includes(email2));
  const x = await english();
  const ask = await x.post('/resident/reset', { form: { pre: await preOf(x, '/resident/reset'), email: email2 } });
  assert.equal(ask.status, 200);
  const m = await sink.waitFor((y) => y.to.includes(email2) && /Reset your password/.test(y.subject));
  assert.equal(m.subject, '[Demo Ward] Reset your password');
  assert.match(m.text, /valid for 1 hour/);
  assert.doesNotMatch(m.text, /再設定/);
  linkIn(m, '/resident/reset/confirm');
});

test('a staff edit of auth.email_verify changes the next registration mail', async () => {
  const PATH = '/staff/notify/templates/auth.email_verify';
  const ed = await admin.get(PATH);
  assert.equal(ed.status, 200);
  const saved = await admin.post(PATH, { form: {
    csrf: Client.csrf(ed.text_), base: ed.text_.match(/name="base" value="(\d+)"/)[1], action: 'save', note: 'test',
    subject_ja: '【((ward))】ご登録のアドレスの確認（改訂）', body_ja: '改訂した文面です。\n((url))\n',
    subject_en: '[((ward))] Please confirm (revised)', body_en: 'Revised text.\n((url))\n',
    subject_easy: '', body_easy: '' } });
  assert.equal(saved.status, 303, saved.text_);
  const ja = 'kaitei.hanako@example.jp';
  await register(new Client(srv.base), ja, 'Kaitei-Mado-2026');
  const m = await sink.waitFor((x) => x.to.includes(ja));
  assert.equal(m.subject, '【デモ区】ご登録のアドレスの確認（改訂）');
  assert.match(m.text, /^改訂した文面です。\r?\n/);
  linkIn(m, '/resident/verify');
  // やさしい日本語 left empty: the Japanese
  const easy = 'kaitei.jiro@example.jp';
  const c = new Client(srv.base);
  await c.get('/lang?to=ja-easy&next=/');
  await register(c, easy, 'Kaitei-Jiro-2026');
  assert.equal((await sink.waitFor((x) => x.to.includes(easy))).subject, '【デモ区】ご登録のアドレスの確認（改訂）');
  const en = 'revised.taro@example.jp';
  await register(await english(), en, 'Revised-Taro-2026');
  const me = await sink.waitFor((x) => x.to.includes(en));
  assert.equal(me.subject, '[Demo Ward] Please confirm (revised)');
  assert.match(me.text, /^Revised text\.\r?\n/);
});

test('an application submitted from the English pages: apply.received in English with receipt, title and link', async () => {
  const c = await english();
  const login = await c.post('/resident/login',
    { form: { pre: await preOf(c, '/resident/login'), email: 'demo-taro@example.jp', password: 'Hinode-Kumin-2026' } });
  assert.equal(login.status, 303);
  const ov = await c.get('/procedures/shinseiji-houmon');
  const start = await c.post('/procedures/shinseiji-houmon/start', { form: { csrf: Client.csrf(ov.text_) } });
  assert.equal(start.status, 303);
  const id = start.headers.get('location').match(/^\/drafts\/(\d+)\//)[1];
  const csrf = Client.csrf((await c.get(`/drafts/${id}/page/0`)).text_);
  const day = (n) => new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
  const p0 = await c.post(`/drafts/${id}/page/0`, { form: { csrf, _shown: 'baby_name baby_birth birth_weight weeks',
    'f.baby_name.family': '区民', 'f.baby_name.given': '花子', 'f.baby_name.family_kana': 'くみん',
    'f.baby_name.given_kana': 'ハナコ', 'f.baby_birth': day(-10), 'f.birth_weight': '3000', 'f.weeks': '39', _action: 'next' } });
  assert.equal(p0.status, 303);
  const p1 = await c.post(`/drafts/${id}/page/1`, { form: { csrf, _shown: 'mother_name visit_address phone wish_period return_date',
    'f.mother_name.family': '区民', 'f.mother_name.family_kana': 'クミン',
    'f.visit_address.postal_code': '1668570', 'f.visit_address.pref': '東京都', 'f.visit_address.city': 'デモ区',
    'f.visit_address.street': '1-2-3', 'f.phone': '03-1234-5678', 'f.wish_period': 'after_return',
    'f.return_date': day(20), _action: 'next' } });
  assert.equal(p1.status, 303);
  assert.equal(p1.headers.get('location'), `/drafts/${id}/confirm`);
  const confirm = await c.get(`/drafts/${id}/confirm`);
  const sub = await c.post(`/drafts/${id}/submit`, { form: { csrf: Client.csrf(confirm.text_) } });
  assert.equal(sub.status, 303);
  const receipt = sub.headers.get('location').match(/^\/submissions\/(139998-\d{4}-\d{8})/)[1];
  const m = await sink.waitFor((x) => x.subject.includes(receipt));
  assert.deepEqual(m.to, ['demo-taro@example.jp']);
  assert.equal(m.subject, `[Demo Ward] Application received (${receipt})`);
  assert.match(m.text, new RegExp(`Receipt number: ${receipt}`));
  assert.match(m.text, /Procedure: Birth notice and newborn home visit request/);
  assert.match(m.text, new RegExp(`\\n${PUBLIC.replace(/\./g, '\\.')}/submissions/${receipt}\\r?\\n`));
  assert.doesNotMatch(m.text, /受付番号|花子|3000/);
});
