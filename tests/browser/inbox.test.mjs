// inbox.test.mjs -- the staff back office in a real browser (Chromium via
// playwright-core): axe-core (WCAG 2.0 A and AA) on the inbox, a
// submission and its history, with JavaScript on and off, at 1280 and
// 360 px; a member of staff returns one application with a message to the
// resident and approves another, by keyboard-reachable forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axeViolations, overflowPx } from './lib.mjs';
import { inboxFixture, submit, inkanAnswers, hoikuAnswers } from '../http/inbox_fixture.mjs';

let fx, browser;

before(async () => {
  fx = await inboxFixture();
  // one more for department A's second tab and a returned one to look at
  fx.subs.h = submit(fx.srv, 'hoikusho-riyou', hoikuAnswers(), 'kumin.jiro@example.jp');
  submit(fx.srv, 'inkan-shomei', inkanAnswers(), 'kumin.jiro@example.jp');
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (fx) await fx.srv.stop();
});

async function axe(page, label) {
  assert.deepEqual(await axeViolations(page), [], `axe violations on ${label}`);
}

// a browser page logged in as the staff member of the HTTP fixture (the
// session cookie is handed over: a TOTP code is single-use).  "JavaScript
// off" is the page without its own script (madoguchi.js is not loaded);
// the browser's JavaScript stays on so that axe-core can run.
async function staffPage(who, width, js) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width, height: 800 }, locale: 'ja-JP' });
  if (!js) await ctx.route(/\/assets\/[^/]+\.js$/, (route) => route.abort());
  const u = new URL(fx.srv.base);
  await ctx.addCookies([...fx.clients[who].jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  return ctx.newPage();
}

test('inbox, submission and history pages: no axe violations, JavaScript on and off, desktop and phone', async () => {
  for (const js of [true, false]) {
    for (const width of [1280, 360]) {
      const page = await staffPage('deptA', width, js);
      const label = `${js ? 'js' : 'no-js'} @${width}`;
      await page.goto(`${fx.srv.base}/staff/inbox`);
      assert.match(await page.locator('table.inbox caption').innerText(), /受付一覧/);
      await axe(page, `inbox ${label}`);
      await page.goto(`${fx.srv.base}/staff/inbox?view=overdue`);
      await axe(page, `inbox overdue ${label}`);
      await page.goto(`${fx.srv.base}/staff/inbox`);
      await page.getByRole('link', { name: fx.subs.a.receipt }).click();
      await page.waitForURL(new RegExp(`/staff/submissions/${fx.subs.a.id}$`));
      await axe(page, `submission ${label}`);
      await page.goto(`${fx.srv.base}/staff/submissions/${fx.subs.a.id}/history`);
      await axe(page, `history ${label}`);
      if (width === 360) {
        for (const p of ['/staff/inbox', `/staff/submissions/${fx.subs.a.id}`]) {
          await page.goto(fx.srv.base + p);
          const overflow = await overflowPx(page);
          assert.ok(overflow <= 0, `horizontal overflow ${overflow}px on ${p} at 360`);
        }
      }
      await page.context().close();
    }
  }
});

test('staff return one application with a message and approve another', async () => {
  for (const js of [true, false]) {
    const page = await staffPage('deptA', 1280, js);
    if (js) {
      const [ret, app] = [fx.subs.a, fx.subs.h];
      await page.goto(`${fx.srv.base}/staff/submissions/${ret.id}`);
      // returning without a message: the browser asks for it first (the
      // server refuses it too: tests/http/inbox.test.mjs)
      await page.locator('form:has(#note-returned)').getByRole('button').click();
      assert.equal(await page.locator('#note-returned').evaluate((el) => el.validity.valueMissing), true);
      assert.equal(await page.locator('#current-status').innerText(), '受付');
      await page.locator('#note-returned').fill('保険証の画像が読み取れません。もう一度添付してください。');
      await page.locator('form:has(#note-returned)').getByRole('button').click();
      await page.waitForURL(new RegExp(`/staff/submissions/${ret.id}$`));
      assert.equal(await page.locator('#current-status').innerText(), '差戻し');
      assert.match(await page.locator('table.history').innerText(), /受付 → 差戻し/);
      await axe(page, 'returned submission');
      // approve the other one
      await page.goto(`${fx.srv.base}/staff/submissions/${app.id}`);
      await page.locator('form:has(input[name="to"][value="approved"])').getByRole('button').click();
      await page.waitForURL(new RegExp(`/staff/submissions/${app.id}$`));
      assert.equal(await page.locator('#current-status').innerText(), '承認');
      // the inbox tabs count them
      await page.goto(`${fx.srv.base}/staff/inbox`);
      assert.match(await page.locator('.inbox-tabs').innerText(), /差戻し \(1\)/);
      assert.match(await page.locator('.inbox-tabs').innerText(), /承認 \(1\)/);
      await axe(page, 'inbox after the changes');
    } else {
      // without JavaScript the same forms work: move the approved one on
      await page.goto(`${fx.srv.base}/staff/submissions/${fx.subs.h.id}`);
      await page.locator('form:has(input[name="to"][value="completed"])').getByRole('button').click();
      await page.waitForURL(new RegExp(`/staff/submissions/${fx.subs.h.id}$`));
      assert.equal(await page.locator('#current-status').innerText(), '完了');
      await axe(page, 'completed submission (no JS)');
    }
    await page.context().close();
  }
});
