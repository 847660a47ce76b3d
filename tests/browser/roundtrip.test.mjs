// roundtrip.test.mjs -- one application between a resident and the ward,
// in Chromium at 360 px: staff return it with a message (inbox page), the
// resident reads the message on the status page, corrects an answer and
// resubmits without JavaScript (same receipt number, revision 2), staff
// approve it, and the resident's status page says so.  axe-core (WCAG 2.0
// A and AA) on every page on the way.  (The resident's own multi-page,
// signed submission is apply.test.mjs; this starts from a submission made
// with `madoguchi submission submit`, as a counter clerk would.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, Client, cli, loginWithTotp } from '../http/lib.mjs';
import { submit, addStaff, inkanAnswers } from '../http/inbox_fixture.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({ setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']) });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label) => axeCheck(browser, page, label, { overflow: false });

async function staffPage(client) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const u = new URL(srv.base);
  await ctx.addCookies([...client.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  return ctx.newPage();
}

test('returned, corrected without JavaScript, approved', async () => {
  // a clerk of 区民課 (kuminka), logged in once with two-factor
  addStaff(srv, '139998', 'kumin-clerk', 'kuminka', 'Kawasemi-Hashi-2026');
  const clerk = new Client(srv.base);
  await loginWithTotp(clerk, 'kumin-clerk', 'Kawasemi-Hashi-2026');
  // 印鑑登録証明書 for 日之出 太郎, one copy: his name, birth date and
  // address are the resident register's (read-only there: once only)
  const juki = JSON.parse(cli(['registry', 'show', '--db', srv.db, '--tenant', '139998', '--person', 'P0001']));
  const sub = submit(srv, 'inkan-shomei', inkanAnswers({ applicant_name: juki.name,
    applicant_birth: juki.birth_date, applicant_address: juki.address }), 'demo-taro@example.jp');
  assert.match(sub.receipt, /^139998-\d{4}-\d{8}$/);

  // staff return it with a message
  const staff = await staffPage(clerk);
  await staff.goto(`${srv.base}/staff/inbox`);
  await axe(staff, 'inbox');
  await staff.goto(`${srv.base}/staff/submissions/${sub.id}`);
  await axe(staff, 'submission');
  const note = '必要な通数を2通に訂正してください。';
  await staff.locator('#note-returned').fill(note);
  await staff.locator('form:has(#note-returned)').getByRole('button').click();
  await staff.waitForLoadState();
  assert.match(await staff.locator('main').innerText(), /差戻し|returned/);

  // the resident, without JavaScript: the note, then a correction
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: false, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = true;
  await page.goto(`${srv.base}/resident/login`);
  await page.getByLabel('メールアドレス').fill('demo-taro@example.jp');
  await page.getByLabel('パスワード').fill('Hinode-Kumin-2026');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/mypage/);
  await page.goto(`${srv.base}/submissions/${sub.receipt}`);
  await axe(page, 'returned status page');
  assert.ok((await page.locator('main').innerText()).includes(note), 'the message from staff is shown');
  await page.locator(`form[action="/submissions/${sub.receipt}/correct"] button`).click();
  await page.waitForURL(/\/drafts\/\d+\/page\/\d+$/);
  await axe(page, 'correction draft');
  for (let i = 0; i < 10 && !/\/confirm$/.test(page.url()); i++) {
    if (await page.locator('[name="f.copies"]').count()) await page.fill('[name="f.copies"]', '2');
    await page.locator('button.button[name="_action"][value="next"]').click();
    await page.waitForLoadState();
  }
  assert.match(page.url(), /\/confirm$/);
  await axe(page, 'correction confirmation');
  await page.locator('form[action$="/submit"] button[type="submit"]').last().click();
  await page.waitForURL(new RegExp(`/submissions/${sub.receipt}`));
  await axe(page, 'resubmitted receipt');

  // staff see revision 2 with the new answer, and approve it
  await staff.goto(`${srv.base}/staff/submissions/${sub.id}`);
  const text = await staff.locator('main').innerText();
  assert.match(text, /受付|received/);
  await staff.locator('form:has(input[name="to"][value="approved"])').getByRole('button').click();
  await staff.waitForLoadState();
  await axe(staff, 'approved submission');

  await page.goto(`${srv.base}/submissions/${sub.receipt}`);
  assert.match(await page.locator('main').innerText(), /承認/);
  await ctx.close();
  await staff.context().close();

  // the stored submission: revision 2, approved, two copies
  const rows = cli(['submission', 'list', '--db', srv.db, '--tenant', '139998', '--json'])
    .trim().split('\n').map((l) => JSON.parse(l));
  const row = rows.find((s) => s.receipt === sub.receipt);
  assert.equal(row.status, 'approved');
  assert.equal(row.revision, 2);
});
