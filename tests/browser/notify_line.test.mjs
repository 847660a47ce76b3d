// notify_line.test.mjs -- My page's LINE link (/mypage/notifications/line)
// in a real browser (Debian's Chromium via playwright-core) at 360 px wide,
// JavaScript on and off: the resident opens it from the notifications page,
// asks for a code, "sends" it to the official account (the LINE platform's
// test double, tests/doubles/line_api.mjs, posts the signed webhook), checks
// the link and sees it linked, then unlinks.  axe-core (WCAG 2.0 A and AA)
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

let srv, browser, api, dir;

function startApi() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/line_api.mjs'), '--port', '0',
      '--token-file', join(dir, 'token'), '--secret-file', join(dir, 'secret')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.on('exit', (code) => reject(new Error(`line_api exited ${code}: ${out}`)));
  });
}
const ctl = async (path, body = {}) => (await fetch(api.base + path, { method: 'POST', body: JSON.stringify(body) })).json();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-line-b-'));
  mkdirSync(join(dir, 'srv'));
  writeFileSync(join(dir, 'token'), 'line_channel_access_token_browser_01\n', { mode: 0o600 });
  writeFileSync(join(dir, 'secret'), 'line_channel_secret_browser_01\n', { mode: 0o600 });
  api = await startApi();
  srv = await startServer({ dir: join(dir, 'srv'),
    extraArgs: ['--line-url', api.base, '--line-token-file', join(dir, 'token'), '--line-secret-file', join(dir, 'secret')] });
  await ctl('/_control/notify', { url: srv.base + '/api/v1/notify/line/webhook' });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (api) api.proc.kill('SIGTERM');
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
  test(`a resident links LINE with a code from My page, then unlinks (${label})`, async () => {
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
    } finally {
      await ctx.close();
    }
  });
}
