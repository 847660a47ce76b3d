// notify_categories.test.mjs -- news of a category (issue 20, item 7),
// from the browser's side of the server, through a real SMTP conversation
// (tests/smtp_sink.mjs) for the residents' address confirmations:
//   - /news lists every notice or one category's (?category=CODE, the
//     links marked aria-current), a notice shows its category, and a
//     category nobody has answers 404 in Japanese and English;
//   - on My page a resident subscribes to any category by e-mail (every
//     category's field is declared on the route: each is saved and shown
//     again), to all news, or to both;
//   - staff publish a notice of a category from the news editor with "send
//     to subscribers": it goes to those of the category and of all news,
//     one message each (a resident with both gets one), not to another
//     category's; the send page's check counts the same, once each; the
//     sends are audited with the topic and counts.
// The messages are asserted in the outbox (`madoguchi mail list`): at
// night a normal notice is held until 08:00, so delivery is not waited for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startServer, DEMO, DEMO_USERS, loginWithTotp, startSmtpSink, Client, BIN, ROOT, confirmedResident } from './lib.mjs';

// the CLI: { status, stdout, stderr }
const cli = (args) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8' });

const FROM = 'noreply@demo-ku.example.jp';
const PUBLIC = 'https://demo-ku.example.jp';
// the categories as /news links them (read in the first test): every one
// must be a field My page's route declares
let CATEGORIES = [];
let sink, srv, dir, admin;
const people = {};

const confirmed = (email) => confirmedResident(srv.base, sink, email, 'Bunya-Oshirase-2026');

async function subscribe(c, fields) {
  const csrf = Client.csrf((await c.get('/mypage/notifications')).text_);
  const r = await c.post('/mypage/notifications', { form: { csrf, ...fields } });
  assert.equal(r.status, 303, `saved ${JSON.stringify(fields)}`);
}

// the recipients of the outbox's messages
function outbox() {
  const r = cli(['mail', 'list', '--db', srv.db, '--tenant', DEMO, '--json', '--show-recipient', '--limit', '1000']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l).to);
}

before(async () => {
  sink = await startSmtpSink();
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-cats-'));
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined, dir,
    extraArgs: ['--smtp-url', sink.url, '--mail-from', FROM, '--smtp-starttls', 'none', '--public-url', PUBLIC + '/'],
  });
  admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  people.both = await confirmed('bunya.both@example.jp');
  people.cat = await confirmed('bunya.cat@example.jp');
  people.all = await confirmed('bunya.all@example.jp');
  people.other = await confirmed('bunya.other@example.jp');
});

after(async () => {
  await srv?.stop();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('/news by category: the links, the filter, the tag on a notice, 404 for an unknown category', async () => {
  const r = cli(['news', 'add', '--db', srv.db, '--tenant', DEMO, '--title-ja', '子ども医療証の更新',
    '--body-ja', '更新の手続です。', '--category', 'kosodate']);
  assert.equal(r.status, 0, r.stderr);
  assert.notEqual(cli(['news', 'add', '--db', srv.db, '--tenant', DEMO, '--title-ja', 'x', '--body-ja', 'y',
    '--category', 'nosuch']).status, 0);
  const c = new Client(srv.base);
  const all = await c.get('/news');
  assert.equal(all.status, 200);
  CATEGORIES = [...all.text_.matchAll(/<li><a href="\/news\?category=([a-z]+)"/g)].map((m) => m[1]);
  for (const code of ['kurashi', 'kosodate', 'fukushi', 'bosai', 'kankyo', 'bunka', 'jigyosha']) {
    assert.ok(CATEGORIES.includes(code), code);
  }
  assert.match(all.text_, /<a href="\/news" aria-current="page">すべての分野<\/a>/);
  assert.match(all.text_, /子ども医療証の更新/);
  const kosodate = await c.get('/news?category=kosodate');
  assert.equal(kosodate.status, 200);
  assert.match(kosodate.text_, /<title>お知らせ：子育て・教育/);
  assert.match(kosodate.text_, /href="\/news\?category=kosodate" aria-current="page"/);
  assert.match(kosodate.text_, /子ども医療証の更新/);
  assert.doesNotMatch(kosodate.text_, /年末年始の窓口業務/);   // the demo's notices are くらし・手続き
  const kurashi = await c.get('/news?category=kurashi');
  assert.match(kurashi.text_, /年末年始の窓口業務/);
  assert.doesNotMatch(kurashi.text_, /子ども医療証の更新/);
  const id = kosodate.text_.match(/href="\/news\/(\d+)">子ども医療証の更新/)[1];
  assert.match((await c.get(`/news/${id}`)).text_, /<a class="tag" href="\/news\?category=kosodate">子育て・教育<\/a>/);
  const bad = await c.get('/news?category=nosuch');
  assert.equal(bad.status, 404);
  assert.match(bad.text_, /その分野はありません/);
  const en = await c.get('/news?category=kosodate', { headers: { 'accept-language': 'en' } });
  assert.match(en.text_, /<title>News: Children and education/);
  const badEn = await c.get('/news?category=nosuch', { headers: { 'accept-language': 'en' } });
  assert.equal(badEn.status, 404);
  assert.match(badEn.text_, /There is no such category/);
  assert.match((await c.get('/news?category=bosai')).text_, /現在お知らせはありません/);
});

test('My page: every category can be chosen by e-mail, saved and shown again', async () => {
  assert.ok(CATEGORIES.length >= 7);
  const fields = Object.fromEntries(CATEGORIES.map((c) => [`news_${c}`, '1']));
  await subscribe(people.other, fields);
  let p = await people.other.get('/mypage/notifications');
  for (const code of CATEGORIES) assert.match(p.text_, new RegExp(`name="news_${code}" value="1"[^>]*checked`), code);
  assert.match(p.text_, /<details class="subs-categories" id="subs-categories" open>/);
  assert.doesNotMatch(p.text_, /name="news" value="1"[^>]*checked/);
  // then only 文化・スポーツ・イベント
  await subscribe(people.other, { news_bunka: '1' });
  p = await people.other.get('/mypage/notifications');
  assert.match(p.text_, /name="news_bunka" value="1"[^>]*checked/);
  assert.doesNotMatch(p.text_, /name="news_kurashi" value="1"[^>]*checked/);
  // nothing chosen: the details stay closed
  const fresh = await people.all.get('/mypage/notifications');
  assert.match(fresh.text_, /<details class="subs-categories" id="subs-categories">/);
});

test('a notice of a category goes to its subscribers and to those of all news, once each; the check counts the same', async () => {
  await subscribe(people.both, { news: '1', news_kurashi: '1' });
  await subscribe(people.cat, { news_kurashi: '1' });
  await subscribe(people.all, { news: '1' });
  // the send page's check: e-mail 3 (both once, cat, all), not bunya.other
  let page = await admin.get('/staff/notify/send');
  assert.match(page.text_, /<select[^>]*name="category"/);
  let csrf = Client.csrf(page.text_);
  const check = await admin.post('/staff/notify/send',
    { form: { csrf, action: 'check', kind: 'news', category: 'kurashi', title: '窓口のお知らせ', text: '本文' } });
  assert.equal(check.status, 200);
  assert.match(check.text_, /id="send-counts">配信先 news\.kurashi: メール 3 人、SMS 0 人、LINE 0 人/);
  assert.match(check.text_, /name="category" value="kurashi"/);
  const plain = await admin.post('/staff/notify/send',
    { form: { csrf, action: 'check', kind: 'news', title: '窓口のお知らせ', text: '本文' } });
  assert.match(plain.text_, /メール 2 人/);   // all news only: both, all
  const wrong = await admin.post('/staff/notify/send',
    { form: { csrf, action: 'check', kind: 'news', category: 'nosuch', title: 't', text: 'x' } });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text_, /分野を一覧から選んでください/);

  // the news editor: a notice of くらし・手続き, sent as it is published
  page = await admin.get('/staff/news/new');
  assert.match(page.text_, /<select[^>]*name="category"/);
  csrf = Client.csrf(page.text_);
  const before = outbox().length;
  const r = await admin.post('/staff/news', { form: { csrf, title_ja: '住民票の写しのコンビニ交付（分野テスト）',
    body_ja: 'コンビニで受け取れます。', category: 'kurashi', action: 'publish', notify: '1' } });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /^\/staff\/news\?saved=\d+&sent=3$/);
  const now = outbox();   // newest first
  const got = now.slice(0, now.length - before);
  assert.deepEqual(got.sort(), ['bunya.all@example.jp', 'bunya.both@example.jp', 'bunya.cat@example.jp']);
  // it is filed under its category on the site
  assert.match((await new Client(srv.base).get('/news?category=kurashi')).text_, /住民票の写しのコンビニ交付（分野テスト）/);
  // audited with the topic and the counts
  const audit = cli(['audit', 'query', '--db', srv.db, '--object', 'notify.send', '--json']);
  assert.equal(audit.status, 0, audit.stderr);
  assert.match(audit.stdout, /news\.kurashi email=3 sms=0 line=0/);
  // a category the editor does not know: the editor again, nothing stored or sent
  const n = outbox().length;
  const bad = await admin.post('/staff/news', { form: { csrf, title_ja: '分野が違う', body_ja: '本文',
    category: 'nosuch', action: 'publish', notify: '1' } });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /分野を一覧から選んでください/);
  assert.equal(outbox().length, n);
  assert.doesNotMatch((await new Client(srv.base).get('/news')).text_, /分野が違う/);
});
