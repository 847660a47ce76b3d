// news.test.mjs -- the news service (お知らせ) in a real browser (Debian's
// Chromium via playwright-core): a resident follows the home page's
// お知らせ link to /news and on to a notice; the demo admin writes a notice
// in the editor (first without a Japanese title: the error summary, focus
// on it and a link to the field, what was typed kept), publishes it, sees
// the saved message, and finds it on /news.  axe-core (WCAG 2.0 A and AA)
// finds nothing on /news, a notice, /staff/news and the editor with an
// error.  Every wait is for a state (a URL, an element), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axeViolations } from './lib.mjs';
import { startServer, DEMO_USERS, totp, registerAndLogin } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer();
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function axe(page, label) {
  assert.deepEqual(await axeViolations(page), [], `axe violations on ${label}`);
}

async function newPage() {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  return ctx.newPage();
}

// the titles /news lists, in order
async function newsTitles(page) {
  return page.locator('main ul.news-list > li > a').allInnerTexts();
}

test('resident: home page → お知らせ → a notice; no axe violations', async () => {
  // a logged-in resident (registered over HTTP, logged in in the browser)
  await registerAndLogin(srv.base, 'news.browser@example.jp', 'Suisen-no-Oka-2026');
  const page = await newPage();
  await page.goto(`${srv.base}/resident/login`);
  await page.getByLabel('メールアドレス').fill('news.browser@example.jp');
  await page.getByLabel('パスワード').fill('Suisen-no-Oka-2026');
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.waitForURL(/\/mypage$/);

  await page.goto(`${srv.base}/`);
  // the home page's section lists the demo's notices
  const section = page.getByRole('region', { name: 'お知らせ' });
  assert.deepEqual(await section.locator('li > a').allInnerTexts(),
    ['年末年始の窓口業務について（デモ）', 'オンラインで申請できる手続が増えました（デモ）']);
  // the service tile
  await page.getByRole('navigation', { name: '手続とサービス' }).getByRole('link', { name: 'お知らせ', exact: true }).click();
  await page.waitForURL(/\/news$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'お知らせ');
  assert.deepEqual(await newsTitles(page),
    ['年末年始の窓口業務について（デモ）', 'オンラインで申請できる手続が増えました（デモ）']);
  assert.equal(await page.locator('main ul.news-list > li').first().locator('.tag-important').innerText(), '重要');
  await axe(page, '/news');

  await page.getByRole('link', { name: '年末年始の窓口業務について（デモ）' }).click();
  await page.waitForURL(/\/news\/\d+$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '年末年始の窓口業務について（デモ）');
  assert.match(await page.locator('.news-body').innerText(), /12月29日から1月3日まで休みます/);
  await axe(page, 'a notice');
  await page.getByRole('link', { name: 'お知らせの一覧' }).click();
  await page.waitForURL(/\/news$/);
  // the categories (分野): a notice's tag and the list's links lead to one
  assert.equal(await page.locator('main ul.news-list > li').first().locator('.news-cat').innerText(), 'くらし・手続き');
  await page.getByRole('navigation', { name: '分野で絞り込む' }).getByRole('link', { name: 'くらし・手続き' }).click();
  await page.waitForURL(/\/news\?category=kurashi$/);
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'お知らせ：くらし・手続き');
  assert.deepEqual(await newsTitles(page),
    ['年末年始の窓口業務について（デモ）', 'オンラインで申請できる手続が増えました（デモ）']);
  const cats = page.getByRole('navigation', { name: '分野で絞り込む' });
  assert.equal(await cats.getByRole('link', { name: 'くらし・手続き' }).getAttribute('aria-current'), 'page');
  await axe(page, '/news of a category');
  await cats.getByRole('link', { name: '子育て・教育' }).click();
  await page.waitForURL(/\/news\?category=kosodate$/);
  assert.deepEqual(await newsTitles(page), []);
  assert.match(await page.getByRole('main').innerText(), /現在お知らせはありません/);
  await cats.getByRole('link', { name: 'すべての分野' }).click();
  await page.waitForURL(/\/news$/);
  await page.context().close();
});

test('admin: write a notice in the editor, an error first; it is on /news; no axe violations', async () => {
  const page = await newPage();
  await page.goto(`${srv.base}/login`);
  await page.getByLabel('ユーザー名').fill(DEMO_USERS.admin[0]);
  await page.getByLabel('パスワード').fill(DEMO_USERS.admin[1]);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.waitForURL(/\/account\/totp$/);
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  await page.getByLabel('確認コード（6桁）').fill(totp(secret));
  await page.getByRole('button', { name: '確認' }).click();
  await page.locator('.recovery-codes').waitFor();

  // the staff menu leads to the list
  await page.goto(`${srv.base}/staff`);
  await page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: 'お知らせ', exact: true }).click();
  await page.waitForURL(/\/staff\/news$/);
  const rows = page.locator('main table tbody tr');
  assert.equal(await rows.count(), 2, 'the demo\'s two notices');
  await axe(page, '/staff/news');

  await page.getByRole('link', { name: '新しいお知らせ' }).click();
  await page.waitForURL(/\/staff\/news\/new$/);
  await axe(page, 'the editor');

  // no Japanese title: refused, the summary says so and links to the field
  const body = '区民プールは点検のため休みます。\n\nご迷惑をおかけします。';
  await page.getByLabel('本文（日本語）').fill(body);
  await page.getByLabel('件名（英語）').fill('The ward pool is closed');
  await page.getByLabel('重要なお知らせとして先頭に表示する').check();
  await page.getByRole('button', { name: '公開する' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /件名（日本語）を入力してください。/);
  assert.equal(await summary.getByRole('link').getAttribute('href'), '#news-title_ja');
  assert.equal(await page.getByLabel('件名（日本語）').getAttribute('aria-invalid'), 'true');
  // what was typed is kept
  assert.equal(await page.getByLabel('本文（日本語）').inputValue(), body);
  assert.equal(await page.getByLabel('件名（英語）').inputValue(), 'The ward pool is closed');
  assert.equal(await page.getByLabel('重要なお知らせとして先頭に表示する').isChecked(), true);
  await axe(page, 'the editor with an error');
  // the summary's link takes the focus to the field
  await summary.getByRole('link').click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'news-title_ja');

  // now with a title: published
  await page.getByLabel('件名（日本語）').fill('区民プールの臨時休業');
  await page.getByRole('button', { name: '公開する' }).click();
  await page.waitForURL(/\/staff\/news\?saved=\d+$/);
  await page.getByRole('status').filter({ hasText: 'お知らせを保存しました。' }).waitFor();
  const row = page.locator('main table tbody tr', { hasText: '区民プールの臨時休業' });
  assert.equal(await row.count(), 1);
  assert.match(await row.innerText(), /公開/);
  await axe(page, '/staff/news with the saved message');

  // on /news, first (important and the newest)
  await page.goto(`${srv.base}/news`);
  const titles = await newsTitles(page);
  assert.equal(titles[0], '区民プールの臨時休業');
  assert.equal(titles.length, 3);
  await page.getByRole('link', { name: '区民プールの臨時休業' }).click();
  await page.waitForURL(/\/news\/\d+$/);
  const paragraphs = await page.locator('.news-body p').allInnerTexts();
  assert.deepEqual(paragraphs, ['区民プールは点検のため休みます。', 'ご迷惑をおかけします。']);
  await axe(page, 'the new notice');
  await page.context().close();
});
