// apply.test.mjs -- a resident applies online in a real browser (Debian's
// Chromium via playwright-core) on a 360 px phone viewport: finds the
// procedure, fills in a two-page procedure, meets the error summary,
// saves, logs out, logs back in, resumes, checks the answers, submits and
// gets the receipt.  axe-core (WCAG 2.0 A and AA) on every form, error,
// confirmation and receipt page, and no horizontal scrolling.  The same
// flow again with JavaScript disabled.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, ROOT, cli } from '../http/lib.mjs';

const TARO = ['demo-taro@example.jp', 'Hinode-Kumin-2026'];
let srv, browser, pkiDir;

before(async () => {
  pkiDir = mkdtempSync(join(tmpdir(), 'madoguchi-pki-'));
  execFileSync('bash', [join(ROOT, 'tests/sign/make-test-pki.sh'), join(pkiDir, 'pki')], { stdio: 'ignore' });
  srv = await startServer({ setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']),
    extraArgs: ['--trust-dir', join(pkiDir, 'pki', 'trust')] });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (pkiDir) rmSync(pkiDir, { recursive: true, force: true });
});

// axe-core through the DevTools protocol (bypassCSP); with JavaScript
// disabled in the page, the check runs in a second, scripted context on
// the same HTML
// axe-core and no horizontal scrolling (tests/browser/lib.mjs: a page
// without JavaScript is checked as a scripted copy of its HTML)
async function axe(page, label) {
  await axeCheck(browser, page, label);
}

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

async function login(page) {
  await page.goto(`${srv.base}/resident/login`);
  await page.getByLabel('メールアドレス').fill(TARO[0]);
  await page.getByLabel('パスワード').fill(TARO[1]);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/mypage$/);
}

async function flow(js) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  page.__nojs = !js;
  const tag = js ? 'js' : 'no-js';
  await login(page);
  await page.getByRole('link', { name: 'オンラインで申請する' }).click();
  await axe(page, `procedures (${tag})`);
  await page.getByLabel('手続を探す（名前で検索）').fill('新生児');
  await page.getByRole('button', { name: '検索' }).click();
  await page.getByRole('link', { name: /出生通知票/ }).click();
  await axe(page, `overview (${tag})`);
  await page.getByRole('button', { name: '申請を始める' }).click();
  await page.waitForURL(/\/drafts\/\d+\/page\/0$/);
  await axe(page, `page 1 (${tag})`);

  // an empty page: the error summary, focused when JavaScript runs
  await page.getByRole('button', { name: '次へ進む' }).click();
  await page.locator('.error-summary').waitFor();
  await axe(page, `page 1 errors (${tag})`);
  if (js) {
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.className);
    assert.equal(focused, 'error-summary');
  }
  // the summary's link leads to the field
  await page.locator('.error-summary a').first().click();
  const active = await page.evaluate(() => document.activeElement && document.activeElement.id);
  if (js) assert.equal(active, 'f-baby_name-family');
  await page.locator('#f-baby_name-family').fill('区民');
  await page.locator('#f-baby_name-given').fill('花子');
  await page.locator('#f-baby_name-family_kana').fill('クミン');
  await page.locator('#f-baby_name-given_kana').fill('ハナコ');
  await page.getByLabel(/^生年月日/).fill(jstDate(-7));
  await page.getByLabel(/^出生体重/).fill('3120');
  await page.getByLabel(/^在胎週数/).fill('39');
  await page.getByRole('button', { name: '次へ進む' }).click();
  await page.waitForURL(/\/page\/1$/);
  await axe(page, `page 2 (${tag})`);
  await page.locator('#f-mother_name-family').fill('区民');
  await page.locator('#f-mother_name-family_kana').fill('クミン');
  await page.getByRole('button', { name: '保存して後で続ける' }).click();
  await page.waitForURL(/\/mypage\/applications\?saved=1$/);
  await axe(page, `my applications (${tag})`);

  // log out, log in, resume
  await page.goto(`${srv.base}/mypage`);
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await login(page);
  await page.goto(`${srv.base}/mypage/applications`);
  await page.getByRole('link', { name: /出生通知票/ }).first().click();
  await page.waitForURL(/\/page\/1$/);
  assert.equal(await page.locator('#f-mother_name-family').inputValue(), '区民');
  await page.locator('#f-visit_address-postal_code').fill('166-8570');
  await page.locator('#f-visit_address-pref').selectOption('東京都');
  await page.locator('#f-visit_address-city').fill('デモ区');
  await page.locator('#f-visit_address-street').fill('1-2-3');
  await page.getByLabel(/^電話番号/).fill('03-1234-5678');
  await page.getByLabel('できるだけ早く').check();
  await page.getByRole('button', { name: '次へ進む' }).click();
  await page.waitForURL(/\/confirm$/);
  await axe(page, `check your answers (${tag})`);
  assert.match(await page.locator('main').innerText(), /区民 花子（クミン ハナコ）/);
  await page.getByRole('button', { name: '申請する' }).click();
  await page.waitForURL(/\/submissions\/139998-\d{4}-\d{8}\?new=1$/);
  await axe(page, `receipt (${tag})`);
  const receipt = (await page.locator('.receipt-number').innerText()).trim();
  assert.match(receipt, /^139998-\d{4}-\d{8}$/);
  await page.goto(`${srv.base}/submissions/${receipt}/withdraw`);
  await axe(page, `withdraw (${tag})`);
  await ctx.close();
}

test('a resident applies on a phone, with JavaScript', async () => {
  await flow(true);
});

test('the same without JavaScript', async () => {
  await flow(false);
});

test('a signed application: download the data, sign it, upload the signature', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, acceptDownloads: true,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  await login(page);
  await page.goto(`${srv.base}/procedures/nenkin-menjo`);
  await page.getByRole('button', { name: '申請を始める' }).click();
  await page.waitForURL(/\/drafts\/\d+\/page\/0$/);
  await axe(page, 'nenkin-menjo page');
  assert.match(await page.locator('main').innerText(), /住民基本台帳より/);
  await page.locator('#f-applicant_phone').fill('090-1234-5678');
  await page.locator('#f-kind').check();
  await page.locator('#f-period_from').fill(jstDate(-30));
  await page.locator('#f-lost_job--o1').check();
  await page.getByRole('button', { name: '次へ進む' }).click();
  await page.waitForURL(/\/confirm$/);
  await axe(page, 'confirm with the signature step');
  const dl = page.waitForEvent('download');
  await page.getByRole('link', { name: /ダウンロード/ }).first().click();
  const file = join(pkiDir, 'canonical.json');
  await (await dl).saveAs(file);
  const sign = (who) => {
    const out = join(pkiDir, `${who}.p7s`);
    cli(['sign', '--key', join(pkiDir, 'pki', `${who}.key`), '--cert', join(pkiDir, 'pki', `${who}.pem`), '--out', out, file]);
    return out;
  };
  // a revoked certificate: refused, the reason shown next to the input
  await page.locator('#signature').setInputFiles(sign('revoked'));
  await page.getByRole('button', { name: '申請する' }).click();
  await page.locator('.error-summary').waitFor();
  await axe(page, 'refused signature');
  assert.match(await page.locator('#signature-error').innerText(), /電子署名を確認できませんでした/);
  await page.locator('#signature').setInputFiles(sign('resident'));
  await page.getByRole('button', { name: '申請する' }).click();
  await page.waitForURL(/\/submissions\/139998-\d{4}-\d{8}\?new=1$/);
  await axe(page, 'signed receipt');
  await ctx.close();
});

test('repeatable group: add and remove items without JavaScript; Enter continues', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: false,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  page.__nojs = true;
  await login(page);
  await page.goto(`${srv.base}/procedures/sodai-gomi`);
  await page.getByRole('button', { name: '申請を始める' }).click();
  await page.waitForURL(/\/drafts\/\d+\/page\/0$/);
  const url = page.url().replace(/\/page\/0$/, '/page/1');
  await page.goto(url);
  await axe(page, 'group page');
  assert.equal(await page.locator('fieldset.group-item').count(), 1);
  await page.locator('#f-items-0-count').fill('2');
  await page.getByRole('button', { name: /^追加する/ }).click();
  await page.waitForURL(/\/page\/1#f-items$/);
  assert.equal(await page.locator('fieldset.group-item').count(), 2);
  assert.equal(await page.locator('#f-items-0-count').inputValue(), '2');
  await axe(page, 'group page, two items');
  await page.getByRole('button', { name: /この項目を削除.*1\)/ }).click();
  await page.waitForURL(/\/page\/1#f-items$/);
  assert.equal(await page.locator('fieldset.group-item').count(), 1);
  // Enter in a field submits "continue", not a group button
  await page.locator('#f-items-0-count').press('Enter');
  // page 1 was reached by its address: the first page's questions are
  // missing, so the resident is sent there with its errors shown
  await page.waitForURL(/\/page\/0\?check=1$/);
  await page.locator('.error-summary').waitFor();
  await axe(page, 'errors after Enter');
  // the group kept its one item
  await page.goto(url);
  assert.equal(await page.locator('fieldset.group-item').count(), 1);
  await ctx.close();
});
