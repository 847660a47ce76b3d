// fee_before.test.mjs -- a procedure's fee paid before submission in a
// real browser (Debian's Chromium via playwright-core), 360 px wide, with
// JavaScript on and off: the check page's pay step (unpaid: the submit
// button disabled and described by why), the button to the payments
// service's page and its link back, a コンビニ slip chosen (pending), then
// paid at the ward's counter: the step says paid, the button is enabled,
// the submission is received and its page names the payment.  axe-core
// (WCAG 2.0 A and AA) finds nothing and no page scrolls sideways on each
// state of the step.  Every wait is for a state, never a time.  At the
// counter (書かない窓口) a member of staff who may not take payments is told
// on the answers page which fee, how much and where it is taken; one who
// may (demo-kumin, 窓口収納) takes it with the application.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, axe } from './lib.mjs';
import { startServer, Client, cli, loginWithTotp, DEMO_USERS, ROOT } from '../http/lib.mjs';
import { loadProcedures, registerResident, png, payAtCounter } from '../http/apply_lib.mjs';

let srv, browser;

// 子ども医療証 with a fee paid before submission (400円), complete from
// the register and the birth interview
function counterFeeProcedure({ db, dir }) {
  const own = join(dir, 'counter-fee');
  mkdirSync(own);
  const def = JSON.parse(readFileSync(join(ROOT, 'data/procedures/kodomo-iryosho.json'), 'utf8'));
  for (const pg of def.pages) for (const f of pg.fields) if (['insurance', 'insurance_card'].includes(f.id)) f.required = false;
  def.fee = { amount_yen: 400, timing: 'before_submit' };
  writeFileSync(join(own, 'kodomo-iryosho.json'), JSON.stringify(def));
  cli(['procedure', 'load', '--db', db, '--tenant', '139998', own]);
}

before(async () => {
  srv = await startServer({ setup: (ctx) => { loadProcedures(ctx); counterFeeProcedure(ctx); } });
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

// ---- at the counter (書かない窓口) ----

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

// a staff page with that member's session (a TOTP code is single-use: the
// cookie is handed over)
async function staffPage(login, password) {
  const c = new Client(srv.base);
  await loginWithTotp(c, login, password);
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const u = new URL(srv.base);
  await ctx.addCookies([...c.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  return { ctx, page: await ctx.newPage() };
}

// the birth interview for register person code, 子ども医療証 alone, to
// 「この内容で申請を受け付ける」
async function counterAccept(page, code) {
  const next = () => page.locator('button.button[name="_action"][value="next"]').click();
  await page.goto(`${srv.base}/staff/counter/birth?person=${code}`);
  await page.fill('[name="f.child_name.family"]', '港');
  await page.fill('[name="f.child_name.given"]', 'みらい');
  await page.fill('[name="f.child_name.family_kana"]', 'ミナト');
  await page.fill('[name="f.child_name.given_kana"]', 'ミライ');
  await page.fill('[name="f.child_birth"]', jstDate(-5));
  await page.check('input[name="f.wants_nursery"][value="no"]');
  await next();
  await page.waitForSelector('[name="f.applicant_phone"]');
  await page.fill('[name="f.applicant_phone"]', '03-5555-0101');
  await next();
  await page.waitForSelector('input[name="procedure"]');
  await page.waitForLoadState('load');
  for (const box of await page.locator('input[name="procedure"]').all())
    if ((await box.getAttribute('value')) !== 'kodomo-iryosho') await box.uncheck();
  await page.check('#proc-kodomo-iryosho');
  await page.getByRole('button', { name: '申請内容を確認・入力する' }).click();
  await page.locator('h1', { hasText: '申請内容の確認と入力' }).waitFor();
  await page.getByRole('button', { name: 'この内容で申請を受け付ける' }).click();
}

test('at the counter: the fee is refused to staff who may not take payments, taken by staff who may', async () => {
  const list = cli(['registry', 'list', '--db', srv.db, '--tenant', '139998']);
  const code = list.split('\n').find((l) => /\t港 /.test(l))?.split('\t')[2];
  assert.ok(code, 'a register person of the demo ward');
  // demo-staff (子育て支援): refused, said on the answers page
  const a = await staffPage(...DEMO_USERS.staff);
  await counterAccept(a.page, code);
  await a.page.locator('h1', { hasText: 'まだ申請を受け付けられません' }).waitFor();
  const note = await a.page.locator('#counter-refused').innerText();
  assert.match(note, /「子ども医療証の交付申請」の手数料400円/);
  assert.match(note, /会計課の窓口で手数料を受け取ってから申請してください/);
  assert.equal(await a.page.getByRole('button', { name: 'この内容で申請を受け付ける' }).count(), 1,
    'the answers page, to accept again');
  await axe(browser, a.page, 'the counter refusing the fee');
  await a.ctx.close();
  // demo-kumin (区民課, 窓口収納): taken with the application
  const k = await staffPage('demo-kumin', 'Kusunoki-Kumin-2026');
  await counterAccept(k.page, code);
  await k.page.locator('h1', { hasText: '窓口で受け付けました' }).waitFor();
  assert.match(await k.page.locator('.receipt-number').first().innerText(), /^139998-\d{4}-\d{8}$/);
  await axe(browser, k.page, 'the counter having taken the fee');
  await k.ctx.close();
});
