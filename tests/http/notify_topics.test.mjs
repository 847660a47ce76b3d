// notify_topics.test.mjs -- topics by the channel each resident chose, from
// the browser's side of the server: a resident with no confirmed e-mail but
// a verified SMS number (the provider's test double,
// tests/doubles/sms_gateway.mjs, its own process) subscribes to news and to
// an area's disaster alerts by SMS on My page; a member of staff sends a
// disaster alert from /staff/notify/send (check: counts per channel and the
// texts; send: queued, audited), and the SMS reaches the provider with the
// resident's own unsubscribe link, which ends that subscription from the
// link alone.  The form's refusals (an emergency that is not a disaster
// alert, a bad area, no title, no CSRF token, no permission) change nothing.
// A notice published from the news editor with "send to subscribers" goes
// to the subscribers of news in the transaction that publishes it (a
// draft or a notice starting later is refused), audited with the counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, registerAndLogin, loginWithTotp, ROOT, DEMO_USERS } from './lib.mjs';

const SID = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'madoguchi_sms_test_token_0002';
const FROM = '+815012340000';
const PUBLIC = 'https://demo-ku.example.jp';
const NUMBER = '+819011223344';

let srv, gw, dir, admin, resident;

function startGateway() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/sms_gateway.mjs'), '--port', '0',
      '--key-file', join(dir, 'sms.key')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => reject(new Error(`sms_gateway exited ${code}: ${out}`)));
  });
}

const gwMode = async (m) => (await fetch(gw.base + '/_control/mode', { method: 'POST', body: JSON.stringify(m) })).json();
const gwMessages = async () => (await (await fetch(gw.base + '/_control/messages')).json()).messages;

async function waitSms(pred) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    const got = (await gwMessages()).find(pred);
    if (got) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-topics-'));
  mkdirSync(join(dir, 'srv'));
  writeFileSync(join(dir, 'sms.key'), `${SID}:${TOKEN}\n`, { mode: 0o600 });
  gw = await startGateway();
  await gwMode({ send: 'ok', receipt: 'delivered', delay_ms: 0 });
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined, dir: join(dir, 'srv'),
    extraArgs: ['--sms-url', gw.base, '--sms-key-file', join(dir, 'sms.key'), '--sms-from', FROM,
      '--public-url', PUBLIC + '/'],
  });
  admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  // a resident whose e-mail is not confirmed verifies a mobile number
  resident = await registerAndLogin(srv.base, 'topics-sms@example.org', 'Bangou-Topic-2026');
  const page = await resident.get('/mypage/notifications/sms');
  const csrf = Client.csrf(page.text_);
  assert.equal((await resident.post('/mypage/notifications/sms',
    { form: { csrf, action: 'send', phone: '090-1122-3344' } })).status, 200);
  const m = await waitSms((x) => x.to === NUMBER);
  assert.ok(m, 'the code went by SMS');
  const ok = await resident.post('/mypage/notifications/sms',
    { form: { csrf, action: 'verify', code: m.body.match(/(\d{6})/)[1] } });
  assert.equal(ok.status, 200);
});

after(async () => {
  if (srv) await srv.stop();
  if (gw) gw.proc.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('My page offers the SMS number for every topic, and keeps the choice', async () => {
  let p = await resident.get('/mypage/notifications');
  assert.equal(p.status, 200);
  assert.doesNotMatch(p.text_, /id="subs-unverified"/);
  assert.match(p.text_, /name="news_sms"/);
  assert.match(p.text_, /name="disaster_sms"/);
  assert.match(p.text_, new RegExp(`SMS（\\${NUMBER}）`));
  // no e-mail checkbox: the address is not confirmed
  assert.doesNotMatch(p.text_, /name="news" value="1"/);
  // a resident's own messages (their application, their bulky-waste day) too
  assert.match(p.text_, /name="waste_sms"/);
  assert.match(p.text_, /name="apply_sms"/);
  // no LINE box: LINE is not linked (nor offered by this server)
  assert.doesNotMatch(p.text_, /name="news_line"/);
  const csrf = Client.csrf(p.text_);
  // an e-mail box posted anyway is not saved (no confirmed address)
  const r = await resident.post('/mypage/notifications',
    { form: { csrf, news: '1', news_sms: '1', disaster_sms: '1', area: 'chuo' } });
  assert.equal(r.status, 303);
  p = await resident.get('/mypage/notifications');
  assert.match(p.text_, /name="news_sms" value="1"[^>]*checked/);
  assert.match(p.text_, /name="disaster_sms" value="1"[^>]*checked/);
  assert.match(p.text_, /value="chuo"/);
  assert.doesNotMatch(p.text_, /name="news" value="1"/);
});

test('staff check and send a disaster alert; it reaches the SMS subscriber with their own unsubscribe link', async () => {
  const form = await admin.get('/staff/notify/send');
  assert.equal(form.status, 200);
  const csrf = Client.csrf(form.text_);
  // a text of two lines, as a browser sends a textarea (CRLF)
  const fields = { csrf, kind: 'disaster', area: 'chuo', title: '避難指示',
    text: '川の水位が上がっています。\r\nすぐに避難してください。', emergency: '1' };
  const check = await admin.post('/staff/notify/send', { form: { ...fields, action: 'check' } });
  assert.equal(check.status, 200);
  assert.match(check.text_, /id="send-counts">配信先 disaster\.chuo: メール 0 人、SMS 1 人、LINE 0 人/);
  assert.match(check.text_, /id="send-preview-sms">【緊急・デモ区】中央地区: 避難指示\n停止: https:\/\/demo-ku\.example\.jp\/unsubscribe\/0{64}</);
  assert.match(check.text_, /id="send-emergency"/);
  assert.match(check.text_, /id="send-preview-line">[^<]*川の水位が上がっています。\nすぐに避難してください。/);
  // 直す: the form again with what was typed
  const edit = await admin.post('/staff/notify/send', { form: { ...fields, action: 'edit' } });
  assert.equal(edit.status, 200);
  assert.match(edit.text_, /id="send-check"/);
  assert.match(edit.text_, /value="避難指示"/);
  assert.doesNotMatch(edit.text_, /id="send-go"/);
  // checking sends nothing
  const before = (await gwMessages()).length;
  const sent = await admin.post('/staff/notify/send', { form: { ...fields, action: 'send' } });
  // a redirect: reloading the answer sends nothing again
  assert.equal(sent.status, 303);
  const done = await admin.get(sent.headers.get('location'));
  assert.equal(done.status, 200);
  assert.match(done.text_, /id="send-notice">disaster\.chuo に送信しました（送信待ちに入れました）: メール 0 件、SMS 1 件、LINE 0 件。/);
  const m = await waitSms((x) => x.to === NUMBER && x.body.startsWith('【緊急・デモ区】'));
  assert.ok(m, 'the alert reached the provider');
  assert.ok((await gwMessages()).length > before);
  const link = m.body.match(/停止: (https:\/\/demo-ku\.example\.jp\/unsubscribe\/([0-9a-f]{64}))$/);
  assert.ok(link, m.body);
  // the link alone (no login, no cookie) ends the SMS subscription
  const anon = new Client(srv.base);
  const g = await anon.get(`/unsubscribe/${link[2]}`);
  assert.equal(g.status, 200);
  assert.match(g.text_, /災害の緊急のお知らせ（中央地区）（SMS で受け取り）/);
  assert.equal((await anon.post(`/unsubscribe/${link[2]}`, { form: {} })).status, 200);
  assert.equal((await anon.get(`/unsubscribe/${link[2]}`)).status, 404);
  const p = await resident.get('/mypage/notifications');
  assert.doesNotMatch(p.text_, /name="disaster_sms" value="1"[^>]*checked/);
  assert.match(p.text_, /name="news_sms" value="1"[^>]*checked/);
  // sending again reaches nobody by SMS
  const again = await admin.post('/staff/notify/send', { form: { ...fields, action: 'check' } });
  assert.match(again.text_, /SMS 0 人/);
  // the send is audited with the topic and counts, never the text
  const audit = cli(['audit', 'query', '--db', srv.db, '--object', 'notify.send', '--json']);
  assert.match(audit, /disaster\.chuo email=0 sms=1 line=0 emergency/);
  assert.doesNotMatch(audit, /川の水位|避難指示|9011223344/);
});

test('the send form refuses what it cannot send, and nothing goes', async () => {
  const form = await admin.get('/staff/notify/send');
  const csrf = Client.csrf(form.text_);
  const sends = () => cli(['audit', 'query', '--db', srv.db, '--object', 'notify.send', '--json'])
    .trim().split('\n').filter(Boolean).length;
  const before = sends();
  const cases = [
    [{ kind: 'news', title: 'お知らせ', text: '本文', emergency: '1' }, /緊急にできるのは、災害のお知らせだけです/],
    [{ kind: 'disaster', area: 'Chuo Ku', title: '避難指示', text: '本文' }, /地区を一覧から選んでください/],
    [{ kind: 'disaster', area: 'nishi', title: '避難指示', text: '本文' }, /地区を一覧から選んでください/],
    [{ kind: 'news', title: '', text: '本文' }, /件名を、改行なしで80文字まで/],
    [{ kind: 'news', title: 'あ'.repeat(81), text: '本文' }, /件名を、改行なしで80文字まで/],
    [{ kind: 'news', title: 'お知らせ', text: '' }, /本文を2000文字まで/],
  ];
  for (const [f, re] of cases) {
    const r = await admin.post('/staff/notify/send', { form: { csrf, action: 'send', area: '', ...f } });
    assert.equal(r.status, 400, JSON.stringify(f));
    assert.match(r.text_, re);
  }
  // no CSRF token, an unknown kind: refused by the router
  assert.equal((await admin.post('/staff/notify/send',
    { form: { action: 'send', kind: 'news', title: 'x', text: 'y' } })).status, 403);
  assert.equal((await admin.post('/staff/notify/send',
    { form: { csrf, action: 'send', kind: 'everyone', title: 'x', text: 'y' } })).status, 400);
  // staff without notify.send, and residents, cannot open it
  const staff = new Client(srv.base);
  await loginWithTotp(staff, ...DEMO_USERS.staff, {});
  assert.equal((await staff.get('/staff/notify/send')).status, 403);
  assert.notEqual((await resident.get('/staff/notify/send')).status, 200);
  assert.equal(sends(), before, 'nothing was sent');
});

test('a notice published from the news editor goes to the subscribers of news, in the same transaction; a draft cannot be sent', async () => {
  const editor = await admin.get('/staff/news/new');
  assert.equal(editor.status, 200);
  assert.match(editor.text_, /name="notify"/);
  const csrf = Client.csrf(editor.text_);
  const notice = { csrf, title_ja: '区報12月号を発行しました', body_ja: '今月の特集は防災です。' };
  // a draft, or a notice that starts later: refused with the editor, nothing saved or sent
  const draft = await admin.post('/staff/news', { form: { ...notice, action: 'draft', notify: '1' } });
  assert.equal(draft.status, 422);
  assert.match(draft.text_, /配信できるのは、「公開する」で掲載開始日が今日以前のお知らせだけです/);
  const later = await admin.post('/staff/news', { form: { ...notice, action: 'publish', notify: '1', publish: '2099-01-01' } });
  assert.equal(later.status, 422);
  const before = cli(['audit', 'query', '--db', srv.db, '--object', 'notify.send', '--json'])
    .trim().split('\n').filter(Boolean).length;
  const r = await admin.post('/staff/news', { form: { ...notice, action: 'publish', notify: '1' } });
  assert.equal(r.status, 303);
  const loc = r.headers.get('location');
  assert.match(loc, /^\/staff\/news\?saved=\d+&sent=1$/);   // the SMS subscriber of news
  const list = await admin.get(loc);
  assert.match(list.text_, /id="news-sent">受け取りを登録した住民への配信を 1 件/);
  const rows = cli(['audit', 'query', '--db', srv.db, '--object', 'notify.send', '--json']).trim().split('\n').filter(Boolean);
  assert.equal(rows.length, before + 1);
  assert.match(rows.at(-1), /news email=0 sms=1 line=0/);
  assert.doesNotMatch(rows.at(-1), /防災/);
  // published without the box: nothing more is sent
  const plain = await admin.post('/staff/news', { form: { ...notice, title_ja: '配信しないお知らせ', action: 'publish' } });
  assert.equal(plain.status, 303);
  assert.doesNotMatch(plain.headers.get('location'), /sent=/);
  assert.equal(cli(['audit', 'query', '--db', srv.db, '--object', 'notify.send', '--json']).trim().split('\n').filter(Boolean).length,
    before + 1);
});
