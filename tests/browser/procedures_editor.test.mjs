// procedures_editor.test.mjs -- the procedure editor in a real browser
// (Chromium via playwright-core): the list, the editor, a check with an
// error (error summary linking to the textarea, the JSON path shown), the
// preview of a valid definition, the live check and preview of
// procedures.js, saving as a draft and the read-only version view; axe-core
// (WCAG 2.0 A and AA) on every page, on a 360 px phone viewport, without
// horizontal scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axeViolations, overflowPx } from './lib.mjs';
import { startServer, DEMO_USERS, totp, cli } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer();
  cli(['procedure', 'load', '--db', srv.db, '--tenant', '139998', 'data/procedures']);
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function axe(page, label) {
  assert.deepEqual(await axeViolations(page), [], `axe violations on ${label}`);
  const overflow = await overflowPx(page);
  assert.ok(overflow <= 0, `horizontal overflow ${overflow}px on ${label}`);
}

test('procedure editor: list, check, preview, publish, version; no axe violations', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('ユーザー名').fill(DEMO_USERS.admin[0]);
  await page.getByLabel('パスワード').fill(DEMO_USERS.admin[1]);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/account\/totp$/);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.getByLabel('確認コード（6桁）').fill(totp(secret));
  await page.getByRole('button', { name: '確認' }).click();
  await page.locator('.recovery-codes').waitFor();

  await page.goto(`${srv.base}/staff/procedures`);
  await axe(page, 'procedure list');
  await page.locator('a[href="/staff/procedures/kazei-shomei-yuso/edit"]').click();
  await page.waitForURL(/\/edit$/);
  await axe(page, 'editor');
  const box = page.getByLabel('手続定義（JSON）');
  const original = await box.inputValue();

  // the live check and preview (procedures.js) while typing: JSON syntax
  // at once, then the server's schema check and the preview of the pages
  await box.fill(original.replace('"format"', '"format'));
  await page.locator('#definition-live').filter({ hasText: 'JSONの書式に誤りがあります' }).waitFor();
  const typo = JSON.parse(original);
  typo.pages[0].fields[1].type = 'daet';
  await box.fill(JSON.stringify(typo, null, 2));
  await page.locator('#definition-live').filter({ hasText: 'pages[0].fields[1]' }).waitFor();
  assert.equal(await page.locator('section.preview').count(), 0);
  await box.fill(original);
  await page.locator('#definition-live').filter({ hasText: '誤りはありません' }).waitFor();
  await page.locator('section.preview').waitFor();
  assert.match(await page.locator('section.preview').innerText(), /本人確認書類の写し/);
  await axe(page, 'editor with the live preview');

  // a schema error: the summary links to the textarea, the path is shown
  const bad = JSON.parse(original);
  bad.pages[0].fields[0].type = 'nmae_jp';
  await box.fill(JSON.stringify(bad, null, 2));
  await page.getByRole('button', { name: '検査とプレビュー' }).click();
  await page.locator('.error-summary').waitFor();
  assert.equal(await page.locator('.error-path').innerText(), 'pages[0].fields[0]');
  assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#definition');
  await axe(page, 'editor with an error');

  // valid: the preview
  await page.getByLabel('手続定義（JSON）').fill(original);
  await page.getByRole('button', { name: '検査とプレビュー' }).click();
  await page.locator('section.preview').waitFor();
  assert.match(await page.locator('section.preview').innerText(), /本人確認書類の写し/);
  await axe(page, 'editor with the preview');

  // save a change: it becomes the draft (publishing needs a second
  // member's approval, tests/browser/procedures_builder.test.mjs), shown
  // in the builder; then the read-only view of a published version
  const changed = JSON.parse(original);
  changed.target_days += 1;
  await page.getByLabel('手続定義（JSON）').fill(JSON.stringify(changed, null, 2));
  await page.getByRole('button', { name: '下書きとして保存' }).click();
  await page.waitForURL(/\/kazei-shomei-yuso\/builder\?saved=1$/);
  await page.getByText('変更を下書きに保存しました。').waitFor();
  await axe(page, 'builder after saving');
  await page.goto(`${srv.base}/staff/procedures/kazei-shomei-yuso/versions/1`);
  await axe(page, 'version view');
  assert.match(await page.locator('pre.definition').innerText(), /"target_days"/);
  await ctx.close();
});
