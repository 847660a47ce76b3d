// notify_subs.test.mjs -- the resident's notifications page
// (/mypage/notifications) and the one-click unsubscribe page in a real
// browser (Debian's Chromium via playwright-core) at 360 px wide, with
// JavaScript on and off: a resident with a confirmed address opens the
// page from My page, ticks news and disaster alerts for an area chosen
// from the ward's list,
// saves (the notice says so and the boxes stay ticked), gets the message
// of the topic (through the local SMTP sink) and, in a browser without
// any cookie, opens its unsubscribe link and presses the button.  axe-core
// (WCAG 2.0 A and AA) finds nothing and nothing scrolls sideways on any of
// these pages.  Every wait is for a state (a URL, an element), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, DEMO, BIN, ROOT, startSmtpSink, confirmedResident } from '../http/lib.mjs';

const PUBLIC = 'https://demo-ku.example.jp';
const NOON = 1796612400;   // 2026-12-07 12:00 JST: outside quiet hours
let srv, browser, sink;

before(async () => {
  sink = await startSmtpSink();
  srv = await startServer({ extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp',
    '--smtp-starttls', 'none', '--public-url', PUBLIC + '/'] });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (sink) await sink.close();
});

const axe = (page, label) => axeCheck(browser, page, label);

async function context(js, client) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  if (client) {
    const u = new URL(srv.base);
    await ctx.addCookies([...client.jar].map(([name, value]) =>
      ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  }
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;   /* lib.mjs's axe runs on a copy with JavaScript */
  return { ctx, page };
}

// a resident account with a confirmed address, logged in (its cookies)
const resident = (email) => confirmedResident(srv.base, sink, email, 'Hoshi-Tsuki-Kawa-2026');

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';
  test(`a resident chooses notifications and unsubscribes from the link (${label})`, async () => {
    const email = `subs-browser-${js ? 'js' : 'nojs'}@example.org`;
    const area = js ? 'chuo' : 'kita';
    const areaName = js ? '中央地区' : '北地区';
    const { ctx, page } = await context(js, await resident(email));
    // a topic's fieldset, its e-mail checkbox
    const byMail = (topic) => page.getByRole('group', { name: topic }).getByRole('checkbox', { name: /^メール（/ });
    try {
      await page.goto(`${srv.base}/mypage`);
      await page.getByRole('link', { name: 'お知らせの受け取り' }).click();
      await page.waitForURL(/\/mypage\/notifications$/);
      await axe(page, `notifications page (${label})`);
      await byMail('区からのお知らせ').check();
      await byMail('災害の緊急のお知らせ').check();
      await page.getByLabel('災害のお知らせを受け取る地区').selectOption(area);
      await page.getByRole('button', { name: '保存する' }).click();
      await page.waitForURL(/\/mypage\/notifications\?saved=1$/);
      await page.locator('#subs-notice').waitFor();
      assert.equal(await byMail('区からのお知らせ').isChecked(), true);
      assert.equal(await byMail('災害の緊急のお知らせ').isChecked(), true);
      assert.equal(await byMail('粗大ごみの収集日のお知らせ（予約したとき）').isChecked(), false);
      await axe(page, `notifications saved (${label})`);
      // news of one category (分野): behind a disclosure, open once chosen
      await page.getByText('分野を選んでお知らせを受け取る').click();
      await byMail('くらし・手続き').check();
      await axe(page, `categories open (${label})`);
      await page.getByRole('button', { name: '保存する' }).click();
      await page.waitForURL(/\/mypage\/notifications\?saved=1$/);
      assert.equal(await page.locator('#subs-categories').getAttribute('open'), '');
      assert.equal(await byMail('くらし・手続き').isChecked(), true);
      assert.equal(await byMail('子育て・教育').isChecked(), false);
      assert.equal(await byMail('災害の緊急のお知らせ').isChecked(), true);

      const out = (await promisify(execFile)(BIN, ['notify', 'send', '--db', srv.db, '--tenant', DEMO,
        '--topic', `disaster.${area}`, '--id', 'disaster.alert', '--link-base', PUBLIC, '--now', String(NOON),
        '--emergency', 'ward=デモ区', `area=${area}`, 'title=避難指示', 'text=すぐに避難してください。'],
      { cwd: ROOT, encoding: 'utf8' })).stdout;
      assert.match(out, /^1\t/);
      const m = await sink.waitFor((x) => x.to.includes(email) && x.subject === '【緊急・デモ区】避難指示');
      const path = m.text.match(/https:\/\/demo-ku\.example\.jp(\/unsubscribe\/[0-9a-f]{64})/)[1];

      // the link alone: a browser without the resident's cookies
      const other = await context(js);
      try {
        await other.page.goto(srv.base + path);
        await other.page.locator('#unsub-topic').waitFor();
        assert.match(await other.page.locator('#unsub-topic').innerText(), new RegExp(`災害の緊急のお知らせ（${areaName}）`));
        await axe(other.page, `unsubscribe page (${label})`);
        await other.page.getByRole('button', { name: '配信を停止する' }).click();
        await other.page.locator('#unsub-done').waitFor();
        await axe(other.page, `unsubscribed (${label})`);
      } finally {
        await other.ctx.close();
      }
      await page.goto(`${srv.base}/mypage/notifications`);
      assert.equal(await byMail('災害の緊急のお知らせ').isChecked(), false);
      assert.equal(await byMail('区からのお知らせ').isChecked(), true);
    } finally {
      await ctx.close();
    }
  });
}
