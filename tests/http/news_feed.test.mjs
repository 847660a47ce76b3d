// news_feed.test.mjs -- the public notices as Atom feeds (RFC 4287,
// src/svc/news/web/feed_atom.c) on the real server with the demo ward:
//   - /news/feed.atom is well-formed XML (xmllint and python3's
//     xml.etree, real parsers) in the Atom namespace with what RFC 4287
//     requires: the feed's id, title, updated, author, a self link; each
//     entry's id, title, updated and a link; times in RFC 3339;
//   - a notice added appears; a draft, a notice starting tomorrow and a
//     withdrawn one do not; text with & < > " is escaped and parses back
//     the same;
//   - the English feed has English where the notice has it, else the
//     Japanese marked xml:lang="ja";
//   - at most 20 entries, newest first;
//   - ETag and Last-Modified, and If-None-Match answered 304;
//   - the news pages name the feed in <link rel="alternate">.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, DEMO, cli } from './lib.mjs';

let srv, tmp;

const add = (...args) => Number(cli(['news', 'add', '--db', srv.db, '--tenant', DEMO, ...args]).trim());
const jstDay = (offsetDays) => new Date(Date.now() + 9 * 3600e3 + offsetDays * 86400e3).toISOString().slice(0, 10);

// parse with python3's xml.etree (a real XML parser) into a JSON summary of
// the Atom elements the test checks
const PY = `
import sys, json, xml.etree.ElementTree as ET
A = '{http://www.w3.org/2005/Atom}'
X = '{http://www.w3.org/XML/1998/namespace}lang'
root = ET.parse(sys.argv[1]).getroot()
def t(e, n):
    c = e.find(A + n)
    return None if c is None else (c.text or '')
def links(e):
    return [dict(l.attrib) for l in e.findall(A + 'link')]
out = {'tag': root.tag, 'lang': root.get(X), 'id': t(root, 'id'), 'title': t(root, 'title'),
       'updated': t(root, 'updated'), 'author': root.find(A + 'author/' + A + 'name') is not None,
       'links': links(root), 'entries': []}
for e in root.findall(A + 'entry'):
    out['entries'].append({'id': t(e, 'id'), 'title': t(e, 'title'), 'updated': t(e, 'updated'),
        'published': t(e, 'published'), 'content': t(e, 'content'), 'links': links(e), 'lang': e.get(X),
        'categories': [c.get('term') for c in e.findall(A + 'category')]})
print(json.dumps(out))
`;

function parse(xml) {
  const f = join(tmp, `feed-${Math.random().toString(36).slice(2)}.xml`);
  writeFileSync(f, xml);
  // xmllint: well-formed (exit 0, nothing on stderr)
  execFileSync('xmllint', ['--noout', f], { stdio: ['ignore', 'ignore', 'pipe'] });
  return JSON.parse(execFileSync('python3', ['-c', PY, f]).toString());
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function checkAtom(f) {
  assert.equal(f.tag, '{http://www.w3.org/2005/Atom}feed');
  assert.ok(f.id && /^https?:\/\/[^ ]+\/news\/feed(\.en)?\.atom$/.test(f.id), `feed id ${f.id}`);
  assert.ok(f.title && f.title.length > 0, 'feed title');
  assert.match(f.updated, RFC3339);
  assert.ok(f.author, 'feed author (entries have none of their own)');
  assert.ok(f.links.some((l) => l.rel === 'self' && l.type === 'application/atom+xml'), 'self link');
  for (const e of f.entries) {
    assert.ok(e.id && /^https?:\/\/[^ ]+\/news\/\d+(#en)?$/.test(e.id), `entry id ${e.id}`);
    assert.ok(e.title && e.title.length > 0, 'entry title');
    assert.match(e.updated, RFC3339);
    assert.match(e.published, RFC3339);
    assert.ok(e.links.some((l) => (l.rel || 'alternate') === 'alternate' && /\/news\/\d+$/.test(l.href)), 'entry link');
    assert.ok(e.updated <= f.updated, 'the feed is as new as its newest entry');
  }
  assert.equal(new Set(f.entries.map((e) => e.id)).size, f.entries.length, 'ids unique');
}

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'madoguchi-feed-'));
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined });
});
after(async () => {
  if (srv) await srv.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('the feed is valid Atom; a new notice appears, a draft, a future and a withdrawn one do not', async () => {
  const c = new Client(srv.base);
  const shown = add('--title-ja', '試験のお知らせ <重要> & "引用"', '--body-ja', '本文 1 < 2 & 3 > 2\n二行目',
    '--title-en', 'Test notice & more', '--body-en', 'English text');
  const draft = add('--title-ja', '下書きのお知らせ', '--body-ja', 'x', '--draft');
  const future = add('--title-ja', '明日からのお知らせ', '--body-ja', 'x', '--publish', jstDay(1));
  const gone = add('--title-ja', '取り下げるお知らせ', '--body-ja', 'x', '--important');
  cli(['news', 'withdraw', '--db', srv.db, '--tenant', DEMO, '--id', String(gone)]);

  const r = await c.get('/news/feed.atom');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
  const f = parse(r.text_);
  checkAtom(f);
  assert.equal(f.lang, 'ja');
  const ids = f.entries.map((e) => Number(e.id.match(/\/news\/(\d+)/)[1]));
  assert.ok(ids.includes(shown), 'the new notice is in the feed');
  for (const x of [draft, future, gone]) assert.ok(!ids.includes(x), `notice ${x} is not`);
  const e = f.entries.find((x) => x.id.endsWith(`/news/${shown}`));
  assert.equal(e.title, '試験のお知らせ <重要> & "引用"', 'escaped, and parsed back the same');
  assert.equal(e.content, '本文 1 < 2 & 3 > 2\n二行目');
  // the newest first
  const pub = f.entries.map((x) => x.published);
  assert.deepEqual([...pub].sort().reverse(), pub);
});

test('the English feed: English where there is some, else Japanese marked as such', async () => {
  const c = new Client(srv.base);
  const both = add('--title-ja', '英語もあるお知らせ', '--body-ja', '日本語', '--title-en', 'With English', '--body-en', 'In English');
  const jaOnly = add('--title-ja', '日本語だけのお知らせ', '--body-ja', '日本語だけ');
  const f = parse((await c.get('/news/feed.en.atom')).text_);
  checkAtom(f);
  assert.equal(f.lang, 'en');
  const en = f.entries.find((x) => x.id.endsWith(`/news/${both}#en`));
  assert.equal(en.title, 'With English');
  assert.equal(en.content, 'In English');
  assert.equal(en.lang, null);
  const ja = f.entries.find((x) => x.id.endsWith(`/news/${jaOnly}#en`));
  assert.equal(ja.title, '日本語だけのお知らせ');
  assert.equal(ja.lang, 'ja');
});

test('at most 20 entries, the newest', async () => {
  const c = new Client(srv.base);
  let last = 0;
  for (let i = 0; i < 22; i++) last = add('--title-ja', `まとめて ${i}`, '--body-ja', 'x');
  const f = parse((await c.get('/news/feed.atom')).text_);
  assert.equal(f.entries.length, 20);
  assert.ok(f.entries.some((e) => e.id.endsWith(`/news/${last}`)));
});

test('cacheable: ETag and Last-Modified, If-None-Match gives 304 until a notice changes', async () => {
  const c = new Client(srv.base);
  const a = await c.get('/news/feed.atom');
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.ok(!Number.isNaN(Date.parse(a.headers.get('last-modified'))));
  assert.match(a.headers.get('cache-control'), /public/);
  const b = await c.get('/news/feed.atom', { headers: { 'if-none-match': etag } });
  assert.equal(b.status, 304);
  assert.equal(b.text_, '');
  add('--title-ja', '新しいお知らせ', '--body-ja', 'x');
  const d = await c.get('/news/feed.atom', { headers: { 'if-none-match': etag } });
  assert.equal(d.status, 200);
  assert.notEqual(d.headers.get('etag'), etag);
});

test('the news pages name the feed for feed readers', async () => {
  const c = new Client(srv.base);
  const list = await c.get('/news');
  assert.match(list.text_, /<head>[\s\S]*<link rel="alternate" type="application\/atom\+xml" href="\/news\/feed\.atom" title="[^"]+">[\s\S]*<\/head>/);
  const id = add('--title-ja', 'リンクの確認', '--body-ja', 'x');
  const item = await c.get(`/news/${id}`);
  assert.match(item.text_, /<link rel="alternate" type="application\/atom\+xml" href="\/news\/feed\.atom"/);
  const en = new Client(srv.base);
  en.jar.set('mg_lang', 'en');
  const lp = await en.get('/news');
  assert.match(lp.text_, /href="\/news\/feed\.en\.atom"/);
});
