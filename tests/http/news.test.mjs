// news.test.mjs -- the news service (お知らせ, src/svc/news/) on the real
// server with the demo ward:
//   - the home page: the service tiles and the demo's two notices, the
//     important one first;
//   - /news lists exactly the notices residents may see now (drafts,
//     notices not started, ended and withdrawn ones are not listed, and
//     their /news/{id} is 404); an ended notice present at start is
//     archived by the news.archive job;
//   - English: title_en when written, else the Japanese title marked
//     lang="ja"; the body likewise;
//   - paging at 20 a page, and a bad ?page= refused with 400;
//   - /staff/news: anonymous and resident sessions are sent to the staff
//     login, staff without news.publish get 403 (also for a write);
//   - the admin writes a notice through the form and it is on /news at
//     once (asserted on /news: the home page is cached up to a minute); a
//     refused form (no Japanese title, an end day not after the start, a
//     title over 200 bytes) comes back 422 with the error summary linking
//     to the field and what was typed kept, and stores nothing;
//   - edit, then withdraw: /news/{id} is 404 afterwards;
//   - every write is one audit record (news.create / news.update /
//     news.withdraw, the notice's id), a refused one none;
//   - the CLI: `news list --all` shows the states, a bad --until is exit 2
//     with a message in both languages.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, DEMO, DEMO_USERS, cli, BIN, ROOT, loginWithTotp, passwordLogin,
  registerAndLogin } from './lib.mjs';

let srv, admin, cliWithdrawn;
const ended = {};   // notices added before the server started
const cliAdded = [];   // every notice `madoguchi news add` made

// the day in Japan, days from today, as YYYY-MM-DD
function jstDay(days = 0) {
  return new Date(Date.now() + 9 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

function addNotice(db, args) {
  const out = cli(['news', 'add', '--db', db, '--tenant', DEMO, ...args]).trim();
  assert.match(out, /^\d+$/, `news add printed ${out}`);
  cliAdded.push(Number(out));
  return Number(out);
}

// `madoguchi news list` as [{ id, state, start, end, title }]
function newsList(all = false) {
  return cli(['news', 'list', '--db', srv.db, '--tenant', DEMO, ...(all ? ['--all'] : [])])
    .split('\n').filter(Boolean).map((l) => {
      const [id, state, start, end, title] = l.split('\t');
      return { id: Number(id), state, start, end, title };
    });
}

function audit(extra = []) {
  return cli(['audit', 'query', '--db', srv.db, '--json', ...extra]).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
}

function main(html) {
  const m = html.match(/<main[\s\S]*<\/main>/);
  assert.ok(m, 'the page has a <main>');
  return m[0];
}

// the notices a list page links to, in order: { id, title, lang, important }
function listed(html) {
  const ul = main(html).match(/<ul class="news-list">([\s\S]*?)<\/ul>/);
  if (!ul) return [];
  return [...ul[1].matchAll(/<li><a href="\/news\/(\d+)"( lang="ja")?>([^<]*)<\/a>(.*?)<\/li>/g)]
    .map((m) => ({ id: Number(m[1]), lang: m[2] ? 'ja' : null, title: m[3], important: /tag-important/.test(m[4]) }));
}

function decode(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

before(async () => {
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined,
    // present when the server starts: the news.archive job run at start
    // archives the two that have ended (one exactly today at 00:00)
    setup: ({ db }) => {
      ended.past = addNotice(db, ['--title-ja', '終了したお知らせ', '--body-ja', '終わりました。',
        '--publish', jstDay(-10), '--until', jstDay(-3)]);
      ended.today = addNotice(db, ['--title-ja', '今日で終了したお知らせ', '--body-ja', '今日の0時に終わりました。',
        '--publish', jstDay(-5), '--until', jstDay(0)]);
      ended.tomorrow = addNotice(db, ['--title-ja', '明日で終了するお知らせ', '--body-ja', 'まだ見えます。',
        '--publish', jstDay(-5), '--until', jstDay(1)]);
    },
  });
  admin = new Client(srv.base);
  const r = await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  assert.equal(r.status, 200, 'the demo admin logs in');
});
after(async () => { if (srv) await srv.stop(); });

test('home page: the service tiles and the demo notices, the important one first', async () => {
  const c = new Client(srv.base);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  const m = main(home.text_);
  const tiles = m.match(/<ul class="service-tiles">([\s\S]*?)<\/ul>/);
  assert.ok(tiles, 'the service tiles');
  for (const href of ['/procedures', '/life-events', '/news', '/opendata'])
    assert.match(tiles[1], new RegExp(`<li><a href="${href}">[^<]+</a>`), `a tile for ${href}`);
  assert.match(tiles[1], /<a href="\/news">お知らせ<\/a><p>区からのお知らせです。<\/p>/);

  const section = m.match(/<section aria-labelledby="news-h"><h2 id="news-h">お知らせ<\/h2>([\s\S]*?)<\/section>/);
  assert.ok(section, 'the notices section');
  const items = listed(`<main>${section[1]}</main>`);
  // the demo's two (the one ending tomorrow was added with no importance
  // and starts 5 days ago: it comes third, within the default three)
  const titles = items.map((x) => x.title);
  assert.deepEqual(titles.slice(0, 2), ['年末年始の窓口業務について（デモ）', 'オンラインで申請できる手続が増えました（デモ）']);
  assert.equal(items[0].important, true);
  assert.equal(items[1].important, false);
  assert.ok(items.length <= 3, 'at most --news-home-count (3) notices');
  assert.ok(!titles.includes('終了したお知らせ') && !titles.includes('今日で終了したお知らせ'));
  assert.match(section[1], /<a href="\/news">お知らせの一覧<\/a>/);
  // the demo's ids are the ones news list names
  const all = newsList(true);
  for (const it of items.slice(0, 2))
    assert.equal(all.find((x) => x.title === it.title)?.id, it.id);
});

test('/news lists only public notices; the others are 404', async () => {
  const db = srv.db;
  const pub = addNotice(db, ['--title-ja', '公開中のお知らせ', '--body-ja', '見えます。']);
  const draft = addNotice(db, ['--title-ja', '下書きのお知らせ', '--body-ja', '見えません。', '--draft']);
  const future = addNotice(db, ['--title-ja', '明後日からのお知らせ', '--body-ja', 'まだです。', '--publish', jstDay(2)]);
  const withdrawn = addNotice(db, ['--title-ja', '取り下げたお知らせ', '--body-ja', '取り下げます。']);
  assert.equal(cli(['news', 'withdraw', '--db', db, '--tenant', DEMO, '--id', String(withdrawn)]).trim(), String(withdrawn));
  cliWithdrawn = withdrawn;

  // the job run at start archived the two that had ended, nothing else;
  // the search had nothing to change (ended notices were never in it, and
  // every write syncs it in its own transaction)
  const deadline = Date.now() + 15000;
  for (;;) {
    const jobs = cli(['job', 'list', '--db', db, '--kind', 'news.archive', '--status', 'done', '--json'])
      .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    if (jobs.length) { assert.equal(jobs.at(-1).result, 'archived 2 notices, 0 search changes'); break; }
    assert.ok(Date.now() < deadline, 'the news.archive job ran');
    await new Promise((r) => setTimeout(r, 100));
  }
  const byId = new Map(newsList(true).map((x) => [x.id, x]));
  assert.equal(byId.get(ended.past).state, 'archived');
  assert.equal(byId.get(ended.today).state, 'archived');
  assert.equal(byId.get(ended.tomorrow).state, 'published');
  assert.equal(byId.get(ended.tomorrow).end, jstDay(1));
  assert.equal(byId.get(pub).state, 'published');
  assert.equal(byId.get(pub).start, jstDay(0));
  assert.equal(byId.get(pub).end, '-');
  assert.equal(byId.get(draft).state, 'draft');
  assert.equal(byId.get(future).state, 'published');
  assert.equal(byId.get(future).start, jstDay(2));
  assert.equal(byId.get(withdrawn).state, 'withdrawn');

  const c = new Client(srv.base);
  const page = await c.get('/news');
  assert.equal(page.status, 200);
  const ids = listed(page.text_).map((x) => x.id);
  const shown = [pub, ended.tomorrow], hidden = [draft, future, withdrawn, ended.past, ended.today];
  for (const id of shown) assert.ok(ids.includes(id), `notice ${id} is listed`);
  for (const id of hidden) assert.ok(!ids.includes(id), `notice ${id} is not listed`);
  // the list is what the CLI says residents see, no more and no less
  assert.deepEqual(ids, newsList().map((x) => x.id));
  for (const id of shown) {
    const r = await c.get(`/news/${id}`);
    assert.equal(r.status, 200, `/news/${id}`);
    assert.match(main(r.text_), /<h1>[^<]+<\/h1>/);
  }
  for (const id of hidden) {
    const r = await c.get(`/news/${id}`);
    assert.equal(r.status, 404, `/news/${id} is 404`);
    assert.match(r.text_, /このお知らせはありません。/);
    assert.doesNotMatch(r.text_, /見えません|まだです|取り下げます|終わりました/);
  }
  assert.equal((await c.get('/news/999999')).status, 404);
  assert.equal((await c.get('/news/0')).status, 404);

  // one notice: its day, the body's paragraphs and line breaks
  const r = await c.get(`/news/${pub}`);
  const m = main(r.text_);
  assert.match(m, /<h1>公開中のお知らせ<\/h1>/);
  assert.match(m, new RegExp(`<time datetime="${jstDay(0)}">令和\\d+年\\d+月\\d+日</time>`));
  assert.match(m, /<div class="news-body"><p>見えます。<\/p><\/div>/);
});

test('English: title_en when written, the Japanese title marked lang="ja" when not', async () => {
  const both = addNotice(srv.db, ['--title-ja', '図書館の休館', '--title-en', 'The library is closed',
    '--body-ja', '図書館は休みます。', '--body-en', 'The library is closed.\nSee you soon.']);
  const jaOnly = addNotice(srv.db, ['--title-ja', '日本語だけのお知らせ', '--body-ja', '日本語の本文です。']);
  const en = { headers: { 'accept-language': 'en' } };
  const c = new Client(srv.base);
  const list = await c.get('/news', en);
  assert.equal(list.status, 200);
  assert.match(list.text_, /<html lang="en"/);
  const items = listed(list.text_);
  const b = items.find((x) => x.id === both), j = items.find((x) => x.id === jaOnly);
  assert.deepEqual(b && { title: b.title, lang: b.lang }, { title: 'The library is closed', lang: null });
  assert.deepEqual(j && { title: j.title, lang: j.lang }, { title: '日本語だけのお知らせ', lang: 'ja' });
  // every Japanese-only title on the English list is marked, no English one is
  for (const it of items) assert.equal(it.lang === 'ja', /[\u3040-\u30ff\u4e00-\u9fff]/.test(it.title), `${it.title}`);
  assert.match(main(list.text_), new RegExp(`<time datetime="${jstDay(0)}">${jstDay(0)}</time>`));

  const one = await c.get(`/news/${both}`, en);
  assert.match(main(one.text_), /<h1>The library is closed<\/h1>/);
  assert.match(main(one.text_), /<div class="news-body"><p>The library is closed\.<br>See you soon\.<\/p><\/div>/);
  assert.doesNotMatch(one.text_, /図書館は休みます/);
  const two = await c.get(`/news/${jaOnly}`, en);
  assert.match(main(two.text_), /<div class="news-body" lang="ja"><p>日本語の本文です。<\/p><\/div>/);
  assert.match(main(two.text_), /<h1 lang="ja">[^<]+<\/h1>/, 'the Japanese-only title is marked as Japanese');
  assert.match(main(one.text_), /<h1>The library/, 'an English title is not');
  // and in Japanese the Japanese texts, unmarked
  const ja = await c.get(`/news/${both}`);
  assert.match(main(ja.text_), /<h1>図書館の休館<\/h1>/);
  assert.match(main(ja.text_), /<div class="news-body"><p>図書館は休みます。<\/p><\/div>/);
  assert.equal(listed((await c.get('/news')).text_).find((x) => x.id === both)?.title, '図書館の休館');
});

test('an unknown notice: the error page in each language from the catalog, やさしい日本語 included', async () => {
  const c = new Client(srv.base);
  const text = async (lang) => {
    await c.get(`/lang?to=${lang}&next=/`);
    const r = await c.get('/news/999999999');
    assert.equal(r.status, 404);
    return main(r.text_);
  };
  const ja = await text('ja');
  assert.match(ja, /<p>このお知らせはありません。<\/p><p lang="en">There is no such notice.<\/p>/);
  const easy = await text('ja-easy');
  assert.match(easy, /<p>この おしらせは ありません。<\/p><p lang="en">There is no such notice.<\/p>/);
  const en = await text('en');
  assert.match(en, /<p>There is no such notice.<\/p><p lang="ja">このお知らせはありません。<\/p>/);
  // a bad page number: its own message, not the notice's
  await c.get('/lang?to=ja-easy&next=/');
  const bad = await c.get('/news?page=0');
  assert.equal(bad.status, 400);
  assert.match(main(bad.text_), /ページの ばんごうが ただしく ありません。/);
});

test('paging: 20 a page, next and previous; a bad ?page= is 400', async () => {
  // 22 more, one a day back from 30 days ago (older than every other
  // public notice), none important
  const mine = [];
  for (let k = 0; k < 22; k++) {
    mine.push(addNotice(srv.db, ['--title-ja', `古いお知らせ${k}`, '--body-ja', `${k}日目`,
      '--publish', jstDay(-30 - k)]));
  }
  const expected = newsList().map((x) => x.id);
  assert.ok(expected.length > 20, `${expected.length} public notices`);
  const c = new Client(srv.base);
  const pages = [];
  for (let p = 1; ; p++) {
    const r = await c.get(p === 1 ? '/news' : `/news?page=${p}`);
    assert.equal(r.status, 200);
    const items = listed(r.text_);
    const m = main(r.text_);
    const last = p * 20 >= expected.length;
    assert.equal(items.length, last ? expected.length - (p - 1) * 20 : 20, `page ${p}`);
    assert.equal(/rel="next"/.test(m), !last, `page ${p}: a next link unless last`);
    if (!last) assert.match(m, new RegExp(`<a href="/news\\?page=${p + 1}" rel="next">以前のお知らせ</a>`));
    if (p > 1) assert.match(m, new RegExp(`<a href="/news\\?page=${p - 1}" rel="prev">新しいお知らせ</a>`));
    else assert.doesNotMatch(m, /rel="prev"/);
    pages.push(...items);
    if (last) break;
  }
  const ids = pages.map((x) => x.id);
  assert.equal(new Set(ids).size, ids.length, 'no notice on two pages');
  assert.deepEqual(ids, expected);
  // important ones first; mine (the oldest) last, newest first: 30 days
  // ago, 31, ... in the order they were added
  const firstPlain = pages.findIndex((x) => !x.important);
  assert.ok(pages.slice(firstPlain).every((x) => !x.important), 'important notices come first');
  assert.deepEqual(ids.slice(-22), mine);
  // past the end: an empty page, still 200, with the way back
  const beyond = await c.get('/news?page=50');
  assert.equal(beyond.status, 200);
  assert.deepEqual(listed(beyond.text_), []);
  assert.match(main(beyond.text_), /rel="prev"/);

  for (const bad of ['0', '-1', 'abc', '', '10001', '2x', '1.5']) {
    const r = await c.get(`/news?page=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, `?page=${bad}`);
  }
});

test('/staff/news: not for residents, nor staff without news.publish', async () => {
  const before = newsList(true).length;
  const anon = new Client(srv.base);
  for (const path of ['/staff/news', '/staff/news/new', `/staff/news/1/edit`]) {
    const r = await anon.get(path);
    assert.equal(r.status, 303, `anonymous ${path}`);
    assert.equal(r.headers.get('location'), '/login');
  }
  const resident = await registerAndLogin(srv.base, 'news.kumin@example.jp', 'Tsubame-Kaeru-2026');
  assert.equal((await resident.get('/mypage')).status, 200, 'the resident is logged in');
  const rr = await resident.get('/staff/news');
  assert.equal(rr.status, 303);
  assert.equal(rr.headers.get('location'), '/login');

  const viewer = new Client(srv.base);
  assert.equal((await passwordLogin(viewer, ...DEMO_USERS.viewer)).status, 303);
  const staff = new Client(srv.base);
  assert.equal((await loginWithTotp(staff, ...DEMO_USERS.staff, {})).status, 200);
  for (const [who, c] of [['viewer', viewer], ['staff', staff]]) {
    assert.equal((await c.get('/staff')).status, 200, `${who} is logged in`);
    for (const path of ['/staff/news', '/staff/news/new', '/staff/news/1/edit'])
      assert.equal((await c.get(path)).status, 403, `${who} ${path}`);
    const csrf = Client.csrf((await c.get('/staff')).text_);
    assert.ok(csrf, `${who} has a CSRF token`);
    const w = await c.post('/staff/news', { form: { csrf, title_ja: '権限なし', body_ja: 'x', action: 'publish' } });
    assert.equal(w.status, 403, `${who} cannot create`);
    const wd = await c.post('/staff/news/1/withdraw', { form: { csrf } });
    assert.equal(wd.status, 403, `${who} cannot withdraw`);
  }
  assert.equal(newsList(true).length, before, 'nothing was written');
  assert.equal(newsList(true).find((x) => x.id === 1)?.state, 'published');
  // the staff menu links to it
  assert.match((await admin.get('/staff')).text_, /<li><a href="\/staff\/news">お知らせ<\/a><\/li>/);
});

test('staff editor: create, refused forms kept with the error, edit, withdraw; each write audited', async () => {
  const auditBefore = audit(['--actor', DEMO_USERS.admin[0]]).filter((r) => r.action.startsWith('news.'));
  assert.equal(auditBefore.length, 0);
  const editor = await admin.get('/staff/news/new');
  assert.equal(editor.status, 200);
  assert.match(editor.text_, new RegExp(`id="news-publish" name="publish" value="${jstDay(0)}"`), 'the start defaults to today');
  const csrf = Client.csrf(editor.text_);
  const countAll = () => newsList(true).length;
  const n0 = countAll();

  // no CSRF token: refused
  const nocsrf = await admin.post('/staff/news', { form: { title_ja: 'トークンなし', body_ja: 'x', action: 'publish' } });
  assert.equal(nocsrf.status, 403);

  // no Japanese title: 422, the summary links to the field, values kept
  const typed = { csrf, title_ja: '', body_ja: '本文は<残す>こと\n二行目', title_en: 'Kept "title"',
    body_en: 'English body', publish: jstDay(3), until: jstDay(9), important: '1', action: 'publish' };
  const r1 = await admin.post('/staff/news', { form: typed });
  assert.equal(r1.status, 422);
  const m1 = main(r1.text_);
  assert.match(m1, /<div class="error-summary" role="alert"[^>]*>[\s\S]*<a href="#news-title_ja">件名（日本語）を入力してください。<\/a>/);
  assert.match(m1, /id="news-title_ja" name="title_ja" value=""[^>]*aria-invalid="true"/);
  assert.match(m1, /id="news-title_en" name="title_en" value="Kept &quot;title&quot;"/);
  const body = m1.match(/<textarea[^>]*id="news-body_ja"[^>]*>([\s\S]*?)<\/textarea>/);
  assert.equal(body && decode(body[1]), '本文は<残す>こと\n二行目');
  assert.match(m1, new RegExp(`id="news-publish" name="publish" value="${typed.publish}"`));
  assert.match(m1, new RegExp(`id="news-until" name="until" value="${typed.until}"`));
  assert.match(m1, /id="news-important" name="important" value="1" checked/);
  assert.doesNotMatch(m1, /id="news-body_ja"[^>]*aria-invalid/);
  // English: the same summary in English
  const r1en = await admin.post('/staff/news', { form: typed, headers: { 'accept-language': 'en' } });
  assert.equal(r1en.status, 422);
  assert.match(r1en.text_, /<a href="#news-title_ja">Enter a title in Japanese\.<\/a>/);

  // the end day not after the start day: refused, whichever way
  for (const until of [jstDay(1), jstDay(3)]) {
    const r = await admin.post('/staff/news', { form: { ...typed, title_ja: '期間の誤り', until } });
    assert.equal(r.status, 422, `until ${until}, start ${typed.publish}`);
    assert.match(main(r.text_), /<a href="#news-until">掲載終了日は掲載開始日より後にしてください。<\/a>/);
    assert.match(main(r.text_), /id="news-title_ja" name="title_ja" value="期間の誤り"/);
    assert.match(main(r.text_), new RegExp(`id="news-until" name="until" value="${until}"[^>]*aria-invalid="true"`));
  }
  // a day that does not exist
  const rDay = await admin.post('/staff/news', { form: { ...typed, title_ja: '日付', publish: '2026-02-30', until: '' } });
  assert.equal(rDay.status, 422);
  assert.match(main(rDay.text_), /<a href="#news-publish">/);
  // a title over 200 bytes (67 full-width characters, which the browser's
  // maxlength of 200 characters lets through): the editor says why, the
  // text is kept
  const long = 'あ'.repeat(67);
  const rLong = await admin.post('/staff/news', { form: { ...typed, title_ja: long, until: '' } });
  assert.equal(rLong.status, 422);
  assert.match(main(rLong.text_), /<a href="#news-title_ja">件名（日本語）は200バイト（全角約66文字）までです。<\/a>/);
  assert.match(main(rLong.text_), new RegExp(`id="news-title_ja" name="title_ja" value="${long}"`));
  // a body over 8000 bytes (2667 full-width characters) likewise
  const longBody = 'あ'.repeat(2667);
  const rBody = await admin.post('/staff/news', { form: { ...typed, title_ja: '長い本文', body_ja: longBody, until: '' } });
  assert.equal(rBody.status, 422);
  assert.match(main(rBody.text_), /<a href="#news-body_ja">本文（日本語）は8000バイト（全角約2600文字）までです。<\/a>/);
  assert.ok(main(rBody.text_).includes(`aria-invalid="true">${longBody}</textarea>`), 'the text is kept');
  // ... and 66 of them (198 bytes) are fine: below, as a draft
  assert.equal(countAll(), n0, 'no refused form stored anything');
  assert.equal(audit(['--actor', DEMO_USERS.admin[0]]).filter((r) => r.action.startsWith('news.')).length, 0,
    'no refused form was audited');

  // a draft: stored, not public
  const rd = await admin.post('/staff/news', { form: { csrf, title_ja: 'あ'.repeat(66), body_ja: '下書きです。', action: 'draft' } });
  assert.equal(rd.status, 303);
  const draftId = Number(rd.headers.get('location').match(/^\/staff\/news\?saved=(\d+)$/)[1]);
  assert.equal(newsList(true).find((x) => x.id === draftId)?.state, 'draft');
  assert.equal((await new Client(srv.base).get(`/news/${draftId}`)).status, 404);

  // published: on /news at once, the body escaped, paragraphs kept
  const title = '臨時休業のお知らせ（テスト）';
  const rc = await admin.post('/staff/news', { form: { csrf, title_ja: title,
    body_ja: '<b>太字ではない</b>\n\n次の段落', title_en: '', body_en: '', publish: '', until: jstDay(30),
    important: '1', action: 'publish' } });
  assert.equal(rc.status, 303);
  const id = Number(rc.headers.get('location').match(/^\/staff\/news\?saved=(\d+)$/)[1]);
  const saved = await admin.get(rc.headers.get('location'));
  assert.equal(saved.status, 200);
  assert.match(main(saved.text_), /<div class="notice" role="status"><p>お知らせを保存しました。<\/p><\/div>/);
  assert.match(main(saved.text_), new RegExp(`<a href="/staff/news/${id}/edit">${title}</a> <strong class="tag-important">重要</strong></td><td>公開</td>`));
  const c = new Client(srv.base);
  const list = listed((await c.get('/news')).text_);
  assert.ok(list.some((x) => x.id === id && x.title === title && x.important), 'on /news');
  assert.ok(list.findIndex((x) => x.id === id) < list.findIndex((x) => !x.important), 'among the important ones');
  const item = await c.get(`/news/${id}`);
  assert.equal(item.status, 200);
  assert.match(main(item.text_), /<div class="news-body"><p>&lt;b&gt;太字ではない&lt;\/b&gt;<\/p><p>次の段落<\/p><\/div>/);
  const stored = newsList(true).find((x) => x.id === id);
  assert.deepEqual([stored.state, stored.start, stored.end], ['published', jstDay(0), jstDay(30)]);

  // edit: the editor shows it; change the title and the end day
  const ed = await admin.get(`/staff/news/${id}/edit`);
  assert.equal(ed.status, 200);
  const me = main(ed.text_);
  assert.match(me, /状態: <strong>公開<\/strong>/);
  assert.match(me, new RegExp(`id="news-title_ja" name="title_ja" value="${title}"`));
  assert.match(me, new RegExp(`id="news-until" name="until" value="${jstDay(30)}"`));
  assert.match(me, /id="news-important" name="important" value="1" checked/);
  assert.match(me, new RegExp(`<form method="post" action="/staff/news/${id}/withdraw">`));
  const ecsrf = Client.csrf(ed.text_);
  const re = await admin.post(`/staff/news/${id}`, { form: { csrf: ecsrf, title_ja: `${title}（更新）`,
    body_ja: '更新した本文', publish: jstDay(0), until: '', action: 'publish' } });
  assert.equal(re.status, 303);
  assert.equal(re.headers.get('location'), `/staff/news?saved=${id}`);
  const after1 = await c.get(`/news/${id}`);
  assert.match(main(after1.text_), new RegExp(`<h1>${title}（更新）</h1>`));
  assert.match(main(after1.text_), /<p>更新した本文<\/p>/);
  assert.doesNotMatch(main(after1.text_), /tag-important/, 'the box was unticked');
  assert.equal(newsList(true).find((x) => x.id === id).end, '-');
  // a refused edit keeps the stored notice as it was
  const rbad = await admin.post(`/staff/news/${id}`, { form: { csrf: ecsrf, title_ja: '', body_ja: '消える?', action: 'publish' } });
  assert.equal(rbad.status, 422);
  assert.match(main(rbad.text_), new RegExp(`<form method="post" action="/staff/news/${id}"`));
  assert.match(main((await c.get(`/news/${id}`)).text_), /<p>更新した本文<\/p>/);
  // edits of a notice that does not exist
  assert.equal((await admin.get('/staff/news/999999/edit')).status, 404);
  assert.equal((await admin.post('/staff/news/999999', { form: { csrf: ecsrf, title_ja: 'x', body_ja: 'y', action: 'publish' } })).status, 404);
  assert.equal((await admin.post('/staff/news/999999/withdraw', { form: { csrf: ecsrf } })).status, 404);

  // withdraw: gone from /news, 404, the staff list says so
  const rw = await admin.post(`/staff/news/${id}/withdraw`, { form: { csrf: ecsrf } });
  assert.equal(rw.status, 303);
  assert.equal(rw.headers.get('location'), `/staff/news?saved=${id}`);
  assert.equal((await c.get(`/news/${id}`)).status, 404);
  assert.ok(!listed((await c.get('/news')).text_).some((x) => x.id === id));
  assert.match(main((await admin.get('/staff/news')).text_),
    new RegExp(`<a href="/staff/news/${id}/edit">${title}（更新）</a></td><td>取り下げ</td>`));
  assert.equal(newsList(true).find((x) => x.id === id).state, 'withdrawn');
  // the editor of a withdrawn notice offers no withdrawal
  assert.doesNotMatch(main((await admin.get(`/staff/news/${id}/edit`)).text_), /\/withdraw"/);

  // the audit trail: one record a write, by the admin, naming the notice
  const recs = audit(['--actor', DEMO_USERS.admin[0]]).filter((r) => r.action.startsWith('news.'));
  assert.deepEqual(recs.map((r) => [r.action, r.object_type, r.object_id, r.result, r.tenant]), [
    ['news.create', 'news', String(draftId), 'ok', DEMO],
    ['news.create', 'news', String(id), 'ok', DEMO],
    ['news.update', 'news', String(id), 'ok', DEMO],
    ['news.withdraw', 'news', String(id), 'ok', DEMO],
  ]);
  for (const action of ['news.create', 'news.update', 'news.withdraw']) {
    const got = audit(['--action', action, '--object', `news:${id}`]);
    assert.equal(got.length, 1, action);
    assert.equal(got[0].actor_login, DEMO_USERS.admin[0]);
  }
  // the text of a notice is not in the audit trail
  assert.doesNotMatch(JSON.stringify(recs), /臨時休業|更新した本文/);
  // the CLI's writes are audited too, as (cli): each notice it added, the
  // one it withdrew
  assert.deepEqual(audit(['--action', 'news.create', '--actor', '(cli)']).map((r) => Number(r.object_id)), cliAdded);
  assert.deepEqual(audit(['--action', 'news.withdraw', '--actor', '(cli)']).map((r) => r.object_id), [String(cliWithdrawn)]);
});

test('the audit names a notice by its number however the URL spells it', async () => {
  const id = addNotice(srv.db, ['--title-ja', '番号の確認', '--body-ja', 'x']);
  const csrf = Client.csrf((await admin.get('/staff/news')).text_);
  const r = await admin.post(`/staff/news/000${id}/withdraw`, { form: { csrf } });
  assert.equal(r.status, 303);
  assert.equal(newsList(true).find((x) => x.id === id).state, 'withdrawn');
  const got = audit(['--action', 'news.withdraw', '--object', `news:${id}`, '--actor', DEMO_USERS.admin[0]]);
  assert.equal(got.length, 1, 'found by the notice\'s number');
  assert.equal(got[0].object_id, String(id));
});

test('CLI: list --all shows the states; bad input is refused in both languages', () => {
  const all = newsList(true);
  const states = new Set(all.map((x) => x.state));
  for (const s of ['draft', 'published', 'withdrawn', 'archived']) assert.ok(states.has(s), `a ${s} notice`);
  for (const x of all) {
    assert.match(x.start, /^\d{4}-\d\d-\d\d$/);
    assert.match(x.end, /^(\d{4}-\d\d-\d\d|-)$/);
  }
  // without --all: published, started and not ended only
  const today = jstDay(0);
  for (const x of newsList()) {
    assert.equal(x.state, 'published');
    assert.ok(x.start <= today && (x.end === '-' || x.end > today), `${x.id} ${x.start} ${x.end}`);
  }
  const n = all.length;
  const run = (args) => {
    try {
      execFileSync(BIN, ['news', ...args], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { status: 0 };
    } catch (e) { return { status: e.status, stderr: e.stderr, stdout: e.stdout }; }
  };
  const base = ['add', '--db', srv.db, '--tenant', DEMO, '--title-ja', 'CLI', '--body-ja', '本文'];
  for (const bad of ['2026-13-01', '2026/12/31', 'tomorrow', '2026-02-30']) {
    const r = run([...base, '--until', bad]);
    assert.equal(r.status, 2, `--until ${bad}`);
    assert.match(r.stderr, /--until は YYYY-MM-DD の形で指定してください/);
    assert.match(r.stderr, /--until must be YYYY-MM-DD/);
  }
  const rp = run([...base, '--publish', 'x']);
  assert.equal(rp.status, 2);
  assert.match(rp.stderr, /--publish は YYYY-MM-DD .* \/ --publish must be YYYY-MM-DD/);
  // an end not after the start, and no title: refused by news_check
  const ru = run([...base, '--publish', jstDay(5), '--until', jstDay(5)]);
  assert.equal(ru.status, 2, 'a notice news_check refuses is a wrong command line (cli.h: 2)');
  assert.match(ru.stderr, /掲載終了日は掲載開始日より後にしてください。 \/ The end date must be after the start date\./);
  const rt = run(['add', '--db', srv.db, '--tenant', DEMO, '--body-ja', '本文']);
  assert.equal(rt.status, 2);
  assert.match(rt.stderr, /件名（日本語）を入力してください。 \/ Enter a title in Japanese\./);
  // withdraw: a number nobody has, no number, another municipality
  const rw = run(['withdraw', '--db', srv.db, '--tenant', DEMO, '--id', '999999']);
  assert.equal(rw.status, 1);
  assert.match(rw.stderr, /そのお知らせはありません \/ no such notice/);
  assert.equal(run(['withdraw', '--db', srv.db, '--tenant', DEMO]).status, 2, 'no --id: usage');
  const ro = run(['list', '--db', srv.db, '--tenant', '131016']);
  assert.equal(ro.status, 1);
  assert.match(ro.stderr, /その自治体コードの自治体はありません \/ no municipality has that code/);
  assert.equal(run(['frobnicate', '--db', srv.db, '--tenant', DEMO]).status, 2);
  assert.equal(newsList(true).length, n, 'nothing was added');
});

test('CLI: list prints every notice, past the 100 of one page, each once', () => {
  const before = newsList(true);
  const need = Math.max(0, 130 - before.length);
  for (let i = 0; i < need; i++) {
    addNotice(srv.db, ['--title-ja', `下書き ${i}`, '--body-ja', '本文', '--draft']);
  }
  const all = newsList(true);
  assert.ok(all.length >= 130, `${all.length} notices`);
  assert.equal(all.length, before.length + need);
  assert.equal(new Set(all.map((x) => x.id)).size, all.length, 'no notice listed twice');
  for (const id of cliAdded) assert.ok(all.some((x) => x.id === id), `notice ${id} is listed`);
});
