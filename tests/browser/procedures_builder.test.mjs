// procedures_builder.test.mjs -- the procedure builder in a real browser
// (Chromium via playwright-core) on a 360 px phone, with JavaScript and
// without: a member of staff makes a new procedure from forms (no JSON),
// adds field A and field B, and gives B a condition from the pickers
// (shown only when A has an answer), checks the phone preview, sees an
// unsaved label in the preview before saving it (live with JavaScript,
// the 「プレビュー」 button without; the draft unchanged), gives A English
// and やさしい日本語 labels and sees them in the preview switched to that
// language, adds a page route from the pickers, (with JavaScript) reorders
// fields by drag and drop and with the arrow keys, submits it for review; the submitter (procedures.manage, not
// procedures.approve) gets no approve button; a second member of staff
// with procedures.approve approves it, which publishes it; a
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
    // checkers also hold the demo's 手続の承認 role (procedures.approve)
    const roles = login.startsWith('checker') ? ['--role', 'admin', '--role', 'tetsuzuki-shounin'] : ['--role', 'admin'];
    cli(['user', 'add', '--db', srv.db, '--tenant', '139998', '--login', login, '--name', `テスト ${login}`,
      ...roles, '--password-stdin'], { input: `${PW}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
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
  // the preview of an unsaved label: the draft stays as it is
  const builderUrl = `${srv.base}/staff/procedures/${code}/builder`;
  const savedPage = async () => (await ctx.request.get(builderUrl)).text();
  await page.locator('#bf-pet_name details.builder-details > summary').click();
  const fa = page.locator('#fm-field-pet_name');
  await fa.getByLabel('項目名（日本語）').fill('飼っている動物の名前');
  if (js) {
    // typed, not saved: the phone frame follows after a pause
    await page.locator('#phone-frame').filter({ hasText: '飼っている動物の名前' }).waitFor();
    assert.match(await page.locator('#builder-live').innerText(), /まだ保存していません/);
  } else {
    await fa.getByRole('button', { name: 'プレビュー' }).click();
    await page.waitForURL(/\/builder\/preview$/);
    assert.match(await page.locator('#phone-frame').innerText(), /飼っている動物の名前/);
    assert.equal(await page.locator('#fm-field-pet_name').getByLabel('項目名（日本語）').inputValue(), '飼っている動物の名前');
  }
  assert.match(await page.locator('#bf-pet_name h4').innerText(), /ペットの名前/, 'the editor says what is saved');
  let saved = await savedPage();
  assert.doesNotMatch(saved, /飼っている動物の名前/, 'nothing saved by the preview');
  assert.match(saved, /<h4>ペットの名前 /);
  await axe(page, `builder with an unsaved preview (${tag})`);
  // a refused change: said, and the preview stays
  if (js) {
    await fa.getByLabel('説明（日本語）').fill('日本語だけ');
    await page.locator('#builder-live').filter({ hasText: /説明は日本語と英語の両方/ }).waitFor();
    assert.match(await page.locator('#phone-frame').innerText(), /飼っている動物の名前/);
    await fa.getByLabel('説明（日本語）').fill('');
  }
  // English and やさしい日本語 labels, saved; the preview in each language
  if (!js) await page.goto(builderUrl);
  if (!(await page.locator('#fm-field-pet_name').getByLabel('項目名（英語）').isVisible()))
    await page.locator('#bf-pet_name details.builder-details > summary').click();
  const fl = page.locator('#fm-field-pet_name');
  await fl.getByLabel('項目名（日本語）').fill('ペットの名前');
  await fl.getByLabel('項目名（英語）').fill('Name of your pet');
  await fl.getByLabel('項目名（やさしい日本語）').fill('ペットの なまえ');
  await fl.getByRole('button', { name: '項目を保存' }).click();
  await page.locator('#builder-live').filter({ hasText: '保存しました' }).waitFor();
  saved = await savedPage();
  assert.match(saved, /ペットの なまえ/);
  await page.getByLabel('プレビューの言語').selectOption('en');
  await page.getByRole('button', { name: 'この言語で表示' }).click();
  await page.locator('#phone-frame[lang="en"]').waitFor();
  assert.match(await page.locator('#phone-frame').innerText(), /Name of your pet/);
  await axe(page, `builder, preview in English (${tag})`);
  await page.getByLabel('プレビューの言語').selectOption('ja-easy');
  await page.getByRole('button', { name: 'この言語で表示' }).click();
  await page.locator('#phone-frame[data-plang="ja-easy"]').waitFor();
  assert.match(await page.locator('#phone-frame').innerText(), /ペットの なまえ/);
  await axe(page, `builder, preview in やさしい日本語 (${tag})`);
  // a page route from the pickers: after page 1, when the name is filled in, to the end
  await page.locator('#b-routes .builder-add > summary').click();
  const rf = page.locator('#fm-add_route-x');
  await rf.getByLabel('どのページの後か').selectOption('page_1');
  await rf.getByLabel('どの項目の回答で決めるか').selectOption('pet_name');
  await rf.getByLabel('条件', { exact: true }).selectOption('filled');
  await rf.getByLabel('進む先').selectOption('end');
  await rf.getByRole('button', { name: '順路を追加' }).click();
  await page.locator('#b-routes .builder-route').waitFor();
  assert.match(await page.locator('#b-routes .builder-route').innerText(), /ページ 1: .* → 最後（申請内容の確認）へ \(条件: 「ペットの名前」 が入力されている\)/);
  await axe(page, `builder with a page route (${tag})`);
  if (js) {
    // reordering by drag and drop, and from the keyboard (the same move POSTs)
    await addField(page, 'pet_age', '年齢', 'Age');
    const order = () => page.locator('li.builder-field').evaluateAll((ls) => ls.map((l) => l.id).join());
    assert.equal(await order(), 'bf-pet_name,bf-pet_breed,bf-pet_age');
    await page.locator('#bf-pet_age .builder-drag').dragTo(page.locator('#bf-pet_breed h4'));
    await page.waitForFunction(() => [...document.querySelectorAll('li.builder-field')].map((l) => l.id).join() ===
      'bf-pet_name,bf-pet_age,bf-pet_breed');
    assert.match(await savedPage(), /id="bf-pet_age"[\s\S]*id="bf-pet_breed"/, 'the move is saved');
    await page.locator('#bf-pet_age .builder-drag').focus();
    await page.keyboard.press('ArrowDown');
    await page.waitForFunction(() => [...document.querySelectorAll('li.builder-field')].map((l) => l.id).join() ===
      'bf-pet_name,bf-pet_breed,bf-pet_age');
    assert.equal(await page.evaluate(() => document.activeElement.closest('li').id), 'bf-pet_age', 'focus stays on the handle');
    assert.match(await savedPage(), /id="bf-pet_breed"[\s\S]*id="bf-pet_age"/);
    // the buttons stay
    assert.equal(await page.locator('#bf-pet_age').getByRole('button', { name: /^上へ/ }).count(), 1);
    await axe(page, 'builder with reorder handles (js)');
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
