// waste.test.mjs -- the bulky-waste chatbot (/waste) in Chromium at 360 px,
// JavaScript on and off: from the home page's tile, a resident writes two
// things in one sentence, answers the size question for one of them, sees
// both in the list with the total, removes one; a refused item is
// explained.  axe-core (WCAG 2.0 A/AA) on every page; nothing wider than
// the screen.
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

const rows = (page) => page.locator('table.waste-list tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.innerText.trim())));

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  test(`a resident finds two items, answers the size question and sees the total (${label})`, async () => {
    const { ctx, page } = await context(js);
    await page.goto(`${srv.base}/`);
    await page.locator('a[href="/waste"]').first().click();
    await page.waitForURL(/\/waste$/);
    await axe(page, `the chatbot page (${label})`);
    await page.getByLabel('出したいもの').fill('本棚と椅子2脚');
    await page.getByRole('button', { name: '調べる' }).click();
    await page.waitForURL(/\/waste\?/);
    await page.getByText('「椅子」を「椅子」として読みました。').waitFor();
    assert.deepEqual(await rows(page), [['椅子', '2', '800円']]);
    await fits(page);
    await axe(page, `an answer with a size question (${label})`);
    const q = page.getByRole('group', { name: /「本棚」は大きさで手数料が変わります/ });
    await q.getByLabel('本棚（高さ100cm超）：1,200円').check();
    await page.getByRole('button', { name: 'これにする' }).click();
    await page.locator('tr[data-item="bookshelf_h_gt_100"]').waitFor();
    assert.deepEqual(await rows(page), [['椅子', '2', '800円'], ['本棚（高さ100cm超）', '1', '1,200円']]);
    assert.equal(await page.locator('.waste-total').innerText(), '手数料の合計：2,000円');
    await axe(page, `the list with the total (${label})`);
    await page.getByRole('link', { name: '取り消す 椅子' }).click();
    await page.locator('tr[data-item="chair"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.waste-total').innerText(), '手数料の合計：1,200円');
    // a refused item: why and where instead, no fee, not listed
    await page.getByLabel('出したいもの').fill('れいぞうこ');
    await page.getByRole('button', { name: '調べる' }).click();
    await page.locator('.waste-not').waitFor();
    assert.match(await page.locator('.waste-not').innerText(), /粗大ごみとして出せません[\s\S]*家電リサイクル/);
    assert.doesNotMatch(await page.locator('.waste-not').innerText(), /円/);
    assert.deepEqual(await rows(page), [['本棚（高さ100cm超）', '1', '1,200円']]);
    await fits(page);
    await axe(page, `a refused item (${label})`);
    await ctx.close();
  });
}
