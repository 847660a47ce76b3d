// waste_master.test.mjs -- the bulky-waste item master in the back office
// (/staff/waste/items) in Chromium at 360 px, JavaScript on and off:
// demo-machi (who holds waste.master) opens it from the staff menu,
// searches, edits a fee from a later day (a day in the past refused first,
// the error summary linking to the day), sees the scheduled fee beside
// today's, and reads the change in the history.  axe-core (WCAG 2.0 A/AA)
// on every page; nothing wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, totp } from '../http/lib.mjs';

let srv, browser, secret;
const MACHI = ['demo-machi', 'Keyaki-Machi-2026'];

before(async () => {
  srv = await startServer({});
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label) => axeCheck(browser, page, label);
const jstDay = (n = 0) => new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

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

// demo-machi's role needs a second factor: enrolled at the first login,
// a code of the next step at the next
async function login(page) {
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('ユーザー名').fill(MACHI[0]);
  await page.getByLabel('パスワード').fill(MACHI[1]);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.waitForURL(/\/(account\/totp|login\/code)$/);
  if (/account\/totp$/.test(page.url())) {
    secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.getByLabel('確認コード（6桁）').fill(totp(secret));
    await page.getByRole('button', { name: '確認' }).click();
    await page.locator('.recovery-codes').waitFor();
  } else {
    await page.locator('input[name="code"]').fill(totp(secret, Date.now() / 1000 + 30));
    await page.locator('main form button[type="submit"]').first().click();
    await page.waitForURL((u) => !/\/login\/code$/.test(u.pathname));
  }
}

for (const [js, days, fee] of [[true, 30, '600'], [false, 40, '700']]) {
  const label = js ? 'JS' : 'no JS';

  test(`staff search the items, change a fee from a later day and see the history (${label})`, async () => {
    const { ctx, page } = await context(js);
    await login(page);
    await page.goto(`${srv.base}/staff`);
    await page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '粗大ごみ品目表', exact: true }).click();
    await page.waitForURL(/\/staff\/waste\/items$/);
    await axe(page, `the item list (${label})`);

    // search
    await page.getByLabel('品目名・読み・別名で検索').fill('椅子');
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.waitForURL(/\/staff\/waste\/items\?/);
    const chair = page.locator('tr[data-item="chair"]');
    await chair.waitFor();
    assert.equal(await page.locator('tr[data-item="sofa_1seat"]').count(), 0, 'the search filters');
    assert.match(await chair.innerText(), /400円/);
    await fits(page);
    await axe(page, `the search (${label})`);

    // the form; a day in the past first
    await chair.getByRole('link', { name: '椅子' }).click();
    await page.waitForURL(/\/staff\/waste\/items\/chair$/);
    await axe(page, `the item form (${label})`);
    await page.getByLabel('手数料', { exact: true }).fill(fee);
    await page.getByLabel('有効になる日').fill(jstDay(-1));
    await page.getByRole('button', { name: '保存' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /過去の日付は指定できません/);
    assert.equal(await summary.getByRole('link').getAttribute('href'), '#wm-from');
    assert.equal(await page.getByLabel('有効になる日').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('手数料', { exact: true }).inputValue(), fee, 'what was typed is kept');
    await fits(page);
    await axe(page, `the form with an error (${label})`);

    // a later day
    await page.getByLabel('有効になる日').fill(jstDay(days));
    await page.getByLabel('変更の理由・メモ').fill(`改定 ${label}`);
    await page.getByRole('button', { name: '保存' }).click();
    await page.waitForURL(/\/staff\/waste\/items\?saved=1$/);
    await page.getByRole('status').getByText('品目表を保存しました。').waitFor();
    const row = await page.locator('tr[data-item="chair"]').innerText();
    assert.match(row, /400円/, 'today still the old fee');
    assert.match(row, new RegExp(`${jstDay(days)} から ${fee}円`));
    await axe(page, `the list with a scheduled fee (${label})`);

    // the history
    await page.getByRole('link', { name: '変更履歴' }).click();
    await page.waitForURL(/\/staff\/waste\/items\/history$/);
    const newest = page.locator('section.wm-version').first();
    const text = await newest.innerText();
    assert.match(text, new RegExp(jstDay(days)));
    assert.match(text, /demo-machi/);
    assert.match(text, new RegExp(`改定 ${label}`));
    assert.match(text, new RegExp(`椅子 の 手数料：\\d+ → ${fee}`));
    await fits(page);
    await axe(page, `the history (${label})`);
    await ctx.close();
  });
}
