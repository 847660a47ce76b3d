// opendata_publish.test.mjs -- staff publishing in the back office against
// the real server: the permission (opendata.publish) refused to a viewer,
// a dataset created and edited through the form (licence 公共データ利用規約
// 1.0, tags, group, coverage, contact) and found by the public search at
// once, a CSV with errors refused with its problems by row and column, the
// fixed file published, a second version served by the permanent "latest"
// URL while the first keeps its own, and every step in the audit trail.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, cli, Client, DEMO_USERS, loginWithTotp, passwordLogin, ROOT } from './lib.mjs';

let srv;
const staff = { state: {} };

before(async () => {
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined,
    setup: ({ db }) => cli(['opendata', 'import', '--db', db, '--tenant', '139998', 'data/opendata/demo']),
  });
  staff.c = new Client(srv.base);
  const r = await loginWithTotp(staff.c, ...DEMO_USERS.staff, staff.state);
  assert.ok([200, 303].includes(r.status), `login: ${r.status}`);
});
after(async () => { if (srv) await srv.stop(); });

const AED = readFileSync(`${ROOT}/data/opendata/demo/demo_139998_aed.csv`, 'utf8').split('\n');
const GOOD = `${AED.slice(0, 3).join('\n')}\n`;
// row 1: a wrong check digit in the 団体コード (column 1); row 2: 緯度 (column 9) not a number
const BAD = `${AED[0]}\n${AED[1].replace(/^139998,/, '139990,')}\n${AED[2].replace(/,35\.\d+,/, ',北緯35,')}\n`;

function multipart(fields, file) {
  const boundary = `----mg${Math.random().toString(16).slice(2)}`;
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`));
    parts.push(Buffer.from(file.data));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c, name, target, data, filename = 'demo_dogs_aed.csv') {
  const page = await c.get(`/staff/opendata/dataset?name=${name}`);
  const mp = multipart({ csrf: Client.csrf(page.text_), name, target }, { field: 'csv', name: filename, data });
  return c.post('/staff/opendata/upload', mp);
}

async function apiShow(id) {
  const r = await fetch(`${srv.base}/api/3/action/package_show?id=${id}`);
  return (await r.json()).result;
}

test('without opendata.publish the pages are refused', async () => {
  const v = new Client(srv.base);
  const r = await passwordLogin(v, ...DEMO_USERS.viewer);
  assert.equal(r.status, 303);
  assert.equal((await v.get('/staff/opendata')).status, 403);
  assert.equal((await v.get('/staff/opendata/dataset?name=demo-aed')).status, 403);
  const anon = new Client(srv.base);
  const a = await anon.get('/staff/opendata');
  assert.equal(a.status, 303);
  assert.match(a.headers.get('location'), /^\/login/);
});

test('create and edit a dataset: metadata, licence, groups; the public search finds it at once', async () => {
  const c = staff.c;
  const list = await c.get('/staff/opendata');
  assert.equal(list.status, 200);
  assert.match(list.text_, /<a href="\/staff\/opendata\/dataset\?name=demo-aed">デモ区 AED設置箇所一覧<\/a>/);
  // its last update in Japan time (the API gives UTC)
  const aed = await apiShow('demo-aed');
  const jst = new Date(Date.parse(`${aed.metadata_modified}Z`) + 9 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
  assert.match(list.text_, new RegExp(`name=demo-aed">[^\\n]*<td>${jst}</td>`));
  assert.match(list.text_, /最終更新（日本時間）/);
  const form = await c.get('/staff/opendata/dataset');
  assert.equal(form.status, 200);
  assert.match(form.text_, /<option value="jp-pdl-1.0">公共データ利用規約（第1.0版）/);
  assert.match(form.text_, /<option value="cc-by-4.0" selected>/);
  const csrf = Client.csrf(form.text_);
  const group = form.text_.match(/name="(group_\d+)" value="kosodate"/)[1];
  // a missing title: the form again, the error summary linking to the field
  const bad = await c.post('/staff/opendata/dataset', { form: { csrf, new: '1', name: 'demo-dogs', title: '', organization: 'kumin', license_id: 'cc-by-4.0' } });
  assert.equal(bad.status, 400);
  assert.match(bad.text_, /href="#od-title"/);
  assert.match(bad.text_, /id="od-title"[^>]*aria-invalid="true"/);
  const ok = await c.post('/staff/opendata/dataset', { form: {
    csrf, new: '1', name: 'demo-dogs', title: 'デモ区 犬の登録頭数', title_en: 'Demo Ward registered dogs',
    notes: '区内で登録された犬の頭数（架空のデータ）。\r\n毎年4月に更新。', organization: 'kumin', license_id: 'jp-pdl-1.0',
    tags: 'ペット、統計, 犬', [group]: 'kosodate', frequency: '毎年', spatial: 'デモ区（架空）',
    temporal_start: '2026-04-01', contact_name: 'デモ区 区民課', contact_email: 'kumin@demo.invalid' } });
  assert.equal(ok.status, 303, ok.text_);
  assert.equal(ok.headers.get('location'), '/staff/opendata/dataset?name=demo-dogs&saved=1');
  const d = await apiShow('demo-dogs');
  assert.equal(d.license_id, 'jp-pdl-1.0');
  assert.deepEqual(d.tags.map((t) => t.name).sort(), ['ペット', '犬', '統計'].sort());
  assert.deepEqual(d.groups.map((g) => g.name), ['kosodate']);
  assert.equal(d.organization.name, 'kumin');
  assert.equal(d.temporal_start, '2026-04-01');
  // the public search through the index: a one-character word
  const s = await (await fetch(`${srv.base}/api/3/action/package_search?q=${encodeURIComponent('犬')}`)).json();
  assert.deepEqual(s.result.results.map((x) => x.name), ['demo-dogs']);
  // the same name again is refused
  const dup = await c.post('/staff/opendata/dataset', { form: { csrf, new: '1', name: 'demo-dogs', title: 'x', organization: 'kumin', license_id: 'cc-by-4.0' } });
  assert.equal(dup.status, 409);
  // edit: the title changes, the search follows
  const edit = await c.get('/staff/opendata/dataset?name=demo-dogs');
  assert.match(edit.text_, /type="text" id="od-title" name="title" value="デモ区 犬の登録頭数" maxlength="500"[^>]* required[ >]/);
  const e2 = await c.post('/staff/opendata/dataset', { form: {
    csrf: Client.csrf(edit.text_), name: 'demo-dogs', title: 'デモ区 犬と猫の登録頭数', organization: 'kumin',
    license_id: 'cc-by-4.0', tags: '犬, 猫' } });
  assert.equal(e2.status, 303);
  const s2 = await (await fetch(`${srv.base}/api/3/action/package_search?q=${encodeURIComponent('猫')}`)).json();
  assert.deepEqual(s2.result.results.map((x) => x.name), ['demo-dogs']);
  assert.equal((await apiShow('demo-dogs')).license_id, 'cc-by-4.0');
});

test('upload: errors shown by row and column and not published; the fixed file is; a new version and the latest URL', async () => {
  const c = staff.c;
  const bad = await upload(c, 'demo-dogs', '', BAD);
  assert.equal(bad.status, 422, bad.text_.slice(0, 500));
  assert.match(bad.text_, /href="#od-csv"/);
  // row 1, line 2, column 1 (check digit); row 2, line 3, column 9 緯度
  assert.match(bad.text_, /<tr><td>1<\/td><td>2<\/td><td>1 都道府県コード又は市区町村コード<\/td><td>エラー<\/td><td><code>check_digit<\/code><\/td>/);
  assert.match(bad.text_, /<tr><td>2<\/td><td>3<\/td><td>9 緯度<\/td><td>エラー<\/td><td><code>not_number<\/code><\/td>/);
  assert.equal((await apiShow('demo-dogs')).resources.length, 0, 'nothing published');
  // fix and re-upload (the form of the report page names the file)
  const target = bad.text_.match(/name="target" value="([^"]+)"/)[1];
  assert.equal(target, 'demo_dogs_aed.csv');
  const good = await c.post('/staff/opendata/upload', multipart({ csrf: Client.csrf(bad.text_), name: 'demo-dogs', target }, { field: 'csv', name: 'fixed.csv', data: GOOD }));
  assert.equal(good.status, 303, good.text_.slice(0, 300));
  assert.match(good.headers.get('location'), /uploaded=1/);
  let d = await apiShow('demo-dogs');
  const csv = d.resources.find((x) => x.format === 'CSV');
  assert.equal(csv.name, 'demo_dogs_aed.csv');
  assert.equal(csv.version, 1);
  assert.equal(csv.validation.errors, 0);
  // a CSV with 緯度/経度 gets its GeoJSON and JSON
  assert.deepEqual(d.resources.map((x) => x.format).sort(), ['CSV', 'GeoJSON', 'JSON']);
  const latest = new URL(csv.url).pathname;
  assert.equal(await (await fetch(`${srv.base}${latest}`)).text(), GOOD);
  // a second version: one more row
  const v2 = `${AED.slice(0, 4).join('\n')}\n`;
  const up2 = await upload(c, 'demo-dogs', 'demo_dogs_aed.csv', v2);
  assert.equal(up2.status, 303);
  assert.match(up2.headers.get('location'), /uploaded=2/);
  d = await apiShow('demo-dogs');
  assert.equal(d.resources.find((x) => x.format === 'CSV').version, 2);
  const r2 = await fetch(`${srv.base}${latest}`);
  assert.equal(r2.headers.get('x-resource-version'), '2');
  assert.equal(await r2.text(), v2);
  assert.equal(await (await fetch(`${srv.base}${latest}?version=1`)).text(), GOOD);
  // the staff page shows the files and versions
  const page = await c.get('/staff/opendata/dataset?name=demo-dogs&uploaded=2');
  assert.match(page.text_, />demo_dogs_aed\.csv<\/a><\/td><td>CSV<\/td><td>2<\/td>/);
  assert.match(page.text_, /CSV を公開しました。版: 2/);
  // the same bytes again make no new version
  const same = await upload(c, 'demo-dogs', 'demo_dogs_aed.csv', v2);
  assert.match(same.headers.get('location'), /uploaded=2/);
  // no file chosen: the form again with the error
  const none = await c.post('/staff/opendata/upload', multipart({ csrf: Client.csrf(page.text_), name: 'demo-dogs', target: '' }));
  assert.equal(none.status, 400);
  assert.match(none.text_, /href="#od-csv"/);
});

test('every publishing step is in the audit trail', async () => {
  const q = cli(['audit', 'query', '--db', srv.db, '--actor', 'demo-staff']);
  for (const ev of ['opendata.dataset_created', 'opendata.dataset_updated', 'opendata.upload_refused', 'opendata.resource_uploaded']) {
    assert.match(q, new RegExp(ev.replace('.', '\\.')), ev);
  }
});
