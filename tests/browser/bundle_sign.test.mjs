// bundle_sign.test.mjs -- a life-event bundle whose procedure needs a
// signature, in Chromium on a 360 px phone, with JavaScript on and off: after the 出生 interview the
// bundle page asks for one signature over the whole bundle; sent unsigned
// it is refused with the error summary pointing at the file input; the
// manifest downloaded from the page and signed with the test PKI (as the
// resident's signing app would) is accepted and the receipt listed.
// axe-core (WCAG 2.0 A and AA) on every page of the way.  The same bundle
// is also signed through the hand-off to a signing app (the demo ward's
// demo signer, docs/signatures.md §5), the one signature covering it whole.  新生児訪問 is
// republished for this test with "signature": "required".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, cli, ROOT } from '../http/lib.mjs';

let srv, browser, dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-bundle-sign-'));
  execFileSync('bash', [join(ROOT, 'tests/sign/make-test-pki.sh'), join(dir, 'pki')], { stdio: 'ignore' });
  mkdirSync(join(dir, 'procedures'));
  const def = JSON.parse(readFileSync(join(ROOT, 'data/procedures/shinseiji-houmon.json'), 'utf8'));
  def.signature = 'required';
  writeFileSync(join(dir, 'procedures', 'shinseiji-houmon.json'), JSON.stringify(def));
  srv = await startServer({
    setup: ({ db }) => {
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']);
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', join(dir, 'procedures')]);
    },
    extraArgs: ['--trust-dir', join(dir, 'pki', 'trust'), '--demo-signer', join(dir, 'pki')],
  });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const axe = (page, label) => axeCheck(browser, page, label);

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

const next = (page) => page.locator('button.button[name="_action"][value="next"]').click();

async function fillName(page, field, family, given, familyKana, givenKana) {
  await page.fill(`[name="f.${field}.family"]`, family);
  if (given) await page.fill(`[name="f.${field}.given"]`, given);
  await page.fill(`[name="f.${field}.family_kana"]`, familyKana);
  if (givenKana) await page.fill(`[name="f.${field}.given_kana"]`, givenKana);
}

async function signedBundle(js, email, password, via = 'file') {
  const label = `${js ? 'JS' : 'no JS'}, ${via}`;
  const ctx = await browser.newContext({ bypassCSP: true, acceptDownloads: true, javaScriptEnabled: js,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  await page.goto(`${srv.base}/resident/login`);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/mypage/);

  // the 出生 interview, then only 新生児訪問
  await page.goto(`${srv.base}/life-events/birth`);
  await fillName(page, 'child_name', '港', 'みらい', 'ミナト', 'ミライ');
  await page.fill('[name="f.child_birth"]', jstDate(-5));
  await page.check('input[name="f.wants_nursery"][value="no"]');
  await next(page);
  await page.fill('[name="f.applicant_phone"]', '03-5555-0101');
  await next(page);
  for (const box of await page.locator('input[name="procedure"]').all()) {
    if (await box.getAttribute('value') === 'shinseiji-houmon') await box.check();
    else await box.uncheck();
  }
  await page.getByRole('button', { name: 'これらの申請を始める' }).click();
  await page.waitForURL(/\/bundles\/\d+$/);
  const bundle = page.url();

  // fill in the one draft
  await page.locator('a[href^="/drafts/"]').first().click();
  await fillName(page, 'baby_name', '港', 'みらい', 'ミナト', 'ミライ');
  await page.fill('[name="f.baby_birth"]', jstDate(-5));
  await page.fill('[name="f.birth_weight"]', '3100');
  await page.fill('[name="f.weeks"]', '39');
  await next(page);
  await fillName(page, 'mother_name', '港', '', 'ミナト', '');
  await page.fill('[name="f.visit_address.postal_code"]', '1668570');
  await page.selectOption('[name="f.visit_address.pref"]', '東京都');
  await page.fill('[name="f.visit_address.city"]', 'デモ区');
  await page.fill('[name="f.visit_address.street"]', '1-2-3');
  await page.fill('[name="f.phone"]', '03-5555-0101');
  await page.check('input[name="f.wish_period"][value="asap"]');
  await next(page);
  await page.waitForURL(/\/confirm$/);

  // the bundle asks for one signature
  await page.goto(bundle);
  await axe(page, `bundle with the signature step (${label})`);
  assert.match(await page.locator('main').innerText(), /すべての手続に対するもの/);
  // unsigned: refused, the summary links to the file input
  await page.getByRole('button', { name: 'まとめて申請する' }).click();
  await page.locator('.error-summary').waitFor();
  await axe(page, `bundle refused unsigned (${label})`);
  assert.equal(await page.locator('.error-summary a[href="#signature"]').count(), 1);
  assert.match(await page.locator('#signature-error').innerText(), /電子署名が必要です/);

  if (via === 'demo-signer') {
    // the hand-off to a signing app: here the demo ward's signer, in the
    // same browser (docs/signatures.md §5)
    await page.getByRole('button', { name: '署名アプリで署名する' }).click();
    await page.waitForURL(/\/sign-request$/);
    await axe(page, `bundle signing request (${label})`);
    await page.locator('#sign-link').click();
    await page.getByRole('button', { name: 'デモ用の証明書で署名する' }).click();
    await page.getByText('署名を受け取りました').waitFor();
    await page.getByRole('link', { name: '申請の画面に戻る' }).click();
    await page.waitForURL(/\/bundles\/\d+$/);
    assert.match(await page.locator('#signed-by').innerText(), /署名済み.*デモ 太郎/);
    await axe(page, `bundle signed by the app (${label})`);
    await page.getByRole('button', { name: 'まとめて申請する' }).click();
    await page.waitForURL(/\/bundles\/\d+$/);
    assert.equal(await page.locator('a[href^="/submissions/139998-"]').count(), 1);
    await ctx.close();
    return;
  }
  // the manifest, signed as the resident's app would, then sent
  const dl = page.waitForEvent('download');
  await page.getByRole('link', { name: /ダウンロード/ }).first().click();
  const manifest = join(dir, `bundle-${js}.json`);
  await (await dl).saveAs(manifest);
  assert.equal(JSON.parse(readFileSync(manifest, 'utf8')).format, 'madoguchi-bundle/1');
  const sig = `${manifest}.p7s`;
  cli(['sign', '--key', join(dir, 'pki', 'resident.key'), '--cert', join(dir, 'pki', 'resident.pem'),
    '--out', sig, manifest]);
  await page.locator('#signature').setInputFiles(sig);
  await page.getByRole('button', { name: 'まとめて申請する' }).click();
  await page.waitForURL(/\/bundles\/\d+$/);
  await axe(page, `signed bundle submitted (${label})`);
  assert.equal(await page.locator('a[href^="/submissions/139998-"]').count(), 1);
  await ctx.close();
}

test('a bundle that needs a signature is signed once, on a phone, with and without JavaScript', async () => {
  await signedBundle(true, 'demo-sakura@example.jp', 'Minato-Kumin-2026');
  await signedBundle(false, 'demo-taro@example.jp', 'Hinode-Kumin-2026');
});

test('a bundle signed once through the signing app hand-off (the demo signer), on a phone', async () => {
  await signedBundle(true, 'demo-sakura@example.jp', 'Minato-Kumin-2026', 'demo-signer');
});
