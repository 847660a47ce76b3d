// opendata.test.mjs -- the open data catalog in a real browser (Chromium
// via playwright-core) with axe-core (WCAG 2.0 A and AA) on every page:
// search, a facet, the dataset page with its table preview and paging,
// and a download; on a desktop and a 360 px phone viewport.  No script is
// needed: every step is a link or a GET form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer, cli, ROOT } from '../http/lib.mjs';

const AXE = readFileSync(`${ROOT}/node_modules/axe-core/axe.min.js`, 'utf8');
let srv, browser;

before(async () => {
  srv = await startServer({
    setup: ({ db }) => cli(['opendata', 'import', '--db', db, '--tenant', '139998', 'data/opendata/demo']),
  });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function axe(page, label) {
  await page.evaluate(AXE);
  const res = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  assert.deepEqual(res, [], `axe violations on ${label}`);
}

async function newPage(width, js = true) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 }, locale: 'ja-JP', javaScriptEnabled: js });
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
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
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
