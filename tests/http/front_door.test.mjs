// front_door.test.mjs -- issue 14 item 1: the home page (search box,
// tiles from the service descriptors, life stages and categories, news,
// help), the per-visitor account corner on a cached page (a resident sees
// マイページ and ログアウト, the next anonymous visitor the logins, and
// nothing of the resident leaks through the cache), /search grouped with
// synonyms, paging and a no-results help, /procedures by category.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, DEMO } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer({
    setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', DEMO, 'data/procedures']),
  });
});
after(async () => { if (srv) await srv.stop(); });

export async function residentLogin(base, email, password) {
  const c = new Client(base);
  const pre = (await c.get('/resident/login')).text_.match(/name="pre" value="([^"]+)"/)[1];
  const l = await c.post('/resident/login', { form: { pre, email, password } });
  assert.equal(l.status, 303, `login ${email}`);
  return c;
}

const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const header = (html) => html.match(/<header[\s\S]*?<\/header>/)[0];

test('the home page: search box, tiles from the descriptors, stages, categories, news, help', async () => {
  const r = await new Client(srv.base).get('/');
  assert.equal(r.status, 200);
  const m = main(r.text_);
  // a search form to /search with a labelled input
  assert.match(m, /<form method="get" action="\/search"[^>]*role="search"/);
  assert.match(m, /<label class="label" for="home-q">手続・ページ・データを検索<\/label>/);
  // the tiles are the services' SVC_NAV_HOME entries (apply, lifeevent, news, opendata)
  const tiles = m.match(/<ul class="service-tiles">([\s\S]*?)<\/ul>/)[1];
  for (const href of ['/procedures', '/life-events', '/news', '/opendata']) assert.match(tiles, new RegExp(`href="${href}"`));
  // life stages and categories link to the listing, by Japanese name
  assert.match(m, /<a href="\/procedures\?stage=kosodate">子育て<\/a>/);
  assert.match(m, /<a href="\/procedures\?cat=gomi">ごみ・リサイクル<\/a>/);
  assert.match(m, /<a href="\/procedures\?cat=pet">犬・ペット<\/a>/);
  // help and contact
  assert.match(m, /<a href="\/help">/);
  // an anonymous visitor: logins, no My page
  assert.match(header(r.text_), /href="\/resident\/login"/);
  assert.doesNotMatch(r.text_, /href="\/mypage"/);
  assert.match(r.headers.get('cache-control'), /public/);
  // no disaster banner when no service has one
  assert.doesNotMatch(m, /class="banner/);
  // English: the same sections, translated
  const en = new Client(srv.base);
  await en.get('/lang?to=en&next=/');
  const e = main((await en.get('/')).text_);
  assert.match(e, /Search procedures, pages and data/);
  assert.match(e, /Raising children/);
});

test('a resident sees マイページ and ログアウト; the cached page keeps the logins for the next visitor', async () => {
  const anon = new Client(srv.base);
  const first = await anon.get('/');                  // fills the cache
  const taro = await residentLogin(srv.base, 'demo-taro@example.jp', 'Hinode-Kumin-2026');
  const mine = await taro.get('/');
  assert.equal(mine.status, 200);
  const h = header(mine.text_);
  assert.match(h, /<a href="\/mypage">マイページ<\/a>/);
  assert.match(h, /<form method="post" action="\/resident\/logout"><input type="hidden" name="csrf" value="[^"]+">/);
  assert.match(h, /ログアウト/);
  assert.doesNotMatch(h, /href="\/resident\/login"/);
  assert.match(mine.headers.get('cache-control'), /private|no-store/);
  // the rest of the page is the cached one
  assert.match(main(mine.text_), /action="\/search"/);
  // after the resident: anonymous again, the same bytes as before, no token, no My page
  const again = await anon.get('/');
  assert.equal(again.text_, first.text_);
  assert.doesNotMatch(again.text_, /mypage|name="csrf"|demo-taro|日之出/);
  assert.match(header(again.text_), /href="\/resident\/login"/);
  // nor does the resident's page carry their e-mail or name
  assert.doesNotMatch(mine.text_, /demo-taro|日之出/);
});

test('/search: 「保育園」 finds 保育所等利用申込 by synonym, grouped, with its category', async () => {
  const c = new Client(srv.base);
  const r = await c.get('/search?q=' + encodeURIComponent('保育園'));
  assert.equal(r.status, 200);
  const m = main(r.text_);
  assert.match(m, /<h2 id="g-procedure">手続/);
  assert.match(m, /<a href="\/procedures\/hoikusho-riyou">保育所等利用申込<\/a> <span class="tag">子育て<\/span>/);
  assert.doesNotMatch(m, /id="no-results"/);
  // the query stays in the box
  assert.match(m, /value="保育園"/);
  // other synonyms of the table
  const move = main((await c.get('/search?q=' + encodeURIComponent('引っ越し'))).text_);
  assert.match(move, /\/procedures\/tennyu-yoyaku/);
  const gomi = main((await c.get('/search?q=' + encodeURIComponent('粗大ゴミ'))).text_);
  assert.match(gomi, /\/procedures\/sodai-gomi/);
});

test('/search: paging of one group; no results help; declared parameters', async () => {
  const c = new Client(srv.base);
  const all = main((await c.get('/search?q=' + encodeURIComponent('申請'))).text_);
  // more than the top five procedures: a link to all of them
  assert.match(all, /href="\/search\?q=%E7%94%B3%E8%AB%8B&amp;type=procedure"/);
  const p1 = main((await c.get('/search?q=' + encodeURIComponent('申請') + '&type=procedure')).text_);
  const n1 = (p1.match(/<li><a href="\/procedures\//g) || []).length;
  assert.equal(n1, 10);
  assert.match(p1, /page=2/);
  const p2 = main((await c.get('/search?q=' + encodeURIComponent('申請') + '&type=procedure&page=2')).text_);
  const ids = (s) => [...s.matchAll(/href="\/procedures\/([a-z-]+)"/g)].map((x) => x[1]);
  assert.ok(ids(p2).length > 0);
  assert.equal(ids(p1).filter((x) => ids(p2).includes(x)).length, 0, 'pages do not overlap');
  const none = main((await c.get('/search?q=' + encodeURIComponent('存在しない言葉ですよ'))).text_);
  assert.match(none, /id="no-results"/);
  assert.match(none, /見つかりませんでした/);
  assert.match(none, /href="\/procedures"/);
  // an unknown group is every group; a malformed one is refused by the declaration
  const unknown = main((await c.get('/search?q=' + encodeURIComponent('保育園') + '&type=secret')).text_);
  assert.match(unknown, /id="g-procedure"/);
  assert.equal((await c.get('/search?q=a&type=' + encodeURIComponent('<x>'))).status, 400);
  // a query without words: the form and a way to browse
  const empty = main((await c.get('/search?q=')).text_);
  assert.match(empty, /探したい言葉を入れてください/);
});

test('/procedures: by category, each under its Japanese heading by its Japanese title', async () => {
  const c = new Client(srv.base);
  const m = main((await c.get('/procedures')).text_);
  const sec = (id) => (m.match(new RegExp(`<section class="proc-category" aria-labelledby="cat-${id}">([\\s\\S]*?)</section>`)) || [])[1] || '';
  assert.match(sec('kosodate'), /<h2 id="cat-kosodate">子育て<\/h2>/);
  assert.match(sec('kosodate'), /保育所等利用申込/);
  assert.match(sec('kosodate'), /児童手当 認定請求/);
  assert.match(sec('gomi'), /粗大ごみ収集申込/);
  assert.match(sec('pet'), /犬の登録/);
  assert.doesNotMatch(sec('gomi'), /保育所/);
  // categories in the list's order: 妊娠・出産 before 子育て before ごみ
  assert.ok(m.indexOf('cat-ninshin_shussan') < m.indexOf('cat-kosodate'));
  assert.ok(m.indexOf('cat-kosodate') < m.indexOf('cat-gomi'));
  // one category
  const g = main((await c.get('/procedures?cat=gomi')).text_);
  assert.match(g, /粗大ごみ収集申込/);
  assert.doesNotMatch(g, /保育所等利用申込/);
  // a life stage: 引越し brings the moving-in procedures of other categories too
  const mv = main((await c.get('/procedures?stage=hikkoshi')).text_);
  assert.match(mv, /転入届/);
  assert.match(mv, /犬の登録/);
  assert.doesNotMatch(mv, /粗大ごみ収集申込/);
});

test('/help answers with the municipality\'s name and contact', async () => {
  const r = await new Client(srv.base).get('/help');
  assert.equal(r.status, 200);
  assert.match(main(r.text_), /デモ区/);
  assert.match(main(r.text_), /id="contact"/);
});
