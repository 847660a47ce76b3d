// account_close.test.mjs -- closing a resident account (退会) in a real
// browser (Debian's Chromium via playwright-core) at 360 px wide, with
// JavaScript on and off: from My page the link 「アカウントを削除（退会）」
// opens the page that says what goes and what the ward keeps; a wrong
// password shows the error (the summary links to the field, which is
// marked invalid) and keeps the account; the right one ends at the
// confirmation page, and My page then asks for a login again.  axe-core
// (WCAG 2.0 A and AA) finds nothing and nothing scrolls sideways on these
// pages, also in やさしい日本語.  Every wait is for a state (a URL, an
// element), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, registerAndLogin } from '../http/lib.mjs';

const PASSWORD = 'Sayonara-Mado-2026';
let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label) => axeCheck(browser, page, label);

async function context(js, client) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const u = new URL(srv.base);
  await ctx.addCookies([...client.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;   /* lib.mjs's axe runs on a copy with JavaScript */
  return { ctx, page };
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';
  test(`a resident closes their account from My page (${label})`, async () => {
    const email = `close-browser-${js ? 'js' : 'nojs'}@example.org`;
    const { ctx, page } = await context(js, await registerAndLogin(srv.base, email, PASSWORD));
    try {
      await page.goto(`${srv.base}/mypage`);
      await page.getByRole('link', { name: 'アカウントを削除（退会）' }).click();
      await page.waitForURL(/\/mypage\/close$/);
      await page.getByRole('heading', { name: '削除されるもの' }).waitFor();
      await page.getByRole('heading', { name: '区が保存するもの（法令による）' }).waitFor();
      await axe(page, `closure page (${label})`);

      // a wrong password: the error, the account stays
      await page.getByLabel('現在のパスワード').fill('Chigau-Password-2026');
      await page.getByRole('button', { name: 'アカウントを削除する' }).click();
      await page.locator('#close-password[aria-invalid="true"]').waitFor();
      assert.match(await page.locator('body').innerText(), /パスワードが違います/);
      await axe(page, `closure page, wrong password (${label})`);

      // やさしい日本語
      await page.goto(`${srv.base}/lang?to=ja-easy&next=/mypage/close`);
      await page.getByRole('heading', { name: 'きえる もの' }).waitFor();
      await axe(page, `closure page in やさしい日本語 (${label})`);
      await page.goto(`${srv.base}/lang?to=ja&next=/mypage/close`);
      await page.getByRole('heading', { name: '削除されるもの' }).waitFor();

      // the right one
      await page.getByLabel('現在のパスワード').fill(PASSWORD);
      await page.getByRole('button', { name: 'アカウントを削除する' }).click();
      await page.waitForURL(/\/resident\/closed$/);
      await page.locator('#close-done').waitFor();
      await axe(page, `account closed (${label})`);
      await page.goto(`${srv.base}/mypage`);
      await page.waitForURL(/\/resident\/login/);
    } finally {
      await ctx.close();
    }
  });
}
