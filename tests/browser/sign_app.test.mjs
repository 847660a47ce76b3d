// sign_app.test.mjs -- a signed 児童手当 (jidou-teate-nintei, signature
// required) on a phone, 360 px: with JavaScript through the demo ward's
// demo signer (WebCrypto in the page, the CMS built by
// assets/demo-signer.js and checked by the server like any .p7s); without
// JavaScript through the cross-device path (the resident's page shows the
// request's link and QR code, a signing app elsewhere returns the
// signature by token, the resident comes back and submits).  axe-core on
// every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, cli, Client, multipartBody } from '../http/lib.mjs';
import { testPki, signBytes } from '../sign/pki.mjs';

const TARO = ['demo-taro@example.jp', 'Hinode-Kumin-2026'];
const pki = testPki();
let srv, browser;

before(async () => {
  srv = await startServer({ setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']),
    extraArgs: ['--trust-dir', pki.trust, '--demo-signer', pki.dir] });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function axe(page, label) {
  await axeCheck(browser, page, label);
}

function jstDate(days) {
  return new Date(Date.now() + 9 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

async function login(page) {
  await page.goto(`${srv.base}/resident/login`);
  await page.getByLabel('メールアドレス').fill(TARO[0]);
  await page.getByLabel('パスワード').fill(TARO[1]);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/mypage$/);
}

const next = (page) => page.getByRole('button', { name: '次へ進む' }).click();

// 児童手当 to its check page: what the registry does not prefill is typed
async function fillJidouTeate(page, tag) {
  await page.goto(`${srv.base}/procedures/jidou-teate-nintei`);
  await page.getByRole('button', { name: '申請を始める' }).click();
  await page.waitForURL(/\/drafts\/\d+\/page\/0$/);
  await page.locator('input[name="f.is_public_servant"][value="no"]').check();
  await next(page);
  await page.waitForURL(/\/page\/1$/);
  await axe(page, `applicant (${tag})`);
  await page.locator('#f-applicant_phone').fill('090-1234-5678');
  await page.locator('input[name="f.pension"][value="employee"]').check();
  await page.locator('input[name="f.jan1_abroad"][value="no"]').check();
  await next(page);
  await page.waitForURL(/\/page\/2$/);
  await page.locator('input[name="f.has_spouse"][value="no"]').check();
  await next(page);
  await page.waitForURL(/\/page\/3$/);
  // the children: the registry fills them in for a linked resident; the
  // first item is typed only when it did not
  const c0 = (f) => page.locator(`#f-children-0-${f}`);
  if (!(await c0('child_name-family').inputValue())) {
    await c0('child_name-family').fill('日之出');
    await c0('child_name-given').fill('ひかり');
    await c0('child_name-family_kana').fill('ヒノデ');
    await c0('child_name-given_kana').fill('ヒカリ');
    await c0('child_birth').fill(jstDate(-400));
    await c0('child_relation').selectOption('child');
  }
  // every child listed (the registry lists the household's children): lives with the applicant
  for (const no of await page.locator('input[id^="f-children-"][id$="-lives_apart--o1"]').all()) await no.check();
  await next(page);
  await page.waitForURL(/\/page\/4$/);
  await page.locator('input[name="f.use_koukin"][value="yes"]').check();
  await page.locator('input[name="f.consent_tax"]').check();
  await next(page);
  await page.waitForURL(/\/confirm$/);
  await axe(page, `check page with the signing step (${tag})`);
}

test('児童手当 signed with the demo signer in the browser (JavaScript, 360 px)', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  try {
    await login(page);
    await fillJidouTeate(page, 'js');
    await page.getByRole('button', { name: '署名アプリで署名する' }).click();
    await page.waitForURL(/\/sign-request$/);
    await axe(page, 'signing request (js)');
    assert.equal(await page.locator('.sign-qr svg').count(), 1, 'the QR code');
    const check = (await page.locator('code.hash').innerText()).trim();
    // on the phone itself: the link opens the request (the demo signer here)
    await page.locator('#sign-link').click();
    await page.waitForURL(/\/sign\/[0-9a-f]{64}$/);
    await axe(page, 'demo signer (js)');
    assert.equal((await page.locator('code.hash').innerText()).trim(), check, 'the same check number');
    await page.getByRole('button', { name: 'デモ用の証明書で署名する' }).click();
    await page.getByText('署名を受け取りました').waitFor();
    await axe(page, 'signature received (js)');
    assert.match(await page.locator('main').innerText(), /デモ 太郎/);
    // back to the application from the signer (same device, same session)
    await page.getByRole('link', { name: '申請の画面に戻る' }).click();
    await page.waitForURL(/\/confirm$/);
    assert.match(await page.locator('#signed-by').innerText(), /署名済み.*デモ 太郎/);
    await axe(page, 'check page, signed (js)');
    await page.getByRole('button', { name: '申請する' }).click();
    await page.waitForURL(/\/submissions\/139998-\d{4}-\d{8}\?new=1$/);
    await axe(page, 'receipt (js)');
  } finally {
    await ctx.close();
  }
});

test('児童手当 signed on another device, without JavaScript (360 px)', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: false,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  page.__nojs = true;
  try {
    await login(page);
    await fillJidouTeate(page, 'no-js');
    await page.getByRole('button', { name: '署名アプリで署名する' }).click();
    await page.waitForURL(/\/sign-request$/);
    await axe(page, 'signing request (no-js)');
    const href = await page.locator('#sign-link').getAttribute('href');
    const token = href.match(/\/sign\/([0-9a-f]{64})$/)[1];
    // the request's page without JavaScript says the demo signer needs it,
    // and offers the file path
    const other = await ctx.newPage();
    other.__nojs = true;
    await other.goto(href);
    await axe(other, 'request page (no-js)');
    assert.match(await other.locator('main').innerText(), /JavaScript が必要/);
    await other.close();
    // the signing app on another device: reads the bytes, signs, returns
    const app = new Client(srv.base);
    const data = Buffer.from(await (await fetch(`${srv.base}/sign/${token}/data`)).arrayBuffer());
    const mp = multipartBody({}, { name: 'signature', filename: 's.p7s', type: 'application/pkcs7-signature',
      data: signBytes(pki, 'resident', data) });
    assert.equal((await app.post(`/sign/${token}`, mp)).status, 200);
    await page.getByRole('link', { name: /署名を終えた/ }).click();
    await page.waitForURL(/\/confirm$/);
    assert.match(await page.locator('#signed-by').innerText(), /署名済み/);
    await page.getByRole('button', { name: '申請する' }).click();
    await page.waitForURL(/\/submissions\/139998-\d{4}-\d{8}\?new=1$/);
    await axe(page, 'receipt (no-js)');
  } finally {
    await ctx.close();
  }
});
