// reports.test.mjs -- citizen reports (src/svc/reports) in a real browser
// (Debian's Chromium via playwright-core) at 360 px, JavaScript on and off:
// a resident reports dumped rubbish with a photo (with JavaScript the
// location button fills the pin from the phone's position, and the same
// problem nearby is shown before the details; without it the address
// field carries the place), lands on the report's page with its number and
// the photo; demo-machi triages it (the detail, a state change with a
// public note) and the public page shows the new state and the note.
// axe-core (WCAG 2.0 A and AA) finds nothing on each page (the pages whose
// HTML is the same with or without JavaScript are checked once).  Every wait is
// for a state (a URL, a value, an element), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, Client, loginWithTotp } from '../http/lib.mjs';

const PHOTO = new URL('../data/image/gps-orient6.jpg', import.meta.url).pathname;
let srv, browser, machi;

before(async () => {
  srv = await startServer();
  browser = await launch();
  machi = new Client(srv.base);
  await loginWithTotp(machi, 'demo-machi', 'Keyaki-Machi-2026');
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// axe-core finds nothing, and the page does not scroll sideways at 360 px
// (a page without JavaScript is checked as its HTML in a scripted context)
async function axe(page, label) {
  await axeCheck(browser, page, label);
}

async function newPage(js, staff) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP',
    javaScriptEnabled: js, ...(js ? { geolocation: { latitude: 35.68866, longitude: 139.65075 }, permissions: ['geolocation'] } : {}) });
  if (staff) {
    const u = new URL(srv.base);
    await ctx.addCookies([...machi.jar].map(([name, value]) =>
      ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  }
  const page = await ctx.newPage();
  page.__nojs = !js;
  return page;
}

for (const js of [true, false]) {
  test(`report a problem with a photo, staff triage it (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = await newPage(js, false);
    await page.goto(`${srv.base}/reports/new`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '問題を知らせる');
    await axe(page, `/reports/new (js ${js})`);
    await page.locator('#f-category').selectOption('illegal-dumping');
    if (js) {
      await page.getByRole('button', { name: '現在地を使う' }).click();
      await page.waitForFunction(() => document.getElementById('f-lat').value !== '');
      assert.equal(await page.locator('#f-lat').inputValue(), '35.688660');
      assert.equal(await page.locator('#f-lon').inputValue(), '139.650750');
    } else {
      assert.equal(await page.getByRole('button', { name: '現在地を使う' }).count(), 0, 'no button without JavaScript');
      await page.locator('#f-address').fill('デモ区港南3丁目 公園の横');
    }
    await page.getByRole('button', { name: '次へ' }).click();
    await page.waitForURL(/\/reports\/new\/details\?/);
    // the demo's dumped bicycles are 20 m away, but closed: no hint; with
    // the pin, the page says where it is
    assert.equal(await page.locator('#report-nearby').count(), 0);
    if (js) await axe(page, '/reports/new/details');   // the same HTML either way: checked once
    await page.locator('#f-description').fill(`粗大ごみが置かれています（${js ? 'JS' : 'no JS'}）`);
    await page.locator('#f-photo1').setInputFiles(PHOTO);
    await page.locator('#f-contact-email').fill('browser@example.jp');
    await page.getByRole('button', { name: '送信する' }).click();
    await page.waitForURL(/\/reports\/\d+\?new=1$/);
    const id = page.url().match(/\/reports\/(\d+)/)[1];
    assert.match(await page.locator('#report-thanks').innerText(), new RegExp(`通報番号は ${id} です`));
    assert.equal(await page.locator('#report-state').innerText(), '受付');
    const img = page.locator('ul.report-photos img');
    assert.equal(await img.count(), 1);
    if (js) await page.waitForFunction(() => document.querySelector('ul.report-photos img').complete &&
      document.querySelector('ul.report-photos img').naturalWidth > 0);
    assert.equal(await page.getByText('browser@example.jp').count(), 0, 'no contact on the public page');
    await axe(page, `/reports/${id} (js ${js})`);

    // the same place again: now the hint shows this report
    if (js) {
      await page.goto(`${srv.base}/reports/new/details?category=illegal-dumping&lat=35.688660&lon=139.650750&address=`);
      await page.locator('#report-nearby').waitFor();
      assert.equal(await page.locator(`#report-nearby a[href="/reports/${id}"]`).count(), 1);
      await axe(page, '/reports/new/details with the nearby hint');
    }

    // staff triage
    const s = await newPage(js, true);
    await s.goto(`${srv.base}/staff/reports?state=received&category=illegal-dumping`);
    assert.equal(await s.locator(`#triage tr[data-report="${id}"]`).count(), 1);
    if (js) await axe(s, '/staff/reports');
    await s.locator(`#triage tr[data-report="${id}"] a`).click();
    await s.waitForURL(new RegExp(`/staff/reports/${id}$`));
    assert.match(await s.locator('#report-contact').innerText(), /browser@example\.jp/);
    if (js) await axe(s, `/staff/reports/${id}`);
    await s.locator('#f-to').selectOption('in_progress');
    await s.locator('#f-note').fill('回収の日程を調整しています。');
    await s.locator('#state-submit').click();
    await s.waitForURL(new RegExp(`/staff/reports/${id}\\?done=state$`));
    assert.equal(await s.locator('#report-state').innerText(), '対応中');

    await page.goto(`${srv.base}/reports/${id}`);
    assert.equal(await page.locator('#report-state').innerText(), '対応中');
    assert.match(await page.locator('ol.report-history').innerText(), /回収の日程を調整しています。/);
    await page.context().close();
    await s.context().close();
  });
}
