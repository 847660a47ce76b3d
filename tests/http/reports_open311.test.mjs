// reports_open311.test.mjs -- the Open311 GeoReport v2 API of the reports
// service (src/svc/reports/web/open311.c) on the real server with the demo
// ward:
//   - every method answers JSON that parses and XML that xmllint (libxml2)
//     finds well-formed, with the spec's element and field names, the same
//     content in both;
//   - POST needs an api_key issued by staff (/staff/reports/keys; the key
//     shown once, stored as a hash): none or a wrong one is 403 in the
//     spec's error shape, a bad value 400, an unknown service 404;
//   - a request made through Open311 appears in the staff triage, and a
//     state change made there comes back through Open311 (status closed,
//     the note in status_notes);
//   - the filters: service_request_id (a list), service_code, status,
//     start_date/end_date, and an idempotency_key resend answering the same
//     id; markup in a description comes back escaped in XML and intact
//     after parsing; no contact ever in an answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, loginWithTotp } from './lib.mjs';

const MACHI = ['demo-machi', 'Keyaki-Machi-2026'];
let srv, staff, key;

before(async () => {
  srv = await startServer({});
  staff = new Client(srv.base);
  const r = await loginWithTotp(staff, ...MACHI);
  assert.ok([200, 303].includes(r.status));
});
after(async () => { if (srv) await srv.stop(); });

const sql = (q) => execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();

// xmllint: well-formed (exit 0), and the text of an XPath
function xml(text, xpath) {
  execFileSync('xmllint', ['--noout', '-'], { input: text });
  return xpath ? execFileSync('xmllint', ['--xpath', xpath, '-'], { input: text, encoding: 'utf8' }).replace(/\n$/, '') : null;
}

async function get(path) {
  const r = await fetch(srv.base + path);
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

async function post(path, form) {
  const r = await fetch(srv.base + path, { method: 'POST', body: new URLSearchParams(form),
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
const REQUEST_FIELDS = ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description',
  'agency_responsible', 'service_notice', 'requested_datetime', 'updated_datetime', 'expected_datetime', 'address',
  'address_id', 'zipcode', 'lat', 'long', 'media_url'];

test('services and a service definition, in JSON and XML', async () => {
  const j = await get('/open311/v2/services.json');
  assert.equal(j.status, 200);
  assert.match(j.type, /^application\/json/);
  const list = JSON.parse(j.text);
  assert.ok(list.length >= 6);
  for (const s of list) assert.deepEqual(Object.keys(s).sort(), [...SERVICE_FIELDS].sort());
  assert.ok(list.some((s) => s.service_code === 'road-pothole' && s.group === 'road' && s.metadata === false));
  const x = await get('/open311/v2/services.xml');
  assert.equal(x.status, 200);
  assert.match(x.type, /^text\/xml/);
  assert.equal(Number(xml(x.text, 'count(/services/service)')), list.length);
  for (const f of SERVICE_FIELDS) assert.equal(Number(xml(x.text, `count(/services/service/${f})`)), list.length, f);
  assert.equal(xml(x.text, 'string(/services/service[service_code="damage"]/service_name)'), '被害報告（災害時）');
  const d = await get('/open311/v2/services/road-pothole.json');
  assert.deepEqual(JSON.parse(d.text), { service_code: 'road-pothole', attributes: [] });
  const dx = await get('/open311/v2/services/road-pothole.xml');
  assert.equal(xml(dx.text, 'string(/service_definition/service_code)'), 'road-pothole');
  assert.equal(Number(xml(dx.text, 'count(/service_definition/attributes)')), 1);
  for (const p of ['/open311/v2/services/nosuch.json', '/open311/v2/services/road-pothole.txt']) {
    const n = await get(p);
    assert.equal(n.status, 404, p);
  }
  const nj = JSON.parse((await get('/open311/v2/services/nosuch.json')).text);
  assert.equal(nj[0].code, 404);
  assert.ok(nj[0].description);
  const nx = await get('/open311/v2/services/nosuch.xml');
  assert.equal(xml(nx.text, 'string(/errors/error/code)'), '404');
  const wrong = await get('/open311/v2/services.json?jurisdiction_id=999999');
  assert.equal(wrong.status, 404);
});

test('staff issue an API key, shown once and stored as a hash', async () => {
  const page = await staff.get('/staff/reports/keys');
  assert.equal(page.status, 200);
  const r = await staff.post('/staff/reports/keys', { form: { csrf: Client.csrf(page.text_), name: 'Open311 test client' } });
  assert.equal(r.status, 200);
  key = r.text_.match(/id="apikey">([^<]+)</)[1];
  assert.equal(key.length, 40);
  assert.equal(sql(`SELECT count(*) FROM reports_apikeys WHERE hash LIKE '%${key}%' OR name LIKE '%${key}%'`), '0');
  const again = await staff.get('/staff/reports/keys');
  assert.ok(!again.text_.includes(key), 'shown once');
});

test('POST: the api_key, the values, and the spec\'s errors', async () => {
  const base = { service_code: 'road-pothole', lat: '35.6953', long: '139.6400', description: '穴' };
  let r = await post('/open311/v2/requests.json', base);
  assert.equal(r.status, 403);
  assert.equal(JSON.parse(r.text)[0].code, 403);
  r = await post('/open311/v2/requests.xml', { ...base, api_key: 'x'.repeat(40) });
  assert.equal(r.status, 403);
  assert.equal(xml(r.text, 'string(/errors/error/code)'), '403');
  for (const [form, why] of [
    [{ ...base, service_code: 'nosuch' }, 'an unknown service'],
    [{ ...base, service_code: '' }, 'no service'],
    [{ service_code: 'road-pothole', description: '穴' }, 'neither pin nor address'],
    [{ ...base, lat: 'north' }, 'a bad latitude'],
    [{ ...base, lat: '91' }, 'a latitude off the Earth'],
    [{ ...base, email: 'not an address' }, 'a bad e-mail'],
    [{ ...base, description: '' }, 'no description'],
  ]) {
    r = await post('/open311/v2/requests.json', { ...form, api_key: key });
    assert.equal(r.status, 400, why);
    const e = JSON.parse(r.text);
    assert.ok(Array.isArray(e) && e[0].code === 400 && e[0].description, why);
  }
  assert.equal(sql("SELECT count(*) FROM reports WHERE via = 'open311'"), '0', 'nothing stored');
});

let oid;

test('a request made through Open311 appears in the staff triage and a change comes back', async () => {
  const desc = '穴があります <b>&</b> "深い"';
  const r = await post('/open311/v2/requests.xml', { api_key: key, service_code: 'road-pothole', lat: '35.695300',
    long: '139.640000', description: desc, email: 'client@example.jp', first_name: '花子', last_name: '港',
    phone: '03-0000-5555', media_url: 'http://169.254.169.254/latest', idempotency_key: 'client-0000000001' });
  assert.equal(r.status, 200, r.text);
  oid = xml(r.text, 'string(/service_requests/request/service_request_id)');
  assert.match(oid, /^\d+$/);
  // the resend: the same id, one row
  const again = await post('/open311/v2/requests.json', { api_key: key, service_code: 'road-pothole', lat: '35.695300',
    long: '139.640000', description: desc, idempotency_key: 'client-0000000001' });
  assert.equal(JSON.parse(again.text)[0].service_request_id, oid);
  assert.equal(sql("SELECT count(*) FROM reports WHERE via = 'open311'"), '1');
  // routed: the pin is on the 都道, so to 東京都
  assert.equal(sql(`SELECT area || '|' || outside FROM reports WHERE id = ${oid}`), 'toei-kanjo|東京都第三建設事務所（デモ）');
  // the staff triage lists it; its detail has the contact
  const list = await staff.get('/staff/reports?state=received&category=road-pothole');
  assert.match(list.text_, new RegExp(`data-report="${oid}"`));
  const d = await staff.get(`/staff/reports/${oid}`);
  assert.match(d.text_, /client@example\.jp/);
  assert.match(d.text_, /港 花子/);
  // GET it back: open, the spec's fields, no contact, markup intact
  let g = await get(`/open311/v2/requests/${oid}.json`);
  let one = JSON.parse(g.text)[0];
  assert.deepEqual(Object.keys(one).sort(), [...REQUEST_FIELDS].sort());
  assert.equal(one.status, 'open');
  assert.equal(one.description, desc);
  assert.equal(one.agency_responsible, '東京都第三建設事務所（デモ）');
  assert.equal(one.lat, 35.6953);
  assert.equal(one.long, 139.64);
  assert.match(one.requested_datetime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/);
  assert.ok(!g.text.includes('client@example.jp') && !g.text.includes('03-0000-5555') && !g.text.includes('花子'));
  const gx = await get(`/open311/v2/requests/${oid}.xml`);
  for (const f of REQUEST_FIELDS) assert.equal(Number(xml(gx.text, `count(/service_requests/request/${f})`)), 1, f);
  assert.equal(xml(gx.text, 'string(/service_requests/request/description)'), desc);
  assert.ok(gx.text.includes('&lt;b&gt;&amp;&lt;/b&gt;'));
  // staff close it: the change comes back through Open311
  const csrf = Client.csrf(d.text_);
  const s = await staff.post(`/staff/reports/${oid}/state`, { form: { csrf, from: 'received', to: 'transferred', note: '都道のため東京都へ連絡しました。' } });
  assert.equal(s.status, 303);
  g = await get(`/open311/v2/requests/${oid}.json`);
  one = JSON.parse(g.text)[0];
  assert.equal(one.status, 'closed');
  assert.match(one.status_notes, /他機関へ移送 \(transferred\): 都道のため東京都へ連絡しました。/);
  assert.ok(one.updated_datetime >= one.requested_datetime);
  const gx2 = await get(`/open311/v2/requests/${oid}.xml`);
  assert.equal(xml(gx2.text, 'string(/service_requests/request/status)'), 'closed');
  assert.equal((await get('/open311/v2/requests/999999.json')).status, 404);
});

test('GET requests: the filters, in JSON and XML alike', async () => {
  const ids = async (q) => JSON.parse((await get('/open311/v2/requests.json' + q)).text).map((x) => x.service_request_id);
  const all = await ids('');
  assert.ok(all.includes(oid) && all.length >= 4);
  const open = await ids('?status=open');
  const closed = await ids('?status=closed');
  assert.ok(!open.includes(oid) && closed.includes(oid));
  assert.equal(open.length + closed.length, all.length);
  assert.deepEqual((await ids('?status=open,closed')).sort(), [...all].sort());
  const pot = await ids('?service_code=road-pothole');
  assert.ok(pot.includes(oid) && pot.length >= 2);
  for (const id of pot) assert.equal(sql(`SELECT category FROM reports WHERE id = ${id}`), 'road-pothole');
  // a code named again is one list, not one list a time; more than 8 codes are refused
  assert.deepEqual((await ids(`?service_code=${Array(150).fill('road-pothole').join(',')}`)).sort(), [...pot].sort());
  const nine = await get(`/open311/v2/requests.json?service_code=${Array.from({ length: 9 }, (_, i) => `code-${i}`).join(',')}`);
  assert.equal(nine.status, 400);
  assert.deepEqual((await ids(`?service_request_id=${oid},1&status=open`)).sort(), [oid, '1'].sort(),
    'a list of ids, the other filters ignored');
  assert.deepEqual(await ids('?start_date=2000-01-01T00:00:00Z&end_date=2000-01-02T00:00:00Z'), []);
  const future = new Date(Date.now() + 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  assert.deepEqual((await ids(`?start_date=2000-01-01&end_date=${future}`)).sort(), [...all].sort());
  for (const q of ['?status=pending', '?start_date=yesterday', '?end_date=2026-13-01', '?service_request_id=abc']) {
    const r = await get('/open311/v2/requests.json' + q);
    assert.equal(r.status, 400, q);
    assert.equal(JSON.parse(r.text)[0].code, 400);
  }
  const x = await get('/open311/v2/requests.xml?status=closed');
  assert.equal(Number(xml(x.text, 'count(/service_requests/request)')), closed.length);
  assert.ok(!x.text.includes('client@example.jp'));
});

test('an idempotency key is its client\'s own: another api_key with the same key is another request', async () => {
  // another client's key with the same idempotency_key is another request
  const kp = await staff.get('/staff/reports/keys');
  const key2 = (await staff.post('/staff/reports/keys', { form: { csrf: Client.csrf(kp.text_), name: 'Second client' } }))
    .text_.match(/id="apikey">([^<]+)</)[1];
  const other = await post('/open311/v2/requests.json', { api_key: key2, service_code: 'road-pothole', lat: '35.695300',
    long: '139.640000', description: '別の穴', idempotency_key: 'client-0000000001' });
  assert.equal(other.status, 200, other.text);
  assert.notEqual(JSON.parse(other.text)[0].service_request_id, oid);
  // the shortest key the API takes (11) is taken
  const short = await post('/open311/v2/requests.json', { api_key: key2, service_code: 'road-pothole', lat: '35.695300',
    long: '139.640000', description: '短い鍵', idempotency_key: 'abcdefghijk' });
  assert.equal(short.status, 200, short.text);
});
