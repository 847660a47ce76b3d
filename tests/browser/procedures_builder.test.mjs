// procedures_builder.test.mjs -- the procedure builder in a real browser
// (Chromium via playwright-core) on a 360 px phone, with JavaScript and
// without: a member of staff makes a new procedure from forms (no JSON),
// adds field A and field B, and gives B a condition from the pickers
// (shown only when A has an answer), checks the phone preview, submits it
// for review; a second member of staff approves it, which publishes it; a
// resident applies and the condition works (B appears only after A is
// answered).  axe-core (WCAG 2.0 A and AA) on every builder page and no
// horizontal scrolling.  Writes docs/screens/builder-360.png and
// builder-1280.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, totp, cli, ROOT } from '../http/lib.mjs';

const TARO = ['demo-taro@example.jp', 'Hinode-Kumin-2026'];
const PW = 'Mokuren-Haru-2026';
let srv, browser;

before(async () => {
  srv = await startServer();
  for (const login of ['maker-js', 'checker-js', 'maker-no-js', 'checker-no-js']) {
    cli(['user', 'add', '--db', srv.db, '--tenant', '139998', '--login', login, '--name', `テスト ${login}`,
      '--role', 'admin', '--password-stdin'], { input: `${PW}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  }
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function axe(page, label) {
  await axeCheck(browser, page, label);
}

async function context(js, width = 360) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js,
    viewport: { width, height: 800 }, locale: 'ja-JP' });
  const page = await ctx.newPage();
  page.__nojs = !js;
  page.on('dialog', (d) => d.accept());
  return { ctx, page };
}

// a first login of a member of staff: password, then the second factor enrolled
async function staffLogin(page, login) {
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('ユーザー名').fill(login);
  await page.getByLabel('パスワード').fill(PW);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/account\/totp$/).catch((e) => {
    console.log('URL', page.url(), srv.log().split('\n').filter((x) => /login|POST/.test(x)).slice(-8).join('\n'));
    throw e;
  });
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.getByLabel('確認コード（6桁）').fill(totp(secret));
  await page.getByRole('button', { name: '確認' }).click();
  await page.locator('.recovery-codes').waitFor();
}

async function addField(page, id, ja, en) {
  await page.locator('#bp-page_1 .builder-add > summary').click();
  const form = page.locator('#fm-add_field-page_1');
  await form.getByLabel('項目の種類').selectOption('text');
  await form.getByLabel('項目名（日本語）').fill(ja);
  await form.getByLabel('項目名（英語）').fill(en);
  await form.getByLabel('項目の記号（省略可）').fill(id);
  await form.getByRole('button', { name: '項目を追加' }).click();
  await page.locator(`#bf-${id}`).waitFor();
}

async function flow(js) {
  const tag = js ? 'js' : 'no-js';
  const code = `kyoka-${tag}`;
  const { ctx, page } = await context(js);
  await staffLogin(page, `maker-${tag}`);
  await page.goto(`${srv.base}/staff/procedures/new`);
  await axe(page, `new procedure (${tag})`);
  await page.getByLabel('手続コード').fill(code);
  await page.getByLabel('手続名（日本語）').fill('ペット飼育の届出');
  await page.getByLabel('手続名（英語）').fill('Pet notification');
  // the department from the ward's departments (the demo's 生活衛生課 reads pets)
  await page.locator('#new-department').selectOption('seikatsu-eisei');
  await page.getByRole('button', { name: '作成する' }).click();
  await page.waitForURL(new RegExp(`/staff/procedures/${code}/builder$`));
  await axe(page, `empty builder (${tag})`);

  await addField(page, 'pet_name', 'ペットの名前', 'Pet name');
  await addField(page, 'pet_breed', '品種', 'Breed');
  // a refusal next to its control: the same id again
  await page.locator('#bp-page_1 .builder-add > summary').click().catch(() => {});
  const form = page.locator('#fm-add_field-page_1');
  if (!(await form.getByLabel('項目名（日本語）').isVisible())) await page.locator('#bp-page_1 .builder-add > summary').click();
  await form.getByLabel('項目名（日本語）').fill('重複');
  await form.getByLabel('項目名（英語）').fill('Twice');
  await form.getByLabel('項目の記号（省略可）').fill('pet_name');
  await form.getByRole('button', { name: '項目を追加' }).click();
  await page.locator('.error-summary').waitFor();
  assert.match(await page.locator('#fm-add_field-page_1').innerText(), /その記号はこの手続ですでに使われています/);
  if (js) assert.equal(await page.evaluate(() => document.activeElement.className), 'error-summary');
  await axe(page, `builder with a refusal (${tag})`);
  if (!js) await page.goto(`${srv.base}/staff/procedures/${code}/builder`);

  // B only when A has an answer: the condition pickers
  await page.locator('#bf-pet_breed details.builder-details > summary').click();
  const cond = page.locator('#fm-condition-pet_breed');
  await cond.getByLabel('どの項目の回答で決めるか').selectOption('pet_name');
  await cond.getByLabel('条件', { exact: true }).selectOption('filled');
  await cond.getByRole('button', { name: '条件を保存' }).click();
  await page.locator('#bf-pet_breed .builder-cond').waitFor();
  assert.match(await page.locator('#bf-pet_breed .builder-cond').innerText(), /「ペットの名前」 が入力されている/);
  // the phone preview: the resident's form; B is hidden until A is answered
  const phone = page.locator('#phone-frame');
  assert.match(await phone.innerText(), /ペットの名前/);
  assert.doesNotMatch(await phone.innerText(), /品種/);
  await axe(page, `builder (${tag})`);
  if (js) {
    await page.screenshot({ path: `${ROOT}/docs/screens/builder-360.png`, fullPage: true });
    const wide = await context(true, 1280);
    await wide.ctx.addCookies(await ctx.cookies());
    await wide.page.goto(`${srv.base}/staff/procedures/${code}/builder`);
    await wide.page.locator('#phone-frame').waitFor();
    await axeCheck(browser, wide.page, 'builder at 1280 px');
    await wide.page.screenshot({ path: `${ROOT}/docs/screens/builder-1280.png`, fullPage: false });
    await wide.ctx.close();
  }
  await page.getByRole('button', { name: '確認を依頼する' }).click();
  await page.locator('.builder-state').filter({ hasText: '確認待ち' }).waitFor();
  assert.equal(await page.getByRole('button', { name: '承認して公開する' }).count(), 0, 'no approval by the submitter');
  await axe(page, `in review (${tag})`);
  await ctx.close();

  // a second member of staff approves: published
  const two = await context(js);
  await staffLogin(two.page, `checker-${tag}`);
  await two.page.goto(`${srv.base}/staff/procedures/${code}/builder`);
  assert.match(await two.page.locator('.builder-review').innerText(), /新しい手続です/);
  await axe(two.page, `review by the second member (${tag})`);
  await two.page.getByRole('button', { name: '承認して公開する' }).click();
  await two.page.getByText('新しい版を公開しました').first().waitFor();
  await axe(two.page, `published (${tag})`);
  await two.ctx.close();

  // a resident applies: B appears only once A has an answer
  const res = await context(js);
  const p = res.page;
  await p.goto(`${srv.base}/resident/login`);
  await p.getByLabel('メールアドレス').fill(TARO[0]);
  await p.getByLabel('パスワード').fill(TARO[1]);
  await p.getByRole('button', { name: 'ログイン' }).click();
  await p.waitForURL(/\/mypage$/);
  await p.goto(`${srv.base}/procedures/${code}`);
  await p.getByRole('button', { name: '申請を始める' }).click();
  await p.waitForURL(/\/drafts\/\d+\/page\/0$/);
  assert.equal(await p.getByLabel(/^品種/).count(), 0, 'B is hidden while A is empty');
  await p.getByLabel(/^ペットの名前/).fill('ポチ');
  if (!js || !(await p.getByLabel(/^品種/).isVisible().catch(() => false))) {
    await p.getByRole('button', { name: '次へ進む' }).click();
    await p.getByLabel(/^品種/).waitFor();
  }
  await p.getByLabel(/^品種/).fill('柴');
  await p.getByRole('button', { name: '次へ進む' }).click();
  await p.waitForURL(/\/confirm$/);
  const answers = await p.locator('main').innerText();
  assert.match(answers, /ポチ/);
  assert.match(answers, /柴/);
  await p.getByRole('button', { name: '申請する' }).click();
  await p.waitForURL(/\/submissions\/139998-\d{4}-\d{8}\?new=1$/);
  await res.ctx.close();
}

test('staff build, a second member approves, a resident applies: with JavaScript', async () => {
  await flow(true);
});

test('the same without JavaScript', async () => {
  await flow(false);
});
