// reports.test.mjs -- citizen reports (src/svc/reports) over HTTP on the real
// server with the demo ward (デモ区: its kinds, areas and routes; demo-machi
// holds the triage role):
//   - the two-step form: step 2 shows "the same problem nearby" for an open
//     report of the kind within 50 m (the demo's pothole), not for another
//     kind; a bad pin or kind answers step 1 with the error at its field;
//   - a report with a photo carrying GPS EXIF and no pin: stored, its pin
//     taken from the photo, routed by the area of that pin, the photo served
//     as a JPEG with no EXIF segment (the bytes walked marker by marker) and
//     no trace of the position's bytes; the resend with the same key stores
//     nothing and answers the same number; without the form's token, 403;
//   - the public page hides the contact; a staff member's view shows it and
//     writes an audit record data.read reports.contact; the triage list has
//     the report with its lat/lon; a state change with a note shows on the
//     public page and its history; hiding the description and the photo
//     takes them off the public page (the photo 404) while staff still see
//     them; a stale state change is 409;
//   - a logged-in resident's report is on My page (/reports/mine);
//   - the open data: the closed reports as CSV (BOM, no contact) and GeoJSON;
//   - the rate limit: the 11th report within the hour from one address is 429.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, Client, loginWithTotp, registerAndLogin } from './lib.mjs';

const MACHI = ['demo-machi', 'Keyaki-Machi-2026'];
const JPEG = readFileSync(new URL('../data/image/gps-orient6.jpg', import.meta.url));
// the fixture's position (exiftool -n): 35.699444 N, 139.636389 E, in 日之出町's box
const GPS = { lat: 35.699444, lon: 139.636389 };
let srv, staff;

before(async () => {
  srv = await startServer({});
  staff = new Client(srv.base);
  const r = await loginWithTotp(staff, ...MACHI);
  assert.ok([200, 303].includes(r.status), `demo-machi logs in: ${r.status}`);
});
after(async () => { if (srv) await srv.stop(); });

const sql = (q) => execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];

// a multipart body of text fields and file parts
function multipart(fields, files = []) {
  const b = '----reports' + Math.random().toString(16).slice(2);
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files)
    parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${f.name}"; filename="${f.filename}"\r\n` +
      `Content-Type: ${f.type}\r\n\r\n`), f.data, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${b}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${b}` } };
}

// step 2's hidden fields
function hidden(html) {
  const v = (n) => (html.match(new RegExp(`name="${n}" value="([^"]*)"`)) || [])[1];
  return { rt: v('rt'), key: v('key'), category: v('category'), lat: v('lat'), lon: v('lon'), address: v('address') };
}

async function step2(c, q) {
  const r = await c.get('/reports/new/details?' + new URLSearchParams(q));
  assert.equal(r.status, 200, r.text_.slice(0, 300));
  return r;
}

// the JPEG's segments before the scan: their markers
function jpegMarkers(buf) {
  assert.equal(buf[0], 0xff); assert.equal(buf[1], 0xd8);
  const out = [];
  let i = 2;
  while (i + 4 <= buf.length) {
    assert.equal(buf[i], 0xff, 'a marker');
    const m = buf[i + 1];
    out.push(m);
    if (m === 0xda) break;   // start of scan
    i += 2 + buf.readUInt16BE(i + 2);
  }
  return out;
}

let id;

test('step 2 shows the same problem nearby, for the kind only', async () => {
  const c = new Client(srv.base);
  const near = await step2(c, { category: 'road-pothole', lat: '35.700500', lon: '139.642100', address: '' });
  assert.match(near.text_, /id="report-nearby"/);
  assert.match(main(near.text_), /href="\/reports\/1"/, 'the demo pothole 11 m away');
  const other = await step2(c, { category: 'fallen-tree', lat: '35.700500', lon: '139.642100', address: '' });
  assert.doesNotMatch(other.text_, /id="report-nearby"/);
  const far = await step2(c, { category: 'road-pothole', lat: '35.701200', lon: '139.642100', address: '' });
  assert.doesNotMatch(far.text_, /id="report-nearby"/, '89 m away is not nearby');
  const bad = await c.get('/reports/new/details?category=road-pothole&lat=35.7&lon=');
  assert.equal(bad.status, 422);
  assert.match(bad.text_, /f-address-error|field-error/);
  const nokind = await c.get('/reports/new/details?category=nosuch&lat=&lon=');
  assert.equal(nokind.status, 422);
  assert.match(nokind.text_, /f-category-error/);
});

test('a GPS photo and no pin: its position is no pin unless the reporter chooses it (it is public)', async () => {
  const c = new Client(srv.base);
  const page = await step2(c, { category: 'street-light', lat: '', lon: '', address: '桜木坂の下' });
  assert.match(page.text_, /name="photo_pin"/, 'the choice is offered when no pin was given');
  const h = hidden(page.text_);
  const r = await c.req('POST', '/reports', multipart({ ...h, description: '街灯が点滅しています。' },
    [{ name: 'photo1', filename: 'light.jpg', type: 'image/jpeg', data: JPEG }]));
  assert.equal(r.status, 303, r.text_.slice(0, 500));
  const nid = Number(r.headers.get('location').match(/^\/reports\/(\d+)/)[1]);
  assert.equal(sql(`SELECT CASE WHEN lat IS NULL THEN 'none' ELSE 'pin' END FROM reports WHERE id = ${nid}`), 'none');
  const pub = await new Client(srv.base).get(`/reports/${nid}`);
  assert.doesNotMatch(pub.text_, /35\.699/, 'the photo\'s position is nowhere on the public page');
  // a pin given in step 1: no such choice
  const pinned = await step2(new Client(srv.base), { category: 'street-light', lat: '35.688660', lon: '139.650750', address: '' });
  assert.doesNotMatch(pinned.text_, /name="photo_pin"/);
});

test('a report with a GPS photo and no pin: the pin from the photo when chosen, the photo stored without EXIF, a resend stores once', async () => {
  const c = new Client(srv.base);
  const page = await step2(c, { category: 'street-light', lat: '', lon: '', address: '桜木坂の坂の途中' });
  const h = hidden(page.text_);
  assert.ok(h.rt && h.key && h.key.length >= 16, 'the token and the key');
  const fields = { ...h, photo_pin: '1', description: '街灯が消えています。<script>x</script>', contact_name: '日之出 太郎',
    contact_email: 'taro@example.jp', contact_phone: '03-0000-1234' };
  const mp = multipart(fields, [{ name: 'photo1', filename: 'light.jpg', type: 'image/jpeg', data: JPEG }]);
  const before0 = Number(sql('SELECT count(*) FROM reports'));
  const r = await c.req('POST', '/reports', mp);
  assert.equal(r.status, 303, r.text_.slice(0, 500));
  const m = r.headers.get('location').match(/^\/reports\/(\d+)\?new=1$/);
  assert.ok(m, r.headers.get('location'));
  id = Number(m[1]);
  // the same form sent again (a bad connection): the same report, nothing stored
  const again = await c.req('POST', '/reports', multipart(fields, [{ name: 'photo1', filename: 'light.jpg', type: 'image/jpeg', data: JPEG }]));
  assert.equal(again.status, 303);
  assert.equal(again.headers.get('location'), `/reports/${id}?new=1`);
  assert.equal(Number(sql('SELECT count(*) FROM reports')), before0 + 1);
  assert.equal(Number(sql(`SELECT count(*) FROM reports_photos WHERE report = ${id}`)), 1);
  // the pin is the photo's; its area (日之出町) and route (the kind's: 土木管理課)
  const row = sql(`SELECT lat, lon, area, dept FROM reports WHERE id = ${id}`).split('|');
  assert.equal(Number(row[0]), Math.round(GPS.lat * 1e6));
  assert.equal(Number(row[1]), Math.round(GPS.lon * 1e6));
  assert.equal(row[2], 'hinode');
  assert.equal(row[3], 'doboku');
  // the public page: thanks, the escaped text, no contact
  const pub = await new Client(srv.base).get(`/reports/${id}?new=1`);
  assert.equal(pub.status, 200);
  assert.match(pub.text_, /id="report-thanks"/);
  assert.match(pub.text_, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.doesNotMatch(pub.text_, /taro@example\.jp|日之出 太郎|03-0000-1234/);
  // the photo: a JPEG with no EXIF (APP1) segment, the position nowhere
  for (const size of ['', '?size=s']) {
    const ph = await fetch(`${srv.base}/reports/${id}/photos/1${size}`);
    assert.equal(ph.status, 200);
    assert.equal(ph.headers.get('content-type'), 'image/jpeg');
    const bytes = Buffer.from(await ph.arrayBuffer());
    const markers = jpegMarkers(bytes);
    assert.ok(!markers.includes(0xe1), `no APP1 (EXIF/XMP) segment: ${markers.map((x) => x.toString(16))}`);
    assert.ok(!bytes.includes(Buffer.from('Exif\0\0', 'latin1')), 'no EXIF header');
  }
  // nor in the table
  assert.equal(sql(`SELECT count(*) FROM reports_photos WHERE instr(large, X'457869660000') > 0 OR instr(small, X'457869660000') > 0`), '0');
});

test('without the form token, or with another, the report is refused', async () => {
  const c = new Client(srv.base);
  const h = hidden((await step2(c, { category: 'other', lat: '', lon: '', address: 'どこか' })).text_);
  const other = new Client(srv.base);
  const r = await other.req('POST', '/reports', multipart({ ...h, description: 'x' }));
  assert.equal(r.status, 403);
  const r2 = await c.req('POST', '/reports', multipart({ ...h, rt: 'f'.repeat(32), description: 'x' }));
  assert.equal(r2.status, 403);
  const r3 = await c.req('POST', '/reports', multipart({ ...h, description: '' }));
  assert.equal(r3.status, 422, 'an empty description is asked for again');
  assert.match(r3.text_, /f-description/);
});

test('staff: the contact shown and audited, triage, state, moderation', async () => {
  const audits = () => Number(sql(`SELECT count(*) FROM audit_records WHERE action = 'data.read' AND object_type = 'reports.contact' AND object_id = '${id}'`));
  const a0 = audits();
  const d = await staff.get(`/staff/reports/${id}`);
  assert.equal(d.status, 200);
  assert.match(d.text_, /taro@example\.jp/);
  assert.equal(audits(), a0 + 1);
  // triage: filtered by state and department, with lat/lon
  const list = await staff.get('/staff/reports?state=received&dept=doboku');
  assert.equal(list.status, 200);
  assert.match(list.text_, new RegExp(`<tr data-report="${id}" data-lat="35\\.699444" data-lon="139\\.636389"`));
  const none = await staff.get('/staff/reports?state=done&dept=doboku');
  assert.doesNotMatch(none.text_, new RegExp(`data-report="${id}"`));
  const csrf = Client.csrf(d.text_);
  // a note is needed to decline
  let r = await staff.post(`/staff/reports/${id}/state`, { form: { csrf, from: 'received', to: 'declined', note: '' } });
  assert.equal(r.status, 422);
  r = await staff.post(`/staff/reports/${id}/state`, { form: { csrf, from: 'received', to: 'in_progress', note: '電球を交換します。' } });
  assert.equal(r.status, 303);
  // another member who saw "received"
  r = await staff.post(`/staff/reports/${id}/state`, { form: { csrf, from: 'received', to: 'done', note: '' } });
  assert.equal(r.status, 409);
  let pub = await new Client(srv.base).get(`/reports/${id}`);
  assert.match(pub.text_, /id="report-state">対応中</);
  assert.match(pub.text_, /電球を交換します。/);
  // moderation: the description and the photo off the public page
  r = await staff.post(`/staff/reports/${id}/hide`, { form: { csrf, photo: '0', hide: '1', reason: '不適切な表現' } });
  assert.equal(r.status, 303);
  r = await staff.post(`/staff/reports/${id}/hide`, { form: { csrf, photo: '1', hide: '1', reason: '人の顔' } });
  assert.equal(r.status, 303);
  r = await staff.post(`/staff/reports/${id}/hide`, { form: { csrf, photo: '1', hide: '1', reason: '' } });
  assert.equal(r.status, 422, 'a reason is needed');
  pub = await new Client(srv.base).get(`/reports/${id}`);
  assert.doesNotMatch(pub.text_, /街灯が消えています/);
  assert.doesNotMatch(pub.text_, /photos\/1/);
  assert.doesNotMatch(pub.text_, /人の顔|不適切な表現/, 'the reasons are the staff\'s');
  assert.equal((await fetch(`${srv.base}/reports/${id}/photos/1`)).status, 404);
  assert.equal((await staff.get(`/staff/reports/${id}/photos/1`)).status, 200);
  const sd = await staff.get(`/staff/reports/${id}`);
  assert.match(sd.text_, /街灯が消えています/);
  assert.match(sd.text_, /人の顔/);
  // a resident cannot open triage
  const anon = await new Client(srv.base).get('/staff/reports');
  assert.ok([302, 303, 401].includes(anon.status), `anon: ${anon.status}`);
});

test('a logged-in resident finds the report on My page', async () => {
  const c = await registerAndLogin(srv.base, 'reports-mine@example.jp', 'Sakura-Report-2026');
  const h = hidden((await step2(c, { category: 'illegal-dumping', lat: '35.690000', lon: '139.650000', address: '' })).text_);
  const r = await c.req('POST', '/reports', multipart({ ...h, description: '冷蔵庫が捨てられています' }));
  assert.equal(r.status, 303);
  const n = r.headers.get('location').match(/\/reports\/(\d+)/)[1];
  assert.equal(sql(`SELECT area || '|' || dept FROM reports WHERE id = ${n}`), 'konan|seisou');
  const mine = await c.get('/reports/mine');
  assert.equal(mine.status, 200);
  assert.match(mine.text_, new RegExp(`href="/reports/${n}"`));
  assert.doesNotMatch(mine.text_, new RegExp(`href="/reports/${id}"`), 'not another\'s');
});

test('closed reports as open data: CSV with BOM and GeoJSON, no personal data', async () => {
  const d = await staff.get(`/staff/reports/${id}`);
  const r = await staff.post(`/staff/reports/${id}/state`, { form: { csrf: Client.csrf(d.text_), from: 'in_progress', to: 'done', note: '交換しました。' } });
  assert.equal(r.status, 303);
  const csv = await fetch(`${srv.base}/reports/closed.csv`);
  assert.equal(csv.status, 200);
  const bytes = Buffer.from(await csv.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.subarray(3).toString();
  const lines = text.trim().split('\r\n');
  assert.match(lines[0], /^id,service_code,category,state,lat,lon,address,description/);
  const mine = lines.find((l) => l.startsWith(`${id},`));
  assert.ok(mine, 'the closed report is a row');
  assert.match(mine, /交換しました。/);
  assert.doesNotMatch(text, /taro@example\.jp|日之出 太郎|03-0000-1234|街灯が消えています/, 'no contact, no hidden text');
  assert.ok(!lines.some((l) => /^\d+,road-pothole,.*,received,/.test(l)), 'open reports are not in it');
  const gj = await (await fetch(`${srv.base}/reports/closed.geojson`)).json();
  assert.equal(gj.type, 'FeatureCollection');
  const f = gj.features.find((x) => x.properties.id === id);
  assert.ok(f);
  assert.deepEqual(f.geometry.coordinates.map((x) => Math.round(x * 1e6)), [Math.round(GPS.lon * 1e6), Math.round(GPS.lat * 1e6)]);
  assert.equal(f.properties.description, '');
  assert.ok(!JSON.stringify(gj).includes('taro@example.jp'));
});

test('staff add an area and a route by kind x area: a report there goes where the route says', async () => {
  let page = await staff.get('/staff/reports/areas');
  assert.equal(page.status, 200);
  assert.match(page.text_, /<code>toei-kanjo<\/code>/);
  let r = await staff.post('/staff/reports/areas', { form: { csrf: Client.csrf(page.text_), code: 'probe-park', name_ja: '試験公園',
    name_en: 'Probe park', min_lat: '35.7100', min_lon: '139.6600', max_lat: '35.7120' } });
  assert.equal(r.status, 422, 'three corners of a box are not a box');
  r = await staff.post('/staff/reports/areas', { form: { csrf: Client.csrf(page.text_), code: 'probe-park', name_ja: '試験公園',
    name_en: 'Probe park', min_lat: '35.7100', min_lon: '139.6600', max_lat: '35.7120', max_lon: '139.6620', sort: '5' } });
  assert.equal(r.status, 303);
  page = await staff.get('/staff/reports/routes');
  r = await staff.post('/staff/reports/routes', { form: { csrf: Client.csrf(page.text_), category: 'other', area: 'probe-park',
    dept: '', outside: '公園管理者（デモ）', contact: '電話 03-0000-7777' } });
  assert.equal(r.status, 303);
  const c = new Client(srv.base);
  const h = hidden((await step2(c, { category: 'other', lat: '35.711000', lon: '139.661000', address: '' })).text_);
  const s = await c.req('POST', '/reports', multipart({ ...h, description: 'ベンチが壊れています' }));
  assert.equal(s.status, 303);
  const n = s.headers.get('location').match(/\/reports\/(\d+)/)[1];
  assert.equal(sql(`SELECT area || '|' || outside || '|' || outside_contact FROM reports WHERE id = ${n}`),
    'probe-park|公園管理者（デモ）|電話 03-0000-7777');
  const pub = await new Client(srv.base).get(`/reports/${n}`);
  assert.match(pub.text_, /公園管理者（デモ）/);
});

test('the rate limit: the 11th report within the hour from one address is 429', async () => {
  const already = Number(sql(`SELECT count(*) FROM reports WHERE source <> '' AND created_at > strftime('%s','now') - 3600 AND source = (SELECT source FROM reports WHERE id = ${id})`));
  const c = new Client(srv.base);
  let last;
  for (let i = already; i <= 10; i++) {
    const h = hidden((await step2(c, { category: 'other', lat: '', lon: '', address: `試験 ${i}` })).text_);
    last = await c.req('POST', '/reports', multipart({ ...h, description: `試験 ${i}` }));
    if (i < 10) assert.equal(last.status, 303, `report ${i + 1}`);
  }
  assert.equal(last.status, 429);
  assert.ok(last.headers.get('retry-after'));
});
