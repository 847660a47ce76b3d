// fee_before.test.mjs -- a procedure's fee paid before submission in a
// real browser (Debian's Chromium via playwright-core), 360 px wide, with
// JavaScript on and off: the check page's pay step (unpaid: the submit
// button disabled and described by why), the button to the payments
// service's page and its link back, a コンビニ slip chosen (pending), then
// paid at the ward's counter: the step says paid, the button is enabled,
// the submission is received and its page names the payment.  axe-core
// (WCAG 2.0 A and AA) finds nothing and no page scrolls sideways on each
// state of the step.  Every wait is for a state, never a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe } from './lib.mjs';
import { startServer } from '../http/lib.mjs';
import { loadProcedures, registerResident, png, payAtCounter } from '../http/apply_lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({ setup: loadProcedures });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

// a complete api-kazei draft (300円, paid before submission)
async function kazeiDraft(api) {
  const d = await api.post('/api/v1/drafts', { json: { procedure: 'api-kazei' } });
  assert.equal(d.status, 201, d.text_);
  const up = await api.put(`/api/v1/drafts/${d.json.id}/files/id_document?name=menkyo.png`,
    { body: png(3000), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text_);
  const s = await api.put(`/api/v1/drafts/${d.json.id}`,
    { json: { answers: { purpose: '手数料の試験', copies: 1, id_document: up.json.file }, page: 0 } });
  assert.equal(s.status, 200, s.text_);
  return d.json.id;
}

async function pageAs(api, js) {
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP',
    javaScriptEnabled: js });
  ctx.setDefaultTimeout(60000);
  const u = new URL(srv.base);
  await ctx.addCookies([...api.c.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page };
}

for (const js of [true, false]) {
  test(`the check page's pay step, then the submission (JavaScript ${js ? 'on' : 'off'})`, async () => {
    const api = await registerResident(srv.base, `bfee-${js ? 'js' : 'nojs'}@example.jp`);
    const id = await kazeiDraft(api);
    const { ctx, page } = await pageAs(api, js);
    await page.goto(`${srv.base}/drafts/${id}/confirm`);
    // unpaid: the step, its state, and the submit button waiting for it
    const step = page.getByRole('region', { name: '手数料のお支払い' });
    await step.waitFor();
    assert.equal(await page.locator('#fee-state').getAttribute('data-state'), 'unpaid');
    assert.match(await step.innerText(), /300円/);
    const submit = page.getByRole('button', { name: '申請する' });
    assert.ok(await submit.isDisabled());
    assert.equal(await submit.getAttribute('aria-describedby'), 'fee-lead');
    assert.match(await page.locator('#fee-lead').innerText(), /手数料を支払ってから申請します/);
    await axe(browser, page, `the pay step, unpaid (js ${js})`);
    // to the payments service's page
    await page.getByRole('button', { name: '手数料を支払う' }).click();
    await page.waitForURL(/\/pay\/\d{14}$/);
    const number = page.url().match(/\/pay\/(\d{14})$/)[1];
    assert.equal(await page.locator('#pay-amount').innerText(), '300円');
    // a コンビニ slip chosen: pending, and the way back to the check page
    await page.getByLabel(/コンビニ/).check();
    await page.getByRole('button', { name: 'この方法で支払う' }).click();
    await page.locator('#pay-back').waitFor();
    await page.locator('#pay-back').click();
    await page.waitForURL(new RegExp(`/drafts/${id}/confirm$`));
    assert.equal(await page.locator('#fee-state').getAttribute('data-state'), 'pending');
    assert.equal(await page.locator('#fee-number').innerText(), number);
    assert.ok(await page.getByRole('button', { name: '申請する' }).isDisabled());
    assert.equal(await page.getByRole('button', { name: '支払いを続ける' }).count(), 1);
    await axe(browser, page, `the pay step, pending (js ${js})`);
    // paid at the ward's counter: the step says so, the button is enabled
    await payAtCounter(srv.base, number);
    await page.goto(`${srv.base}/drafts/${id}/confirm`);
    await page.locator('#fee-state[data-state="paid"]').waitFor();
    assert.match(await page.getByRole('region', { name: '手数料のお支払い' }).innerText(), /手数料の支払いが済みました/);
    assert.ok(await page.getByRole('button', { name: '申請する' }).isEnabled());
    await axe(browser, page, `the pay step, paid (js ${js})`);
    await page.getByRole('button', { name: '申請する' }).click();
    await page.waitForURL(/\/submissions\/139998-\d{4}-\d{8}\?new=1$/);
    assert.equal(await page.locator('#sub-payment').innerText(), number);
    await axe(browser, page, `the submission with its payment (js ${js})`);
    await ctx.close();
  });
}
