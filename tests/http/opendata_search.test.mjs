// opendata_search.test.mjs -- package_search and the /opendata page
// through the shared full-text index (src/core/search) against the real server:
// 1- and 2-character Japanese words (「犬」「保育」), ranking, snippets with
// <mark>, facets counted over every match; CKAN's fq syntax as harvesters
// send it (requests and error answers as CKAN documents them: an unknown
// field is Solr's "undefined field", a 409 Search Error; a syntax we do not
// take is a 400 Search Query Error); POST with a JSON body for read actions;
// and two servers on one database, each with its own index file, both
// finding a dataset changed by `madoguchi opendata import` at their next
// query.  MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on
// PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, spawnServe, freePort, cli } from './lib.mjs';

let srv, fixture;

// a fictional catalog of the demo ward with words the demo data lacks
function writeFixture(dir, { dogTitle = 'デモ区 犬の登録頭数', dogNotes = '区内で登録された犬の頭数（町丁別）。' } = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'dogs.csv'), '町丁,頭数\nあじさい町,120\n日の出町,98\n');
  writeFileSync(join(dir, 'nursery.csv'), '名称,定員\nデモ区立ひので保育園,90\nあじさい保育室,19\n');
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify({
    organizations: [{ name: 'kumin', title: 'デモ区 区民課' }, { name: 'kosodate', title: 'デモ区 子育て支援課' }],
    groups: [{ name: 'kosodate', title: '子育て' }],
    datasets: [
      { name: 'demo-dogs', title: dogTitle, notes: dogNotes, organization: 'kumin', license_id: 'cc-by-4.0',
        tags: ['ペット', '統計'], files: ['dogs.csv'] },
      { name: 'demo-nursery', title: 'デモ区 保育施設の定員', notes: '認可保育園と保育室の定員。ほいくえん。', organization: 'kosodate',
        license_id: 'jp-pdl-1.0', tags: ['子育て', '保育'], groups: ['kosodate'], files: ['nursery.csv'] },
    ],
  }));
}

before(async () => {
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined,
    setup: ({ db, dir }) => {
      cli(['opendata', 'import', '--db', db, '--tenant', '139998', 'data/opendata/demo']);
      fixture = join(dir, 'fixture');
      writeFixture(fixture);
      cli(['opendata', 'import', '--db', db, '--tenant', '139998', fixture]);
    },
  });
});
after(async () => { if (srv) await srv.stop(); });

async function get(base, action, params = {}) {
  const qs = new URLSearchParams(params).toString();
  const r = await fetch(`${base}/api/3/action/${action}${qs ? `?${qs}` : ''}`);
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, body };
}
const api = (action, params) => get(srv.base, action, params);

async function post(action, body, headers = { 'content-type': 'application/json' }) {
  const r = await fetch(`${srv.base}/api/3/action/${action}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await r.text();
  let b;
  try { b = JSON.parse(text); } catch { b = text; }
  return { status: r.status, body: b };
}

function result(res) {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.success, true);
  return res.body.result;
}

test('one- and two-character Japanese words through the full-text index', async () => {
  const dog = result(await api('package_search', { q: '犬' }));
  assert.equal(dog.count, 1);
  assert.deepEqual(dog.results.map((d) => d.name), ['demo-dogs']);
  const hoiku = result(await api('package_search', { q: '保育' }));
  assert.deepEqual(hoiku.results.map((d) => d.name), ['demo-nursery']);
  // a phrase, not two characters anywhere: 育保 is not in the text, 保 and 育 are
  // (保育所 was the example: a synonym of 保育園 since issue 14, src/core/search/synonyms.c)
  assert.equal(result(await api('package_search', { q: '育保' })).count, 0);
  // words are AND-ed; hiragana finds katakana (orthographic folding)
  assert.equal(result(await api('package_search', { q: '犬 統計' })).count, 1);
  assert.equal(result(await api('package_search', { q: '犬 保育' })).count, 0);
  assert.equal(result(await api('package_search', { q: 'ぺっと' })).count, 1, 'a tag, kana folded');
  // the CKAN shape is kept
  for (const k of ['count', 'sort', 'results', 'facets', 'search_facets']) assert.ok(k in hoiku, k);
  assert.equal(hoiku.sort, 'score desc, metadata_modified desc');
  assert.ok(hoiku.results[0].resources.length >= 1);
});

test('ranking: a title match before a description match; facets over every match', async () => {
  // 一覧 is in many demo titles; the AED dataset has AED in its title
  const r = result(await api('package_search', { q: 'AED', 'facet.field': '["tags","organization","res_format","license_id"]' }));
  // only the AED dataset has the word: the names first, so that a wrong
  // match shows which dataset it was
  assert.deepEqual(r.results.map((d) => d.name), ['demo-aed']);
  assert.equal(r.count, 1);
  assert.equal(r.facets.organization.bosai, 1);
  assert.equal(r.search_facets.organization.items[0].display_name, 'デモ区 防災課');
  // rows=1 pages the results but counts facets over all matches
  const all = result(await api('package_search', { q: 'デモ区', rows: 1000, 'facet.field': '["tags","license_id"]' }));
  const one = result(await api('package_search', { q: 'デモ区', rows: 1, 'facet.field': '["tags","license_id"]' }));
  assert.equal(one.results.length, 1);
  assert.equal(one.count, all.count);
  assert.deepEqual(one.facets, all.facets);
  const byLicense = {};
  for (const d of all.results) byLicense[d.license_id] = (byLicense[d.license_id] || 0) + 1;
  assert.deepEqual(all.facets.license_id, byLicense);
  // paging follows the ranking
  const second = result(await api('package_search', { q: 'デモ区', rows: 1, start: 1 }));
  assert.equal(second.results[0].name, all.results[1].name);
  // another sort orders the same matches
  const byName = result(await api('package_search', { q: 'デモ区', rows: 1000, sort: 'name asc' }));
  assert.deepEqual(byName.results.map((d) => d.name), all.results.map((d) => d.name).sort());
});

test('the /opendata page: ranked results with highlighted snippets', async () => {
  const r = await fetch(`${srv.base}/opendata?q=${encodeURIComponent('犬')}`);
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /<p class="count" role="status">1 件<\/p>/);
  assert.match(html, /<a href="\/dataset\/demo-dogs">デモ区 <mark>犬<\/mark>の登録頭数<\/a>/);
  assert.match(html, /<p class="snippet">[^<]*登録された<mark>犬<\/mark>の頭数/);
  const h2 = await (await fetch(`${srv.base}/opendata?q=${encodeURIComponent('保育')}&tags=${encodeURIComponent('子育て')}`)).text();
  assert.match(h2, /<mark>保育<\/mark>施設の定員/);
  assert.match(h2, /1 件/);
  // markup in a query is text
  const h3 = await (await fetch(`${srv.base}/opendata?q=${encodeURIComponent('<b>犬</b>')}`)).text();
  assert.doesNotMatch(h3, /<b>犬<\/b>/);
});

test('fq: the Solr syntax harvesters send', async () => {
  const n = async (fq, extra = {}) => result(await api('package_search', { fq, rows: 1000, ...extra }));
  const everything = await n('');
  assert.equal(everything.count, everything.results.length);
  // 防災's datasets: the imported catalog's two, and the map demo's (which
  // `madoguchi demo` puts into the same full-text projection)
  const bosai = everything.results.filter((d) => d.organization && d.organization.name === 'bosai').map((d) => d.name).sort();
  assert.ok(bosai.includes('demo-aed') && bosai.includes('demo-evacuation-space') && bosai.includes('demo-map-damage'));
  assert.deepEqual((await n('organization:bosai')).results.map((d) => d.name).sort(), bosai);
  assert.equal((await n('tags:"ペット"')).count, 1);
  // the datasets with a CSV resource, counted from the results themselves
  // (the demo has GeoJSON-only datasets too: the map's 町丁目 polygons)
  const withCsv = everything.results.filter((d) => d.resources.some((r) => String(r.format).toUpperCase() === 'CSV'));
  assert.ok(withCsv.some((d) => d.name === 'demo-map-toilets') && withCsv.length < everything.count);
  assert.deepEqual((await n('res_format:CSV')).results.map((d) => d.name).sort(), withCsv.map((d) => d.name).sort());
  assert.equal((await n('license_id:jp-pdl-1.0')).results[0].name, 'demo-nursery');
  assert.equal((await n('groups:kosodate')).results.some((d) => d.name === 'demo-nursery'), true);
  // several clauses AND-ed, + marks, AND, quoted values
  assert.deepEqual((await n('+organization:bosai +tags:AED')).results.map((d) => d.name), ['demo-aed']);
  assert.deepEqual((await n('organization:"bosai" AND res_format:GeoJSON AND tags:AED')).results.map((d) => d.name), ['demo-aed']);
  assert.equal((await n('organization:bosai tags:ペット')).count, 0);
  // with words: the index applies the same filters
  assert.equal((await n('organization:kumin', { q: '犬' })).count, 1);
  assert.equal((await n('organization:bosai', { q: '犬' })).count, 0);
  // what CKAN adds itself, as harvesters copy it
  assert.equal((await n('+dataset_type:dataset +capacity:public +state:active')).count, (await n('')).count);
  assert.equal((await n('capacity:private')).count, 0);
  // owner_org is the organisation's id
  const aed = result(await api('package_show', { id: 'demo-aed' }));
  assert.equal((await n(`owner_org:${aed.owner_org}`)).count, bosai.length);
  assert.equal((await n(`owner_org:"${aed.owner_org}"`, { q: 'AED' })).count, 1);
  // unknown field: Solr's undefined field -> CKAN's 409 Search Error
  const bad = await api('package_search', { fq: 'author:someone' });
  assert.equal(bad.status, 409);
  assert.equal(bad.body.success, false);
  assert.equal(bad.body.error.__type, 'Search Error');
  assert.match(bad.body.error.message, /^Search error: .*undefined field author/);
  // syntax we do not take: 400 Search Query Error
  for (const fq of ['tags:(a OR b)', 'tags:"open', '-tags:AED', 'metadata_modified:[2024-01-01T00:00:00Z TO *]']) {
    const x = await api('package_search', { fq });
    assert.equal(x.status, 400, fq);
    assert.equal(x.body.error.__type, 'Search Query Error');
    assert.match(x.body.error.message, /^Search Query is invalid: /);
  }
});

test('POST with a JSON body, as CKAN accepts for every action', async () => {
  const s = result(await post('package_search', { q: '保育', fq: 'organization:kosodate', rows: 5, 'facet.field': ['tags'] }));
  assert.equal(s.count, 1);
  assert.equal(s.facets.tags['保育'], 1);
  const fl = result(await post('package_search', { fq_list: ['organization:bosai', 'tags:AED'] }));
  assert.deepEqual(fl.results.map((d) => d.name), ['demo-aed']);
  const show = result(await post('package_show', { id: 'demo-nursery' }));
  assert.equal(show.license_id, 'jp-pdl-1.0');
  const list = result(await post('package_list', { limit: 2 }));
  assert.equal(list.length, 2);
  assert.equal(result(await post('organization_show', { id: 'kumin' })).name, 'kumin');
  // errors in CKAN's shapes
  const nf = await post('package_show', { id: 'no-such-dataset' });
  assert.equal(nf.status, 404);
  assert.equal(nf.body.error.__type, 'Not Found Error');
  const unk = await post('package_search', { q: '犬', bogus: 1 });
  assert.equal(unk.status, 400);
  assert.equal(unk.body.error.__type, 'Search Query Error');
  assert.match(unk.body.error.message, /Invalid search parameters: \['bogus'\]/);
  const notObj = await post('package_search', '[1,2]');
  assert.equal(notObj.status, 400);
  assert.match(notObj.body, /^Bad request - JSON Error/);
  const rows = await post('package_search', { rows: 5000 });
  assert.equal(rows.status, 409);
  assert.equal(rows.body.error.__type, 'Validation Error');
  const form = await post('package_search', 'q=x', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
  const unknownAction = await post('no_such_action', {});
  assert.equal(unknownAction.status, 400);
  assert.match(unknownAction.body, /Action name not known: no_such_action/);
});

test('two servers on one database: a dataset changed by import is found by both at the next query', async () => {
  // server B: same database, its own index file
  const port = await freePort();
  const b = await spawnServe({ db: srv.db, keys: srv.keys, port, extraArgs: ['--search-index', join(srv.dir, 'b.search')] });
  try {
    const both = async (q) => Promise.all([srv.base, b.base].map(async (base) => {
      const r = await get(base, 'package_search', { q });
      assert.equal(r.status, 200);
      return r.body.result.results.map((d) => d.name);
    }));
    assert.deepEqual(await both('犬'), [['demo-dogs'], ['demo-dogs']]);
    assert.deepEqual(await both('猫'), [[], []]);
    // re-import with a changed title and description
    writeFixture(fixture, { dogTitle: 'デモ区 犬と猫の登録頭数', dogNotes: '区内で登録された犬と猫の頭数。' });
    cli(['opendata', 'import', '--db', srv.db, '--tenant', '139998', fixture]);
    assert.deepEqual(await both('猫'), [['demo-dogs'], ['demo-dogs']]);
    const page = await (await fetch(`${b.base}/opendata?q=${encodeURIComponent('猫')}`)).text();
    assert.match(page, /<mark>猫<\/mark>の登録頭数/);
  } finally {
    b.proc.kill('SIGTERM');
    await b.exited;
  }
});

test('map tiles: configured with serve --map-tiles, their origin is added to img-src only', async () => {
  const port = await freePort();
  const tiles = 'https://{s}.tile.example.jp/xyz/{z}/{x}/{y}.png';
  const b = await spawnServe({ db: srv.db, keys: srv.keys, port,
    extraArgs: ['--search-index', join(srv.dir, 'c.search'), '--map-tiles', tiles, '--map-attribution', '地図: 例示タイル'] });
  try {
    const r = await fetch(`${b.base}/dataset/demo-aed`);
    const csp = r.headers.get('content-security-policy');
    assert.match(csp, /img-src 'self' data: https:\/\/\*\.tile\.example\.jp;/);
    assert.match(csp, /script-src 'self';/);
    assert.match(csp, /connect-src 'self';/);
    const html = await r.text();
    assert.match(html, /data-tiles="https:\/\/\{s\}\.tile\.example\.jp\/xyz\/\{z\}\/\{x\}\/\{y\}\.png" data-attribution="地図: 例示タイル"/);
    // other pages keep the plain policy
    const other = await fetch(`${b.base}/opendata`);
    assert.match(other.headers.get('content-security-policy'), /img-src 'self' data:;/);
  } finally {
    b.proc.kill('SIGTERM');
    await b.exited;
  }
  // a template that is not https with {z}/{x}/{y} is refused at start
  assert.throws(() => cli(['serve', '--db', srv.db, '--key-dir', srv.keys, '--map-tiles', 'http://tiles.example.jp/{z}/{x}/{y}.png']), /--map-tiles/);
});
