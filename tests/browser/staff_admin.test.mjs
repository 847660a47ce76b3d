// staff_admin.test.mjs -- issue 14, item 9, in Chromium on a 360 px phone
// with JavaScript on and off: the two-factor enrolment page shows the same
// secret after a reload; the role of a new member is viewer unless chosen;
// a role's permission is picked from the list of known permissions, each
// shown with its description, and lands on the role.  axe-core (WCAG 2.0 A
// and AA) on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, DEMO_USERS, totp } from '../http/lib.mjs';

let srv, browser, secret;

before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label, opts) => axeCheck(browser, page, label, opts);

async function adminPage(js) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('ユーザー名').fill(DEMO_USERS.admin[0]);
  await page.getByLabel('パスワード').fill(DEMO_USERS.admin[1]);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  if (!secret) {
    // first login: enrolment; a reload keeps the secret (and its QR code)
    await page.waitForURL(/\/account\/totp$/);
    secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.reload();
    assert.equal((await page.locator('#totp-secret').innerText()).trim(), secret, 'the same secret after a reload');
    await axe(page, `enrolment (${js ? 'JS' : 'no JS'})`);
    await page.getByLabel('確認コード（6桁）').fill(totp(secret));
    await page.getByRole('button', { name: '確認' }).click();
    await page.locator('.recovery-codes').waitFor();
  } else {
    await page.waitForURL(/\/login\/code$/);
    await page.getByLabel('確認コード（6桁）').fill(totp(secret, Date.now() / 1000 + 30));
    await page.getByRole('button', { name: '確認' }).click();
    await page.waitForURL(/\/staff$/);
  }
  return page;
}

test('the permission picker and the role default, at 360 px with and without JavaScript', async () => {
  for (const js of [true, false]) {
    const label = js ? 'JS' : 'no JS';
    const page = await adminPage(js);
    await page.goto(`${srv.base}/staff/roles`);
    // the roles table fits the phone (madoguchi.css: cells wrap on a phone)
    await axe(page, `roles (${label})`);
    const picker = page.getByLabel('権限', { exact: false }).and(page.locator('select[name="permission"]'));
    assert.equal(await picker.count(), 1, 'a list, not a text box');
    assert.equal(await page.locator('input[name="permission"][type="text"]').count(), 0);
    const role = js ? 'koho-js' : 'koho-nojs';
    await page.locator('#role-name').fill(role);
    await page.locator('#role-desc').fill('広報');
    await page.getByRole('button', { name: '役割を作成' }).click();
    await page.waitForURL(/\/staff\/roles$/);
    await page.locator('#perm-role').selectOption(role);
    // chosen by its description
    await picker.selectOption({ label: 'お知らせの作成・公開 (news.publish)' });
    await page.getByRole('button', { name: '権限を追加' }).click();
    await page.waitForURL(/\/staff\/roles$/);
    const row = page.locator('tr', { has: page.locator(`th[scope="row"]`, { hasText: new RegExp(`^${role}$`) }) });
    assert.match(await row.innerText(), /news\.publish/);
    await axe(page, `roles after adding (${label})`);

    // a new member: viewer unless another role is chosen
    await page.goto(`${srv.base}/staff/users`);
    assert.equal(await page.locator('#new-role').inputValue(), 'viewer');
    await axe(page, `staff accounts (${label})`);
    await page.context().close();
  }
});
