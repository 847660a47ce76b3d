// waste_collect.test.mjs -- the ordinary collection calendar
// (src/svc/waste/web/page_collect.c) over HTTP, on the real server with the
// demo ward's 5374 files (data/waste/collect):
//   - the open data files come back as the demo files were written, byte
//     for byte (LF and CRLF kept), as text/csv; charset=utf-8, and parse
//     back into the same rows;
//   - the .ics is parsed by a real iCalendar parser (ical.js): CRLF only,
//     every line at most 75 octets, VCALENDAR with PRODID, VERSION and
//     X-WR-CALNAME, all-day events on exactly the days the area's rule
//     says (recomputed here from the rule text, no event on 12/29-1/4 of
//     the centre's closed period), stable UIDs between two fetches;
//   - the page: choosing an area lists its days, the .ics and webcal links;
//     an unknown area is 404, a malformed one 400;
//   - staff: a file with mistakes is refused with every problem's line
//     and column and nothing changes; right files replace the calendar
//     (the public CSV changes); the upload needs waste.staff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';
import { startServer, Client, DEMO_USERS, loginWithTotp, ROOT } from './lib.mjs';

let srv, c;
const demo = (f) => readFileSync(`${ROOT}data/waste/collect/${f}`);

before(async () => {
  srv = await startServer({});
  c = new Client(srv.base);
});
after(async () => { if (srv) await srv.stop(); });

// a CSV parser (RFC 4180), independent of the server's
function parseCsv(text) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (ch === '"') q = false; else f += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') { row.push(f); f = ''; } else if (ch === '\n') { row.push(f.replace(/\r$/, '')); rows.push(row); row = []; f = ''; } else f += ch;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

// the areas and their codes, read from the page's select
async function areas() {
  const r = await c.get('/waste/calendar');
  assert.equal(r.status, 200);
  return [...r.text_.matchAll(/<option value="(a[0-9a-f]{8})"[^>]*>([^<]+)<\/option>/g)].map((m) => ({ code: m[1], name: m[2] }));
}

// the days of a 5374 rule (weekday tokens, n-th weekday tokens), computed here
const WD = '日月火水木金土';
function ruleHolds(rule, d) {
  return rule.split(' ').filter(Boolean).some((t) => {
    const w = WD.indexOf(t[0]);
    if (d.getUTCDay() !== w) return false;
    return t.length === 1 || Math.floor((d.getUTCDate() - 1) / 7) + 1 === Number(t[1]);
  });
}
const ymd = (d) => d.toISOString().slice(0, 10);
// 12/29-1/3 every year, and the demo centre's closed period 2026/12/29-2027/1/4
const closedDemo = (d) => { const s = ymd(d).slice(5); return s >= '12-29' || s <= '01-03' || ymd(d) === '2027-01-04'; };

for (const f of ['area_days.csv', 'target.csv', 'description.csv', 'center.csv']) {
  test(`/waste/5374/${f} is the imported file byte for byte, text/csv UTF-8`, async () => {
    const r = await c.get(`/waste/5374/${f}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(r.text_, demo(f).toString('utf8'));
    const rows = parseCsv(r.text_);
    const want = parseCsv(demo(f).toString('utf8'));
    assert.deepEqual(rows, want);
    assert.ok(rows.length >= 2);
  });
}

test('description.csv keeps its CRLF line endings, area_days.csv its LF', async () => {
  const d = (await c.get('/waste/5374/description.csv')).text_;
  assert.match(d, /^label,sublabel,description,styles,bgcolor\r\n/);
  assert.equal(d.split('\r\n').length, d.split('\n').length);
  const a = (await c.get('/waste/5374/area_days.csv')).text_;
  assert.ok(!a.includes('\r'));
});

test('the .ics parses with ical.js: all-day events on the rule\'s days, CRLF, lines of at most 75 octets', async () => {
  const list = await areas();
  assert.equal(list.length, 9);
  const rows = parseCsv(demo('area_days.csv').toString('utf8'));
  const cats = rows[0].slice(2);
  const a = list.find((x) => x.name === '日之出町1丁目〜2丁目');
  const rule = rows.find((r) => r[0] === a.name);
  // the server's year is its today (JST) and the 364 days after: the day
  // in Japan before and after the request (they differ only across 00:00)
  const jstDay = () => { const j = new Date(Date.now() + 9 * 3600e3);
    return new Date(Date.UTC(j.getUTCFullYear(), j.getUTCMonth(), j.getUTCDate())); };
  const dayBefore = jstDay();
  const r = await c.get(`/waste/calendar/${a.code}.ics`);
  const dayAfter = jstDay();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/calendar; charset=utf-8');
  const raw = r.text_;
  assert.ok(raw.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(raw), 'every line ends with CRLF');
  for (const line of raw.split('\r\n')) assert.ok(Buffer.byteLength(line) <= 75, `line over 75 octets: ${line}`);
  assert.ok(raw.includes('\r\n '), 'the long calendar name is folded');

  const cal = new ICAL.Component(ICAL.parse(raw));
  assert.equal(cal.getFirstPropertyValue('version'), '2.0');
  assert.ok(cal.getFirstPropertyValue('prodid'));
  assert.match(raw, /\r\nREFRESH-INTERVAL;VALUE=DURATION:P1D\r\n/);
  assert.ok(cal.getFirstPropertyValue('x-wr-calname').includes(a.name), 'the folded name unfolds whole');
  const events = cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
  assert.ok(events.length > 150, `a year of events: ${events.length}`);
  const got = new Set();
  for (const ev of events) {
    assert.ok(ev.startDate.isDate, 'all-day');
    assert.ok(ev.uid && ev.component.getFirstPropertyValue('dtstamp'));
    got.add(`${ev.startDate.toString()} ${ev.summary}`);
  }
  // recompute the year from the rule text, from the server's today:
  // exactly those days (not one more at either end)
  const yearFrom = (start) => {
    const want = new Set();
    for (let i = 0; i < 365; i++) {
      const d = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + i));
      if (closedDemo(d)) continue;
      cats.forEach((cat, k) => { if (ruleHolds(rule[k + 2], d)) want.add(`${ymd(d)} ${cat}`); });
    }
    return [...want].sort();
  };
  const gotSorted = [...got].sort();
  const wanted = [yearFrom(dayBefore), yearFrom(dayAfter)];
  assert.ok(wanted.some((w) => JSON.stringify(w) === JSON.stringify(gotSorted)),
    `the year from ${ymd(dayBefore)}: ${JSON.stringify(gotSorted.slice(-3))} vs ${JSON.stringify(wanted[0].slice(-3))}`);
  assert.ok(![...got].some((x) => /-(12-29|12-30|12-31|01-01|01-02|01-03) /.test(x)), 'nothing at the new year');
  // 土1 土3: the 1st and 3rd Saturdays only
  for (const x of got) {
    if (!x.endsWith('不燃ごみ')) continue;
    const d = new Date(x.slice(0, 10) + 'T00:00:00Z');
    assert.equal(d.getUTCDay(), 6);
    assert.ok([1, 3].includes(Math.floor((d.getUTCDate() - 1) / 7) + 1), x);
  }
  // stable UIDs: a second fetch gives the same ones
  const again = (await c.get(`/waste/calendar/${a.code}.ics`)).text_;
  const uids = (s) => [...s.matchAll(/^UID:(.+)\r$/gm)].map((m) => m[1]).join(' ');
  assert.equal(uids(again), uids(raw));
  assert.equal(new Set(uids(raw).split(' ')).size, events.length, 'UIDs are unique');
});

test('the page: choose an area, see its days, the .ics and webcal links; unknown 404, malformed 400', async () => {
  const list = await areas();
  const a = list.find((x) => x.name === '港南1丁目〜3丁目');
  const r = await c.get(`/waste/calendar?area=${a.code}`);
  assert.equal(r.status, 200);
  assert.match(r.text_, new RegExp(`<option value="${a.code}" selected`));
  const days = [...r.text_.matchAll(/<time datetime="(\d{4}-\d{2}-\d{2})">[^<]*<\/time><\/th><td lang="ja">(.*?)<\/td>/g)];
  assert.ok(days.length >= 4, 'some days in 4 weeks');
  for (const [, date, cats] of days) {
    const d = new Date(date + 'T00:00:00Z');
    // 港南1丁目〜3丁目: 可燃 火 金, 不燃 月2 月4, 資源 木
    if (cats.includes('可燃ごみ')) assert.ok([2, 5].includes(d.getUTCDay()), date);
    if (cats.includes('資源')) assert.equal(d.getUTCDay(), 4, date);
    if (cats.includes('不燃ごみ')) assert.equal(d.getUTCDay(), 1, date);
  }
  assert.match(r.text_, new RegExp(`href="/waste/calendar/${a.code}.ics"`));
  assert.match(r.text_, new RegExp(`webcal://[^"<]+/waste/calendar/${a.code}\\.ics`));
  assert.match(r.text_, /href="\/waste\/5374\/area_days.csv"/);
  assert.equal((await c.get('/waste/calendar?area=a00000000')).status, 404);
  assert.equal((await c.get('/waste/calendar?area=x')).status, 400);
  assert.equal((await c.get('/waste/calendar/a00000000.ics')).status, 404);
  const en = await c.get(`/waste/calendar?area=${a.code}&lang=en`);
  assert.equal(en.status, 200);
});

test('staff: mistakes refused with their lines and columns, nothing changes; right files replace the calendar', async () => {
  const anon = await c.post('/staff/waste/collect', { form: {} });
  assert.ok([302, 303, 401, 403].includes(anon.status), `anonymous: ${anon.status}`);
  const s = new Client(srv.base);
  const r0 = await loginWithTotp(s, 'demo-machi', 'Keyaki-Machi-2026', {});   // the 清掃事務所 role: waste.staff
  assert.ok([200, 303].includes(r0.status));
  const page = await s.get('/staff/waste/collect');
  assert.equal(page.status, 200);
  const viewer = new Client(srv.base);
  await loginWithTotp(viewer, ...DEMO_USERS.viewer, {});
  assert.equal((await viewer.get('/staff/waste/collect')).status, 403, 'a viewer without waste.staff');
  const csrf = Client.csrf(page.text_);
  const send = (files) => {
    const boundary = '----wc' + Math.random().toString(16).slice(2);
    const parts = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n`)];
    for (const [name, data] of Object.entries(files)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}.csv"\r\nContent-Type: text/csv\r\n\r\n`),
        Buffer.from(data), Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return s.req('POST', '/staff/waste/collect', { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  };
  const bad = '地名,センター,可燃ごみ,不燃ごみ\n東町,,月 木,土1\n西町,,火 金,第2土\n南町,,水\n';
  const r1 = await send({ area_days: bad, target: demo('target.csv'), description: demo('description.csv') });
  assert.equal(r1.status, 422);
  const problems = [...r1.text_.matchAll(/<tr class="wc-problem"><td>([^<]+)<\/td><td>([^<]+)<\/td><td>([^<]+)<\/td>/g)].map((m) => m.slice(1).join(' '));
  assert.deepEqual(problems, ['area_days.csv 3 4', 'area_days.csv 4 –']);
  assert.equal((await c.get('/waste/5374/area_days.csv')).text_, demo('area_days.csv').toString('utf8'), 'nothing changed');

  const good = '地名,センター,可燃ごみ,不燃ごみ\n東町,,月 木,土1\n西町,,火 金,土2:4 5 6\n';
  const r2 = await send({ area_days: good, target: demo('target.csv'), description: demo('description.csv') });
  assert.equal(r2.status, 303);
  assert.equal((await c.get('/waste/5374/area_days.csv')).text_, good);
  assert.equal((await c.get('/waste/5374/center.csv')).text_, '名称,休止開始日,休止終了日\n', 'no centre: the header alone');
  assert.equal((await areas()).length, 2);
  // back to the demo files
  const r3 = await send({ area_days: demo('area_days.csv'), target: demo('target.csv'), description: demo('description.csv'), center: demo('center.csv') });
  assert.equal(r3.status, 303);
  assert.equal((await areas()).length, 9);
});
