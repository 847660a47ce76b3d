// notify_send.test.mjs -- the staff page that sends a notice to the
// residents who subscribed (/staff/notify/send,
// src/svc/notify/web/page_send.c) in a real browser (Debian's Chromium via
// playwright-core) at 360 px wide, JavaScript off (the page needs none):
// a resident subscribes to an area's disaster alerts by e-mail; the demo
// admin opens the page from the staff menu, asks for an emergency on news
// (refused: the error summary links to the field, what was typed is kept),
// checks the area's emergency alert (one e-mail subscriber, the texts
// shown), sends it, and the message reaches the SMTP sink
// (tests/smtp_sink.mjs) whatever the hour (an emergency is never held).  axe-core (WCAG 2.0 A and
// AA) finds nothing on each state.  Every wait is for a state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, startSmtpSink, Client, DEMO_USERS, totp, confirmedResident } from '../http/lib.mjs';

const PUBLIC = 'https://demo-ku.example.jp';
let srv, browser, sink;

before(async () => {
  sink = await startSmtpSink();
  srv = await startServer({ extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp',
    '--smtp-starttls', 'none', '--public-url', PUBLIC + '/'] });
  browser = await launch();
  // a resident with a confirmed address subscribes to an area's alerts
  const c = await confirmedResident(srv.base, sink, 'send-page@example.org', 'Haishin-Page-2026');
  const p = await c.get('/mypage/notifications');
  assert.equal((await c.post('/mypage/notifications', { form: { csrf: Client.csrf(p.text_), disaster: '1', area: 'chuo' } })).status, 303);
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  await sink?.close();
});

const axe = (page, label) => axeCheck(browser, page, label);

test('staff check and send a disaster alert to its subscribers from the browser', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: false,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = true;
  try {
    await page.goto(`${srv.base}/login`);
    await page.getByLabel('ユーザー名').fill(DEMO_USERS.admin[0]);
    await page.getByLabel('パスワード').fill(DEMO_USERS.admin[1]);
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.waitForURL(/\/account\/totp$/);
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.getByLabel('確認コード（6桁）').fill(totp(secret));
    await page.getByRole('button', { name: '確認' }).click();
    await page.locator('.recovery-codes').waitFor();

    await page.goto(`${srv.base}/staff`);
    await page.getByRole('navigation', { name: '職員メニュー' })
      .getByRole('link', { name: 'お知らせの配信', exact: true }).click();
    await page.waitForURL(/\/staff\/notify\/send$/);
    await axe(page, 'the send form');

    // an emergency is for disaster alerts only: refused, kept, linked
    await page.getByLabel('件名').fill('年末年始の窓口');
    await page.getByLabel('本文').fill('12月29日から1月3日まで、窓口はお休みです。');
    await page.getByLabel('緊急（災害のお知らせのみ）').check();
    await page.getByRole('button', { name: '確認する' }).click();
    const summary = page.locator('.error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /緊急にできるのは、災害のお知らせだけです。/);
    assert.equal(await page.getByLabel('件名').inputValue(), '年末年始の窓口');
    await axe(page, 'the form with an error');

    await page.getByLabel('災害のお知らせ（地区ごと）').check();
    await page.getByLabel('地区（災害のお知らせのとき）').selectOption('chuo');
    await page.getByLabel('件名').fill('避難指示');
    await page.getByLabel('本文').fill('川の水位が上がっています。すぐに避難してください。');
    await page.getByRole('button', { name: '確認する' }).click();
    await page.locator('#send-counts').waitFor();
    assert.match(await page.locator('#send-counts').innerText(), /メール 1 人、SMS 0 人、LINE 0 人/);
    assert.match(await page.locator('#send-subject').innerText(), /【緊急・デモ区】避難指示/);
    await axe(page, 'the check page');
    await page.getByRole('button', { name: '送信する' }).click();
    await page.locator('#send-notice').waitFor();
    assert.match(await page.locator('#send-notice').innerText(), /メール 1 件/);
    await axe(page, 'sent');
    const m = await sink.waitFor((x) => x.to.includes('send-page@example.org') && x.subject === '【緊急・デモ区】避難指示');
    assert.match(m.text, /すぐに避難してください。/);
    assert.match(m.text, /地区: 中央地区/);   // the area's name, not its code

    // the areas residents choose among: staff add one; a bad code is
    // refused at its field, what was typed kept
    await page.getByRole('navigation', { name: '職員メニュー' })
      .getByRole('link', { name: '災害のお知らせの地区', exact: true }).click();
    await page.waitForURL(/\/staff\/notify\/areas$/);
    assert.equal(await page.getByRole('table').getByRole('row').count(), 5);   // a header and 4 areas
    await axe(page, 'the areas page');
    await page.getByLabel('地区のコード').fill('Nishi Ku');
    await page.getByLabel(/^地区の名前(?!（英語）)/).fill('西地区');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /地区のコードを、半角の英小文字/);
    assert.equal(await page.getByLabel(/^地区の名前(?!（英語）)/).inputValue(), '西地区');
    await axe(page, 'the areas page with an error');
    await page.getByLabel('地区のコード').fill('nishi');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('#areas-notice').waitFor();
    assert.match(await page.getByRole('table').innerText(), /nishi\s+西地区/);
    // 中央地区 has a subscriber: no remove button; 西地区 has one
    assert.equal(await page.getByRole('button', { name: '中央地区を削除' }).count(), 0);
    await page.getByRole('button', { name: '西地区を削除' }).click();
    await page.locator('#areas-notice').waitFor();
    assert.doesNotMatch(await page.getByRole('table').innerText(), /西地区/);
    assert.match(m.text, /https:\/\/demo-ku\.example\.jp\/unsubscribe\/[0-9a-f]{64}/);
  } finally {
    await ctx.close();
  }
});
