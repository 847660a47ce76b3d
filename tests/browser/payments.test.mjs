// payments.test.mjs -- the fee step and the payments' staff pages in a
// real browser (Debian's Chromium via playwright-core), at 360 px wide,
// with JavaScript on and off: a resident pays a bulky-waste booking
// online (the method forgotten first: the error summary links to the
// choice; Pay-easy's three numbers; then the コンビニ slip, opened from its
// link and read back with pdftotext); 会計課 staff import the collection
// agent's file (a malformed one first: its line is named), see the payment
// paid and the daily statement, and ask for a refund that another member
// approves.  axe-core (WCAG 2.0 A and AA) finds nothing and no page
// scrolls sideways.  Every wait is for a state, never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, axe } from './lib.mjs';
import { startServer, Client, cli, loginWithTotp, registerAndLogin, DEMO_USERS } from '../http/lib.mjs';

let srv, browser, kaikei, admin;
const residents = [];

before(async () => {
  srv = await startServer();
  browser = await launch();
  kaikei = new Client(srv.base);
  await loginWithTotp(kaikei, 'demo-kaikei', 'Sazanka-Kaikei-2026');
  admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin);
  for (const i of [0, 1]) residents.push(await registerAndLogin(srv.base, `bpay-${i}@example.org`, 'Kumo-Sora-Umi-2026'));
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function pageAs(client, js) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP',
    javaScriptEnabled: js, acceptDownloads: true });
  const u = new URL(srv.base);
  await ctx.addCookies([...client.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  const page = await ctx.newPage();
  page.__nojs = !js;
  return page;
}

function barcodeOf(number) {
  const out = cli(['payments', 'show', '--db', srv.db, '--tenant', '139998', number]);
  return out.match(/^barcode\t(\d{44})$/m)[1];
}

for (const js of [true, false]) {
  test(`a resident pays a booking online: the fee step, Pay-easy, the コンビニ slip (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const page = await pageAs(residents[js ? 0 : 1], js);
    // a booking from the chatbot's list
    await page.goto(`${srv.base}/waste/book?list=chair*1&chome=${encodeURIComponent('日之出町1丁目')}`);
    await page.locator('#f-address').fill('3番4号');
    await page.locator('#f-name').fill('デモ 次郎');
    await page.locator('#f-phone').fill('03-0000-4321');
    await page.getByRole('button', { name: '予約する' }).click();
    await page.waitForURL(/\/mypage\/waste\/\d{10}\?booked=1$/);
    await page.getByRole('button', { name: 'オンラインで支払う' }).click();
    await page.waitForURL(/\/pay\/\d{14}$/);
    const number = page.url().match(/\/pay\/(\d{14})$/)[1];
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), '手数料のお支払い');
    assert.equal(await page.locator('#pay-amount').innerText(), '400円');
    await axe(browser, page, `the fee step (js ${js})`);
    // no method chosen: the summary links to the choice
    await page.getByRole('button', { name: 'この方法で支払う' }).click();
    await page.locator('.error-summary').waitFor();
    assert.match(await page.locator('.error-summary').innerText(), /支払方法を選んでください/);
    assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#f-method');
    await axe(browser, page, `the fee step with an error (js ${js})`);
    // Pay-easy: the three numbers
    await page.getByLabel(/ペイジー/).check();
    await page.getByRole('button', { name: 'この方法で支払う' }).click();
    await page.locator('#pay-payeasy').waitFor();
    assert.equal(await page.locator('#payeasy-customer').innerText(), number);
    assert.match(await page.locator('#payeasy-confirm').innerText(), /^\d{4}$/);
    await axe(browser, page, `Pay-easy numbers (js ${js})`);
    // then the コンビニ slip
    await page.getByLabel(/コンビニ払い/).check();
    await page.getByRole('button', { name: '支払方法を変える' }).click();
    await page.locator('#pay-konbini').waitFor();
    await axe(browser, page, `コンビニ (js ${js})`);
    const href = await page.locator('#pay-slip').getAttribute('href');
    assert.equal(href, `/pay/${number}/slip.pdf`);
    const res = await page.context().request.get(srv.base + href);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'mg-bslip-'));
    try {
      writeFileSync(join(dir, 's.pdf'), await res.body());
      const text = execFileSync('pdftotext', ['-layout', join(dir, 's.pdf'), '-'], { encoding: 'utf8' });
      assert.match(text, /400円/);
      assert.match(text, /粗大ごみ処理手数料/);
      assert.match(text, new RegExp(number));
    } finally { rmSync(dir, { recursive: true, force: true }); }
    await page.context().close();
  });
}

for (const js of [true, false]) {
  test(`会計課: import a result file, the statement, a refund by two people (JavaScript ${js ? 'on' : 'off'})`, async () => {
    // a payment to import: the resident's of the test above
    const c = residents[js ? 0 : 1];
    const mine = await c.get('/mypage/waste');
    const booking = mine.text_.match(/href="\/mypage\/waste\/(\d{10})"/)[1];
    const bpage = await c.get(`/mypage/waste/${booking}`);
    const number = bpage.text_.match(/href="\/pay\/(\d{14})"/)[1];
    const code = barcodeOf(number);
    const day = new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);
    const dir = mkdtempSync(join(tmpdir(), 'mg-bimp-'));
    const page = await pageAs(kaikei, js);
    try {
      const bad = join(dir, 'bad.csv'), good = join(dir, `good-${js}.csv`);
      writeFileSync(bad, `barcode,amount_yen,paid_on,store\n${code},400,${day},デモマート\n${code.slice(0, 40)},400,${day},X\n`);
      writeFileSync(good, `barcode,amount_yen,paid_on,store\n${code},400,${day},デモマート港町店\n`);
      await page.goto(`${srv.base}/staff/payments/import`);
      await axe(browser, page, `import form (js ${js})`);
      await page.locator('#f-file').setInputFiles(bad);
      await page.getByRole('button', { name: '取り込む' }).click();
      await page.locator('.error-summary').waitFor();
      assert.match(await page.locator('.error-summary').innerText(), /3 行目に誤りがあるため取り込みませんでした/);
      assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#f-file');
      await axe(browser, page, `import refused (js ${js})`);
      await page.locator('#f-file').setInputFiles(good);
      await page.getByRole('button', { name: '取り込む' }).click();
      await page.locator('#import-done').waitFor();
      assert.match(await page.locator('#import-done').innerText(), /1 行を取り込みました。支払済み・確認 1/);
      // the payment, paid
      await page.goto(`${srv.base}/staff/payments?q=${number}`);
      await page.locator(`a[href="/staff/payments/${number}"]`).click();
      await page.locator('#pay-detail').waitFor();
      assert.equal(await page.locator('#pay-state').innerText(), '支払済み');
      await axe(browser, page, `a paid payment (js ${js})`);
      // the statement of the day
      await page.goto(`${srv.base}/staff/payments/statement?day=${day}&method=konbini`);
      // the day's コンビニ payments: this one, and the one of the run before (JavaScript on)
      assert.match(await page.locator('#st-expected').innerText(), js ? /\b1\s+400円/ : /\b2\s+800円/);
      await axe(browser, page, `statement (js ${js})`);
      // a refund: asked by 会計課 ...
      await page.goto(`${srv.base}/staff/payments/${number}`);
      await page.getByRole('button', { name: '返金を申請する' }).click();
      await page.locator('.error-summary').waitFor();
      assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#f-reason');
      await page.locator('#f-reason').fill('収集前に取り消したため');
      await page.getByRole('button', { name: '返金を申請する' }).click();
      await page.locator('#refund-other').waitFor();
      await axe(browser, page, `refund asked (js ${js})`);
      // ... approved by another member
      const other = await pageAs(admin, js);
      await other.goto(`${srv.base}/staff/payments/${number}`);
      await other.getByRole('button', { name: '返金を承認する' }).click();
      await other.locator('#refund-done').waitFor();
      assert.equal(await other.locator('#pay-state').innerText(), '返金済み');
      await axe(browser, other, `refunded (js ${js})`);
      await other.context().close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await page.context().close();
    }
  });
}

test('会計課 set the municipality\'s codes for the rails: the form, its error, saved (360 px, axe)', async () => {
  const page = await pageAs(kaikei, false);
  try {
    await page.goto(`${srv.base}/staff/payments`);
    await page.locator('#pay-rails-link').click();
    await page.locator('#rails-source').waitFor();
    assert.equal(await page.locator('#rails-source').getAttribute('data-own'), '0');
    await axe(browser, page, 'the codes for the rails');
    await page.locator('#f-payeasy_biller').fill('1234');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('.error-summary').waitFor();
    assert.equal(await page.locator('.error-summary a').getAttribute('href'), '#f-payeasy_biller');
    assert.match(await page.locator('.error-summary').innerText(), /ペイジー収納機関番号は数字5桁です/);
    assert.equal(await page.locator('#f-payeasy_biller').getAttribute('aria-invalid'), 'true');
    await axe(browser, page, 'the codes refused');
    await page.locator('#f-payeasy_biller').fill('12345');
    await page.getByRole('button', { name: '保存する' }).click();
    await page.locator('#rails-saved').waitFor();
    assert.equal(await page.locator('#rails-source').getAttribute('data-own'), '1');
    assert.equal(await page.locator('#f-payeasy_biller').inputValue(), '12345');
    await axe(browser, page, 'the codes saved');
  } finally {
    await page.context().close();
  }
});
