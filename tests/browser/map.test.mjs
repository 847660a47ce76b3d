// map.test.mjs -- the resident's map (/map, src/svc/map/) in a real browser
// (Chromium via playwright-core) at 360 px, under the page's real CSP, with
// axe-core (WCAG 2.0 A and AA):
//   - JavaScript on: the map is drawn without tiles (none are configured in
//     tests: a blank background), the layer switcher is visible; a layer
//     is switched on and another off from the keyboard (Space on the
//     focused checkbox) and the drawn map follows; a place is searched and
//     the map starts at the result; no CSP refusal, no axe violation;
//   - JavaScript off: no map, no switcher; the lists of every layer and
//     the search (a plain GET form) work; no axe violation;
//   - a layer whose URL does not answer (added by staff through the form)
//     is shown as unavailable, the other layers drawn.
// Waits are for states (a marker, an attribute map.js sets), never times.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe } from './lib.mjs';
import { startServer, Client, DEMO_USERS, loginWithTotp } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function newPage(js) {
  const ctx = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'ja-JP', javaScriptEnabled: js });
  const page = await ctx.newPage();
  page.__nojs = !js;
  return page;
}

test('with JavaScript: switch layers from the keyboard, search a place; no violations', async () => {
  const page = await newPage(true);
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
  await page.goto(`${srv.base}/map`);
  const map = page.locator('#map-view');
  await page.locator('#map-view[data-ready="1"]').waitFor();
  const aed = page.locator('#map-switcher').getByLabel('AED', { exact: true });
  await page.locator('input[data-name="AED"][data-loaded]').waitFor({ state: 'attached' });
  await page.locator('input[data-name="公衆トイレ"][data-loaded]').waitFor({ state: 'attached' });
  assert.equal(await map.isVisible(), true);
  assert.equal(await map.evaluate((e) => e.classList.contains('map-blank')), true, 'a blank background without tiles');
  const aedMarkers = map.locator('.leaflet-marker-icon[title="デモ区役所 本庁舎"]');
  assert.equal(await aedMarkers.count(), 1);
  assert.equal(await map.locator('.leaflet-marker-icon[title="日の出公園トイレ（デモ）"]').count(), 1);
  // the choropleth is off at first: switched on with the keyboard
  const choro = page.locator('input[data-kind="4"]');
  assert.equal(await choro.isChecked(), false);
  const pathsBefore = await map.locator('path.leaflet-interactive').count();
  await choro.focus();
  await page.keyboard.press('Space');
  await page.locator('input[data-kind="4"][data-loaded="4"]').waitFor({ state: 'attached' });
  assert.equal(await choro.isChecked(), true);
  assert.equal(await map.locator('path.leaflet-interactive').count(), pathsBefore + 4);
  // AED off with the keyboard: its markers leave the map
  await aed.focus();
  await page.keyboard.press('Space');
  assert.equal(await aed.isChecked(), false);
  await aedMarkers.waitFor({ state: 'detached' });
  assert.equal(await map.locator('.leaflet-marker-icon[title="日の出公園トイレ（デモ）"]').count(), 1);
  // a marker is a keyboard button named after the place
  const toilet = map.getByRole('button', { name: '日の出公園トイレ（デモ）' });
  await toilet.focus();
  await page.keyboard.press('Enter');
  await map.locator('.leaflet-popup-content').waitFor();
  assert.match(await map.locator('.leaflet-popup-content').innerText(), /日の出公園トイレ（デモ）/);
  await axe(browser, page, 'map, JavaScript on @360');

  // search: the map starts at the result
  await page.getByLabel('場所の名前や住所で探す').fill('あじさい広場');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/map\?q=/);
  await page.locator('#map-view[data-ready="1"]').waitFor();
  const hit = page.locator('a.map-hit').first();
  assert.equal(await hit.innerText(), 'あじさい広場トイレ（デモ）');
  const want = `${Number(await hit.getAttribute('data-lat')).toFixed(6)},${Number(await hit.getAttribute('data-lon')).toFixed(6)}`;
  assert.equal(await map.getAttribute('data-centre'), want);
  await axe(browser, page, 'map search, JavaScript on @360');
  assert.deepEqual(refused, [], 'no CSP refusals');
  await page.context().close();
});

test('without JavaScript: the lists and the search; no violations', async () => {
  const page = await newPage(false);
  await page.goto(`${srv.base}/map`);
  assert.equal(await page.locator('#map-view').isVisible(), false);
  assert.equal(await page.locator('#map-switcher').isVisible(), false);
  assert.equal(await page.locator('.leaflet-container').count(), 0);
  const aed = page.getByRole('table', { name: 'AEDの一覧' });
  assert.equal(await aed.locator('tbody tr').count(), 8);
  await axe(browser, page, 'map, JavaScript off @360');
  await page.getByLabel('場所の名前や住所で探す').fill('もみじ緑地');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/map\?q=/);
  const hits = page.locator('a.map-hit');
  assert.equal(await hits.count(), 1);
  assert.equal(await hits.innerText(), 'もみじ緑地トイレ（デモ）');
  await hits.click();
  await page.waitForURL(/\/map\?lat=/);
  assert.match(await page.locator('#map-centre').innerText(), /緯度 35\.7120\d*、経度 139\.7335\d*/);
  await axe(browser, page, 'map centred, JavaScript off @360');
  await page.context().close();
});

test('a layer whose URL does not answer is shown as unavailable', async () => {
  const c = new Client(srv.base);
  await loginWithTotp(c, ...DEMO_USERS.admin, {});
  const form = await c.get('/staff/map/new');
  const r = await c.post('/staff/map', { form: {
    csrf: Client.csrf(form.text_), name_ja: 'まだない層', name_en: '', source: 'url', dataset: '', resource: '',
    url: '/nowhere/layer.geojson', crs: '4326', kind: 'points', color: '#654321', marker: 'circle', line_width: '2',
    fill_opacity: '50', on_default: '1' } });
  assert.equal(r.status, 303);
  const page = await newPage(true);
  await page.goto(`${srv.base}/map`);
  const cb = page.locator('#map-switcher').getByLabel('まだない層');
  await page.locator('input[data-name="まだない層"][data-loaded="failed"]').waitFor({ state: 'attached' });
  assert.equal(await cb.isChecked(), true);
  const id = await cb.getAttribute('data-layer');
  assert.equal(await page.locator(`#map-status-${id}`).innerText(), '（利用できません）');
  await page.locator('input[data-name="AED"][data-loaded="8"]').waitFor({ state: 'attached' });
  await page.context().close();
});
