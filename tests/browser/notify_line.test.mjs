// notify_line.test.mjs -- My page's LINE link (/mypage/notifications/line)
// and SMS number (/mypage/notifications/sms) in a real browser (Debian's Chromium via playwright-core) at 360 px wide,
// JavaScript on and off: the resident opens it from the notifications page,
// asks for a code, "sends" it to the official account (the LINE platform's
// test double, tests/doubles/line_api.mjs, posts the signed webhook), checks
// the link and sees it linked, then unlinks; types a mobile number, gets the
// code through the SMS provider's test double (tests/doubles/sms_gateway.mjs)
// and confirms the number.  axe-core (WCAG 2.0 A and AA)
// finds nothing on each state of the page.  Every wait is for a state (a
// URL, an element), never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, registerAndLogin, ROOT } from '../http/lib.mjs';

let srv, browser, api, gw, dir;

function startDouble(file, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles', file), '--port', '0', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.on('exit', (code) => reject(new Error(`${file} exited ${code}: ${out}`)));
  });
}
const ctl = async (path, body = {}) => (await fetch(api.base + path, { method: 'POST', body: JSON.stringify(body) })).json();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-line-b-'));
  mkdirSync(join(dir, 'srv'));
  writeFileSync(join(dir, 'token'), 'line_channel_access_token_browser_01\n', { mode: 0o600 });
  writeFileSync(join(dir, 'secret'), 'line_channel_secret_browser_01\n', { mode: 0o600 });
  writeFileSync(join(dir, 'sms.key'), 'AC0123456789abcdef0123456789abcdef:sms_browser_token_000001\n', { mode: 0o600 });
  api = await startDouble('line_api.mjs', ['--token-file', join(dir, 'token'), '--secret-file', join(dir, 'secret')]);
  gw = await startDouble('sms_gateway.mjs', ['--key-file', join(dir, 'sms.key')]);
  srv = await startServer({ dir: join(dir, 'srv'),
    extraArgs: ['--line-url', api.base, '--line-token-file', join(dir, 'token'), '--line-secret-file', join(dir, 'secret'),
      '--sms-url', gw.base, '--sms-key-file', join(dir, 'sms.key'), '--sms-from', '+815012340000'] });
  await ctl('/_control/notify', { url: srv.base + '/api/v1/notify/line/webhook' });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (api) api.proc.kill('SIGTERM');
  if (gw) gw.proc.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const axe = (page, label) => axeCheck(browser, page, label);

async function context(js, client) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const u = new URL(srv.base);
  await ctx.addCookies([...client.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page };
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';
  test(`a resident links LINE with a code from My page, unlinks, and confirms a mobile number by SMS (${label})`, async () => {
    const client = await registerAndLogin(srv.base, `line-browser-${js ? 'js' : 'nojs'}@example.org`, 'Hoshi-Tsuki-Kawa-2026');
    const user = 'U' + (js ? 'a' : 'b').repeat(32);
    const { ctx, page } = await context(js, client);
    try {
      await page.goto(`${srv.base}/mypage/notifications`);
      await page.getByRole('link', { name: 'LINE でお知らせを受け取る（連携の設定）' }).click();
      await page.waitForURL(/\/mypage\/notifications\/line$/);
      await page.locator('#line-unlinked').waitFor();
      await axe(page, `LINE page, not linked (${label})`);
      await page.getByRole('button', { name: '連携のコードを表示する' }).click();
      await page.locator('#line-code').waitFor();
      await axe(page, `LINE page, the code (${label})`);
      const code = (await page.locator('#line-code').textContent()).trim();
      assert.match(code, /^[A-Z2-9]{8}$/);
      const said = await ctl('/_control/say', { userId: user, text: code });
      assert.match(said.body, /"linked":1/);
      await page.getByRole('link', { name: '連携できたか確かめる' }).click();
      await page.locator('#line-linked').waitFor();
      await axe(page, `LINE page, linked (${label})`);
      await page.getByRole('button', { name: 'LINE の連携を解除する' }).click();
      await page.locator('#line-notice').waitFor();
      await page.locator('#line-unlinked').waitFor();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(wide, false, 'nothing scrolls sideways at 360 px');
      // the SMS number
      const phone = js ? '090-1111-2222' : '080-3333-4444';
      const e164 = '+81' + phone.replace(/-/g, '').slice(1);
      await page.goto(`${srv.base}/mypage/notifications`);
      await page.getByRole('link', { name: 'SMS でお知らせを受け取る（携帯電話番号の確認）' }).click();
      await page.waitForURL(/\/mypage\/notifications\/sms$/);
      await page.locator('#sms-none').waitFor();
      await axe(page, `SMS page, no number (${label})`);
      await page.getByLabel('携帯電話の番号').fill(phone);
      await page.getByRole('button', { name: '確認のコードを送る' }).click();
      await page.locator('#f-code').waitFor();
      await axe(page, `SMS page, the code (${label})`);
      let sms;
      while (!sms) {   /* waits for the double to have it (a state, bounded by the test's timeout) */
        sms = (await (await fetch(gw.base + '/_control/messages')).json()).messages.find((x) => x.to === e164);
        if (!sms) await new Promise((r) => setTimeout(r, 50));
      }
      await page.getByLabel('確認のコード（6けたの数字）').fill(sms.body.match(/(\d{6})/)[1]);
      await page.getByRole('button', { name: '確認する' }).click();
      await page.locator('#sms-verified').waitFor();
      await axe(page, `SMS page, confirmed (${label})`);
    } finally {
      await ctx.close();
    }
  });
}
