// disaster.test.mjs -- the disaster service (src/svc/disaster) over HTTP, on
// the real server with the demo ward (six fictional shelters; demo-machi
// holds disaster.status and disaster.admin through the role bousai):
//   - the public list: every demo shelter with its status, the hazard and
//     state filters, an unknown filter refused in both languages; a
//     shelter's page, an unknown one 404; the GeoJSON (RFC 7946 shape,
//     cacheable) agrees with the list;
//   - the nearest open shelter from lat/lon for each hazard at many points:
//     the page names the shelter a brute-force haversine written here (from
//     the GeoJSON) finds; from a place name (the matches' centre); a place
//     matching nothing is a 422 with the message; a bad latitude too;
//   - staff: without the permission 403; the GSI files uploaded on the
//     staff page: both Suginami files and the 1,796-feature Yokohama file
//     with 0 rejected, the designated file merged into the emergency sites;
//     uploaded again: nothing added, every shelter keeps its row id;
//     a GeoJSON with a broken feature names its index and imports the rest;
//     a CSV with a broken row names its line; a file of no known form is a
//     422; the 震災救援所 list designates all 65; the CLI's import of the
//     same file adds nothing; every import audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startServer, cli, DEMO, Client, DEMO_USERS, loginWithTotp, passwordLogin, multipartBody } from './lib.mjs';

const DATA = new URL('../../../shared/data/services/', import.meta.url).pathname;
let srv, machi;

before(async () => {
  srv = await startServer({});
  machi = new Client(srv.base);
  const r = await loginWithTotp(machi, 'demo-machi', 'Keyaki-Machi-2026');
  assert.ok([200, 303].includes(r.status), `demo-machi logs in: ${r.status}`);
});
after(async () => { if (srv) await srv.stop(); });

const sql = (q) => execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const anon = () => new Client(srv.base);

// great-circle distance, written here independently of src/svc/disaster/nearest.c
function haversine(lat1, lon1, lat2, lon2) {
  const R = 6371008.8, rad = Math.PI / 180;
  const dp = (lat2 - lat1) * rad, dl = (lon2 - lon1) * rad;
  const h = Math.sin(dp / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dl / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

async function geojson() {
  const r = await anon().get('/disaster/shelters.geojson');
  assert.equal(r.status, 200);
  return JSON.parse(r.text_);
}

test('the public list, a shelter, the GeoJSON', async () => {
  const r = await anon().get('/disaster');
  assert.equal(r.status, 200);
  const m = main(r.text_);
  for (const name of ['デモ区立日の出小学校', 'デモ区立もみじ台中学校', 'あじさい公園', 'さくら通防災広場', 'デモ区総合体育館']) {
    assert.ok(m.includes(name), name);
  }
  assert.match(m, /id="shelters-count">6 か所/);
  assert.match(m, /state-open">開設中/);
  assert.match(m, /state-full">満員/);
  const open = main((await anon().get('/disaster?state=open')).text_);
  assert.match(open, /id="shelters-count">2 か所/);
  assert.ok(open.includes('デモ区総合体育館') && !open.includes('あじさい公園'));
  const slide = main((await anon().get('/disaster?hazard=landslide')).text_);
  assert.match(slide, /id="shelters-count">2 か所/);   // もみじ台中学校, みどり坂小学校
  assert.ok(slide.includes('もみじ台中学校') && slide.includes('みどり坂小学校'));
  const bad = await anon().get('/disaster?hazard=meteor');
  assert.equal(bad.status, 400);
  const badEn = await anon().get('/disaster?state=maybe', { headers: { 'accept-language': 'en' } });
  assert.equal(badEn.status, 400);
  assert.match(badEn.text_, /not one of the list/);
  const one = await anon().get('/disaster/shelters/E13999000011');
  assert.equal(one.status, 200);
  assert.match(one.text_, /デモ区立日の出小学校/);
  assert.match(one.text_, /震災救援所/);
  assert.match(one.text_, /指定緊急避難場所・指定避難所/);
  assert.equal((await anon().get('/disaster/shelters/E99999999991')).status, 404);
  const g = await anon().get('/disaster/shelters.geojson');
  assert.match(g.headers.get('content-type'), /application\/geo\+json/);
  assert.match(g.headers.get('cache-control'), /public/);
  const fc = JSON.parse(g.text_);
  assert.equal(fc.type, 'FeatureCollection');
  assert.equal(fc.features.length, 6);
  for (const f of fc.features) {
    assert.equal(f.geometry.type, 'Point');
    const [lon, lat] = f.geometry.coordinates;
    assert.ok(lon > 139.7 && lon < 139.8 && lat > 35.68 && lat < 35.72, 'lon, lat order');
    assert.ok(['unopened', 'open', 'full', 'closed'].includes(f.properties.status));
  }
  assert.equal(fc.features.filter((f) => f.properties.status === 'open').length, 2);
});

test('the nearest open shelter agrees with a brute force written here', async () => {
  const fc = await geojson();
  const hazards = ['', 'flood', 'landslide', 'earthquake', 'fire'];
  let checked = 0;
  for (let i = 0; i < 30; i++) {
    const lat = 35.685 + (i % 6) * 0.006, lon = 139.725 + Math.floor(i / 6) * 0.006;
    const hazard = hazards[i % hazards.length];
    const cands = fc.features.filter((f) => f.properties.status === 'open' && (!hazard || f.properties.hazards.includes(hazard)));
    let best = null, bd = Infinity;
    for (const f of cands) {
      const d = haversine(lat, lon, f.geometry.coordinates[1], f.geometry.coordinates[0]);
      if (d < bd) { bd = d; best = f; }
    }
    const r = await anon().get(`/disaster/nearest?hazard=${hazard}&lat=${lat.toFixed(6)}&lon=${lon.toFixed(6)}`);
    assert.equal(r.status, 200);
    const found = r.text_.match(/class="shelter-found"><h3><a href="\/disaster\/shelters\/([A-Z0-9-]+)"/);
    if (best) {
      assert.ok(found, `a shelter found for ${hazard} at ${lat},${lon}`);
      assert.equal(found[1], best.properties.key, `${hazard} at ${lat},${lon}`);
      assert.ok(!r.text_.includes('id="nearest-none"'));
    } else {
      assert.match(r.text_, /id="nearest-none"/, `none open for ${hazard}`);
    }
    checked++;
  }
  assert.equal(checked, 30);
  // landslide: the open ones (日の出小学校, 総合体育館) are not for it: none open
  const ls = await anon().get('/disaster/nearest?hazard=landslide&lat=35.70&lon=139.74');
  assert.match(ls.text_, /id="nearest-none"/);
  // from a place name: the centre of the shelters in 日の出町
  const q = await anon().get('/disaster/nearest?hazard=earthquake&q=' + encodeURIComponent('日の出町'));
  assert.equal(q.status, 200);
  assert.match(q.text_, /「日の出町」に当たる避難所 2 か所/);
  assert.match(q.text_, /class="shelter-found"/);
  const none = await anon().get('/disaster/nearest?q=' + encodeURIComponent('存在しない町'));
  assert.equal(none.status, 422);
  assert.match(none.text_, /その名前・住所の避難所が見つかりません/);
  const badPos = await anon().get('/disaster/nearest?lat=135.0&lon=35.0', { headers: { 'accept-language': 'en' } });
  assert.equal(badPos.status, 422);
  assert.match(badPos.text_, /Enter latitude from -90 to 90/);
  const js = await anon().get('/disaster/nearest.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /javascript/);
  assert.match(js.text_, /navigator\.geolocation/);
});

async function upload(c, path, name, data, fields = {}) {
  const page = await c.get('/staff/disaster');
  assert.equal(page.status, 200);
  const { body, headers } = multipartBody({ csrf: Client.csrf(page.text_), ...fields },
    { name: 'file', filename: name, type: 'application/octet-stream', data });
  return c.req('POST', path, { body, headers });
}

const report = (html) => {
  const m = html.match(/(\d+) 件を読み、(\d+) 件を追加、(\d+) 件を更新しました。取り込めなかった行：(\d+) 件/);
  assert.ok(m, 'an import report');
  return { rows: +m[1], inserted: +m[2], updated: +m[3], rejected: +m[4] };
};

test('staff: the GSI files imported with 0 rejected, again with the same ids; broken rows named', async () => {
  const viewer = new Client(srv.base);
  await passwordLogin(viewer, ...DEMO_USERS.viewer);
  assert.equal((await viewer.get('/staff/disaster')).status, 403);
  const em = readFileSync(DATA + 'gsi_emergency_sites_suginami_131156.geojson');
  const ds = readFileSync(DATA + 'gsi_designated_shelters_suginami_131156.geojson');
  const yk = readFileSync(DATA + 'gsi_emergency_sites_yokohama_141003.geojson');
  let r = await upload(machi, '/staff/disaster/import', 'em.geojson', em);
  assert.equal(r.status, 200);
  assert.deepEqual(report(r.text_), { rows: 76, inserted: 76, updated: 0, rejected: 0 });
  assert.match(r.text_, /指定緊急避難場所のファイルでした/);
  r = await upload(machi, '/staff/disaster/import', 'ds.geojson', ds);
  assert.deepEqual(report(r.text_), { rows: 78, inserted: 5, updated: 73, rejected: 0 });
  r = await upload(machi, '/staff/disaster/import', 'yk.geojson', yk);
  assert.deepEqual(report(r.text_), { rows: 1796, inserted: 1796, updated: 0, rejected: 0 });
  const ids = sql('SELECT group_concat(key || "=" || id, ",") FROM (SELECT key, id FROM disaster_shelters ORDER BY key)');
  assert.equal(Number(sql('SELECT count(*) FROM disaster_shelters')), 6 + 81 + 1796);
  for (const [f, n] of [[em, 76], [ds, 78], [yk, 1796]]) {
    r = await upload(machi, '/staff/disaster/import', 'again.geojson', f);
    assert.deepEqual(report(r.text_), { rows: n, inserted: 0, updated: n, rejected: 0 });
  }
  assert.equal(sql('SELECT group_concat(key || "=" || id, ",") FROM (SELECT key, id FROM disaster_shelters ORDER BY key)'), ids);
  // the CLI: the same file, nothing added
  const out = cli(['disaster', 'import', '--db', srv.db, '--tenant', DEMO, DATA + 'gsi_emergency_sites_suginami_131156.geojson']);
  assert.match(out, /inserted 0\nupdated 76\nrejected 0/);
  assert.equal(Number(sql('SELECT count(*) FROM disaster_shelters')), 6 + 81 + 1796);
  // a broken feature (index 1) among good ones
  const fc = JSON.parse(em.toString());
  const three = { type: 'FeatureCollection', features: fc.features.slice(0, 3) };
  three.features[1] = JSON.parse(JSON.stringify(three.features[1]));
  three.features[1].geometry.coordinates = [35.7, 139.6];   // swapped
  r = await upload(machi, '/staff/disaster/import', 'broken.geojson', Buffer.from(JSON.stringify(three)));
  assert.deepEqual(report(r.text_), { rows: 3, inserted: 0, updated: 2, rejected: 1 });
  assert.match(r.text_, /<td>地物 1（0 から数えて）<\/td><td>緯度・経度<\/td>/);
  // a CSV with a broken row on line 3
  const csv = 'NO,共通ID,施設・場所名,住所,洪水,崖崩れ、土石流及び地滑り,高潮,地震,津波,大規模な火事,内水氾濫,火山現象,指定避難所との住所同一,緯度,経度,備考\n' +
    '1,E1399900007201,テスト広場,東京都デモ区日の出町5-1-1,,,,1,,,,,,35.695,139.735,\n' +
    '2,E1399900008201,テスト公園,東京都デモ区日の出町5-2-1,,,,1,,,,,,北緯,139.735,\n';
  r = await upload(machi, '/staff/disaster/import', 'x.csv', Buffer.from(csv));
  assert.deepEqual(report(r.text_), { rows: 2, inserted: 1, updated: 0, rejected: 1 });
  assert.match(r.text_, /<td>3 行目<\/td><td>緯度・経度<\/td>/);
  r = await upload(machi, '/staff/disaster/import', 'x.txt', Buffer.from('hello,world\n1,2\n'));
  assert.equal(r.status, 422);
  assert.match(r.text_, /国土地理院の避難所データ/);
  // the ward's designation
  r = await upload(machi, '/staff/disaster/designate', 'kyuenjo.csv', readFileSync(DATA + 'suginami_shinsai_kyuenjo_list.csv'),
    { as: '震災救援所' });
  assert.equal(r.status, 200);
  assert.match(r.text_, /65 行を読み、65 か所を指定しました。対応する避難所がない行：0 件。指定を外した避難所：2 か所/);
  assert.equal(Number(sql("SELECT count(*) FROM disaster_shelters WHERE ward_designation = '震災救援所'")), 65);
  assert.ok(Number(sql("SELECT count(*) FROM audit_records WHERE action = 'data.write' AND object_type = 'disaster.import'")) >= 9);
  assert.equal(Number(sql("SELECT count(*) FROM audit_records WHERE object_type = 'disaster.designate'")), 1);
  // the public list now pages: 50 a page
  const list = main((await anon().get('/disaster?q=' + encodeURIComponent('杉並区'))).text_);
  assert.match(list, /id="shelters-count">81 か所/);
  assert.equal((list.match(/class="shelter"/g) || []).length, 50);
});
