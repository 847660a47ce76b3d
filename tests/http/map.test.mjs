// map.test.mjs -- the integrated map (src/svc/map/) on the real server with
// the demo ward and datasets made here (`opendata import` in the setup):
//   - /staff/map: anonymous sent to the staff login, a member without
//     map.admin refused (403), also for a write;
//   - the admin adds a layer from a dataset whose CSV names its
//     coordinates lat/lng (not 緯度/経度) through the form; a refused form
//     (a script in the colour, a dataset that is not there) comes back 422
//     with the field named and nothing stored; each write one audit record;
//   - /map without JavaScript (the HTML as sent): the new layer's features
//     listed with name, address and coordinates, a name holding a script
//     escaped; the demo's layers: toilets given in the plane rectangular
//     coordinate system (EPSG:6677) listed at the WGS84 point that cs2cs
//     gives, the choropleth's legend from its breaks, the shelters' URL
//     layer linked; paging of a long layer;
//   - the search finds a place by a part of its name (hiragana for
//     katakana) and by its address, with a link that centres the map;
//     ?lat=&lon= out of range or not a number refused;
//   - a staff-only layer is neither listed nor served to the public (404)
//     and is to the admin;
//   - the GeoJSON endpoint: application/geo+json, "<" and "&" escaped,
//     capped at 5,000 features with "truncated": true;
//   - reorder and remove, positions kept.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, cli, Client, DEMO_USERS, loginWithTotp, passwordLogin } from './lib.mjs';

let srv;
const admin = { state: {} };
const dir = mkdtempSync(join(tmpdir(), 'madoguchi-map-'));

function writeData() {
  const pts = ['name,address,lat,lng',
    '"<script>alert(1)</script>",東京都デモ区試験町1-1,35.7001,139.7301',
    'テスト公園,東京都デモ区試験町2-2,35.7002,139.7302',
    '試験&広場,東京都デモ区見本町3-3,35.7003,139.7303',
    'no point,東京都デモ区見本町4-4,,'].join('\n') + '\n';
  writeFileSync(join(dir, 'points.csv'), pts);
  const many = ['name,lat,lon'];
  for (let i = 0; i < 5010; i++) many.push(`点${i},35.${String(i).padStart(4, '0')},139.7`);
  writeFileSync(join(dir, 'many.csv'), many.join('\n') + '\n');
  writeFileSync(join(dir, 'catalog.json'), JSON.stringify({
    organizations: [{ name: 'maptest', title: 'テスト課' }],
    groups: [],
    datasets: [
      { name: 'test-map-points', title: 'テスト地点', organization: 'maptest', license_id: 'cc-by-4.0', files: ['points.csv'] },
      { name: 'test-map-many', title: 'たくさんの点', organization: 'maptest', license_id: 'cc-by-4.0', files: ['many.csv'] },
    ],
  }));
}

before(async () => {
  writeData();
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined,
    setup: ({ db }) => cli(['opendata', 'import', '--db', db, '--tenant', '139998', dir]),
  });
  admin.c = new Client(srv.base);
  const r = await loginWithTotp(admin.c, ...DEMO_USERS.admin, admin.state);
  assert.ok([200, 303].includes(r.status), `login: ${r.status}`);
});
after(async () => {
  if (srv) await srv.stop();
  rmSync(dir, { recursive: true, force: true });
});

function audit(action) {
  return cli(['audit', 'query', '--db', srv.db, '--action', action, '--json']).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
}

function main(html) {
  const m = html.match(/<main[\s\S]*<\/main>/);
  assert.ok(m, 'the page has a <main>');
  return m[0];
}

// the rows of a layer's list: [{ name, second, lat, lon }]
function rows(html, id) {
  const sec = main(html).match(new RegExp(`<section class="map-layer-list" id="layer-${id}"[\\s\\S]*?</section>`));
  if (!sec) return null;
  return [...sec[0].matchAll(/<tr><th scope="row">([^<]*)<\/th><td>([^<]*)<\/td><td><a class="map-goto" href="([^"]*)"[^>]*>([-\d.]+), ([-\d.]+)<\/a>/g)]
    .map((m) => ({ name: m[1], second: m[2], href: m[3], lat: Number(m[4]), lon: Number(m[5]) }));
}

const FORM = {
  name_ja: 'テストの地点', name_en: 'Test points', source: 'dataset', dataset: 'test-map-points', resource: '',
  url: '', crs: '4326', kind: 'points', color: '#123456', marker: 'square', line_width: '2', fill_opacity: '50',
  name_prop: '', addr_prop: '', value_prop: '', breaks: '', join_dataset: '', join_key: '', join_col: '',
  on_default: '1',
};

async function addLayer(fields) {
  const page = await admin.c.get('/staff/map/new');
  assert.equal(page.status, 200);
  // a field given as null is left out (an unchecked checkbox)
  const form = Object.fromEntries(Object.entries({ csrf: Client.csrf(page.text_), ...FORM, ...fields })
    .filter(([, v]) => v !== null));
  return admin.c.post('/staff/map', { form });
}

// the id of the listed layer whose heading holds name (null: not listed)
function listedId(html, name) {
  for (const m of main(html).matchAll(/<h3 id="layer-(\d+)-h">(.*?)<\/h3>/g)) if (m[2].includes(name)) return Number(m[1]);
  return null;
}

const layerId = (r) => Number(r.headers.get('location').match(/saved=(\d+)/)[1]);

test('the staff pages need map.admin', async () => {
  const anon = new Client(srv.base);
  const a = await anon.get('/staff/map');
  assert.ok([302, 303].includes(a.status), `anonymous: ${a.status}`);
  assert.match(a.headers.get('location'), /login/);
  const v = new Client(srv.base);
  await loginWithTotp(v, ...DEMO_USERS.viewer, {});
  assert.equal((await v.get('/staff/map')).status, 403);
  const home = await v.get('/staff');
  assert.equal((await v.post('/staff/map', { form: { csrf: Client.csrf(home.text_) || 'x', ...FORM } })).status, 403);
  const list = await admin.c.get('/staff/map');
  assert.equal(list.status, 200);
  assert.match(list.text_, /地震被害想定/);   // the demo's layers
});

test('a layer from a dataset: added by staff, listed without JavaScript, searched', async () => {
  const before = audit('map.layer_create').length;
  // refused: a script in the colour, a dataset that is not there
  const bad = await addLayer({ color: '#123456"><script>alert(1)</script>' });
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /href="#map-color"/);
  assert.doesNotMatch(bad.text_, /<script>alert/);
  const missing = await addLayer({ dataset: 'test-map-nothing' });
  assert.equal(missing.status, 422);
  assert.match(missing.text_, /href="#map-dataset"/);
  assert.equal(audit('map.layer_create').length, before);

  const ok = await addLayer({});
  assert.equal(ok.status, 303);
  const id = layerId(ok);
  const rec = audit('map.layer_create');
  assert.equal(rec.length, before + 1);
  assert.equal(String(rec.at(-1).object_id), String(id));

  const page = await new Client(srv.base).get('/map');
  assert.equal(page.status, 200);
  const list = rows(page.text_, id);
  assert.ok(list, 'the layer has its list');
  assert.deepEqual(list.map((r) => r.name), ['&lt;script&gt;alert(1)&lt;/script&gt;', 'テスト公園', '試験&amp;広場']);
  assert.equal(list[1].second, '東京都デモ区試験町2-2');
  assert.equal(list[1].lat, 35.7002);
  assert.equal(list[1].lon, 139.7302);
  assert.doesNotMatch(page.text_, /<script>alert/);
  assert.match(page.text_, /3 件/);
  // the map itself is hidden until map.js runs; the lists are the content
  assert.match(page.text_, /id="map-view"[^>]*hidden/);

  // the search: a part of the name in hiragana, and an address
  const s1 = await new Client(srv.base).get(`/map?q=${encodeURIComponent('てすと')}`);
  assert.equal(s1.status, 200);
  const hits = [...s1.text_.matchAll(/<a class="map-hit map-goto" href="([^"]*)"[^>]*>([^<]*)<\/a>/g)];
  assert.deepEqual(hits.map((h) => h[2]), ['テスト公園']);
  assert.match(hits[0][1], /^\/map\?lat=35\.700200&amp;lon=139\.730200#map-view$/);
  const s2 = await new Client(srv.base).get(`/map?q=${encodeURIComponent('見本町')}`);
  assert.deepEqual([...s2.text_.matchAll(/<a class="map-hit map-goto"[^>]*>([^<]*)<\/a>/g)].map((h) => h[1]),
    ['試験&amp;広場']);
  const s3 = await new Client(srv.base).get(`/map?q=${encodeURIComponent('存在しない場所')}`);
  assert.match(s3.text_, /見つかりませんでした/);
  // a point to centre on
  const c = await new Client(srv.base).get('/map?lat=35.7002&lon=139.7302');
  assert.match(c.text_, /data-lat="35\.700200" data-lon="139\.730200"/);
  assert.equal((await new Client(srv.base).get('/map?lat=91&lon=139')).status, 400);
  assert.equal((await new Client(srv.base).get('/map?lat=abc&lon=139')).status, 400);
});

test("the demo's layers: plane coordinates converted, the choropleth's legend, the URL layer", async () => {
  const page = await new Client(srv.base).get('/map');
  const m = main(page.text_);
  const toilets = listedId(page.text_, '公衆トイレ');
  assert.ok(toilets, 'the toilets layer is listed');
  const list = rows(page.text_, toilets);
  // demo.c gives X -33833.234, Y -9442.224 (EPSG:6677); cs2cs says where that is
  const out = execFileSync('cs2cs', ['-f', '%.6f', 'EPSG:6677', 'EPSG:4326'], { input: '-33833.234 -9442.224\n' })
    .toString().trim().split(/\s+/);
  const first = list.find((r) => r.name === '日の出公園トイレ（デモ）');
  assert.ok(first);
  assert.equal(first.lat.toFixed(6), Number(out[0]).toFixed(6));
  assert.equal(first.lon.toFixed(6), Number(out[1]).toFixed(6));
  // the choropleth: classes from the breaks 20,50,80 and its values joined
  assert.match(m, /20 未満/);
  assert.match(m, /20 以上 50 未満/);
  assert.match(m, /80 以上/);
  const values = rows(page.text_, listedId(page.text_, '地震被害想定'));
  assert.deepEqual(values.map((r) => [r.name, r.second]),
    [['日の出町一丁目（デモ）', '12'], ['日の出町二丁目（デモ）', '48'], ['あじさい町一丁目（デモ）', '95'], ['あじさい町二丁目（デモ）', '30']]);
  // the shelters come from another service's URL: linked, drawn by the browser
  assert.match(m, /data-src="\/disaster\/shelters\.geojson"/);
  assert.match(m, /<a href="\/disaster\/shelters\.geojson">/);
});

test('a staff-only layer is not served to the public', async () => {
  const r = await addLayer({ name_ja: '職員用の地点', staff_only: '1' });
  assert.equal(r.status, 303);
  const id = layerId(r);
  const anon = new Client(srv.base);
  const page = await anon.get('/map');
  assert.doesNotMatch(page.text_, /職員用の地点/);
  assert.equal(rows(page.text_, id), null);
  assert.equal((await anon.get(`/map/layers/${id}/features.geojson`)).status, 404);
  assert.equal((await anon.get(`/map?layer=${id}`)).status, 404);
  const mine = await admin.c.get('/map');
  assert.match(mine.text_, /職員用の地点/);
  const gj = await admin.c.get(`/map/layers/${id}/features.geojson`);
  assert.equal(gj.status, 200);
  assert.equal(JSON.parse(gj.text_).features.length, 3);
});

test('the GeoJSON endpoint escapes and caps', async () => {
  const page = await new Client(srv.base).get('/map');
  const id = listedId(page.text_, 'テストの地点');
  const r = await new Client(srv.base).get(`/map/layers/${id}/features.geojson`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/geo\+json/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.doesNotMatch(r.text_, /[<>&]/);
  assert.match(r.text_, /\\u003cscript\\u003e/);
  const gj = JSON.parse(r.text_);
  assert.equal(gj.features[0].properties.name, '<script>alert(1)</script>');
  assert.equal(gj.features[2].properties.name, '試験&広場');
  assert.deepEqual(gj.features[1].geometry, { type: 'Point', coordinates: [139.7302, 35.7002] });
  assert.equal(gj.truncated, false);

  const many = await addLayer({ name_ja: 'たくさん', dataset: 'test-map-many', on_default: null });
  assert.equal(many.status, 303);
  const mid = layerId(many);
  const big = JSON.parse((await new Client(srv.base).get(`/map/layers/${mid}/features.geojson`)).text_);
  assert.equal(big.features.length, 5000);
  assert.equal(big.truncated, true);
  // the list: 50 a page, the next page of that layer alone
  const p1 = await new Client(srv.base).get('/map');
  assert.equal(rows(p1.text_, mid).length, 50);
  assert.match(p1.text_, /最初の 5000 件だけを表示します/);
  const p2 = await new Client(srv.base).get(`/map?layer=${mid}&page=2`);
  const r2 = rows(p2.text_, mid);
  assert.equal(r2.length, 50);
  assert.equal(r2[0].name, '点50');
  assert.equal(rows(p2.text_, id), null, 'only the asked layer is listed');
});

test('reorder and remove', async () => {
  const order = async () => [...(await admin.c.get('/staff/map')).text_
    .matchAll(/<tr><td>(\d+)<\/td><td><a href="\/staff\/map\/(\d+)\/edit">([^<]*)<\/a>/g)]
    .map((m) => ({ pos: Number(m[1]), id: Number(m[2]), name: m[3] }));
  const o1 = await order();
  assert.deepEqual(o1.map((x) => x.pos), o1.map((_, i) => i + 1));
  const last = o1.at(-1);
  const page = await admin.c.get('/staff/map');
  const csrf = Client.csrf(page.text_);
  const mv = await admin.c.post(`/staff/map/${last.id}/move`, { form: { csrf, dir: 'up' } });
  assert.equal(mv.status, 303);
  const o2 = await order();
  assert.equal(o2.at(-2).id, last.id);
  assert.equal(o2.at(-1).id, o1.at(-2).id);
  assert.equal((await admin.c.post(`/staff/map/${last.id}/move`, { form: { csrf, dir: 'sideways' } })).status, 400);
  const del = await admin.c.post(`/staff/map/${o1[0].id}/delete`, { form: { csrf } });
  assert.equal(del.status, 303);
  const o3 = await order();
  assert.equal(o3.length, o1.length - 1);
  assert.deepEqual(o3.map((x) => x.pos), o3.map((_, i) => i + 1));
  assert.ok(!o3.some((x) => x.id === o1[0].id));
  assert.equal(audit('map.layer_delete').length, 1);
  assert.equal(audit('map.layer_move').length, 1);
  // the edit form keeps what is stored
  const edit = await admin.c.get(`/staff/map/${o3[0].id}/edit`);
  assert.equal(edit.status, 200);
  assert.equal((await admin.c.get('/staff/map/999999/edit')).status, 404);
});
