// inbox_bulk.test.mjs -- issue 14 item 6 in a real browser (Chromium via
// playwright-core) at 360 px, with JavaScript on and off (off: the
// context's javaScriptEnabled false; axe then runs on a scripted copy, see
// lib.mjs): the inbox filtered by each field alone (the others left at
// 「指定なし」) and combined, the CSV exported from the link under the list,
// two rows ticked and assigned at once; axe-core finds no violation on the
// inbox, and the page never scrolls sideways.  It also writes the
// screenshots docs/screens/inbox-360.png and docs/screens/inbox-1280.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { launch, axe, settle } from './lib.mjs';
import { ROOT } from '../http/lib.mjs';
import { inboxFixture, submit, iryoshoAnswers, hoikuAnswers, R2, PNG } from '../http/inbox_fixture.mjs';

let fx, browser;

before(async () => {
  fx = await inboxFixture();
  fx.subs.h = submit(fx.srv, 'hoikusho-riyou', hoikuAnswers(), R2);
  fx.subs.old = submit(fx.srv, 'kodomo-iryosho', iryoshoAnswers({
    applicant_name: { family: '窓口', given: '太郎', family_kana: 'マドグチ', given_kana: 'タロウ' }, applicant_birth: '1970-07-07' }),
  R2, { files: { insurance_card: PNG }, receivedOn: '2026-10-01' });
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (fx) await fx.srv.stop();
});

async function staffPage(who, width, js) {
  const ctx = await browser.newContext({ viewport: { width, height: 800 }, locale: 'ja-JP', javaScriptEnabled: js,
    acceptDownloads: true });
  const u = new URL(fx.srv.base);
  await ctx.addCookies([...fx.clients[who].jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  const page = await ctx.newPage();
  page.__nojs = !js;
  return page;
}

// the receipts listed, with or without the page's JavaScript
async function listed(page) {
  const trs = page.locator('table.inbox tbody tr[data-receipt]');
  const n = await trs.count();
  const out = [];
  for (let i = 0; i < n; i++) out.push(await trs.nth(i).getAttribute('data-receipt'));
  return out.sort();
}

// set the filters given (the others to 指定なし / empty) and submit the form
async function filter(page, o) {
  await page.goto(`${fx.srv.base}/staff/inbox`);
  for (const [name, value] of Object.entries(o)) {
    const el = page.locator(`#f-${name}`);
    if (name === 'from' || name === 'to') await el.fill(value);
    else await el.selectOption(value);
  }
  await Promise.all([page.waitForURL(/\/staff\/inbox\?/), page.getByRole('button', { name: '絞り込む' }).click()]);
  await settle(page);
  assert.match(await page.locator('table.inbox caption').innerText(), /受付一覧/, JSON.stringify(o));
  return listed(page);
}

test('inbox at 360 px, JavaScript on and off: each filter alone, combined, exported, bulk-assigned; axe clean', async () => {
  const s = fx.subs;
  for (const js of [true, false]) {
    const page = await staffPage('deptA', 360, js);
    const label = js ? 'js' : 'no-js';
    await page.goto(`${fx.srv.base}/staff/inbox`);
    await axe(browser, page, `inbox ${label} @360`);
    const every = await listed(page);
    for (const r of [s.a.receipt, s.h.receipt, s.old.receipt]) assert.ok(every.includes(r), `${r} listed (${label})`);
    // each field alone
    assert.deepEqual(await filter(page, { department: 'hoiku' }), [s.h.receipt]);
    assert.deepEqual(await filter(page, { procedure: 'kodomo-iryosho' }), [s.a.receipt, s.old.receipt].sort());
    assert.ok((await filter(page, { status: 'received' })).includes(s.h.receipt));
    const fromList = await filter(page, { from: '2026-11-01' });
    assert.ok(!fromList.includes(s.old.receipt) && fromList.includes(s.a.receipt));
    assert.deepEqual(await filter(page, { to: '2026-10-31' }), [s.old.receipt]);
    const unassigned = await filter(page, { assignee: 'unassigned' });
    assert.ok(unassigned.length >= 1);
    // combined, then exported: the link carries the filters
    assert.deepEqual(await filter(page, { department: 'kosodate-teate', procedure: 'kodomo-iryosho', to: '2026-10-31' }), [s.old.receipt]);
    await axe(browser, page, `filtered inbox ${label} @360`);
    const link = page.locator('a[data-export="cp932"]');
    assert.match(await link.getAttribute('href'), /department=kosodate-teate.*procedure=kodomo-iryosho.*to=2026-10-31/);
    const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
    assert.equal(dl.suggestedFilename(), 'kodomo-iryosho-v1-sjis.csv');
    const bytes = await new Promise((resolve, reject) => {
      dl.createReadStream().then((st) => {
        const chunks = [];
        st.on('data', (d) => chunks.push(d));
        st.on('end', () => resolve(Buffer.concat(chunks)));
        st.on('error', reject);
      }, reject);
    });
    const csv = new TextDecoder('shift_jis').decode(bytes).split('\r\n').filter(Boolean);
    assert.equal(csv.length, 2, 'the header and the one row the filters select');
    assert.ok(csv[1].startsWith(s.old.receipt));
    // bulk: tick two rows, assign them to a colleague (JS on) or to oneself (off)
    await page.goto(`${fx.srv.base}/staff/inbox`);
    await page.locator(`#sel-${s.a.id}`).check();
    await page.locator(`#sel-${s.h.id}`).check();
    const who = js ? 'kosodate-2' : 'demo-staff';
    const opt = page.locator('#bulk-assignee option', { hasText: `(${who})` });
    await page.locator('#bulk-assignee').selectOption(await opt.getAttribute('value'));
    await Promise.all([page.waitForURL(/\/staff\/inbox$/),
      page.getByRole('button', { name: '選択した申請の担当者にする' }).click()]);
    await settle(page);
    for (const id of [s.a.id, s.h.id]) {
      const cell = page.locator(`tr:has(#sel-${id}) td`).nth(5);
      assert.match(await cell.innerText(), new RegExp(js ? 'kosodate-2' : 'デモ 職員'));
    }
    await axe(browser, page, `inbox after bulk ${label} @360`);
    await page.context().close();
  }
});

test('screenshots of the inbox at 360 and 1280 px (docs/screens)', async () => {
  mkdirSync(`${ROOT}/docs/screens`, { recursive: true });
  for (const width of [360, 1280]) {
    const page = await staffPage('deptA', width, true);
    await page.goto(`${fx.srv.base}/staff/inbox`);
    await settle(page);
    await page.screenshot({ path: `${ROOT}/docs/screens/inbox-${width}.png`, fullPage: true });
    await page.context().close();
  }
});

test('departments, a department form, the unrouted view and a refused bulk action: axe clean at 360 px, JS on and off', async () => {
  for (const js of [true, false]) {
    const label = js ? 'js' : 'no-js';
    const page = await staffPage('admin', 360, js);
    await page.goto(`${fx.srv.base}/staff/departments`);
    assert.match(await page.locator('tr[data-code="kokuho-nenkin"] th').innerText(), /国保年金課/);
    await axe(browser, page, `departments ${label} @360`);
    await page.goto(`${fx.srv.base}/staff/departments/edit?code=seisou`);
    assert.equal(await page.locator('#f-name_ja').inputValue(), '清掃事務所');
    assert.equal(await page.locator('input[value="machi"]').isChecked(), true);
    await axe(browser, page, `department form ${label} @360`);
    await page.goto(`${fx.srv.base}/staff/inbox/unrouted`);
    assert.equal(await page.locator('#unrouted-summary').getAttribute('data-count'), '0');
    await axe(browser, page, `unrouted view ${label} @360`);
    await page.context().close();
    // a bulk move not allowed for a row: the refusal page names it
    const staff = await staffPage('deptA', 360, js);
    await staff.goto(`${fx.srv.base}/staff/inbox`);
    await staff.locator(`#sel-${fx.subs.old.id}`).check();
    await staff.locator('#bulk-to').selectOption('completed');
    await Promise.all([staff.waitForURL(/\/staff\/inbox\/bulk$/),
      staff.getByRole('button', { name: '選択した申請の状態を変える' }).click()]);
    assert.match(await staff.locator('.bulk-refused').innerText(), new RegExp(fx.subs.old.receipt));
    await axe(browser, staff, `bulk refused ${label} @360`);
    await staff.context().close();
  }
});
