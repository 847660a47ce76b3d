// waste_collect.test.mjs -- the ordinary collection calendar
// (/waste/calendar) in Chromium at 360 px, JavaScript on and off: from the
// home page's tile a resident chooses an area in the select, submits, and
// sees the next 4 weeks as a table whose days match the area's rule; the
// page links the area's iCalendar feed (which answers text/calendar) and
// shows its webcal:// address; the open data files are linked.  axe-core
// (WCAG 2.0 A/AA) on every page; nothing wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({});
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label) => axeCheck(browser, page, label);

async function context(js) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;   /* lib.mjs's axe runs on a copy with JavaScript */
  return { ctx, page };
}

async function fits(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `page ${w} px wide at 360`);
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  test(`a resident chooses an area and sees its collection days and the calendar feed (${label})`, async () => {
    const { ctx, page } = await context(js);
    await page.goto(`${srv.base}/`);
    await page.locator('a[href="/waste/calendar"]').first().click();
    await page.waitForURL(/\/waste\/calendar$/);
    await fits(page);
    await axe(page, `the calendar page (${label})`);
    // 若葉町1丁目〜4丁目: 可燃 水 土, 不燃 火2 火4, 資源 月
    await page.getByLabel('お住まいの地域').selectOption({ label: '若葉町1丁目〜4丁目' });
    await page.getByRole('button', { name: '収集日を見る' }).click();
    await page.waitForURL(/\/waste\/calendar\?area=a[0-9a-f]{8}$/);
    await page.getByRole('heading', { name: '若葉町1丁目〜4丁目の収集日（今日から4週間）' }).waitFor();
    const rows = await page.locator('table.waste-days-table tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [tr.querySelector('time').getAttribute('datetime'), tr.querySelector('td').innerText.trim()]));
    assert.ok(rows.length >= 8, `rows: ${rows.length}`);
    for (const [date, cats] of rows) {
      const day = new Date(date + 'T00:00:00Z').getUTCDay();
      for (const cat of cats.split('、')) {
        if (cat === '可燃ごみ') assert.ok([3, 6].includes(day), `${date} ${cat}`);
        else if (cat === '資源') assert.equal(day, 1, `${date} ${cat}`);
        else if (cat === '不燃ごみ') {
          assert.equal(day, 2, `${date} ${cat}`);
          assert.ok([2, 4].includes(Math.floor((new Date(date).getUTCDate() - 1) / 7) + 1), `${date} ${cat}`);
        } else assert.fail(`unexpected ${cat}`);
      }
    }
    // the choice stays selected, the feed is linked, its webcal address shown
    const code = new URL(page.url()).searchParams.get('area');
    assert.equal(await page.getByLabel('お住まいの地域').inputValue(), code);
    const ics = page.getByRole('link', { name: /iCalendar形式/ });
    assert.equal(await ics.getAttribute('href'), `/waste/calendar/${code}.ics`);
    assert.match(await page.locator('code.waste-webcal').innerText(), new RegExp(`^webcal://.+/waste/calendar/${code}\\.ics$`));
    const feed = await page.request.get(`${srv.base}/waste/calendar/${code}.ics`);
    assert.equal(feed.status(), 200);
    assert.equal(feed.headers()['content-type'], 'text/calendar; charset=utf-8');
    assert.match(await feed.text(), /^BEGIN:VCALENDAR\r\n/);
    assert.equal(await page.getByRole('link', { name: 'area_days.csv' }).getAttribute('href'), '/waste/5374/area_days.csv');
    await fits(page);
    await axe(page, `the days of an area (${label})`);
    await ctx.close();
  });
}
