// mail.test.mjs -- the resident e-mail pages in a real browser (Chromium via
// playwright-core) with axe-core (WCAG 2.0 A and AA) on each, at desktop
// and 360 px widths: register, my page (unconfirmed, with the resend
// button), the confirmation page reached from the mailed link, the reset
// request and its answer, the new-password form with its error summary,
// and the final pages.  Mail goes through the local SMTP sink.
//
// Without a relay (the demo, a developer's machine): at 360 px, with
// JavaScript on and off, a resident registers, the administrator reads
// the confirmation mail in the development mailbox (/staff/outbox), and
// the link it holds, opened by the resident, confirms the address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axeViolations, axe as axeAt } from './lib.mjs';
import { startServer, startSmtpSink, DEMO_USERS, totp } from '../http/lib.mjs';

let srv, browser, sink;

before(async () => {
  sink = await startSmtpSink();
  srv = await startServer({ extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp',
    '--smtp-starttls', 'none', '--public-url', 'https://demo-ku.example.jp'] });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  try { if (srv) await srv.stop(); } finally { if (sink) await sink.close(); }
});

async function axe(page, label) {
  assert.deepEqual(await axeViolations(page), [], `axe violations on ${label}`);
}

// the mailed link, moved onto the test server
function local(m, path) {
  const x = m.text.match(new RegExp(`https://demo-ku\\.example\\.jp(${path}\\?token=[0-9a-f]{64})`));
  assert.ok(x, m.text);
  return `${srv.base}${x[1]}`;
}

for (const width of [1280, 360]) {
  test(`confirmation and password reset pages @${width}: usable, no axe violations`, async () => {
    const ctx = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    const email = `browser.${width}@example.jp`;
    await page.goto(`${srv.base}/resident/register`);
    await page.getByLabel('メールアドレス').fill(email);
    await page.getByLabel('パスワード').fill('Burauza-Mado-2026');
    await page.getByRole('button', { name: '登録する' }).click();
    // registering logs nobody in (a taken address must look the same): log in
    await page.locator('#register-sent').waitFor();
    await page.goto(`${srv.base}/resident/login`);
    await page.getByLabel('メールアドレス').fill(email);
    await page.getByLabel('パスワード').fill('Burauza-Mado-2026');
    await page.getByRole('button', { name: 'ログイン', exact: true }).click();
    await page.waitForURL(/\/mypage$/);
    assert.match(await page.locator('#email-status').innerText(), /未確認/);
    assert.ok(await page.getByRole('button', { name: '確認用のメールをもう一度送る' }).isVisible());
    await axe(page, `my page (unconfirmed) @${width}`);

    const v = await sink.waitFor((x) => x.to.includes(email));
    await page.goto(local(v, '/resident/verify'));
    await axe(page, `confirm page @${width}`);
    await page.getByRole('button', { name: '確認する' }).click();
    assert.match(await page.locator('main').innerText(), /メールアドレスを確認しました/);
    await axe(page, `confirmed @${width}`);
    await page.goto(`${srv.base}/mypage`);
    assert.match(await page.locator('#email-status').innerText(), /確認済み/);

    const anon = await (await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 }, locale: 'ja-JP' })).newPage();
    await anon.goto(`${srv.base}/resident/login`);
    await anon.getByRole('link', { name: 'パスワードを忘れた方' }).click();
    await axe(anon, `reset request @${width}`);
    await anon.getByLabel('メールアドレス').fill(email);
    await anon.getByRole('button', { name: 'リンクを送る' }).click();
    assert.match(await anon.locator('main').innerText(), /再設定用のリンクを送りました/);
    await axe(anon, `reset sent @${width}`);

    const r = await sink.waitFor((x) => x.to.includes(email) && x.subject.includes('パスワードの再設定'));
    await anon.goto(local(r, '/resident/reset/confirm'));
    await axe(anon, `new password form @${width}`);
    // the browser's own minlength check would stop "short"; a long common one reaches the server
    await anon.getByLabel('新しいパスワード').fill('passwordpassword');
    await anon.getByRole('button', { name: 'パスワードを再設定する' }).click();
    assert.match(await anon.locator('main').innerText(), /このパスワードは使えません/);
    await axe(anon, `new password error @${width}`);
    await anon.getByLabel('新しいパスワード').fill('Atarashii-Burauza-2027');
    await anon.getByRole('button', { name: 'パスワードを再設定する' }).click();
    assert.match(await anon.locator('main').innerText(), /パスワードを再設定しました/);
    await axe(anon, `reset done @${width}`);
    await ctx.close();
  });
}

// ---- the development mailbox (no relay) ----

let dev;                 // a server without a relay
const admin2fa = {};     // the administrator's TOTP secret, enrolled once

async function staffLogin(page) {
  await page.goto(`${dev.base}/login`);
  await page.getByLabel('ユーザー名').fill(DEMO_USERS.admin[0]);
  await page.getByLabel('パスワード').fill(DEMO_USERS.admin[1]);
  await page.getByRole('button', { name: 'ログイン', exact: true }).click();
  await page.waitForURL(/\/account\/totp$|\/login\/code$/);
  if (/\/account\/totp$/.test(page.url())) {
    admin2fa.secret = (await page.locator('#totp-secret').innerText()).trim();
    await page.getByLabel('確認コード（6桁）').fill(totp(admin2fa.secret));
    await page.getByRole('button', { name: '確認' }).click();
    await page.locator('.recovery-codes').waitFor();
  } else {
    // a code of the next step: the enrolment's may have used this one
    await page.getByLabel('確認コード（6桁）').fill(totp(admin2fa.secret, Date.now() / 1000 + 30));
    await page.getByRole('button', { name: '確認' }).click();
    await page.waitForURL(/\/staff$/);
  }
}

for (const js of [true, false]) {
  const tag = js ? 'JavaScript on' : 'JavaScript off';
  test(`development mailbox @360, ${tag}: register, staff read the mail, its link confirms the address; no axe violations`, async () => {
    if (!dev) dev = await startServer();
    const opts = { bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' };
    const rctx = await browser.newContext(opts);
    const sctx = await browser.newContext(opts);
    try {
      const resident = await rctx.newPage();
      resident.__nojs = !js;
      const email = `kaihatsu.${js ? 'js' : 'nojs'}@example.jp`;
      await resident.goto(`${dev.base}/resident/register`);
      await resident.getByLabel('メールアドレス').fill(email);
      await resident.getByLabel('パスワード').fill('Kaihatsu-Mado-2026');
      await resident.getByRole('button', { name: '登録する' }).click();
      await resident.locator('#register-sent').waitFor();
      await resident.goto(`${dev.base}/resident/login`);
      await resident.getByLabel('メールアドレス').fill(email);
      await resident.getByLabel('パスワード').fill('Kaihatsu-Mado-2026');
      await resident.getByRole('button', { name: 'ログイン', exact: true }).click();
      await resident.waitForURL(/\/mypage$/);
      assert.match(await resident.locator('#email-status').innerText(), /未確認/);

      // staff open the development mailbox from the staff menu
      const staff = await sctx.newPage();
      staff.__nojs = !js;
      await staffLogin(staff);
      await staff.goto(`${dev.base}/staff`);
      await staff.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '送信メール', exact: true }).click();
      await staff.waitForURL(/\/staff\/outbox$/);
      // delivered by the job runner within its poll interval: reload until the row is there
      const row = staff.locator('main table tbody tr', { hasText: email });
      for (let i = 0; i < 100 && !(await row.count()); i++) {
        await staff.waitForTimeout(100);
        await staff.reload();
      }
      assert.match(await row.innerText(), /開発用メールボックスに配達済み/);
      await axeAt(browser, staff, `outbox list (${tag})`);
      await row.getByRole('link').click();
      await staff.waitForURL(/\/staff\/outbox\/\d+$/);
      await axeAt(browser, staff, `outbox message (${tag})`);
      const link = staff.locator('#mail-body a', { hasText: '/resident/verify?token=' });
      const href = await link.getAttribute('href');
      assert.ok(href.startsWith(`${dev.base}/resident/verify?token=`), `the link uses the listen address and port: ${href}`);

      // the resident opens the link and confirms
      await resident.goto(href);
      await axeAt(browser, resident, `confirm page (${tag})`);
      await resident.getByRole('button', { name: '確認する' }).click();
      await resident.locator('main', { hasText: 'メールアドレスを確認しました' }).waitFor();
      await resident.goto(`${dev.base}/mypage`);
      assert.match(await resident.locator('#email-status').innerText(), /確認済み/);
    } finally {
      await rctx.close();
      await sctx.close();
    }
  });
}

after(async () => { if (dev) await dev.stop(); });
