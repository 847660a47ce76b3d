// waste_staff.test.mjs -- the 清掃事務所's bulky-waste pages in a real
// browser (Debian's Chromium via playwright-core), at 360 px wide, with
// JavaScript on and off: the load of collection days, opening days from
// the form (an error first: the summary links to the field; then the days
// appear in the table), a day's bookings, and the route list PDF opened
// from the day page's link (its text read back with pdftotext); with
// bookings a resident made, the day lists them, the PDF carries their
// numbers, and a booking is cancelled from its page (the confirmation
// missed first).  axe-core
// (WCAG 2.0 A and AA) finds nothing and no page scrolls sideways.  Every
// wait is for a state (a URL, an element), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, axe } from './lib.mjs';
import { startServer, Client, loginWithTotp, registerAndLogin } from '../http/lib.mjs';

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

async function staffPage(js) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP',
    javaScriptEnabled: js });
  const u = new URL(srv.base);
  await ctx.addCookies([...machi.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  const page = await ctx.newPage();
  page.__nojs = !js;
  return page;
}

function iso(d) { return d.toISOString().slice(0, 10); }

for (const js of [true, false]) {
  test(`load, calendar form, a day and its route list PDF at 360 px (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = await staffPage(js);
    await page.goto(`${srv.base}/staff/waste`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '粗大ごみ収集日の予約状況');
    const table = page.locator('table#load');
    for (const name of ['北地区', '南地区', '東地区']) {
      assert.equal(await table.getByRole('columnheader', { name, exact: true }).count(), 1, name);
    }
    await axe(browser, page, `/staff/waste (js ${js})`);

    // opening days: no weekday first
    const from = new Date(Date.now() + (js ? 200 : 240) * 86400e3), to = new Date(from.getTime() + 13 * 86400e3);
    await page.locator('#cal-area').selectOption('minami');
    await page.locator('#cal-from').fill(iso(from));
    await page.locator('#cal-to').fill(iso(to));
    await page.locator('#cal-capacity').fill('12');
    await page.getByRole('button', { name: '収集日を設定する' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /曜日を1つ以上選んでください/);
    assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#cal-wd');
    // what was typed is kept
    assert.equal(await page.locator('#cal-capacity').inputValue(), '12');
    await axe(browser, page, `calendar form with an error (js ${js})`);
    await page.getByLabel('水', { exact: true }).check();
    await page.getByRole('button', { name: '収集日を設定する' }).click();
    await page.locator('#opened').waitFor();
    assert.match(await page.locator('#opened').innerText(), /[12]日の収集日を設定しました/);
    // the table now shows the period with the new days of 南地区
    const cells = page.locator('table#load a', { hasText: '0 / 12' });
    assert.ok(await cells.count() >= 1);
    await axe(browser, page, `/staff/waste after opening days (js ${js})`);

    // a day of 南地区: its bookings and the route list
    await cells.first().click();
    await page.waitForURL(/\/staff\/waste\/day\?day=\d{4}-\d\d-\d\d&area=minami$/);
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /の予約（南地区）/);
    assert.match(await page.locator('#day-totals').innerText(), /予約 0件/);
    await axe(browser, page, `a day (js ${js})`);
    const href = await page.locator('#route-pdf').getAttribute('href');
    const res = await page.context().request.get(new URL(href, srv.base).href);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'waste-pdf-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), await res.body());
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      assert.match(text, /粗大ごみ収集 ルート表/);
      assert.match(text, /南地区/);
      assert.match(text, /令和\d+年\d+月\d+日/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
    await page.context().close();
  });
}

// a resident books list for chome on a day three days ahead or later
async function residentBooks(list, chome, address, day) {
  const c = await registerAndLogin(srv.base, `bw-${Math.random().toString(16).slice(2)}@example.org`, 'Kumo-Sora-Umi-2026');
  const f = await c.get('/waste/book?' + new URLSearchParams({ list, chome }));
  const min = iso(new Date(Date.now() + 9 * 3600e3 + 3 * 86400e3));
  const d = day || [...f.text_.matchAll(/type="radio"[^>]*name="day" value="(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]).find((x) => x >= min);
  const r = await c.post('/waste/book', { form: {
    csrf: Client.csrf(f.text_), list, chome, key: f.text_.match(/name="key" value="([^"]*)"/)[1], day: d,
    address, place: '玄関前', name: 'デモ 花子', phone: '03-0000-1234', email: '' } });
  assert.equal(r.status, 303);
  return { number: r.headers.get('location').match(/(\d{10})/)[1], day: d };
}

for (const js of [true, false]) {
  test(`bookings: the day, the route list PDF with their numbers, cancelling one at 360 px (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const a = await residentBooks('chair*2', '港南2丁目', '3番4号');
    const b = await residentBooks('sofa_1seat*1', '港南1丁目', '12番1号', a.day);
    const page = await staffPage(js);
    await page.goto(`${srv.base}/staff/waste?from=${a.day}&to=${a.day}&area=minami`);
    await page.locator('table#load a', { hasText: /^\d+ \/ 40$/ }).first().click();
    await page.waitForURL(/\/staff\/waste\/day\?/);
    for (const n of [a.number, b.number]) assert.equal(await page.locator(`tr[data-number="${n}"]`).count(), 1, n);
    assert.match(await page.locator(`tr[data-number="${a.number}"]`).innerText(), /椅子×2/);
    await axe(browser, page, `a day with bookings (js ${js})`);
    // the route list PDF from the page's link carries both numbers
    const href = await page.locator('#route-pdf').getAttribute('href');
    const res = await page.context().request.get(new URL(href, srv.base).href);
    assert.equal(res.status(), 200);
    const dir = mkdtempSync(join(tmpdir(), 'waste-pdf-'));
    try {
      writeFileSync(join(dir, 'r.pdf'), await res.body());
      const text = execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      assert.ok(text.includes(a.number) && text.includes(b.number), 'both numbers on the route list');
    } finally { rmSync(dir, { recursive: true, force: true }); }

    // a's page: cancel without the confirmation, then with it
    await page.getByRole('link', { name: a.number, exact: true }).click();
    await page.waitForURL(new RegExp(`/staff/waste/booking/${a.number}$`));
    await axe(browser, page, `a booking (js ${js})`);
    await page.getByRole('button', { name: '予約を取り消す' }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#cancel-confirm');
    await axe(browser, page, `a booking, cancel unconfirmed (js ${js})`);
    await page.getByLabel('申込者本人から取消の申し出があったことを確認しました').check();
    await page.getByRole('button', { name: '予約を取り消す' }).click();
    await page.locator('#done').waitFor();
    assert.match(await page.locator('#booking').innerText(), /取消/);
    assert.equal(await page.getByRole('button', { name: '予約を取り消す' }).count(), 0);
    await axe(browser, page, `a cancelled booking (js ${js})`);
    await page.context().close();
  });
}
