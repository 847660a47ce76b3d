// booking_staff.test.mjs -- the desk's pages of facility reservations
// (src/svc/booking/web/page_staff_*.c) in a real browser (Debian's
// Chromium via playwright-core), JavaScript on, at desktop width, as the
// demo ward's demo-kumin (role shisetsu: booking.staff and booking.master,
// logged in with TOTP).  One journey in one browser context:
//   - the facilities list, then デモ区立日之出会館's calendar (its legend);
//   - a manual booking for a group (囲碁クラブ), seen on the calendar;
//   - a recurring booking every week over it: the week taken is listed as
//     skipped;
//   - the booking's day of use comes (moved to today in the database, as
//     in tests/http/booking_staff.test.mjs: the test does not depend on
//     the hour), it is checked in, and the calendar of today says so;
//   - a closure added, shown on the calendar;
//   - the pending group approved; 桜木 一郎 listed in two groups;
//   - the lottery states of the calendar: rounds made on the rounds page
//     for a month far ahead, the first one's entries opened with two
//     entries for one slot (in the database): that slot says entries open
//     with 2 entries, its neighbour 0; a month without rounds says first
//     come not yet open, from when;  that calendar again at 360 px wide;
//   - the usage statistics, and their CSV downloaded from the page's
//     link: a UTF-8 BOM, the row of the recurring bookings.
// axe-core (WCAG 2.0 A and AA) finds nothing on every page visited; every
// wait is for a state (a URL, an element, a download), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, Client, DEMO, loginWithTotp } from '../http/lib.mjs';

let srv, browser, kumin;
const FAC = 'hinode-kaikan';

before(async () => {
  srv = await startServer();
  browser = await launch();
  kumin = new Client(srv.base);
  await loginWithTotp(kumin, 'demo-kumin', 'Kusunoki-Kumin-2026');
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const sql = (q) => execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
// a day in Japan n days from today, YYYY-MM-DD, and as a day number
const jstDay = (n = 0) => new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
const dayNum = (iso) => Math.round(Date.parse(iso + 'T00:00:00Z') / 86400e3);

test('the desk: calendar, manual and recurring bookings, check-in, closure, groups, lottery states, usage CSV', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 }, locale: 'ja-JP',
    acceptDownloads: true });
  ctx.setDefaultTimeout(30000);
  await ctx.addCookies([...kumin.jar].map(([name, value]) => ({ name, value, url: srv.base })));
  const page = await ctx.newPage();
  const axe = (label, opts) => axeCheck(browser, page, label, opts);
  const h1 = () => page.getByRole('heading', { level: 1 }).innerText();
  const cell = (day, slot) => page.locator(`table.bstaff-cal[data-day="${day}"] td[data-slot="${slot}"]`);

  await page.goto(`${srv.base}/staff/facilities`);
  await axe('/staff/facilities');
  await page.locator(`tr[data-facility="${FAC}"] a`).first().click();
  await page.waitForURL(new RegExp(`/staff/facilities/${FAC}/calendar$`));
  assert.match(await h1(), /デモ区立日之出会館/);
  // the legend names every state a cell may show
  const legend = await page.locator('#cal-legend').innerText();
  for (const w of ['空き', '抽選', '先着受付前', '休館', '終了']) assert.ok(legend.includes(w), w);
  await axe('the calendar');

  // a manual booking for a group, two weeks of Sundays ahead or so: far
  // enough that neither the hour nor the month matters
  const D = jstDay(150), D7 = jstDay(157), LAST = jstDay(171);
  await page.goto(`${srv.base}/staff/facilities/${FAC}/calendar?day=${D}&days=14`);
  await page.locator('#book-unit').selectOption('room1');
  await page.locator('#book-band').selectOption('pm');
  await page.locator('#book-day').fill(D7);
  await page.locator('#book-holder').fill('囲碁クラブ');
  await page.locator('#book-people').fill('8');
  await page.locator('#book-go').click();
  await page.waitForURL(/\/staff\/facilities\/booking\/\d{10}\?done=booked$/);
  const number = page.url().match(/booking\/(\d{10})/)[1];
  assert.equal(await page.locator('#b-state').getAttribute('data-state'), 'booked');
  await axe('a booking just made');
  // on the calendar of its day
  await page.locator('.breadcrumb a').click();
  await page.waitForURL(new RegExp(`/staff/facilities/${FAC}/calendar\\?day=${D7}$`));
  const mine = cell(D7, 'room1/pm').locator(`a[data-number="${number}"]`);
  assert.equal(await mine.innerText(), '囲碁クラブ');
  assert.match(await cell(D7, 'room1/pm').innerText(), /予約済み/);

  // every week from D: the week of D7 is skipped and listed
  await page.locator('#rec-unit').selectOption('room1');
  await page.locator('#rec-band').selectOption('pm');
  await page.locator('#rec-day').fill(D);
  await page.locator('#rec-last').fill(LAST);
  await page.locator('#rec-holder').fill('日之出体操の会');
  await page.locator('#rec-go').click();
  await page.locator('#rec-booked').waitFor();
  assert.match(await page.locator('#rec-booked').innerText(), /3 回予約しました。1 回は予約できませんでした/);
  assert.deepEqual(await page.locator('#rec-skipped li').allInnerTexts(), [D7]);
  await axe('a recurring booking done');

  // the day of use of the manual booking comes: checked in at the desk
  const today = jstDay(0);
  sql(`UPDATE booking_claims SET day = ${dayNum(today)} WHERE booking = (SELECT id FROM booking_bookings WHERE number = '${number}');` +
      `UPDATE booking_bookings SET day = ${dayNum(today)} WHERE number = '${number}';`);
  await page.goto(`${srv.base}/staff/facilities/${FAC}/calendar?day=${today}&days=1`);
  await cell(today, 'room1/pm').locator(`a[data-number="${number}"]`).click();
  await page.waitForURL(new RegExp(`/staff/facilities/booking/${number}$`));
  await page.getByRole('button', { name: '来館を受け付ける' }).click();
  await page.waitForURL(/\?done=checkin$/);
  assert.match(await page.locator('#b-checkin').innerText(), /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  assert.equal(await page.locator('#checkin').count(), 0, 'no second check-in');
  await axe('a booking checked in');
  await page.locator('.breadcrumb a').click();
  await page.waitForURL(/\/calendar\?day=/);
  assert.match(await cell(today, 'room1/pm').innerText(), /来館済み/);

  // a closure of the whole hall, four weeks after D
  const C = jstDay(178);
  await page.goto(`${srv.base}/staff/facilities/${FAC}/closures`);
  await axe('the closures');
  await page.locator('#f-from').fill(C);
  await page.locator('#f-to').fill(C);
  await page.locator('#f-reason').fill('空調設備点検');
  await page.locator('#closure-add').click();
  await page.locator('#notice').waitFor();
  assert.match(await page.locator('#closures tbody').innerText(), new RegExp(`${C}\\s+${C}\\s+施設全体\\s+空調設備点検`));
  await page.goto(`${srv.base}/staff/facilities/${FAC}/calendar?day=${C}&days=1`);
  assert.equal(await cell(C, 'room2/am').locator('[data-state]').getAttribute('data-state'), 'closed');

  // groups: the pending one approved; one person in two groups
  await page.goto(`${srv.base}/staff/facilities/groups`);
  await axe('the groups');
  const pending = page.locator('section[data-state="pending"]');
  assert.equal(await pending.count(), 1);
  const gid = await pending.getAttribute('data-group');
  await pending.getByRole('button', { name: '承認する' }).click();
  await page.waitForURL(/\/staff\/facilities\/groups\?done=approve$/);
  assert.equal(await page.locator(`section[data-group="${gid}"]`).getAttribute('data-state'), 'approved');
  assert.equal(await page.locator('section[data-state="pending"]').count(), 0);
  const shared = await page.locator('#shared tbody tr').allInnerTexts();
  assert.deepEqual(shared.filter((t) => t.startsWith('桜木 一郎')).map((t) => t.split('\t').pop()).sort(),
    ['日之出テニスクラブ（デモ）', '港南コーラスの会（デモ）'].sort());

  // the rules editor (looked at)
  await page.goto(`${srv.base}/staff/facilities/rules`);
  assert.match(await page.locator('#rules-text').inputValue(), /^\[room\]$/m);
  await axe('the rules');

  // the lottery states: rounds for July 2098; the first's entries opened
  // now, with two entries of the approved demo group for room1's morning
  await page.goto(`${srv.base}/staff/facilities/rounds`);
  await page.locator('#f-kind').selectOption('room');
  await page.locator('#f-month').fill('2098-07');
  await page.locator('#rounds-make').click();
  await page.waitForURL(/\/staff\/facilities\/rounds\?done=made$/);
  await page.locator('tr[data-round] td', { hasText: '2098-07' }).first().waitFor();
  await axe('the rounds');
  const round = sql(`SELECT id FROM booking_rounds WHERE tenant = '${DEMO}' AND kind = 'room' AND month = 209807 ORDER BY seq LIMIT 1`);
  const grp = sql("SELECT id FROM booking_groups WHERE state = 'approved' ORDER BY id LIMIT 1");
  const now = Math.floor(Date.now() / 1000);
  sql(`UPDATE booking_rounds SET entry_from = ${now - 3600} WHERE id = ${round};`);
  for (let i = 0; i < 2; i++) {
    sql(`INSERT INTO booking_entries (tenant, round, grp, account, state, created_at) VALUES ('${DEMO}', ${round}, ${grp},` +
        ` (SELECT leader FROM booking_groups WHERE id = ${grp}), 'entered', ${now});` +
        `INSERT INTO booking_choices (entry, rank, facility, unit, day, band) VALUES ((SELECT max(id) FROM booking_entries), 1,` +
        ` '${FAC}', 'room1', ${dayNum('2098-07-15')}, 'am');`);
  }
  await page.goto(`${srv.base}/staff/facilities/${FAC}/calendar?day=2098-07-15&days=7`);
  const open = cell('2098-07-15', 'room1/am');
  assert.equal(await open.locator('[data-state]').getAttribute('data-phase'), 'entries');
  assert.match(await open.innerText(), /抽選（申込受付中）\s*申込 2 件 · 抽選 2098-04-25 10:00/);
  assert.match(await cell('2098-07-15', 'room2/am').innerText(), /申込 0 件/);
  // on a phone it reflows: nothing for axe, no sideways scrolling
  await page.setViewportSize({ width: 360, height: 800 });
  await axe('the calendar of a month in lottery at 360 px');
  await page.setViewportSize({ width: 1280, height: 900 });
  // September 2098 has no rounds: first come not yet open, from 27 July
  await page.goto(`${srv.base}/staff/facilities/${FAC}/calendar?day=2098-09-15&days=1`);
  const later = cell('2098-09-15', 'room1/am');
  assert.equal(await later.locator('[data-state]').getAttribute('data-state'), 'not_yet');
  assert.match(await later.innerText(), /先着受付前\s*2098-07-27 09:00 から/);

  // usage over the recurring weeks, and its CSV from the page's link
  await page.goto(`${srv.base}/staff/facilities/${FAC}/usage?from=${D}&to=${LAST}`);
  assert.match(await page.locator('tr[data-usage="room1/pm"]').innerText(), /第1集会室\s+午後\s+22\s+3\s+13\.6/);
  await axe('usage');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#usage-utf8').click()]);
  const bytes = readFileSync(await dl.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM');
  const text = bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith('facility,from,to,unit,'), text.slice(0, 80));
  assert.ok(text.includes(`\r\n${FAC},${D},${LAST},room1,第1集会室,pm,午後,22,3,13.6\r\n`), text);
  await ctx.close();
});
