// waste_master.test.mjs -- the bulky-waste item master in the back office
// (src/svc/waste/web/page_waste_master.c, src/svc/waste/master.c) over HTTP,
// on the real server with the demo ward (demo-machi holds waste.master):
//   - a fee changed from a later day: the chatbot's API still quotes the old
//     fee today, the list shows the scheduled fee beside today's, the
//     history shows who changed what (400 → 500) from which day;
//   - a form filled in today and saved for a day after a scheduled fee
//     change changes only the fields edited (the scheduled fee stays);
//   - a fee changed from today: the API quotes it at once (this server's
//     own write is noticed without waiting);
//   - a second server on the same database notices a change written by the
//     first within a few seconds (its cache checks the newest version);
//   - a day in the past is refused (422) and changes nothing;
//   - export in CP932 (not UTF-8 bytes), imported back: the new version
//     changes nothing, and the export after it is byte for byte the same;
//     `madoguchi waste master export` prints the same master;
//   - a CSV with a bad row is refused with its line number, nothing written;
//   - a POST without the CSRF token is refused;
//   - permissions: a resident and a member of staff without waste.master
//     cannot open the pages or post to them; the menu entry shows only to
//     those who may open it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, spawnServe, freePort, cli, DEMO, Client, DEMO_USERS, loginWithTotp, registerAndLogin, multipartBody } from './lib.mjs';

let srv, m;
const MACHI = ['demo-machi', 'Keyaki-Machi-2026'];

before(async () => {
  srv = await startServer({});
  m = new Client(srv.base);
  const r = await loginWithTotp(m, ...MACHI);
  assert.ok([200, 303].includes(r.status), `demo-machi logs in: ${r.status}`);
});
after(async () => { if (srv) await srv.stop(); });

// today in Japan, and n days later, as YYYY-MM-DD
const jstDay = (n = 0) => new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const apiFee = async (q, base = srv.base) => {
  const r = await new Client(base).get('/api/v1/waste/match?q=' + encodeURIComponent(q));
  assert.equal(r.status, 200);
  const a = JSON.parse(r.text_).answers[0];
  return { id: a.item && a.item.id, fee: a.fee_yen };
};
// the edit form's fields as they are, with changes
async function itemForm(id, changes) {
  const page = await m.get(`/staff/waste/items/${id}`);
  assert.equal(page.status, 200);
  const h = main(page.text_);
  const form = { csrf: Client.csrf(page.text_) };
  for (const mm of h.matchAll(/<input class="input[^"]*" type="[a-z]+" id="[^"]+" name="([a-z_]+)" value="([^"]*)"/g)) form[mm[1]] = mm[2];
  for (const mm of h.matchAll(/<textarea [^>]*name="([a-z_]+)"[^>]*>([^<]*)<\/textarea>/g)) form[mm[1]] = mm[2];
  for (const mm of h.matchAll(/<select [^>]*name="([a-z_]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const sel = mm[2].match(/<option value="([^"]*)" selected/);
    form[mm[1]] = sel ? sel[1] : '';
  }
  const unescape = (s) => s.replace(/&#10;/g, '\n').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  for (const k of Object.keys(form)) form[k] = unescape(form[k]);
  return { ...form, ...changes };
}

test('a fee changed from a later day: today the old fee, the scheduled one shown, the history says who and what', async () => {
  assert.deepEqual(await apiFee('椅子'), { id: 'chair', fee: 400 });
  const later = jstDay(30);
  const form = await itemForm('chair', { fee_yen: '500', from: later, note: '手数料改定' });
  assert.equal(form.name, '椅子');
  assert.match(form.aliases, /チェア/);
  const r = await m.post('/staff/waste/items/chair', { form });
  assert.equal(r.status, 303, r.text_.slice(0, 500));
  assert.equal(r.headers.get('location'), '/staff/waste/items?saved=1');
  // the chatbot, today
  assert.deepEqual(await apiFee('椅子'), { id: 'chair', fee: 400 });
  // the list: today's fee and the scheduled one
  const list = await m.get('/staff/waste/items?q=' + encodeURIComponent('椅子'));
  assert.equal(list.status, 200);
  const row = list.text_.match(/<tr data-item="chair">[\s\S]*?<\/tr>/)[0];
  assert.match(row, /400円/);
  assert.match(row, new RegExp(`${later} から 500円`));
  assert.doesNotMatch(list.text_, /data-item="sofa_1seat"/, 'the search filters');
  // the history
  const h = await m.get('/staff/waste/items/history');
  assert.equal(h.status, 200);
  const v = main(h.text_).match(/<section class="wm-version"[\s\S]*?<\/section>/)[0];
  assert.match(v, /demo-machi/);
  assert.match(v, new RegExp(later));
  assert.match(v, /手数料改定/);
  assert.match(v, /椅子 の 手数料：400 → 500/);
  // the edit form shows the fee in force today, and the scheduled change
  assert.equal((await itemForm('chair')).fee_yen, '400');
  assert.match(main((await m.get('/staff/waste/items/chair')).text_),
    new RegExp(`<li>${later} から： 椅子 の 手数料：400 → 500</li>`));
});

test('a form filled in today, saved for a day after a scheduled change, keeps that change', async () => {
  // chair: 500 from +30 (the test above); now a new alias from +40, the
  // form showing today's fee (400)
  const form = await itemForm('chair', { from: jstDay(40), note: '別名の追加' });
  assert.equal(form.fee_yen, '400');
  form.aliases += '\nいすこ';
  const r = await m.post('/staff/waste/items/chair', { form });
  assert.equal(r.status, 303);
  const row = (await m.get('/staff/waste/items?q=' + encodeURIComponent('椅子'))).text_.match(/<tr data-item="chair">[\s\S]*?<\/tr>/)[0];
  assert.match(row, new RegExp(`${jstDay(30)} から 500円`));
  assert.match(row, new RegExp(`${jstDay(40)} から 500円`), 'the fee from +30 is not undone on +40');
  assert.deepEqual(await apiFee('いすこ'), { id: undefined, fee: undefined }, 'the alias is not in force today');
  const v = main((await m.get('/staff/waste/items/history')).text_).match(/<section class="wm-version"[\s\S]*?<\/section>/)[0];
  assert.match(v, /椅子 の 別名（1行に1つ）：[^<]*→[^<]*いすこ/);
  assert.doesNotMatch(v, /手数料/);
});

test('a fee changed from today is quoted at once', async () => {
  const before = await apiFee('スツール');
  assert.equal(before.id, 'stool');
  const fee = String(before.fee + 100);
  const r = await m.post('/staff/waste/items/stool', { form: await itemForm('stool', { fee_yen: fee, from: jstDay(0) }) });
  assert.equal(r.status, 303);
  assert.deepEqual(await apiFee('スツール'), { id: 'stool', fee: Number(fee) });
  assert.deepEqual(await apiFee('椅子'), { id: 'chair', fee: 400 });
});

test('a day in the past, or a fee that is no multiple of 10, is refused and changes nothing', async () => {
  const past = await m.post('/staff/waste/items/chair', { form: await itemForm('chair', { fee_yen: '900', from: jstDay(-1) }) });
  assert.equal(past.status, 422);
  assert.match(main(past.text_), /過去の日付は指定できません/);
  assert.match(past.text_, /href="#wm-from"/, 'the error summary links to the day');
  const odd = await m.post('/staff/waste/items/chair', { form: await itemForm('chair', { fee_yen: '405' }) });
  assert.equal(odd.status, 422);
  assert.match(odd.text_, /href="#wm-fee_yen"/);
  assert.deepEqual(await apiFee('椅子'), { id: 'chair', fee: 400 });
});

test('export in CP932 and import it back: the same items, the same export', async () => {
  const ex = await fetch(srv.base + '/staff/waste/items.csv?enc=cp932', { headers: { cookie: m.cookieHeader() } });
  assert.equal(ex.status, 200);
  assert.match(ex.headers.get('content-type'), /Shift_JIS/);
  const bytes = Buffer.from(await ex.arrayBuffer());
  assert.ok(bytes.includes(Buffer.from([0x83, 0x5c])), 'ソ in CP932');
  assert.ok(!bytes.includes(Buffer.from('ソファ')), 'not UTF-8');
  const text = new TextDecoder('shift_jis').decode(bytes);
  assert.match(text, /^item_id,name,kana,aliases,category,size_rule,fee_yen,accepted,not_accepted_reason,guidance_ja\r\n/);
  assert.match(text, /\r\nchair,椅子,/);
  const list = await m.get('/staff/waste/items');
  const { body, headers } = multipartBody({ csrf: Client.csrf(list.text_), from: jstDay(0), note: 'round trip' },
    { name: 'csv', filename: 'items-sjis.csv', type: 'text/csv', data: bytes });
  const r = await m.post('/staff/waste/items/import', { body, headers });
  assert.equal(r.status, 303, r.text_.slice(0, 800));
  const h = await m.get('/staff/waste/items/history');
  const v = main(h.text_).match(/<section class="wm-version"[\s\S]*?<\/section>/)[0];
  assert.match(v, /round trip/);
  assert.match(v, /変更点はありません。/);
  const again = await fetch(srv.base + '/staff/waste/items.csv?enc=cp932', { headers: { cookie: m.cookieHeader() } });
  assert.ok(Buffer.from(await again.arrayBuffer()).equals(bytes));
  // UTF-8 with a BOM
  const u = await fetch(srv.base + '/staff/waste/items.csv?enc=utf8', { headers: { cookie: m.cookieHeader() } });
  const ub = Buffer.from(await u.arrayBuffer());
  assert.deepEqual([...ub.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.equal(ub.subarray(3).toString('utf8'), text);
  // the CLI reads the same master from the database
  assert.equal(cli(['waste', 'master', 'export', '--db', srv.db, '--tenant', DEMO]), text);
});

test('a CSV with a bad row is refused with its line, nothing written', async () => {
  const hist = async () => (main((await m.get('/staff/waste/items/history')).text_).match(/class="wm-version"/g) || []).length;
  const n = await hist();
  const csv = 'item_id,name,kana,aliases,category,size_rule,fee_yen,accepted,not_accepted_reason,guidance_ja\r\n' +
    'chair,椅子,イス,いす,家具,,400,1,,\r\n' +
    'tv,テレビ,テレビ,,家電,,300,0,kaden_recycle,家電リサイクル\r\n';
  const list = await m.get('/staff/waste/items');
  const { body, headers } = multipartBody({ csrf: Client.csrf(list.text_), from: jstDay(0) },
    { name: 'csv', filename: 'bad.csv', type: 'text/csv', data: Buffer.from(csv) });
  const r = await m.post('/staff/waste/items/import', { body, headers });
  assert.equal(r.status, 422);
  assert.match(main(r.text_), /3行目に誤りがある/);
  assert.equal(await hist(), n);
  assert.deepEqual(await apiFee('椅子'), { id: 'chair', fee: 400 });
});

test('a POST without the CSRF token is refused', async () => {
  const form = await itemForm('chair', { fee_yen: '800' });
  delete form.csrf;
  const r = await m.post('/staff/waste/items/chair', { form });
  assert.equal(r.status, 403);
  assert.deepEqual(await apiFee('椅子'), { id: 'chair', fee: 400 });
});

test('only staff with waste.master: a resident and other staff are refused', async () => {
  const res = await registerAndLogin(srv.base, 'wm-resident@example.jp', 'Resident-Pass-2026');
  for (const path of ['/staff/waste/items', '/staff/waste/items/chair', '/staff/waste/items/history', '/staff/waste/items.csv?enc=utf8']) {
    const r = await res.get(path);
    // as the app answers a page (a staff login) and a download (401) it may not open
    const refused = (x) => [401, 403].includes(x.status) || (x.status === 303 && /\/login/.test(x.headers.get('location')));
    assert.ok(refused(r), `resident ${path}: ${r.status}`);
    assert.doesNotMatch(r.text_, /椅子/);
    const anon = await new Client(srv.base).get(path);
    assert.ok(refused(anon), `anonymous ${path}: ${anon.status}`);
  }
  const s = new Client(srv.base);
  const lr = await loginWithTotp(s, ...DEMO_USERS.staff);
  assert.ok([200, 303].includes(lr.status));
  const staffHome = await s.get('/staff');
  assert.equal((await s.get('/staff/waste/items')).status, 403);
  assert.equal((await s.get('/staff/waste/items/history')).status, 403);
  const r = await s.post('/staff/waste/items/chair', { form: { csrf: Client.csrf(staffHome.text_) || 'x', fee_yen: '10', from: jstDay(0) } });
  assert.equal(r.status, 403);
  assert.doesNotMatch(staffHome.text_, /href="\/staff\/waste\/items"/);
  assert.match((await m.get('/staff')).text_, /href="\/staff\/waste\/items"/);
  assert.deepEqual(await apiFee('椅子'), { id: 'chair', fee: 400 });
});

test('a second server sharing the database notices the change within seconds', async () => {
  const port = await freePort();
  const b = await spawnServe({ db: srv.db, keys: srv.keys, port });
  try {
    const before = await apiFee('オットマン', b.base);
    assert.equal(before.id, 'ottoman');
    assert.deepEqual(await apiFee('オットマン'), before);
    const fee = before.fee + 200;
    const r = await m.post('/staff/waste/items/ottoman', { form: await itemForm('ottoman', { fee_yen: String(fee), from: jstDay(0) }) });
    assert.equal(r.status, 303);
    assert.equal((await apiFee('オットマン')).fee, fee, 'the writing server at once');
    const t0 = Date.now();
    let seen;
    while ((seen = (await apiFee('オットマン', b.base)).fee) !== fee && Date.now() - t0 < 8000)
      await new Promise((res) => setTimeout(res, 100));
    assert.equal(seen, fee, 'the other server within its check interval');
  } finally {
    b.proc.kill('SIGTERM');
    const x = await b.exited;
    assert.equal(x.code, 0);
  }
});
