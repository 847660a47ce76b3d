// lifeevent.test.mjs -- connected one-stop in Chromium: on a 360 px phone,
// with JavaScript on and then off, a resident answers the 転入 (moving in)
// interview (a follow-up question revealed in place with JavaScript, after
// "next" without), starts the procedures it chose as one bundle, fills in the
// two drafts (the interview's answers already in them) and submits them
// together (「変更」 on a check page comes back to it), once the bundle's
// one payment of its fees is paid (at the counter); each application
// lands in its own department (checked in the database).  axe-core (WCAG 2.0 A and AA) on every page of the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, cli } from '../http/lib.mjs';
import { payAtCounter } from '../http/apply_lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({ setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']) });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label) => axeCheck(browser, page, label);

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

const next = (page) => page.locator('button.button[name="_action"][value="next"]').click();

async function moveIn(js, email, password) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  const label = js ? 'JS' : 'no JS';
  await page.goto(`${srv.base}/resident/login`);
  await page.getByLabel('メールアドレス').fill(email);
  await page.getByLabel('パスワード').fill(password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.waitForURL(/\/mypage/);

  await page.goto(`${srv.base}/life-events`);
  await axe(page, `life events (${label})`);
  await page.getByRole('link', { name: '引越し（転入）' }).click();
  await axe(page, `interview page 1 (${label})`);
  // an unanswered page: the error summary, focused links to the questions
  await next(page);
  await axe(page, `interview errors (${label})`);
  assert.equal(await page.locator('.error-summary a[href="#f-health_insurance"]').count(), 1);
  // a follow-up question (保育園, 就学援助 after "with children"): with
  // JavaScript it is revealed in place; without, it comes after "next"
  const nursery = page.locator('input[name="f.wants_nursery"][value="yes"]');
  assert.equal(await nursery.isVisible(), false, 'not asked before the answer');
  await page.check('input[name="f.with_children"][value="yes"]');
  await page.check('input[name="f.health_insurance"][value="employee"]');
  await page.check('input[name="f.has_dog"][value="no"]');
  await page.check('input[name="f.parks_bicycle"][value="yes"]');
  if (js) {
    await nursery.waitFor({ state: 'visible' });
    assert.equal(await page.locator('input[name="f.with_children"][value="yes"]').getAttribute('aria-controls'),
      'reveal-wants_nursery reveal-wants_school_aid');
    assert.match(await page.locator('input[name="_shown"]').inputValue(), /\bwants_nursery\b/);
    await axe(page, `interview, follow-up revealed (${label})`);
    // changing the answer hides it again
    await page.check('input[name="f.with_children"][value="no"]');
    await nursery.waitFor({ state: 'hidden' });
    assert.doesNotMatch(await page.locator('input[name="_shown"]').inputValue(), /\bwants_nursery\b/);
  } else {
    assert.equal(await nursery.isVisible(), false, 'without JavaScript: still hidden');
    await next(page);
    await page.waitForSelector('.notice');
    assert.match(await page.locator('.notice').innerText(), /質問が追加されました/);
    assert.equal(await nursery.isVisible(), true, 'after "next": asked');
    await axe(page, `interview, follow-up after next (${label})`);
    await page.check('input[name="f.with_children"][value="no"]');
  }
  await next(page);
  await axe(page, `interview page 2 (${label})`);
  await page.fill('[name="f.applicant_name.family"]', '転居');
  await page.fill('[name="f.applicant_name.given"]', '一郎');
  await page.fill('[name="f.applicant_name.family_kana"]', 'テンキョ');
  await page.fill('[name="f.applicant_name.given_kana"]', 'イチロウ');
  await page.fill('[name="f.applicant_birth"]', '1988-05-12');
  await page.fill('[name="f.applicant_address.postal_code"]', '1668570');
  await page.selectOption('[name="f.applicant_address.pref"]', '東京都');
  await page.fill('[name="f.applicant_address.city"]', 'デモ区');
  await page.fill('[name="f.applicant_address.street"]', '1-2-3');
  await page.fill('[name="f.applicant_phone"]', '03-5555-0303');
  await next(page);
  await axe(page, `procedures that apply (${label})`);
  assert.ok(await page.locator('input[value="tennyu-yoyaku"]').isChecked());
  assert.ok(await page.locator('input[value="jitensha-chushajo"]').isChecked());
  assert.ok(!(await page.locator('input[value="kokuho-kanyu-dattai"]').isChecked()));
  await page.getByRole('button', { name: 'これらの申請を始める' }).click();
  await page.waitForURL(/\/bundles\/\d+$/);
  const bundle = page.url();
  await axe(page, `bundle (${label})`);
  const links = await page.locator('a[href^="/drafts/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.equal(links.length, 2);

  for (const href of links) {
    await page.goto(srv.base + href);
    const title = await page.locator('h1').innerText();
    if (await page.locator('[name="f.parking"]').count()) {
      // 自転車駐車場: the name, address and phone came from the interview
      assert.equal(await page.locator('[name="f.applicant_phone"]').inputValue(), '03-5555-0303');
      await page.selectOption('[name="f.parking"]', 'station_north');
      await page.check('input[name="f.vehicle"][value="bicycle"]');
      await page.check('input[name="f.months"][value="3"]');
      await page.check('input[name="f.student"][value="no"]');
      await page.fill('[name="f.start_date"]', jstDate(7));
      await page.fill('[name="f.registration_no"]', '東京123456');
      await axe(page, `bicycle parking form (${label})`);
      await next(page);
    } else {
      // 転入届: who (from the register), then where from and when
      await axe(page, `moving-in form, ${title} (${label})`);
      await next(page);
      await page.fill('[name="f.previous_address.postal_code"]', '5300001');
      await page.selectOption('[name="f.previous_address.pref"]', '大阪府');
      await page.fill('[name="f.previous_address.city"]', '大阪市北区');
      await page.fill('[name="f.previous_address.street"]', '梅田1-1');
      await page.fill('[name="f.move_in_date"]', jstDate(-2));
      await page.check('input[name="f.used_card"][value="no"]');
      await page.selectOption('[name="f.visit_slot"]', 'am');
      await page.fill('[name="f.visit_date"]', jstDate(3));
      await next(page);
      await page.waitForURL(/\/confirm$/);
      // 「変更」 of the first page, saved: back to the check page, not on
      // through the second page again
      await page.locator('.confirm-head a').first().click();
      await page.waitForURL(/\/page\/0\?from=check$/);
      await axe(page, `changing from the check page (${label})`);
      await next(page);
    }
    await page.waitForURL(/\/confirm$/);
    await axe(page, `confirmation (${label})`);
  }
  await page.goto(bundle);
  assert.match(await page.locator('main').innerText(), /すべての手続の入力が済みました/);
  // 自転車駐車場's fee (1,800円) is paid before submission: one payment
  // for the bundle's fees, and the button waits for it
  assert.equal(await page.locator('#fee-state').getAttribute('data-state'), 'unpaid');
  assert.match(await page.locator('#fee-step .fee').innerText(), /1800円/);
  assert.ok(await page.getByRole('button', { name: 'まとめて申請する' }).isDisabled());
  await axe(page, `the bundle's pay step (${label})`);
  await page.getByRole('button', { name: '手数料を支払う' }).click();
  await page.waitForURL(/\/pay\/\d{14}$/);
  const number = page.url().match(/\/pay\/(\d{14})$/)[1];
  // paid in cash at the ward's counter (会計課), then back to the bundle
  await payAtCounter(srv.base, number);
  await page.locator('#pay-back').click();
  await page.waitForURL(/\/bundles\/\d+$/);
  assert.equal(await page.locator('#fee-state').getAttribute('data-state'), 'paid');
  await axe(page, `the bundle's fee paid (${label})`);
  await page.getByRole('button', { name: 'まとめて申請する' }).click();
  await page.waitForURL(/\/bundles\/\d+$/);
  await axe(page, `bundle submitted (${label})`);
  const receipts = await page.locator('a[href^="/submissions/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href').split('/')[2]));
  assert.equal(receipts.length, 2);
  await ctx.close();
  return receipts;
}

test('a 転入 bundle on a phone, with and without JavaScript, lands in two departments', async () => {
  for (const [js, email, password] of [[true, 'demo-taro@example.jp', 'Hinode-Kumin-2026'],
    [false, 'demo-sakura@example.jp', 'Minato-Kumin-2026']]) {
    const receipts = await moveIn(js, email, password);
    const db = srv.db.replace(/^sqlite:/, '');
    const rows = execFileSync('sqlite3', [db, `SELECT procedure || ' ' || department FROM apply_submissions WHERE receipt IN ('${receipts.join("','")}') ORDER BY procedure`],
      { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(rows, ['jitensha-chushajo doboku', 'tennyu-yoyaku kuminka']);
  }
});
