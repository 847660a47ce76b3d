// search_pages.test.mjs -- the site search (/search, src/web/page_search.c)
// over news notices (collection "news", kept by src/svc/news/index.c) and
// the site's own pages (collection "page", app_pages_index at start), on
// the real server with the demo ward:
//   - the demo's notices are findable after `madoguchi demo` (the server's
//     setup), linked to /news/{id} with their start day (令和 in Japanese);
//   - the admin publishes a notice through /staff/news: a word of its body
//     lists it in the news group (「お知らせ」) with a link to /news/{id},
//     its title and the day; an edit of the title: the new word finds it,
//     the old one no longer; after withdrawing it, it is gone;
//   - a draft and a notice that starts tomorrow are not found;
//   - 問い合わせ, 使い方 and ログイン find /help in the group 「ページ」, in
//     English "contact" does, and the group's heading and title follow
//     the language.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_USERS, loginWithTotp } from './lib.mjs';

let srv, admin;

function jstDay(days = 0) {
  return new Date(Date.now() + 9 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

function main(html) {
  const m = html.match(/<main[\s\S]*<\/main>/);
  assert.ok(m, 'the page has a <main>');
  return m[0];
}

// one group's section of the results: { heading, hits: [{ href, title, day }] } or null
function group(html, type) {
  const m = main(html).match(new RegExp(
    `<section class="search-group" aria-labelledby="g-${type}"><h2 id="g-${type}">([^<]*) <span class="count">[^<]*</span></h2>([\\s\\S]*?)</section>`));
  if (!m) return null;
  const hits = [...m[2].matchAll(/<li><a href="([^"]+)">([^<]*)<\/a>(?: <time datetime="([^"]+)">[^<]*<\/time>)?/g)]
    .map((x) => ({ href: x[1], title: x[2], day: x[3] || null }));
  return { heading: m[1], hits };
}

async function search(q, headers = {}) {
  const r = await new Client(srv.base).get(`/search?q=${encodeURIComponent(q)}`, { headers });
  assert.equal(r.status, 200, `/search?q=${q}`);
  return r.text_;
}

async function publish(form) {
  const ed = await admin.get('/staff/news/new');
  assert.equal(ed.status, 200);
  const csrf = Client.csrf(ed.text_);
  const r = await admin.post('/staff/news', { form: { csrf, title_en: '', body_en: '', publish: '',
    until: '', action: 'publish', ...form } });
  assert.equal(r.status, 303, 'saved');
  return Number(r.headers.get('location').match(/saved=(\d+)$/)[1]);
}

before(async () => {
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined });
  admin = new Client(srv.base);
  const r = await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  assert.equal(r.status, 200, 'the demo admin logs in');
});
after(async () => { if (srv) await srv.stop(); });

test('the demo notices are in the search after madoguchi demo', async () => {
  const g = group(await search('年末年始'), 'news');
  assert.ok(g, 'a news group');
  assert.equal(g.heading, 'お知らせ');
  const hit = g.hits.find((h) => h.title === '年末年始の窓口業務について（デモ）');
  assert.ok(hit, 'the demo notice is listed');
  assert.match(hit.href, /^\/news\/\d+$/);
  assert.equal(hit.day, jstDay(0));
  // the day shown as /news shows it: in the Japanese era in Japanese, ISO in English
  const [y, mo, d] = jstDay(0).split('-').map(Number);
  assert.match(await search('年末年始'), new RegExp(`<time datetime="${hit.day}">令和${y - 2018}年${mo}月${d}日</time>`));
  assert.match(await search('年末年始', { 'accept-language': 'en' }), new RegExp(`<time datetime="${hit.day}">${hit.day}</time>`));
  assert.equal((await new Client(srv.base).get(hit.href)).status, 200, 'its link opens it');
  // in English its English title
  const en = group(await search('年末年始', { 'accept-language': 'en' }), 'news');
  assert.equal(en.heading, 'News');
  assert.ok(en.hits.some((h) => h.href === hit.href && h.title === 'Counter hours over the New Year holidays (demo)'));
});

test('a notice published through /staff/news is found, follows its edit, and goes when withdrawn', async () => {
  const title = '水道管工事による断水のお知らせ';
  const id = await publish({ title_ja: title, body_ja: '東町三丁目で夜間に断水します。給水車を配置します。' });
  const g = group(await search('給水車'), 'news');
  assert.ok(g, 'the news group');
  assert.deepEqual(g.hits, [{ href: `/news/${id}`, title, day: jstDay(0) }]);
  assert.equal(group(await search('給水車'), 'page'), null, 'no page has the word');

  // the edit: new title word found, the old one not
  const ed = await admin.get(`/staff/news/${id}/edit`);
  const csrf = Client.csrf(ed.text_);
  const re = await admin.post(`/staff/news/${id}`, { form: { csrf, title_ja: '下水道点検による通行止め',
    body_ja: '東町三丁目で夜間に断水します。給水車を配置します。', title_en: '', body_en: '',
    publish: jstDay(0), until: '', action: 'publish' } });
  assert.equal(re.status, 303);
  assert.deepEqual(group(await search('通行止め'), 'news')?.hits.map((h) => h.href), [`/news/${id}`]);
  assert.equal(group(await search('水道管工事'), 'news'), null, 'the old title is no longer found');

  // withdraw: gone
  const wd = await admin.post(`/staff/news/${id}/withdraw`, { form: { csrf } });
  assert.equal(wd.status, 303);
  assert.equal(group(await search('給水車'), 'news'), null);
  assert.equal(group(await search('通行止め'), 'news'), null);
});

test('drafts and notices that start later are not found', async () => {
  await publish({ title_ja: '下書きの工事予定', body_ja: '舗装工事の予定です。', action: 'draft' });
  await publish({ title_ja: '明日からの舗装工事', body_ja: '舗装工事を行います。', publish: jstDay(1) });
  assert.equal(group(await search('舗装工事'), 'news'), null);
});

test('問い合わせ, 使い方 and ログイン find the help page in 「ページ」', async () => {
  for (const q of ['問い合わせ', '使い方', 'ログイン', 'といあわせ']) {
    const g = group(await search(q), 'page');
    assert.ok(g, `a page group for ${q}`);
    assert.equal(g.heading, 'ページ');
    if (q !== 'ログイン' && q !== 'といあわせ')
      assert.equal(g.hits[0].href, '/help', `${q}: /help first`);
    assert.ok(g.hits.some((h) => h.href === '/help' && h.title === 'ヘルプとお問い合わせ先'), `${q} finds /help`);
  }
  const g = group(await search('ログイン'), 'page');
  assert.ok(g.hits.some((h) => h.href === '/resident/login'), 'and the resident login');
  const en = group(await search('contact', { 'accept-language': 'en' }), 'page');
  assert.equal(en.heading, 'Pages');
  assert.ok(en.hits.some((h) => h.href === '/help' && h.title === 'Help and contact'));
  // the link works
  assert.equal((await new Client(srv.base).get('/help')).status, 200);
});

test('a service\'s own pages are found: 粗大ごみ and 手数料 find the bulky-waste chatbot', async () => {
  for (const q of ['粗大ごみ', '粗大ゴミ', '手数料']) {
    const g = group(await search(q), 'page');
    assert.ok(g && g.hits.some((h) => h.href === '/waste' && h.title === '粗大ごみ：品目と手数料'), `${q} finds /waste`);
  }
  const en = group(await search('bulky waste', { 'accept-language': 'en' }), 'page');
  assert.ok(en && en.hits.some((h) => h.href === '/waste' && h.title === 'Bulky waste: items and fees'));
  assert.equal((await new Client(srv.base).get('/waste')).status, 200);
});
