// waste_staff.test.mjs -- the staff side of bulky-waste bookings
// (src/svc/waste/web/page_staff.c, route_list.c) on the demo ward: the
// 清掃事務所's demo-machi (waste.staff, waste.master) logs in with 2FA.
//   - the load of collection days: the demo's areas and calendars, one
//     area, a bad range refused; other staff are refused (403), nobody
//     logged in is sent to the login page;
//   - opening calendars from the form: days opened and shown with their
//     capacity; each missing or bad field answered with the form, the
//     error summary linking to the field; without CSRF refused;
//   - a day's bookings, the route list CSV (UTF-8 with BOM, CP932) and
//     PDF: each read audited once with the day and area and nothing
//     personal;
//   - a booking number with a wrong check digit is refused by the router,
//     a well-formed unknown one is 404.
// Bookings themselves (cancel, move, rows on the lists) are made by the
// resident pages; test_route.c checks the rows on bookings made through
// the domain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, loginWithTotp, registerAndLogin, DEMO_USERS, cli } from './lib.mjs';

let srv, machi, other;
const MACHI = ['demo-machi', 'Keyaki-Machi-2026'];

function iso(d) { return d.toISOString().slice(0, 10); }
function jstToday() { return new Date(Date.now() + 9 * 3600e3); }
function addDays(d, n) { return new Date(d.getTime() + n * 86400e3); }
// a well-formed booking number: nine digits and their Luhn check digit
function luhn(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let v = Number(nine[8 - i]);
    if (i % 2 === 0) { v *= 2; if (v > 9) v -= 9; }
    sum += v;
  }
  return nine + String((10 - (sum % 10)) % 10);
}
function audit(action) {
  // one JSON record a line
  return cli(['audit', 'query', '--db', srv.db, '--action', action, '--json'])
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

before(async () => {
  srv = await startServer();
  machi = new Client(srv.base);
  const r = await loginWithTotp(machi, ...MACHI);
  assert.ok([200, 303].includes(r.status), `login ${r.status}`);
  other = new Client(srv.base);
  await loginWithTotp(other, ...DEMO_USERS.staff);
});
after(async () => { await srv?.stop(); });

test('the load: the demo areas and calendar, booked / capacity, links to each day', async () => {
  const r = await machi.get('/staff/waste');
  assert.equal(r.status, 200);
  const h = r.text_;
  for (const name of ['北地区', '南地区', '東地区']) assert.ok(h.includes(`<th scope="col">${name}</th>`), name);
  // the demo opens calendars from tomorrow: cells "0 / N" linking to the day
  const cells = [...h.matchAll(/href="\/staff\/waste\/day\?day=(\d{4}-\d\d-\d\d)&amp;area=(kita|minami|higashi)"[^>]*>(\d+) \/ (\d+)</g)];
  assert.ok(cells.length > 0, 'no day cells');
  const today = iso(jstToday()), last = iso(addDays(jstToday(), 14));
  for (const [, day, , booked, cap] of cells) {
    assert.ok(day > today && day <= last, `day ${day} outside the default range`);
    assert.ok(Number(cap) > 0 && Number(booked) <= Number(cap));
  }
  // the staff menu shows the page
  assert.match(h, /href="\/staff\/waste"/);
  // one area only
  const k = await machi.get('/staff/waste?area=kita');
  assert.equal(k.status, 200);
  assert.ok(!k.text_.includes('<th scope="col">南地区</th>'));
  assert.ok(!/area=minami"/.test(k.text_));
  // a range too long, or backwards, or an unknown area
  assert.equal((await machi.get(`/staff/waste?from=${today}&to=${iso(addDays(jstToday(), 200))}`)).status, 400);
  assert.equal((await machi.get(`/staff/waste?from=${last}&to=${today}`)).status, 400);
  assert.equal((await machi.get('/staff/waste?area=nowhere')).status, 404);
  assert.equal((await machi.get('/staff/waste?area=KITA')).status, 400);
});

test('permission: other staff are refused, nobody logged in goes to the login page', async () => {
  assert.equal((await other.get('/staff/waste')).status, 403);
  assert.equal((await other.get(`/staff/waste/day?day=${iso(addDays(jstToday(), 1))}`)).status, 403);
  assert.equal((await other.get(`/staff/waste/route.csv?day=${iso(addDays(jstToday(), 1))}`)).status, 403);
  const anon = new Client(srv.base);
  const r = await anon.get('/staff/waste');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /login/);
});

test('opening a calendar from the form; errors come back with the form', async () => {
  const page = await machi.get('/staff/waste');
  const csrf = Client.csrf(page.text_.slice(page.text_.indexOf('action="/staff/waste/calendar"')));
  assert.ok(csrf);
  // far ahead (no demo days there): Mondays and Thursdays of four weeks
  const from = addDays(jstToday(), 120), to = addDays(from, 27);
  const form = { csrf, area: 'higashi', from: iso(from), to: iso(to), wd1: '1', wd4: '1', capacity: '37' };
  const r = await machi.post('/staff/waste/calendar', { form });
  assert.equal(r.status, 303);
  const loc = r.headers.get('location');
  const opened = Number(new URL(loc, srv.base).searchParams.get('opened'));
  // 8 weekdays in four weeks, less any national holiday among them
  assert.ok(opened >= 6 && opened <= 8, `opened ${opened}`);
  const shown = await machi.get(loc);
  assert.match(shown.text_, /id="opened"/);
  const cells = [...shown.text_.matchAll(/day=(\d{4}-\d\d-\d\d)&amp;area=higashi"[^>]*>0 \/ 37</g)].map((m) => m[1]);
  assert.equal(cells.length, opened);
  for (const d of cells) assert.ok([1, 4].includes(new Date(`${d}T00:00:00Z`).getUTCDay()), `${d} is not Mon/Thu`);
  const rec = audit('waste.calendar.open');
  assert.ok(rec.some((x) => JSON.stringify(x).includes('higashi')));

  // each field's error, with the summary linking to it
  const cases = [
    [{ area: '' }, 'cal-area'], [{ from: 'soon' }, 'cal-from'], [{ to: iso(addDays(from, -1)) }, 'cal-to'],
    [{ wd1: undefined, wd4: undefined }, 'cal-wd'], [{ capacity: '0' }, 'cal-capacity'],
    [{ capacity: 'many' }, 'cal-capacity'], [{ area: 'nowhere' }, 'cal-area'],
  ];
  for (const [change, field] of cases) {
    const f = { ...form, ...change };
    for (const k of Object.keys(f)) if (f[k] === undefined) delete f[k];
    const e = await machi.post('/staff/waste/calendar', { form: f });
    assert.equal(e.status, 422, JSON.stringify(change));
    assert.ok(e.text_.includes(`href="#${field}"`), `summary links to ${field}`);
    assert.match(e.text_, new RegExp(`id="${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="${field}"|id="${field}-field"`));
  }
  // without the CSRF token
  const { csrf: _drop, ...noCsrf } = form;
  assert.equal((await machi.post('/staff/waste/calendar', { form: noCsrf })).status, 403);
  // a member without waste.master cannot open days
  assert.equal((await other.post('/staff/waste/calendar', { form })).status, 403);
});

test('a day, its CSV and PDF: audited once each, with the day and the area only', async () => {
  const day = iso(addDays(jstToday(), 120));
  const before = { read: audit('data.read').length, exp: audit('data.export').length };
  const d = await machi.get(`/staff/waste/day?day=${day}&area=higashi`);
  assert.equal(d.status, 200);
  assert.match(d.text_, /id="route-pdf" href="\/staff\/waste\/route\.pdf\?day=[^"]+&amp;area=higashi"/);
  assert.match(d.text_, /id="route-csv-sjis" href="[^"]*enc=cp932"/);
  const reads = audit('data.read').filter((x) => JSON.stringify(x).includes(`${day}/higashi`));
  assert.equal(reads.length, 1);
  assert.equal(audit('data.read').length, before.read + 1);

  const u = await machi.get(`/staff/waste/route.csv?day=${day}&area=higashi&enc=utf8`);
  assert.equal(u.status, 200);
  assert.match(u.headers.get('content-type'), /text\/csv; charset=utf-8/);
  assert.ok(u.text_.startsWith('\ufeff収集日,地区,受付番号,町丁目,住所,出す場所,品目,点数,手数料（円）,支払い,氏名,電話番号\r\n'));
  // CP932: the same header in Shift_JIS, no BOM
  const raw = await new Promise((resolve, reject) => {
    import('node:http').then(({ default: http }) => {
      const q = http.get(`${srv.base}/staff/waste/route.csv?day=${day}&area=higashi&enc=cp932`,
        { headers: { cookie: machi.cookieHeader() } }, (res) => {
          const ch = []; res.on('data', (c) => ch.push(c)); res.on('end', () => resolve({ res, body: Buffer.concat(ch) }));
        });
      q.on('error', reject);
    });
  });
  assert.equal(raw.res.statusCode, 200);
  assert.match(raw.res.headers['content-type'], /Shift_JIS/);
  assert.equal(new TextDecoder('shift_jis').decode(raw.body).split('\r\n')[0],
    '収集日,地区,受付番号,町丁目,住所,出す場所,品目,点数,手数料（円）,支払い,氏名,電話番号');
  assert.notEqual(raw.body[0], 0xef);

  const p = await new Promise((resolve, reject) => {
    import('node:http').then(({ default: http }) => {
      const q = http.get(`${srv.base}/staff/waste/route.pdf?day=${day}&area=higashi`,
        { headers: { cookie: machi.cookieHeader() } }, (res) => {
          const ch = []; res.on('data', (c) => ch.push(c)); res.on('end', () => resolve({ res, body: Buffer.concat(ch) }));
        });
      q.on('error', reject);
    });
  });
  assert.equal(p.res.statusCode, 200);
  assert.equal(p.res.headers['content-type'], 'application/pdf');
  assert.equal(p.body.subarray(0, 5).toString(), '%PDF-');
  const dir = mkdtempSync(join(tmpdir(), 'waste-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), p.body);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    assert.match(text, /東地区/);
    assert.match(text, /令和\d+年\d+月\d+日/);
    assert.match(text, /合計：0件/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
  const exports = audit('data.export').filter((x) => JSON.stringify(x).includes(`${day}/higashi`));
  assert.equal(exports.length, 3);   // two CSVs and the PDF
  assert.equal(audit('data.export').length, before.exp + 3);
  // a bad day
  assert.equal((await machi.get('/staff/waste/day?day=2026-13-01')).status, 400);
  assert.equal((await machi.get('/staff/waste/route.csv?day=2026-12-01&enc=latin1')).status, 400);
  // an area the municipality does not have
  for (const u of ['/staff/waste/day', '/staff/waste/route.csv', '/staff/waste/route.pdf']) {
    assert.equal((await machi.get(`${u}?day=${day}&area=nowhere`)).status, 404, u);
  }
});

test('booking numbers: a wrong check digit is refused, an unknown one is 404', async () => {
  const good = luhn('123456789');
  const bad = good.slice(0, 9) + String((Number(good[9]) + 1) % 10);
  assert.equal((await machi.get(`/staff/waste/booking/${bad}`)).status, 400);
  assert.equal((await machi.get(`/staff/waste/booking/${good}`)).status, 404);
  const rec = audit('data.read').filter((x) => JSON.stringify(x).includes(good));
  assert.equal(rec.length, 1);
});

// ---- with bookings made by residents (the resident booking pages) ----

const mainOf = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const hiddenOf = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];
let nres = 0;
// a resident books list for chome on day (the form's first day when not
// given) at address; the booking's number
async function residentBooks(list, chome, address, day, place = '玄関前') {
  nres++;
  const c = await registerAndLogin(srv.base, `staff-waste-${nres}-${Date.now()}@example.org`, 'Kumo-Sora-Umi-2026');
  const f = await c.get('/waste/book?' + new URLSearchParams({ list, chome }));
  assert.equal(f.status, 200);
  // a day three days ahead or later: far from its cut-off (17:00 JST the day before)
  const first = [...mainOf(f.text_).matchAll(/type="radio"[^>]*name="day" value="(\d{4}-\d\d-\d\d)"/g)]
    .map((m) => m[1]).find((x) => x >= iso(addDays(jstToday(), 3)));
  const r = await c.post('/waste/book', { form: {
    csrf: Client.csrf(f.text_), list, chome, key: hiddenOf(f.text_, 'key'), day: day || first,
    address, place, name: `住民 ${nres}`, phone: '03-0000-1234', email: '' } });
  assert.equal(r.status, 303, r.text_.slice(0, 400));
  const number = r.headers.get('location').match(/\/mypage\/waste\/(\d{10})/)[1];
  return { c, number, day: day || first, loc: r.headers.get('location').replace(/\?.*/, '') };
}

test('bookings on the day page, CSV and PDF in route order; staff move and cancel them', async () => {
  // three bookings of one 北地区 day: two in 日之出町1丁目 (10番 and 2番), one in 桜木坂1丁目
  const a = await residentBooks('chair*2,sofa_1seat*1', '日之出町1丁目', '10番1号');
  const day = a.day;
  const b = await residentBooks('chair*1', '日之出町1丁目', '2番3号 デモハイツ203', day, '=集積所');
  const c = await residentBooks('sofa_1seat*1', '桜木坂1丁目', '1番1号', day);
  // b pays by 処理券 (400 yen: one B ticket)
  const bp = await b.c.get(b.loc);
  const paid = await b.c.post(b.loc + '/pay', { form: { csrf: Client.csrf(bp.text_), tickets: 'B20000001' } });
  assert.equal(paid.status, 200, mainOf(paid.text_).slice(0, 400));

  // the load shows the points booked on that day (2+1 + 1 + 1)
  const load = await machi.get(`/staff/waste?from=${day}&to=${day}&area=kita`);
  assert.match(load.text_, new RegExp(`day=${day}&amp;area=kita"[^>]*>5 / 40<`));

  const d = await machi.get(`/staff/waste/day?day=${day}&area=kita`);
  assert.equal(d.status, 200);
  const rows = [...mainOf(d.text_).matchAll(/<tr[^>]*data-number="(\d{10})"/g)].map((m) => m[1]);
  // 日之出町1丁目 2番 before 10番, then 桜木坂1丁目 (町丁目 by name, as the domain sorts them)
  const hinode = [b.number, a.number];
  assert.deepEqual(rows.filter((n) => hinode.includes(n)), hinode);
  assert.deepEqual(rows.slice().sort(), [a.number, b.number, c.number].sort());
  const rowA = mainOf(d.text_).match(new RegExp(`data-number="${a.number}"[\\s\\S]*?</tr>`))[0];
  assert.match(rowA, /椅子×2、ソファ（1人掛け）×1/);
  assert.match(rowA, /日之出町1丁目 10番1号/);
  assert.match(rowA, /03-0000-1234/);
  assert.match(rowA, /1,600/);
  assert.match(rowA, /未払い/);
  assert.match(mainOf(d.text_).match(new RegExp(`data-number="${b.number}"[\\s\\S]*?</tr>`))[0], /処理券/);

  // the CSV: a line a booking, the formula guarded, the payment state
  const csv = (await machi.get(`/staff/waste/route.csv?day=${day}&area=kita&enc=utf8`)).text_.split('\r\n');
  const lineB = csv.find((l) => l.includes(b.number));
  assert.ok(lineB.includes(`"'=集積所"`), lineB);
  assert.ok(lineB.includes(',処理券,'), lineB);
  assert.equal(csv.filter((l) => /\d{10}/.test(l)).length, 3);

  // the booking's page (audited), then staff move c to another day with room
  const before = audit('data.read').length;
  const bc = await machi.get(`/staff/waste/booking/${c.number}`);
  assert.equal(bc.status, 200);
  assert.equal(audit('data.read').length, before + 1);
  const offered = [...mainOf(bc.text_).matchAll(/<option value="(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]);
  assert.ok(offered.length > 0 && !offered.includes(day));
  const mv = await machi.post(`/staff/waste/booking/${c.number}/move`, { form: { csrf: Client.csrf(bc.text_), day: offered[0] } });
  assert.equal(mv.status, 303);
  assert.match(mainOf((await machi.get(mv.headers.get('location'))).text_), new RegExp(`day=${offered[0]}`));
  // a day that is not a collection day of the area
  const nd = await machi.post(`/staff/waste/booking/${a.number}/move`, { form: { csrf: Client.csrf(bc.text_), day: '2026-01-01' } });
  assert.ok([403, 422].includes(nd.status), String(nd.status));
  assert.match(nd.text_, /error-summary/);

  // cancel a on the resident's behalf: the confirmation first
  const ba = await machi.get(`/staff/waste/booking/${a.number}`);
  const noConfirm = await machi.post(`/staff/waste/booking/${a.number}/cancel`, { form: { csrf: Client.csrf(ba.text_) } });
  assert.equal(noConfirm.status, 422);
  assert.match(noConfirm.text_, /href="#cancel-confirm"/);
  const noCsrf = await machi.post(`/staff/waste/booking/${a.number}/cancel`, { form: { confirm: '1' } });
  assert.equal(noCsrf.status, 403);
  const cn = await machi.post(`/staff/waste/booking/${a.number}/cancel`, { form: { csrf: Client.csrf(ba.text_), confirm: '1' } });
  assert.equal(cn.status, 303);
  assert.match(mainOf((await a.c.get(a.loc)).text_), /id="waste-state">取消済み/);   // the resident sees it cancelled
  const twice = await machi.post(`/staff/waste/booking/${a.number}/cancel`, { form: { csrf: Client.csrf(ba.text_), confirm: '1' } });
  assert.equal(twice.status, 409);
  assert.ok(audit('waste.cancel').some((x) => JSON.stringify(x).includes(a.number)));
  assert.ok(audit('waste.move').some((x) => JSON.stringify(x).includes(c.number)));

  // now: the day lists a as cancelled (hidden on request), c is gone, the PDF has b only
  const d2 = mainOf((await machi.get(`/staff/waste/day?day=${day}&area=kita`)).text_);
  assert.match(d2.match(new RegExp(`data-number="${a.number}"[\\s\\S]*?</tr>`))[0], /取消/);
  assert.ok(!d2.includes(c.number));
  assert.ok(!mainOf((await machi.get(`/staff/waste/day?day=${day}&area=kita&cancelled=0`)).text_).includes(a.number));
  const pdf = await new Promise((resolve, reject) => {
    import('node:http').then(({ default: http }) => {
      http.get(`${srv.base}/staff/waste/route.pdf?day=${day}&area=all`, { headers: { cookie: machi.cookieHeader() } }, (res) => {
        const ch = []; res.on('data', (x) => ch.push(x)); res.on('end', () => resolve(Buffer.concat(ch)));
      }).on('error', reject);
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'waste-pdf-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    assert.ok(text.includes(b.number), 'b on the route list');
    assert.ok(!text.includes(a.number), 'a cancelled: not on the route list');
    assert.ok(!text.includes(c.number), 'c moved: not on the route list');
    assert.match(text, /椅子×1/);
    assert.match(text, /処理券/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a capacity below what a day has booked names the day, in ja, en and やさしい日本語', async () => {
  const a = await residentBooks('chair*3', '紅葉台1丁目', '7番7号');
  const page = await machi.get('/staff/waste');
  const token = Client.csrf(page.text_.slice(page.text_.indexOf('action="/staff/waste/calendar"')));
  const form = { csrf: token, area: 'higashi', from: a.day, to: a.day, wd0: '1', wd1: '1', wd2: '1', wd3: '1',
    wd4: '1', wd5: '1', wd6: '1', capacity: '2' };
  const expect = {
    ja: `${a.day}はすでに予約されている点数より少なくできません`,
    en: `On ${a.day} more points are booked already than that capacity`,
    'ja-easy': `${a.day}は もう それより おおく よやくが あります`,
  };
  try {
    for (const lang of ['ja', 'en', 'ja-easy']) {
      await machi.get(`/lang?to=${lang}&next=/`);
      const r = await machi.post('/staff/waste/calendar', { form });
      assert.equal(r.status, 409, lang);
      assert.ok(mainOf(r.text_).includes(expect[lang]), `${lang}: ${mainOf(r.text_).slice(0, 600)}`);
      assert.match(r.text_, /href="#cal-capacity"/);
    }
    // the English pages: no Japanese labels left over
    await machi.get('/lang?to=en&next=/');
    const en = mainOf((await machi.get(`/staff/waste/day?day=${a.day}&area=higashi`)).text_);
    assert.match(en, /Booking number/);
    assert.match(en, /Not paid/);
  } finally { await machi.get('/lang?to=ja&next=/'); }
  // capacity 3 is what is booked: allowed
  assert.equal((await machi.post('/staff/waste/calendar', { form: { ...form, capacity: '3' } })).status, 303);
  const load = await machi.get(`/staff/waste?from=${a.day}&to=${a.day}&area=higashi`);
  assert.match(load.text_, /area=higashi"[^>]*>3 \/ 3</);
  assert.match(load.text_, /class="full"/);
});
