// disaster.test.mjs -- the disaster service's pages in a real browser
// (Debian's Chromium via playwright-core) at 360 px wide, on the demo
// ward's six fictional shelters:
//   - JavaScript off: the home page's tile leads to the shelter list; the
//     list filtered to open shelters for earthquakes; the nearest-shelter
//     form with a place name (日の出町) answers デモ区総合体育館, the
//     nearer of the two open ones to that area's centre; no location
//     button without a script;
//   - JavaScript on, the phone's position given to the browser (near
//     もみじ台, where the open shelter for earthquakes nearest is 総合体育館
//     or 日の出小学校 -- the test computes which from the GeoJSON): the
//     「現在地から探す」 button fills latitude and longitude and the page
//     answers that shelter;
//   - shelter staff (demo-machi, TOTP) update あじさい公園 from the phone
//     page: open, 80 people, water; the history lists it with their name;
//     the public list then counts three open shelters;
// axe-core (WCAG 2.0 A and AA) finds nothing on each page (with JavaScript
// off on the filtered list and the answer; the others with it on), none
// scrolls sideways; every wait is for a state (a URL, an element), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, Client, loginWithTotp } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

function haversine(lat1, lon1, lat2, lon2) {
  const R = 6371008.8, rad = Math.PI / 180;
  const h = Math.sin((lat2 - lat1) * rad / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin((lon2 - lon1) * rad / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

async function context(js, extra = {}) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 },
    locale: 'ja-JP', ...extra });
  ctx.setDefaultTimeout(20000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page, axe: (label) => axeCheck(browser, page, label) };
}

test('residents without JavaScript: the list, a filter, the nearest open shelter from a place name', async () => {
  const { ctx, page, axe } = await context(false);
  await page.goto(srv.base + '/');
  await page.getByRole('link', { name: '防災・避難所' }).first().click();
  await page.waitForURL(/\/disaster$/);
  await page.locator('#f-hazard').selectOption('earthquake');
  await page.locator('#f-state').selectOption('open');
  await page.getByRole('button', { name: '表示する' }).click();
  await page.waitForURL(/hazard=earthquake&state=open/);
  assert.match(await page.locator('#shelters-count').innerText(), /2 か所/);
  await axe('/disaster filtered');
  await page.getByRole('link', { name: '近くの開設中の避難所を探す' }).first().click();
  await page.waitForURL(/\/disaster\/nearest$/);
  assert.equal(await page.locator('#use-location').count(), 0, 'no location button without a script');
  await page.locator('#f-hazard').selectOption('earthquake');
  await page.locator('#f-q').fill('日の出町');
  await page.locator('#nearest-go').click();
  await page.waitForURL(/\/disaster\/nearest\?/);
  const found = await page.locator('.shelter-found h3').innerText();
  assert.equal(found, 'デモ区総合体育館');
  await axe('/disaster/nearest answered');
  await page.locator('.shelter-found h3 a').click();
  await page.waitForURL(/\/disaster\/shelters\/E13999000061$/);
  await ctx.close();
});

test('residents with JavaScript: the phone\'s position finds the nearest open shelter', async () => {
  const fc = JSON.parse(await (await fetch(srv.base + '/disaster/shelters.geojson')).text());
  const here = { latitude: 35.7031, longitude: 139.7490 };   // near もみじ台
  const open = fc.features.filter((f) => f.properties.status === 'open' && f.properties.hazards.includes('earthquake'));
  open.sort((a, b) => haversine(here.latitude, here.longitude, a.geometry.coordinates[1], a.geometry.coordinates[0]) -
    haversine(here.latitude, here.longitude, b.geometry.coordinates[1], b.geometry.coordinates[0]));
  const { ctx, page, axe } = await context(true, { geolocation: here, permissions: ['geolocation'] });
  await page.goto(srv.base + '/disaster');
  await axe('/disaster');
  await page.goto(srv.base + '/disaster/shelters/E13999000061');
  await axe('a shelter');
  await page.goto(srv.base + '/disaster/nearest');
  await axe('/disaster/nearest');
  await page.locator('#f-hazard').selectOption('earthquake');
  await page.locator('#use-location').click();
  await page.waitForURL(/lat=35\.703100&lon=139\.749000/);
  assert.equal(await page.locator('.shelter-found h3').innerText(), open[0].properties.name);
  await axe('/disaster/nearest from the position');
  await ctx.close();
});

test('shelter staff update a status from the phone page', async () => {
  const machi = new Client(srv.base);
  await loginWithTotp(machi, 'demo-machi', 'Keyaki-Machi-2026');
  const { ctx, page, axe } = await context(true);
  await ctx.addCookies([...machi.jar].map(([name, value]) => ({ name, value, url: srv.base })));
  await page.goto(srv.base + '/staff/disaster');
  await axe('/staff/disaster');
  await page.getByRole('link', { name: 'あじさい公園' }).click();
  await page.waitForURL(/\/staff\/disaster\/shelters\/E13999000031$/);
  await axe('the status form');
  await page.getByLabel('開設中').check();
  await page.locator('#f-people').fill('80');
  await page.getByLabel('水').check();
  await page.locator('#f-note').fill('テントを設営済み');
  await page.locator('#status-go').click();
  await page.waitForURL(/saved=1$/);
  assert.match(await page.locator('#status-saved').innerText(), /版 1/);
  assert.match(await page.locator('#history-count').innerText(), /1 件/);
  const row = await page.locator('table tbody tr').first().innerText();
  assert.match(row, /開設中/);
  assert.match(row, /テントを設営済み/);
  assert.match(row, /デモ まちづくり職員/);
  await axe('the status saved');
  await ctx.close();
  const list = await (await fetch(srv.base + '/disaster?state=open')).text();
  assert.match(list, /id="shelters-count">3 か所/);
});
