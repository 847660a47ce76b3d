// mail.test.mjs -- the resident e-mail pages in a real browser (Chromium via
// playwright-core) with axe-core (WCAG 2.0 A and AA) on each, at desktop
// and 360 px widths: register, my page (unconfirmed, with the resend
// button), the confirmation page reached from the mailed link, the reset
// request and its answer, the new-password form with its error summary,
// and the final pages.  Mail goes through the local SMTP sink.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axeViolations } from './lib.mjs';
import { startServer, startSmtpSink } from '../http/lib.mjs';

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
