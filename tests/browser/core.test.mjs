// core.test.mjs -- the pages in a real browser (Debian's Chromium driven by
// playwright-core): log in with password and TOTP, enrol two-factor, get
// locked out, get logged out at the idle timeout; axe-core (WCAG 2.0 A and
// AA rules) on every page visited, on a 360 px phone viewport too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axeViolations, overflowPx } from './lib.mjs';
import { startServer, DEMO_USERS, totp } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({ extraArgs: ['--idle-timeout', '12'] });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// axe-core is injected through the DevTools protocol (bypassCSP), since the
// pages' own CSP rightly forbids inline script
async function axe(page, label) {
  assert.deepEqual(await axeViolations(page), [], `axe violations on ${label}`);
}

async function newPage(width = 1280) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 }, locale: 'ja-JP' });
  return ctx.newPage();
}

async function login(page, user, pass) {
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('ユーザー名').fill(user);
  await page.getByLabel('パスワード').fill(pass);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
}

test('home, login and error pages: no axe violations, on a phone too', async () => {
  for (const width of [1280, 360]) {
    const page = await newPage(width);
    await page.goto(`${srv.base}/`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ja');
    await axe(page, `home @${width}`);
    await page.goto(`${srv.base}/login`);
    await axe(page, `login @${width}`);
    await page.goto(`${srv.base}/no-such-page`);
    await axe(page, `404 @${width}`);
    // the phone layout has no horizontal scrolling
    const overflow = await overflowPx(page);
    assert.ok(overflow <= 0, `horizontal overflow ${overflow}px at ${width}`);
    await page.context().close();
  }
});

test('resident pages: register, my page, log in; no axe violations', async () => {
  const page = await newPage(360);
  await page.goto(`${srv.base}/`);
  await page.getByRole('link', { name: '区民ログイン' }).click();
  await axe(page, 'resident login');
  await page.getByRole('link', { name: 'アカウントを作成する' }).click();
  await axe(page, 'resident registration');
  await page.getByLabel('メールアドレス').fill('hanako.browser@example.jp');
  await page.getByLabel('パスワード').fill('Suisen-no-Oka-2026');
  await page.getByRole('button', { name: '登録する' }).click();
  // registering logs nobody in (a taken address must look the same as a
  // new one): "check your e-mail", then log in
  await page.locator('#register-sent').waitFor();
  await axe(page, 'registration received');
  await page.goto(`${srv.base}/resident/login`);
  await page.getByLabel('メールアドレス').fill('hanako.browser@example.jp');
  await page.getByLabel('パスワード').fill('Suisen-no-Oka-2026');
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.waitForURL(/\/mypage$/);
  await axe(page, 'my page');
  assert.match(await page.locator('main').innerText(), /hanako\.browser@example\.jp/);
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.waitForURL(/\/resident\/login$/);
  await page.context().close();
});

test('the skip link is the first focus and moves to the main content', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/login`);
  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => document.activeElement.className);
  assert.equal(first, 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.context().close();
});

test('language switch: English and やさしい日本語', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/login`);
  await page.getByRole('link', { name: 'English' }).click();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), 'Staff login');
  await axe(page, 'login (en)');
  await page.goto(`${srv.base}/`);
  await page.getByRole('link', { name: 'やさしい日本語' }).click();
  assert.match(await page.locator('main').innerText(), /てつづき/);
  await page.context().close();
});

test('admin: enrol two-factor at first login, then log in with password and TOTP', async () => {
  const page = await newPage(360);
  await login(page, ...DEMO_USERS.admin);
  await page.waitForURL(/\/account\/totp$/);
  await axe(page, 'two-factor enrolment');
  const svg = page.locator('.qr svg');
  assert.equal(await svg.count(), 1);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  // a wrong code first: the error summary links to the field
  await page.getByLabel('確認コード（6桁）').fill('000000');
  await page.getByRole('button', { name: '確認' }).click();
  await page.locator('.error-summary').waitFor();
  await axe(page, 'enrolment with an error');
  const secret2 = (await page.locator('#totp-secret').innerText()).trim();
  await page.getByLabel('確認コード（6桁）').fill(totp(secret2));
  await page.getByRole('button', { name: '確認' }).click();
  await page.locator('.recovery-codes').waitFor();
  assert.equal(await page.locator('.recovery-codes li').count(), 10);
  await axe(page, 'recovery codes');
  await page.getByRole('link', { name: '続ける' }).click();
  await page.waitForURL(/\/staff$/);
  await axe(page, 'staff home');
  await page.getByRole('link', { name: '職員アカウント管理' }).click();
  await axe(page, 'staff administration');
  await page.getByRole('link', { name: '役割と権限' }).click();
  await axe(page, 'roles');
  await page.getByRole('link', { name: '処理状況' }).click();
  await axe(page, 'jobs');
  await page.getByRole('link', { name: 'アカウント', exact: true }).click();
  await axe(page, 'account (sessions, password change)');
  assert.match(await page.locator('main').innerText(), /二要素認証: 設定済み/);
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.waitForURL(/\/login$/);
  assert.ok(secret.length === 32);

  // a second login asks for the code
  await login(page, ...DEMO_USERS.admin);
  await page.waitForURL(/\/login\/code$/);
  await axe(page, 'code entry');
  await page.getByLabel('確認コード（6桁）').fill(totp(secret2, Date.now() / 1000 + 30));
  await page.getByRole('button', { name: '確認' }).click();
  await page.waitForURL(/\/staff$/);
  assert.match(await page.locator('.account').innerText(), /デモ 管理者/);
  await page.context().close();
});

test('locked out after repeated failures', async () => {
  const page = await newPage();
  for (let i = 0; i < 5; i++) {
    await login(page, 'demo-staff', `Not-The-Password-${i}`);
    await page.locator('.error-summary').waitFor();
  }
  await axe(page, 'login with an error');
  await login(page, ...DEMO_USERS.staff);
  await page.locator('.error-summary').waitFor();
  assert.match(await page.locator('.error-summary').innerText(), /しばらくログインできません/);
  assert.match(page.url(), /\/login$/);
  await page.context().close();
});

test('logged out at the idle timeout, with a warning first', async () => {
  const page = await newPage();
  await login(page, ...DEMO_USERS.viewer);
  await page.waitForURL(/\/staff$/);
  // the server was started with a 12 s idle timeout: the warning comes at once
  await page.locator('#idle-warning').waitFor({ state: 'visible', timeout: 5000 });
  assert.match(await page.locator('#idle-warning').innerText(), /まもなくログアウト/);
  await page.waitForURL(/\/login\?expired=1$/, { timeout: 20000 });
  assert.match(await page.locator('main').innerText(), /ログアウトしました/);
  // and the server agrees: the session is gone
  await page.goto(`${srv.base}/staff`);
  assert.match(page.url(), /\/login$/);
  await page.context().close();
});
