// opendata.test.mjs -- the open data catalog against the real server:
// CKAN Action API v3 requests and responses as CKAN documents them
// (envelope, errors with 404/409/400, rows over the limit), downloads with
// the permanent "latest" URL and per-version URLs, derived GeoJSON, DCAT
// parsed by rapper (raptor2-utils), the Atom feed and the public pages.
// The demo ward's catalog is imported as `make run` does: the fictional
// data/opendata/demo and the real files of ../shared/data.  MADOGUCHI_HTTP_DB
// (a fresh PostgreSQL database URL) runs the same tests on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, cli, ROOT } from './lib.mjs';

const SHARED = join(ROOT, '../shared/data');
const HAVE_SHARED = existsSync(join(SHARED, 'opendata'));
let srv;
before(async () => {
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined,
    setup: ({ db }) => {
      cli(['opendata', 'import', '--db', db, '--tenant', '139998', 'data/opendata/demo']);
      if (HAVE_SHARED) cli(['opendata', 'import', '--db', db, '--tenant', '139998', '--manifest', 'data/opendata/shared-data.json', SHARED]);
    },
  });
});
after(async () => { if (srv) await srv.stop(); });

async function api(action, params = {}) {
  const qs = new URLSearchParams(params).toString();
  const r = await fetch(`${srv.base}/api/3/action/${action}${qs ? `?${qs}` : ''}`);
  const text = await r.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: r.status, body, headers: r.headers };
}

function okEnvelope(res, action) {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.success, true);
  assert.match(res.body.help, new RegExp(`/api/3/action/help_show\\?name=${action}$`));
  return res.body.result;
}

test('GET /api/3 gives the API version', async () => {
  const r = await fetch(`${srv.base}/api/3`);
  assert.deepEqual(await r.json(), { version: 3 });
});

test('package_list: every active dataset name, sorted; at least 20 in the demo ward', async () => {
  const names = okEnvelope(await api('package_list'), 'package_list');
  assert.ok(names.length >= (HAVE_SHARED ? 20 : 7), `only ${names.length}`);
  assert.deepEqual([...names].sort(), names);
  assert.ok(names.includes('demo-aed'));
  const page = okEnvelope(await api('package_list', { limit: 2, offset: 1 }), 'package_list');
  assert.deepEqual(page, names.slice(1, 3));
  const bad = await api('package_list', { limit: 'x' });
  assert.equal(bad.status, 409);
  assert.equal(bad.body.error.__type, 'Validation Error');
});

test('package_show by name and by id: CKAN dataset dict', async () => {
  const d = okEnvelope(await api('package_show', { id: 'demo-aed' }), 'package_show');
  for (const k of ['id', 'name', 'title', 'notes', 'license_id', 'license_title', 'license_url', 'isopen', 'state',
    'type', 'private', 'owner_org', 'organization', 'groups', 'tags', 'extras', 'resources', 'num_resources',
    'num_tags', 'metadata_created', 'metadata_modified']) assert.ok(k in d, `missing ${k}`);
  assert.equal(d.type, 'dataset');
  assert.equal(d.license_id, 'cc-by-4.0');
  assert.match(d.metadata_modified, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  assert.match(d.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(d.organization.name, 'bosai');
  assert.ok(d.tags.some((t) => t.name === 'AED'));
  assert.equal(d.num_resources, d.resources.length);
  // a CSV with 緯度/経度 gets derived GeoJSON and JSON
  assert.deepEqual(d.resources.map((x) => x.format).sort(), ['CSV', 'GeoJSON', 'JSON']);
  const byId = okEnvelope(await api('package_show', { id: d.id }), 'package_show');
  assert.equal(byId.name, 'demo-aed');
});

test('package_show errors: unknown id 404, missing id 409, as CKAN', async () => {
  const nf = await api('package_show', { id: 'no-such-dataset' });
  assert.equal(nf.status, 404);
  assert.equal(nf.body.success, false);
  assert.deepEqual(nf.body.error, { __type: 'Not Found Error', message: 'Not found' });
  assert.ok(!('result' in nf.body));
  const missing = await api('package_show');
  assert.equal(missing.status, 409);
  assert.equal(missing.body.error.__type, 'Validation Error');
  assert.deepEqual(missing.body.error.id, ['Missing value']);
});

test('package_search: q, fq, rows, start, sort, facet.field', async () => {
  const all = okEnvelope(await api('package_search', { rows: 0 }), 'package_search');
  assert.ok(all.count >= 7);
  assert.deepEqual(all.results, []);
  assert.equal(all.sort, 'score desc, metadata_modified desc');
  const aed = okEnvelope(await api('package_search', { q: 'AED' }), 'package_search');
  assert.ok(aed.results.some((d) => d.name === 'demo-aed'));
  // a two-character Japanese word inside a title
  const hinan = okEnvelope(await api('package_search', { q: '避難' }), 'package_search');
  // (or one of its synonyms, src/core/search/synonyms.c: 防災, 災害 -- the
  // map demo's datasets are 防災課's)
  assert.ok(hinan.count >= 1 && hinan.results.some((d) => JSON.stringify(d).includes('避難')));
  assert.ok(hinan.results.every((d) => /避難|防災|災害/.test(JSON.stringify(d))));
  // hiragana finds katakana (folded search key)
  const kana = okEnvelope(await api('package_search', { q: 'いべんと' }), 'package_search');
  assert.ok(kana.results.some((d) => d.name === 'demo-event'), 'いべんと finds イベント');
  const tagged = okEnvelope(await api('package_search', { fq: 'tags:防災', rows: 1000 }), 'package_search');
  assert.ok(tagged.count >= 2);
  assert.ok(tagged.results.every((d) => d.tags.some((t) => t.name === '防災')));
  const org = okEnvelope(await api('package_search', { fq: 'organization:bosai +tags:AED' }), 'package_search');
  assert.deepEqual(org.results.map((d) => d.name), ['demo-aed']);
  const sorted = okEnvelope(await api('package_search', { sort: 'name asc', rows: 3, start: 1 }), 'package_search');
  const names = okEnvelope(await api('package_list'), 'package_list');
  assert.deepEqual(sorted.results.map((d) => d.name), names.slice(1, 4));
  const f = okEnvelope(await api('package_search', { 'facet.field': '["tags","organization","res_format","license_id"]', rows: 0 }), 'package_search');
  assert.ok(f.facets.tags['防災'] >= 2);
  assert.equal(f.search_facets.res_format.title, 'res_format');
  assert.ok(f.search_facets.organization.items.some((i) => i.name === 'bosai' && i.display_name === 'デモ区 防災課'));
  assert.ok(f.search_facets.license_id.items.some((i) => i.name === 'cc-by-4.0'));
});

test('package_search errors: rows over the limit, bad numbers, bad fq, bad sort, bad facet.field', async () => {
  const over = await api('package_search', { rows: 1001 });
  assert.equal(over.status, 409);
  assert.equal(over.body.success, false);
  assert.equal(over.body.error.__type, 'Validation Error');
  assert.match(over.body.error.rows[0], /1000/);
  assert.equal((await api('package_search', { rows: 1000 })).status, 200);
  for (const [k, v] of [['rows', '-1'], ['rows', 'ten'], ['start', '1.5']]) {
    const r = await api('package_search', { [k]: v });
    assert.equal(r.status, 409, `${k}=${v}`);
    assert.ok(r.body.error[k], `${k} named`);
  }
  // an unknown field is Solr's "undefined field": CKAN answers 409 Search Error
  const fq = await api('package_search', { fq: 'nosuchfield:x' });
  assert.equal(fq.status, 409);
  assert.equal(fq.body.error.__type, 'Search Error');
  assert.match(fq.body.error.message, /^Search error: .*undefined field nosuchfield/);
  const fq2 = await api('package_search', { fq: 'tags:"open' });
  assert.equal(fq2.status, 400);
  assert.equal(fq2.body.error.__type, 'Search Query Error');
  assert.match(fq2.body.error.message, /^Search Query is invalid/);
  const sort = await api('package_search', { sort: 'bogus desc' });
  assert.equal(sort.status, 409);
  assert.equal(sort.body.error.__type, 'Search Error');
  const ff = await api('package_search', { 'facet.field': 'tags' });
  assert.equal(ff.status, 409);
  assert.ok(ff.body.error['facet.field']);
  // too long for the route: the router's own 400
  const long = await api('package_search', { q: 'x'.repeat(1001) });
  assert.equal(long.status, 400);
});

test('resource_show and the permanent latest URL; versions keep their own URL', async () => {
  const d = okEnvelope(await api('package_show', { id: 'demo-aed' }), 'package_show');
  const csv = d.resources.find((x) => x.format === 'CSV');
  const r = okEnvelope(await api('resource_show', { id: csv.id }), 'resource_show');
  assert.equal(r.package_id, d.id);
  assert.equal(r.url, `${srv.base}/dataset/demo-aed/resource/${csv.id}/download`);
  assert.equal(r.version, 1);
  const dl = await fetch(r.url);
  assert.equal(dl.status, 200);
  assert.match(dl.headers.get('content-type'), /^text\/csv; charset=utf-8/);
  assert.match(dl.headers.get('content-disposition'), /filename\*=UTF-8''demo_139998_aed\.csv/);
  const bytes = Buffer.from(await dl.arrayBuffer());
  assert.deepEqual(bytes, readFileSync(join(ROOT, 'data/opendata/demo/demo_139998_aed.csv')));
  assert.equal(r.hash, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
  // the Excel variant: the same bytes after a UTF-8 byte order mark
  const xl = await fetch(`${r.url}?excel=1`);
  assert.match(xl.headers.get('content-disposition'), /filename\*=UTF-8''excel_demo_139998_aed\.csv/);
  assert.deepEqual(Buffer.from(await xl.arrayBuffer()), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
  const v1 = await fetch(`${r.url}?version=1`);
  assert.equal(v1.status, 200);
  assert.match(v1.headers.get('cache-control'), /immutable/);
  assert.equal((await fetch(`${r.url}?version=9`)).status, 404);
  const nf = await api('resource_show', { id: 'nope' });
  assert.equal(nf.status, 404);
  assert.equal(nf.body.error.__type, 'Not Found Error');
});

test('a re-import of changed bytes adds version 2 behind the same latest URL', async () => {
  const { mkdtempSync, copyFileSync, mkdirSync } = await import('node:fs');
  const dir = mkdtempSync(join(srv.dir, 'v2-'));
  mkdirSync(dir, { recursive: true });
  const man = JSON.parse(readFileSync(join(ROOT, 'data/opendata/demo/catalog.json'), 'utf8'));
  man.datasets = man.datasets.filter((x) => x.name === 'demo-event');
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify(man));
  const src = readFileSync(join(ROOT, 'data/opendata/demo/demo_139998_event.csv'), 'utf8');
  writeFileSync(join(dir, 'demo_139998_event.csv'), src.replace('架空のイベントです。', '架空のイベントです（改訂）。'));
  copyFileSync(join(ROOT, 'data/opendata/demo/demo_139998_event.csv'), join(dir, 'orig.csv'));
  cli(['opendata', 'import', '--db', srv.db, '--tenant', '139998', dir]);
  const d = okEnvelope(await api('package_show', { id: 'demo-event' }), 'package_show');
  const csv = d.resources.find((x) => x.format === 'CSV');
  assert.equal(csv.version, 2);
  assert.equal(csv.versions.length, 2);
  assert.match(await (await fetch(csv.url)).text(), /改訂/);
  assert.doesNotMatch(await (await fetch(`${csv.url}?version=1`)).text(), /改訂/);
  const feed = await (await fetch(`${srv.base}/opendata/changes.atom`)).text();
  assert.match(feed, /更新 \/ updated: デモ区 イベント一覧/);
});

test('a directory without a manifest: one dataset per file; a CP932 CSV is detected, validated and served as it came', async () => {
  const { mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync(join(srv.dir, 'sjis-'));
  const sjis = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'CP932', join(ROOT, 'data/opendata/demo/demo_139998_aed.csv')]);
  writeFileSync(join(dir, 'AED_SJIS.csv'), sjis);
  const out = cli(['opendata', 'import', '--db', srv.db, '--tenant', '139998', dir]);
  assert.match(out, /AED_SJIS\.csv: CP932 \(Shift_JIS\), 8 行 rows, 22 列 columns, 形式 format: suisho-01-aed/);
  const d = okEnvelope(await api('package_show', { id: 'aed_sjis' }), 'package_show');
  assert.equal(d.license_id, 'notspecified');
  const csv = d.resources.find((x) => x.format === 'CSV');
  assert.equal(csv.validation.encoding, 'CP932 (Shift_JIS)');
  const dl = await fetch(csv.url);
  assert.match(dl.headers.get('content-type'), /charset=Shift_JIS/);
  assert.deepEqual(Buffer.from(await dl.arrayBuffer()), sjis);
  // the derived JSON is UTF-8
  const j = await (await fetch(d.resources.find((x) => x.format === 'JSON').url)).json();
  assert.equal(j[0]['名称'], 'デモ区役所 本庁舎');
});

test('organization_list / organization_show, group_list / group_show', async () => {
  const orgs = okEnvelope(await api('organization_list'), 'organization_list');
  assert.ok(orgs.includes('bosai') && orgs.includes('somu'));
  const full = okEnvelope(await api('organization_list', { all_fields: 'true', sort: 'package_count desc' }), 'organization_list');
  assert.ok(full.every((o) => typeof o.package_count === 'number' && o.is_organization === true));
  for (let i = 1; i < full.length; i++) assert.ok(full[i - 1].package_count >= full[i].package_count);
  const o = okEnvelope(await api('organization_show', { id: 'bosai', include_datasets: 'true' }), 'organization_show');
  assert.equal(o.name, 'bosai');
  assert.ok(o.package_count >= 2 && o.packages.length >= 2);
  const onf = await api('organization_show', { id: 'nope' });
  assert.equal(onf.status, 404);
  const groups = okEnvelope(await api('group_list'), 'group_list');
  assert.ok(groups.includes('bosai'));
  const g = okEnvelope(await api('group_show', { id: 'bosai', include_datasets: 'true' }), 'group_show');
  assert.equal(g.type, 'group');
  assert.ok(g.packages.some((p) => p.name === 'demo-aed'));
  assert.equal((await api('group_show', { id: 'nope' })).status, 404);
  const badSort = await api('organization_list', { sort: 'bogus' });
  assert.equal(badSort.status, 409);
});

test('tag_list, license_list, status_show, unknown action', async () => {
  const tags = okEnvelope(await api('tag_list'), 'tag_list');
  assert.ok(tags.includes('防災') && tags.includes('AED'));
  const some = okEnvelope(await api('tag_list', { query: '防' }), 'tag_list');
  assert.ok(some.every((t) => t.includes('防')));
  const lic = okEnvelope(await api('license_list'), 'license_list');
  const ids = lic.map((l) => l.id);
  assert.ok(ids.includes('cc-by-4.0') && ids.includes('jp-pdl-1.0'));
  assert.equal(lic.find((l) => l.id === 'jp-pdl-1.0').title, '公共データ利用規約（第1.0版）');
  const st = okEnvelope(await api('status_show'), 'status_show');
  assert.match(st.site_title, /デモ区/);
  assert.ok(st.ckan_version);
  const act = okEnvelope(await api('recently_changed_packages_activity_list', { limit: 5 }), 'recently_changed_packages_activity_list');
  assert.equal(act.length, 5);
  assert.ok(act.every((a) => ['new package', 'changed package'].includes(a.activity_type) && a.object_id && a.timestamp));
  assert.equal((await api('recently_changed_packages_activity_list', { limit: 101 })).status, 409);
  const un = await api('no_such_action');
  assert.equal(un.status, 400);
  assert.equal(un.body, 'Bad request - Action name not known: no_such_action');
});

test('real files: imported with licence and source; known defects in the validation report', { skip: !HAVE_SHARED }, async () => {
  const ev = okEnvelope(await api('package_show', { id: 'yaizu-evacuation-space' }), 'package_show');
  assert.equal(ev.license_id, 'jp-pdl-1.0');
  assert.match(ev.attribution, /焼津市/);
  const v = ev.resources.find((x) => x.format === 'CSV').validation;
  assert.equal(v.format, 'suisho-10-evacuation-space');
  assert.ok(v.problems.some((p) => p.code === 'maru_for_one'));
  const pre = okEnvelope(await api('package_show', { id: 'yaizu-preschool' }), 'package_show');
  assert.ok(pre.resources[0].validation.problems.some((p) => p.code === 'misnamed_column' && p.line === 1 && p.col === 1));
  const gsi = okEnvelope(await api('package_show', { id: 'gsi-emergency-sites-suginami' }), 'package_show');
  assert.equal(gsi.license_id, 'gsi-terms');
  assert.equal(gsi.resources[0].format, 'GeoJSON');
  const sug = okEnvelope(await api('package_show', { id: 'suginami-shinsai-kyuenjo' }), 'package_show');
  assert.equal(sug.license_id, 'notspecified');
  assert.equal(sug.isopen, false);
  // every file of the two folders is in the catalog, byte for byte
  const files = [...readdirSyncSafe(join(SHARED, 'opendata')), ...readdirSyncSafe(join(SHARED, 'services'))];
  const res = okEnvelope(await api('package_search', { rows: 1000 }), 'package_search').results.flatMap((d) => d.resources);
  for (const f of files) {
    const r = res.find((x) => x.name === f);
    assert.ok(r, `${f} in the catalog`);
    const want = createHash('sha256').update(readFileSync(join(SHARED, f.endsWith('.geojson') || f.startsWith('5374') || f.startsWith('suginami') || f.startsWith('takamatsu') ? 'services' : 'opendata', f))).digest('hex');
    assert.equal(r.hash, `sha256:${want}`, f);
  }
  // derived GeoJSON: one point per row with coordinates
  const aed = okEnvelope(await api('package_show', { id: 'yaizu-aed' }), 'package_show');
  const gj = await (await fetch(aed.resources.find((x) => x.format === 'GeoJSON').url)).json();
  assert.equal(gj.type, 'FeatureCollection');
  assert.equal(gj.features.length, 82);
  const [lon, lat] = gj.features[0].geometry.coordinates;
  assert.ok(lat > 34 && lat < 35 && lon > 138 && lon < 139);
});

function readdirSyncSafe(d) {
  // data files only
  return existsSync(d) ? execFileSync('ls', [d], { encoding: 'utf8' }).split('\n').filter((f) => /\.(csv|geojson)$/.test(f)) : [];
}

test('DCAT: catalog and dataset Turtle parse with rapper; JSON-LD has the DCAT-AP fields', async () => {
  for (const path of ['/catalog.ttl', '/dataset/demo-aed.ttl']) {
    const r = await fetch(srv.base + path);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^text\/turtle/);
    const file = join(srv.dir, path.replace(/\//g, '_'));
    writeFileSync(file, await r.text());
    const out = execFileSync('rapper', ['-i', 'turtle', '-o', 'ntriples', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(out, /<http:\/\/www\.w3\.org\/1999\/02\/22-rdf-syntax-ns#type> <http:\/\/www\.w3\.org\/ns\/dcat#Dataset>/);
    assert.match(out, /<http:\/\/www\.w3\.org\/ns\/dcat#accessURL>/);
    if (path === '/catalog.ttl') {
      assert.match(out, /<http:\/\/www\.w3\.org\/ns\/dcat#Catalog>/);
      assert.match(out, /<http:\/\/purl\.org\/dc\/terms\/publisher>/);
    }
  }
  const j = await (await fetch(`${srv.base}/dataset/demo-aed.jsonld`)).json();
  assert.ok(j['@context'].dcat);
  const ds = j['@graph'].find((n) => n['@type'] === 'dcat:Dataset');
  assert.equal(ds['dct:title'][0]['@value'], 'デモ区 AED設置箇所一覧');
  assert.ok(ds['dct:description']['@value']);
  assert.ok(j['@graph'].filter((n) => n['@type'] === 'dcat:Distribution').every((n) => n['dcat:accessURL']['@id']));
  const cat = await (await fetch(`${srv.base}/catalog.jsonld`)).json();
  const c = cat['@graph'].find((n) => n['@type'] === 'dcat:Catalog');
  assert.ok(c['dct:title'] && c['dct:description'] && c['dct:publisher']);
  assert.ok(c['dcat:dataset'].length >= 7);
  assert.equal((await fetch(`${srv.base}/dataset/nope.ttl`)).status, 404);
  // paging as ckanext-dcat: Hydra terms; a page past the end has no datasets
  const ttl = await (await fetch(`${srv.base}/catalog.ttl?page=1`)).text();
  assert.match(ttl, /a hydra:PagedCollection/);
  assert.match(ttl, /hydra:totalItems "\d+"\^\^xsd:integer/);
  const empty = await (await fetch(`${srv.base}/catalog.jsonld?page=99`)).json();
  assert.equal(empty['@graph'].filter((n) => n['@type'] === 'dcat:Dataset').length, 0);
  assert.ok(empty['@graph'].find((n) => n['@type'] === 'hydra:PagedCollection')['hydra:previousPage']);
  assert.equal((await fetch(`${srv.base}/catalog.ttl?page=x`)).status, 400);
});

test('the import puts every dataset into the shared full-text search (collection opendata)', async () => {
  // one JSON object a line per hit
  const hits = (args) => cli(['search', 'query', '--db', srv.db, '--index', join(srv.dir, 'search.idx'), '--collection', 'opendata', '--json', ...args])
    .split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  const ids = hits(['--tenant', '139998', '避難']).map((h) => h.id);
  assert.ok(ids.includes('demo-evacuation-space'), ids.join(','));
  assert.deepEqual(hits(['--field', 'tag=AED', 'デモ']).map((h) => h.id), ['demo-aed']);
});

test('Atom feed of changes', async () => {
  const r = await fetch(`${srv.base}/opendata/changes.atom`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
  const x = await r.text();
  assert.match(x, /^<\?xml version="1.0" encoding="utf-8"\?>\n<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
  assert.ok((x.match(/<entry>/g) || []).length >= 7);
  assert.match(x, /<entry><title>(新規公開 \/ new|更新 \/ updated): [^<]+<\/title>/);
  assert.match(x, /版 1 \/ version 1/);
});

test('public pages: search with facets, dataset page with preview, JSON-LD and downloads', async () => {
  const s = await fetch(`${srv.base}/opendata?q=${encodeURIComponent('避難')}`);
  assert.equal(s.status, 200);
  const html = await s.text();
  assert.match(html, /<h1>オープンデータ<\/h1>/);
  assert.equal((html.match(/<h1>/g) || []).length, 1);
  assert.match(html, /href="\/dataset\/demo-evacuation-space"/);
  assert.match(html, /<nav class="facets"/);
  const f = await (await fetch(`${srv.base}/opendata?tags=${encodeURIComponent('防災')}&res_format=GeoJSON`)).text();
  assert.match(f, /tags = 防災/);
  const d = await fetch(`${srv.base}/dataset/demo-aed`);
  assert.equal(d.status, 200);
  const page = await d.text();
  assert.match(page, /<table class="preview">/);
  assert.match(page, /<th scope="col">名称<\/th>/);
  // its times: the API's UTC, shown in Japan time (nine hours later)
  const meta = okEnvelope(await api('package_show', { id: 'demo-aed' }), 'package_show');
  const jst = (iso) => new Date(Date.parse(`${iso}Z`) + 9 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  for (const k of ['metadata_created', 'metadata_modified']) {
    assert.ok(page.includes(`<dd>${jst(meta[k])}（日本時間）</dd>`), `${k} ${meta[k]} as ${jst(meta[k])} JST`);
  }
  assert.match(page, /デモ区役所 本庁舎/);
  // the location preview: a hidden Leaflet container naming the GeoJSON,
  // external scripts only, a table of the 8 points and a link to the GeoJSON
  assert.match(page, /<div id="od-map" class="od-map-box" role="region" aria-label="地図: demo_139998_aed\.geojson（8 地点）" data-geojson="http:\/\/[^"]+\/dataset\/demo-aed\/resource\/[0-9a-f-]+\/download" hidden><\/div>/);
  assert.match(page, /<script src="\/assets\/leaflet\/leaflet\.js" defer><\/script>/);
  assert.match(page, /<script src="\/assets\/opendata-map\.js" defer><\/script>/);
  assert.equal((page.match(/<script(?! src=| type="application\/ld\+json")/g) || []).length, 0, 'no inline script');
  assert.equal((page.match(/<table class="points">[\s\S]*?<\/table>/)[0].match(/<tr><th scope="row">/g) || []).length, 8);
  assert.match(page, /<td>デモ区役所 本庁舎<\/td><td>35\.690552<\/td><td>139\.732565<\/td>/);
  assert.match(page, /<a href="http:\/\/[^"]+\/download">demo_139998_aed\.geojson（GeoJSON、8 地点）<\/a>/);
  // no tiles configured: the CSP keeps img-src to 'self' and data:
  assert.match(d.headers.get('content-security-policy'), /img-src 'self' data:;/);
  for (const a of ['/assets/leaflet/leaflet.js', '/assets/leaflet/leaflet.css', '/assets/leaflet/images/marker-icon.png', '/assets/opendata-map.js']) {
    assert.equal((await fetch(`${srv.base}${a}`)).status, 200, a);
  }
  const ld = page.match(/<script type="application\/ld\+json">(.*?)<\/script>/s);
  assert.ok(ld, 'schema.org JSON-LD present');
  const so = JSON.parse(ld[1]);
  assert.equal(so['@type'], 'Dataset');
  assert.equal(so.name, 'デモ区 AED設置箇所一覧');
  assert.ok(so.distribution.length === 3);
  // the CSP still forbids inline script: the JSON-LD block is data
  assert.doesNotMatch(d.headers.get('content-security-policy'), /unsafe-inline/);
  assert.match(page, /href="\/dataset\/demo-aed\/resource\/[0-9a-f-]+\/download"/);
  assert.equal((await fetch(`${srv.base}/dataset/no-such`)).status, 404);
  if (HAVE_SHARED) {
    const big = await (await fetch(`${srv.base}/dataset/yaizu-public-facility?page=2`)).text();
    assert.match(big, /<th scope="row">21<\/th>/);
    assert.match(big, /前の20行/);
  }
});
