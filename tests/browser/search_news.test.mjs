// search_news.test.mjs -- issue 14 ("a search box over procedures, pages
// and datasets") in Chromium, at 360 px with JavaScript on and off: from
// the home page's search box a visitor finds a demo notice (お知らせ, the
// collection "news" that src/svc/news keeps) and opens it, and finds the
// help page (「ページ」) by 「問い合わせ」.  axe-core (WCAG 2.0 A/AA) on the
// results pages and the notice.
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

async function context(js, width = 360) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page };
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  test(`finding a demo notice and the help page from the home page search box (${label})`, async () => {
    const { ctx, page } = await context(js);
    await page.goto(`${srv.base}/`);
    await page.getByLabel('手続・ページ・データを検索').fill('窓口業務');
    await page.getByRole('button', { name: '検索' }).click();
    await page.waitForURL(/\/search\?q=/);
    const news = page.locator('section[aria-labelledby="g-news"]');
    assert.equal(await news.locator('h2').innerText().then((t) => t.startsWith('お知らせ')), true);
    await axe(page, `search results with a notice (${label})`);
    const link = news.getByRole('link', { name: '年末年始の窓口業務について（デモ）' });
    assert.match(await link.getAttribute('href'), /^\/news\/\d+$/);
    await link.click();
    await page.waitForURL(/\/news\/\d+$/);
    assert.equal(await page.locator('h1').innerText(), '年末年始の窓口業務について（デモ）');
    await axe(page, `the notice (${label})`);

    await page.goto(`${srv.base}/`);
    await page.getByLabel('手続・ページ・データを検索').fill('問い合わせ');
    await page.getByRole('button', { name: '検索' }).click();
    await page.waitForURL(/\/search\?q=/);
    await axe(page, `search results with a page (${label})`);
    await page.locator('section[aria-labelledby="g-page"]').getByRole('link', { name: 'ヘルプとお問い合わせ先' }).click();
    await page.waitForURL(/\/help$/);
    assert.equal(await page.locator('h1').innerText(), 'ヘルプとお問い合わせ先');
    await ctx.close();
  });
}
