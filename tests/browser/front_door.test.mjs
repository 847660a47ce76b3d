// front_door.test.mjs -- issue 14 in Chromium, at 360 px with JavaScript on
// and off: a visitor finds 保育所等利用申込 from the home page by search
// (「保育園」, a synonym) and by category (子育て); a resident links their
// account to the registry with a code staff issued and sees the household's
// children prefilled with their source.  axe-core (WCAG 2.0 A/AA) on every
// page; screenshots of the home page and a procedure at 360 and 1280 px go
// to docs/screens/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, axe as axeCheck, settle } from './lib.mjs';
import { startServer, cli, Client, DEMO_USERS, loginWithTotp, registerAndLogin, ROOT } from '../http/lib.mjs';

let srv, browser, staff;

before(async () => {
  srv = await startServer({ setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']) });
  browser = await launch();
  staff = new Client(srv.base);
  await loginWithTotp(staff, ...DEMO_USERS.staff);
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

  test(`finding 保育所等利用申込 from the home page by search and by category (${label})`, async () => {
    const { ctx, page } = await context(js);
    await page.goto(`${srv.base}/`);
    await axe(page, `home (${label})`);
    await page.getByLabel('手続・ページ・データを検索').fill('保育園');
    await page.getByRole('button', { name: '検索' }).click();
    await page.waitForURL(/\/search\?q=/);
    await axe(page, `search results (${label})`);
    await page.getByRole('link', { name: '保育所等利用申込' }).click();
    await page.waitForURL(/\/procedures\/hoikusho-riyou$/);
    await axe(page, `procedure (${label})`);
    assert.equal(await page.locator('h1').innerText(), '保育所等利用申込');

    await page.goto(`${srv.base}/`);
    await page.locator('nav[aria-labelledby="cats-h"]').getByRole('link', { name: '子育て' }).click();
    await page.waitForURL(/\/procedures\?cat=kosodate$/);
    await axe(page, `procedures by category (${label})`);
    await page.getByRole('link', { name: '保育所等利用申込' }).click();
    await page.waitForURL(/\/procedures\/hoikusho-riyou$/);

    // a search that finds nothing says how to go on
    await page.goto(`${srv.base}/search?q=${encodeURIComponent('該当しない言葉です')}`);
    assert.equal(await page.locator('#no-results').count(), 1);
    await axe(page, `no results (${label})`);
    await ctx.close();
  });

  test(`linking an account to the registry and seeing the children prefilled (${label})`, async () => {
    const person = js ? 'P0010' : 'P0015';
    const child = js ? '大翔' : '翔';
    const email = js ? 'wakaba.b@example.jp' : 'sakuragi.b@example.jp';
    const password = 'Kanata-Hoshi-2026-r';
    // staff issue the code (through the page, as the counter would)
    const found = await staff.get(`/staff/registry?q=${person}`);
    const issued = await staff.post('/staff/registry/code', { form: { csrf: Client.csrf(found.text_), person, delivery: 'counter' } });
    const code = issued.text_.match(/<code>([A-Z2-9-]+)<\/code>/)[1];
    await registerAndLogin(srv.base, email, password);

    const { ctx, page } = await context(js);
    await page.goto(`${srv.base}/resident/login`);
    await page.getByLabel('メールアドレス').fill(email);
    await page.getByLabel('パスワード').fill(password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.waitForURL(/\/mypage/);
    // the home page now greets a resident: マイページ and ログアウト
    await page.goto(`${srv.base}/`);
    assert.equal(await page.locator('header a[href="/mypage"]').count(), 1);
    assert.equal(await page.locator('header').getByRole('button', { name: 'ログアウト' }).count(), 1);
    await page.locator('header a[href="/mypage"]').click();
    await page.getByRole('link', { name: '住民情報と連携' }).click();
    await page.waitForURL(/\/mypage\/registry$/);
    await axe(page, `link form (${label})`);
    // a wrong code first: the error, then the right one
    await page.getByLabel('連携コード').fill('AAAA-BBBB-CCCC');
    await page.getByRole('button', { name: '連携する' }).click();
    await settle(page);
    assert.equal(await page.locator('.error-summary').count(), 1);
    await axe(page, `link form error (${label})`);
    await page.getByLabel('連携コード').fill(code);
    await page.getByRole('button', { name: '連携する' }).click();
    await page.waitForURL(/linked=1/);
    assert.match(await page.locator('#linked').innerText(), /連携しました/);
    await axe(page, `linked (${label})`);

    await page.goto(`${srv.base}/procedures/jidou-teate-nintei`);
    await page.getByRole('button', { name: /申請を始める|始める/ }).first().click();
    await page.waitForURL(/\/drafts\/\d+\/page\/0/);
    // the children are on a later page: go through with the pages' links
    let found2 = false;
    const url = page.url().replace(/\/page\/\d+.*$/, '');
    for (let n = 0; n < 6 && !found2; n++) {
      await page.goto(`${url}/page/${n}`);
      if ((await page.locator(`input[value="${child}"]`).count()) > 0) {
        found2 = true;
        assert.match(await page.locator('main').innerText(), /住民基本台帳より（世帯の情報・変更できます）/);
        await axe(page, `children prefilled (${label})`);
      }
    }
    assert.ok(found2, 'the child is prefilled');
    await ctx.close();
  });
}

test('screenshots of the home page and a procedure at 360 and 1280 px', async () => {
  mkdirSync(`${ROOT}/docs/screens`, { recursive: true });
  for (const width of [360, 1280]) {
    const { ctx, page } = await context(true, width);
    await page.goto(`${srv.base}/`);
    await settle(page);
    await page.screenshot({ path: `${ROOT}/docs/screens/home-${width}.png`, fullPage: true });
    await page.goto(`${srv.base}/procedures/hoikusho-riyou`);
    await settle(page);
    await page.screenshot({ path: `${ROOT}/docs/screens/procedure-${width}.png`, fullPage: true });
    await ctx.close();
  }
});
