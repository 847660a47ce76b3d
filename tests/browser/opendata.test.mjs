// opendata.test.mjs -- the open data catalog in a real browser (Chromium
// via playwright-core) with axe-core (WCAG 2.0 A and AA) on every page:
// search, a facet, the dataset page with its table preview and paging,
// and a download; on a desktop and a 360 px phone viewport.  No script is
// needed: every step is a link or a GET form.  The map preview (Leaflet,
// under the real CSP: one marker per point of the table, keyboard
// reachable; hidden without JavaScript, the table and the GeoJSON link
// remain), a one-character search with highlighted snippets, and the
// staff publishing pages (list, form, upload report) also go through axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, axeViolations, overflowPx } from './lib.mjs';
import { startServer, cli, ROOT, Client, DEMO_USERS, loginWithTotp } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({
    setup: ({ db }) => cli(['opendata', 'import', '--db', db, '--tenant', '139998', 'data/opendata/demo']),
  });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function axe(page, label) {
  assert.deepEqual(await axeViolations(page), [], `axe violations on ${label}`);
}

async function newPage(width, js = true, bypassCSP = true) {
  const ctx = await browser.newContext({ bypassCSP, viewport: { width, height: 800 }, locale: 'ja-JP', javaScriptEnabled: js });
  return ctx.newPage();
}

test('search, facet, dataset page with preview, download: no axe violations', async () => {
  for (const width of [1280, 360]) {
    const page = await newPage(width);
    await page.goto(`${srv.base}/opendata`);
    await axe(page, `catalog @${width}`);
    await page.getByLabel('キーワード').fill('避難');
    await page.getByRole('button', { name: '検索' }).click();
    await page.waitForURL(/\/opendata\?q=/);
    await axe(page, `search results @${width}`);
    assert.match(await page.locator('.results').innerText(), /指定緊急避難場所一覧/);
    // a facet: the 防災 tag
    await page.goto(`${srv.base}/opendata`);
    await page.locator('.facet').filter({ hasText: 'タグ' }).getByRole('link', { name: '防災' }).click();
    await page.waitForURL(/tags=/);
    await axe(page, `facet @${width}`);
    const titles = await page.locator('.datasets h3').allInnerTexts();
    assert.ok(titles.length >= 2 && titles.every((t) => /AED|避難/.test(t)), titles.join(','));
    await page.getByRole('link', { name: 'デモ区 AED設置箇所一覧' }).click();
    await page.waitForURL(/\/dataset\/demo-aed$/);
    await axe(page, `dataset @${width}`);
    const table = page.locator('table.preview');
    assert.equal(await table.locator('tbody tr').count(), 8);
    assert.match(await table.locator('caption').innerText(), /demo_139998_aed\.csv/);
    // download the latest CSV
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'demo_139998_aed.csv', exact: true }).click(),
    ]);
    assert.equal(dl.suggestedFilename(), 'demo_139998_aed.csv');
    const path = await dl.path();
    assert.deepEqual(readFileSync(path), readFileSync(`${ROOT}/data/opendata/demo/demo_139998_aed.csv`));
    if (width === 360) {
      const overflow = await overflowPx(page);
      assert.ok(overflow <= 0, `horizontal overflow ${overflow}px at ${width}`);
    }
    await page.context().close();
  }
});

test('works without JavaScript: search form and links', async () => {
  const page = await newPage(1280, false);
  await page.goto(`${srv.base}/opendata`);
  await page.getByLabel('キーワード').fill('人口');
  await page.getByRole('button', { name: '検索' }).click();
  await page.waitForURL(/q=/);
  await page.getByRole('link', { name: 'デモ区 地域・年齢別人口' }).click();
  await page.waitForURL(/demo-population/);
  assert.ok(await page.locator('table.preview').count() === 1);
  await page.context().close();
});

test('English pages', async () => {
  const page = await newPage(1280);
  await page.goto(`${srv.base}/lang?to=en&next=/opendata`);
  await page.waitForURL(/\/opendata$/);
  assert.equal(await page.locator('h1').innerText(), 'Open data');
  await axe(page, 'catalog (en)');
  await page.goto(`${srv.base}/dataset/demo-population`);
  await axe(page, 'dataset (en)');
  await page.context().close();
});

test('map preview: Leaflet under the real CSP, one keyboard-reachable marker per point; no violations', async () => {
  for (const width of [1280, 360]) {
    const page = await newPage(width, true, false);
    const refused = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
    await page.goto(`${srv.base}/dataset/demo-aed`);
    const map = page.locator('#od-map');
    await map.locator('.leaflet-marker-icon').first().waitFor();
    assert.equal(await map.isVisible(), true);
    assert.equal(await map.getAttribute('role'), 'region');
    assert.match(await map.getAttribute('aria-label'), /地図: demo_139998_aed\.geojson（8 地点）/);
    const rows = await page.locator('table.points tbody tr').count();
    assert.equal(rows, 8);
    assert.equal(await map.locator('.leaflet-marker-icon').count(), rows);
    assert.equal(await map.getAttribute('data-markers'), String(rows));
    assert.ok(await map.locator('.od-map-blank').count() + (await map.evaluate((e) => e.classList.contains('od-map-blank') ? 1 : 0)) >= 1, 'blank background without tiles');
    // a marker is a keyboard button named after the place; Enter opens its popup
    const m = map.getByRole('button', { name: 'デモ区役所 本庁舎' });
    await m.focus();
    await page.keyboard.press('Enter');
    await map.locator('.leaflet-popup-content').waitFor();
    // readable the moment it opens: no fade from transparent (measured
    // before axe, which waits for the page's animations to end)
    assert.equal(await map.locator('.leaflet-popup').evaluate((e) => getComputedStyle(e).opacity), '1',
      'the popup is opaque as it opens');
    assert.match(await map.locator('.leaflet-popup-content').innerText(), /デモ区役所 本庁舎\s+35\.690552, 139\.732565/);
    await axe(page, `dataset map @${width}`);
    assert.deepEqual(refused, [], 'no CSP refusals');
    await page.context().close();
  }
});

test('map preview without JavaScript: no map, the points table and the GeoJSON link', async () => {
  const page = await newPage(1280, false);
  await page.goto(`${srv.base}/dataset/demo-aed`);
  assert.equal(await page.locator('#od-map').isVisible(), false);
  assert.equal(await page.locator('.leaflet-container').count(), 0);
  assert.equal(await page.locator('table.points tbody tr').count(), 8);
  const link = page.getByRole('link', { name: /demo_139998_aed\.geojson（GeoJSON、8 地点）/ });
  const href = await link.getAttribute('href');
  const gj = await (await fetch(href)).json();
  assert.equal(gj.features.length, 8);
  // (axe itself needs JavaScript: the same page is checked with it above)
  await page.context().close();
});

test('a one-character search shows highlighted snippets; a facet narrows it', async () => {
  const page = await newPage(1280);
  await page.goto(`${srv.base}/opendata?q=${encodeURIComponent('区')}`);
  const marks = await page.locator('.results mark').allInnerTexts();
  assert.ok(marks.length >= 2 && marks.every((t) => t === '区'), marks.join(','));
  await axe(page, 'one-character search');
  const before = Number((await page.locator('p.count').innerText()).match(/\d+/)[0]);
  await page.locator('.facet').filter({ hasText: 'タグ' }).getByRole('link', { name: 'AED' }).click();
  await page.waitForURL(/tags=AED/);
  const after = Number((await page.locator('p.count').innerText()).match(/\d+/)[0]);
  assert.ok(after >= 1 && after < before, `${after} of ${before}`);
  await axe(page, 'search with a facet');
  await page.context().close();
});

test('staff publishing pages: list, new dataset form, upload report; no axe violations', async () => {
  const c = new Client(srv.base);
  const r = await loginWithTotp(c, ...DEMO_USERS.staff, {});
  assert.ok([200, 303].includes(r.status));
  for (const width of [1280, 360]) {
    const ctx = await browser.newContext({ viewport: { width, height: 800 }, locale: 'ja-JP' });
    await ctx.addCookies([...c.jar].map(([name, value]) => ({ name, value, url: srv.base })));
    const page = await ctx.newPage();
    await page.goto(`${srv.base}/staff/opendata`);
    assert.match(await page.locator('h1').innerText(), /オープンデータの公開/);
    await axe(page, `staff list @${width}`);
    await page.getByRole('link', { name: 'データセットを新しく作る' }).click();
    await page.waitForURL(/\/staff\/opendata\/dataset$/);
    await axe(page, `staff new dataset @${width}`);
    const name = `demo-browser-${width}`;
    await page.getByLabel('URL 名').fill(name);
    await page.getByLabel('タイトル', { exact: false }).first().fill(`ブラウザで作ったデータ ${width}`);
    await page.getByLabel('担当（組織）').selectOption('kumin');
    await page.getByLabel('ライセンス').selectOption('jp-pdl-1.0');
    await page.getByRole('button', { name: '作成する' }).click();
    await page.waitForURL(/saved=1/);
    assert.match(await page.locator('[role="status"]').first().innerText(), /保存しました/);
    await axe(page, `staff edit @${width}`);
    // a CSV with an error: the report by row and column
    const aed = readFileSync(`${ROOT}/data/opendata/demo/demo_139998_aed.csv`, 'utf8').split('\n');
    const bad = `${aed[0]}\n${aed[1].replace(/^139998,/, '139990,')}\n`;
    await page.getByLabel('CSV ファイル').setInputFiles({ name: 'aed.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await page.getByRole('button', { name: 'アップロードして公開' }).click();
    await page.locator('table.report').waitFor();
    assert.match(await page.locator('table.report tbody').innerText(), /check_digit/);
    await axe(page, `staff upload report @${width}`);
    // the fixed file is published
    await page.getByLabel(/CSV ファイル/).setInputFiles({ name: 'aed.csv', mimeType: 'text/csv', buffer: Buffer.from(`${aed.slice(0, 3).join('\n')}\n`) });
    await page.getByRole('button', { name: 'アップロードして公開' }).click();
    await page.waitForURL(/uploaded=1/);
    await axe(page, `staff after upload @${width}`);
    await ctx.close();
  }
});
