// notify_hooks.test.mjs -- the webhook pages (/staff/notify/hooks,
// src/svc/notify/web/page_hooks.c) in a real browser (Debian's Chromium
// via playwright-core) at 360 px wide, JavaScript off (the pages need
// none): the demo admin opens them from the staff menu, submits a private
// URL with no event (the error summary links to the URL field, what was
// typed is kept), registers the receiving test double
// (tests/doubles/hook_receiver.mjs) with an event and reads the secret
// shown once, sends a test event and finds it delivered, opens the
// delivery with its attempt.  axe-core (WCAG 2.0 A and AA) finds nothing
// and nothing scrolls sideways on each page.  Every wait is for a state.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, DEMO_USERS, ROOT, totp } from '../http/lib.mjs';

let srv, browser, rcv;

function startReceiver() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/hook_receiver.mjs'), '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.on('exit', (code) => reject(new Error(`hook_receiver exited ${code}: ${out}`)));
  });
}

before(async () => {
  rcv = await startReceiver();
  srv = await startServer({ extraArgs: ['--notify-hooks-loopback', 'allow'] });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (rcv) rcv.proc.kill('SIGTERM');
});

const axe = (page, label) => axeCheck(browser, page, label);

test('staff register a staff system, see its secret once, test it and read the delivery', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: false,
    viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = true;
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
    .getByRole('link', { name: '職員システムへの通知（Webhook）', exact: true }).click();
  await page.waitForURL(/\/staff\/notify\/hooks$/);
  await page.getByText('送り先はまだありません。').waitFor();
  await axe(page, 'the endpoints, none yet');

  // a private address: refused, the summary links to the field, kept
  await page.getByLabel('送り先のURL').fill('https://192.168.10.5/hook');
  await page.getByRole('button', { name: '登録して署名用の鍵を作る' }).click();
  const summary = page.locator('.error-summary');
  await summary.waitFor();
  assert.match(await summary.innerText(), /非公開・ループバック・予約済みのアドレスには送れません。/);
  const href = await summary.getByRole('link').getAttribute('href');
  assert.equal(await page.locator(href).getAttribute('name'), 'url');
  assert.equal(await page.getByLabel('送り先のURL').inputValue(), 'https://192.168.10.5/hook');
  await axe(page, 'the form with an error');

  // the double, one event
  await page.getByLabel('送り先のURL').fill(`${rcv.base}/in`);
  await page.getByLabel('手数料の納付 (payments.paid)').check();
  await page.getByLabel('メモ').fill('会計システム（試験）');
  await page.getByRole('button', { name: '登録して署名用の鍵を作る' }).click();
  const shown = page.locator('#hook-secret');
  await shown.waitFor();
  const whsec = (await shown.innerText()).trim();
  assert.match(whsec, /^whsec_[A-Za-z0-9+/]{32}$/);
  await axe(page, 'the secret, shown once');
  await fetch(`${rcv.base}/_control/secret`, { method: 'POST', body: JSON.stringify({ secret: whsec }) });

  await page.getByRole('link', { name: '送り先の画面へ' }).click();
  await page.waitForURL(/\/staff\/notify\/hooks\/\d+$/);
  assert.ok(!(await page.content()).includes(whsec), 'not shown again');
  await axe(page, 'an endpoint');
  await page.getByRole('button', { name: 'テスト送信' }).click();
  await page.getByRole('status').getByText('テスト送信を送信待ちに入れました。').waitFor();
  // reload until the job has sent it
  for (;;) {
    if (await page.locator('main table tbody').getByText('配信済み').count()) break;
    await page.reload();
  }
  await page.locator('main table tbody a').first().click();
  await page.waitForURL(/\/staff\/notify\/deliveries\/\d+$/);
  await page.getByRole('heading', { name: '試行の記録' }).waitFor();
  assert.match(await page.locator('main table tbody').innerText(), /200/);
  await axe(page, 'a delivery');
  const log = await (await fetch(`${rcv.base}/_control/log`)).json();
  assert.ok(log.some((x) => x.verified && x.answered === 200), 'the receiver verified it');
  await ctx.close();
});
