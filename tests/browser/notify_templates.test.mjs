// notify_templates.test.mjs -- the message template editor
// (/staff/notify/templates, src/svc/notify/web/page_templates.c) in a real
// browser (Debian's Chromium via playwright-core) at 360 px wide, with
// JavaScript on and off: the demo admin opens the list from the staff
// menu, opens a template, types a placeholder the sending code does not
// give (the error summary links to the field, which is marked invalid,
// and what was typed is kept), previews the corrected texts with the
// sample values, saves them as version 2 with a note, and finds version
// 2 in the history with its old and new texts.  axe-core (WCAG 2.0 A and
// AA) finds nothing and nothing scrolls sideways on any of these pages.
// Every wait is for a state (a URL, an element), never a time.
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

async function context(js) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;   /* lib.mjs's axe runs on a copy with JavaScript */
  return { ctx, page };
}

const axe = (page, label) => axeCheck(browser, page, label);

// the demo admin needs a second factor: enrolled at the first login, a
// code of the next step at the next
async function login(page) {
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('ユーザー名').fill(DEMO_USERS.admin[0]);
  await page.getByLabel('パスワード').fill(DEMO_USERS.admin[1]);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.waitForURL(/\/(account\/totp|login\/code)$/);
  if (/account\/totp$/.test(page.url())) {
    secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.getByLabel('確認コード（6桁）').fill(totp(secret));
    await page.getByRole('button', { name: '確認' }).click();
    await page.locator('.recovery-codes').waitFor();
  } else {
    await page.locator('input[name="code"]').fill(totp(secret, Date.now() / 1000 + 30));
    await page.locator('main form button[type="submit"]').first().click();
    await page.waitForURL((u) => !/\/login\/code$/.test(u.pathname));
  }
}

for (const [js, slug, about] of [[true, 'waste.reminder', '粗大ごみの収集日の前日のお知らせ'],
  [false, 'auth.password_reset', '住民のパスワード再設定']]) {
  const label = js ? 'JS' : 'no JS';

  test(`staff edit a template in three languages, an unknown placeholder first (${label})`, async () => {
    const { ctx, page } = await context(js);
    await login(page);
    await page.goto(`${srv.base}/staff`);
    await page.getByRole('navigation', { name: '職員メニュー' })
      .getByRole('link', { name: 'メールの文面（テンプレート）', exact: true }).click();
    await page.waitForURL(/\/staff\/notify\/templates$/);
    assert.ok(await page.locator('main table tbody tr').count() >= 8, 'the shipped templates');
    await axe(page, `the template list (${label})`);

    await page.getByRole('link', { name: about, exact: true }).click();
    await page.waitForURL(new RegExp(`/staff/notify/templates/${slug.replace('.', '\\.')}$`));
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'メールの文面の編集');
    await axe(page, `the editor (${label})`);

    // three languages, each a fieldset with its subject and text
    for (const lang of ['日本語', '英語', 'やさしい日本語'])
      await page.getByRole('group', { name: lang, exact: true }).getByLabel('本文').waitFor();
    const en = page.getByRole('group', { name: '英語', exact: true });
    const easy = page.getByRole('group', { name: 'やさしい日本語', exact: true });
    const ja = page.getByRole('group', { name: '日本語', exact: true });
    const oldJa = await ja.getByLabel('本文').inputValue();

    // a placeholder the code does not give
    const typedEn = `Dear ((nickname)),\n${await en.getByLabel('本文').inputValue()}`;
    await en.getByLabel('本文').fill(typedEn);
    await page.getByRole('button', { name: '新しい版として保存' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /差し込み項目 \(\(nickname\)\) は、このお知らせを送るプログラムが渡しません。/);
    assert.equal(await summary.getByRole('link').getAttribute('href'), '#notify-body_en');
    const enBody = page.getByRole('group', { name: '英語', exact: true }).getByLabel('本文');
    assert.equal(await enBody.getAttribute('aria-invalid'), 'true');
    assert.equal((await enBody.inputValue()).replace(/\r\n/g, '\n'), typedEn, 'what was typed is kept');
    await axe(page, `the editor with an error (${label})`);

    // corrected, with new texts in all three languages, previewed
    const newJa = `${oldJa}\n（デモ区 ${label} で追記）`;
    await page.getByRole('group', { name: '日本語', exact: true }).getByLabel('本文').fill(newJa);
    await enBody.fill(typedEn.replace('Dear ((nickname)),\n', `Hello (${label}),\n`));
    await page.getByRole('group', { name: 'やさしい日本語', exact: true }).getByLabel('件名')
      .fill(`【おしらせ】${label}`);
    await easy.getByLabel('本文').fill(`${label} の ためしの ぶんです。((url))`);
    await page.getByLabel('変更メモ').fill(`三言語を更新（${label}）`);
    await page.getByRole('button', { name: 'プレビュー', exact: true }).click();
    const preview = page.getByRole('region', { name: /プレビュー/ });
    await preview.waitFor();
    const pv = await preview.innerText();
    assert.match(pv, new RegExp(`（デモ区 ${label} で追記）`));
    assert.match(pv, new RegExp(`Hello \\(${label}\\),`));
    assert.match(pv, /https:\/\/demo\.example\.jp\//, 'the sample values are in');
    assert.doesNotMatch(pv, /\(\([a-z_]+\)\)/, 'no placeholder left');
    await axe(page, `the preview (${label})`);

    await page.getByRole('button', { name: '新しい版として保存' }).click();
    await page.waitForURL(/\?saved=2$/);
    await page.getByRole('status').getByText('版 2 を保存しました。', { exact: false }).waitFor();
    const history = page.getByRole('region', { name: '変更履歴' });
    assert.equal(await history.getByRole('heading', { level: 3 }).first().innerText(), '版 2');
    const h = await history.innerText();
    assert.match(h, new RegExp(`変更メモ: 三言語を更新（${label}）`));
    assert.match(h, /本文（日本語）/);
    assert.match(h, /本文（やさしい日本語）/);
    assert.ok(h.indexOf('変更前') < h.indexOf(`（デモ区 ${label} で追記）`), 'old, then new');
    assert.match(h, /版 1[\s\S]*最初の版です。/);
    // the form now edits from version 2, with the saved texts
    assert.equal(await page.locator('input[name="base"]').getAttribute('value'), '2');
    assert.equal((await page.getByRole('group', { name: '日本語', exact: true }).getByLabel('本文').inputValue())
      .replace(/\r\n/g, '\n'), newJa);
    await axe(page, `the editor after saving (${label})`);
    await ctx.close();
  });
}
