// waste_collect.test.mjs -- the ordinary collection calendar
// (/waste/calendar) in Chromium at 360 px, JavaScript on and off: from the
// home page's tile a resident chooses an area in the select, submits, and
// sees the next 4 weeks as a table whose days match the area's rule; the
// page links the area's iCalendar feed (which answers text/calendar) and
// shows its webcal:// address; the open data files are linked.  axe-core
// (WCAG 2.0 A/AA) on every page; nothing wider than the screen.
// Staff upload a file with a mistake (its line and column listed, the
// error summary first), then the right files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, Client, loginWithTotp, ROOT } from '../http/lib.mjs';

let srv, browser, staff;

before(async () => {
  srv = await startServer({});
  staff = new Client(srv.base);
  await loginWithTotp(staff, 'demo-machi', 'Keyaki-Machi-2026');   // the 清掃事務所 role: waste.staff
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

// a page with the staff session (a TOTP code is single-use, so the cookie
// is handed over); "JavaScript off": scripts not run
async function staffPage(js) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const u = new URL(srv.base);
  await ctx.addCookies([...staff.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page };
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  test(`staff upload the 5374 files: a mistake listed by line and column, then the right files (${label})`, async () => {
    const { ctx, page } = await staffPage(js);
    await page.goto(`${srv.base}/staff/waste/collect`);
    await page.getByRole('heading', { name: 'ごみ収集日カレンダー（5374形式）', level: 1 }).waitFor();
    await fits(page);
    await axe(page, `the staff upload page (${label})`);
    const dir = `${ROOT}data/waste/collect/`;
    const bad = { name: 'area_days.csv', mimeType: 'text/csv', buffer: Buffer.from('地名,センター,可燃ごみ\n東町,,月 木\n西町,,毎週月\n') };
    await page.getByLabel('area_days.csv').setInputFiles(bad);
    await page.getByLabel('target.csv').setInputFiles(dir + 'target.csv');
    await page.getByLabel('description.csv').setInputFiles(dir + 'description.csv');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.locator('tr.wc-problem').first().waitFor();
    const cells = await page.locator('tr.wc-problem td').allInnerTexts();
    assert.deepEqual(cells.slice(0, 3), ['area_days.csv', '3', '3']);
    await fits(page);
    await axe(page, `the problems of an upload (${label})`);
    await page.getByLabel('area_days.csv').setInputFiles(dir + 'area_days.csv');
    await page.getByLabel('target.csv').setInputFiles(dir + 'target.csv');
    await page.getByLabel('description.csv').setInputFiles(dir + 'description.csv');
    await page.getByLabel('center.csv').setInputFiles(dir + 'center.csv');
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByText('収集日カレンダーを更新しました。').waitFor();
    assert.match(await page.locator('main').innerText(), /9地域、3分類、分別一覧61品目/);
    await axe(page, `the upload done (${label})`);
    await ctx.close();
  });
}
