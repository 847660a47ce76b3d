// waste.test.mjs -- the bulky-waste chatbot (/waste) in Chromium at 360 px,
// JavaScript on and off: from the home page's tile, a resident writes two
// things in one sentence, answers the size question for one of them, sees
// both in the list with the total, removes one; a refused item is
// explained.  Then the whole booking: a logged-in resident's two items,
// the 町丁目, the earliest day with room, the contact, the booking's page,
// payment by 処理券, a change of day and the cancellation.
// axe-core (WCAG 2.0 A/AA) on every page; nothing wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, registerAndLogin } from '../http/lib.mjs';

let srv, browser;

before(async () => {
  srv = await startServer({});
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label) => axeCheck(browser, page, label);

async function context(js, client) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  if (client) {
    const u = new URL(srv.base);
    await ctx.addCookies([...client.jar].map(([name, value]) =>
      ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  }
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;   /* lib.mjs's axe runs on a copy with JavaScript */
  return { ctx, page };
}

async function fits(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `page ${w} px wide at 360`);
}

const rows = (page) => page.locator('table.waste-list tbody tr').evaluateAll((trs) =>
  trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.innerText.trim())));

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  test(`a resident finds two items, answers the size question and sees the total (${label})`, async () => {
    const { ctx, page } = await context(js);
    await page.goto(`${srv.base}/`);
    await page.locator('a[href="/waste"]').first().click();
    await page.waitForURL(/\/waste$/);
    await axe(page, `the chatbot page (${label})`);
    await page.getByLabel('出したいもの').fill('本棚と椅子2脚');
    await page.getByRole('button', { name: '調べる' }).click();
    await page.waitForURL(/\/waste\?/);
    await page.getByText('「椅子」を「椅子」として読みました。').waitFor();
    assert.deepEqual(await rows(page), [['椅子', '2', '800円']]);
    await fits(page);
    await axe(page, `an answer with a size question (${label})`);
    const q = page.getByRole('group', { name: /「本棚」は大きさで手数料が変わります/ });
    await q.getByLabel('本棚（高さ100cm超）：1,200円').check();
    await page.getByRole('button', { name: 'これにする' }).click();
    await page.locator('tr[data-item="bookshelf_h_gt_100"]').waitFor();
    assert.deepEqual(await rows(page), [['椅子', '2', '800円'], ['本棚（高さ100cm超）', '1', '1,200円']]);
    assert.equal(await page.locator('.waste-total').innerText(), '手数料の合計：2,000円');
    await axe(page, `the list with the total (${label})`);
    await page.getByRole('link', { name: '取り消す 椅子' }).click();
    await page.locator('tr[data-item="chair"]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('.waste-total').innerText(), '手数料の合計：1,200円');
    // a refused item: why and where instead, no fee, not listed
    await page.getByLabel('出したいもの').fill('れいぞうこ');
    await page.getByRole('button', { name: '調べる' }).click();
    await page.locator('.waste-not').waitFor();
    assert.match(await page.locator('.waste-not').innerText(), /粗大ごみとして出せません[\s\S]*家電リサイクル/);
    assert.doesNotMatch(await page.locator('.waste-not').innerText(), /円/);
    assert.deepEqual(await rows(page), [['本棚（高さ100cm超）', '1', '1,200円']]);
    await fits(page);
    await axe(page, `a refused item (${label})`);
    await ctx.close();
  });
}

// 処理券 for fee: B (400 yen) and A (300 yen) tickets adding up to it
function tickets(fee, serial) {
  for (let b = Math.floor(fee / 400); b >= 0; b--) {
    const rest = fee - 400 * b;
    if (rest % 300 === 0) {
      const t = [];
      for (let i = 0; i < b; i++) t.push(`B${String(serial + i).padStart(8, '0')}`);
      for (let i = 0; i < rest / 300; i++) t.push(`A${String(serial + i).padStart(8, '0')}`);
      return t;
    }
  }
  throw new Error(`no tickets for ${fee}`);
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  test(`a resident books, pays by 処理券, changes the day and cancels (${label})`, async () => {
    const client = await registerAndLogin(srv.base, `waste-browser-${js ? 'js' : 'nojs'}@example.org`, 'Kumo-Sora-Umi-2026');
    const { ctx, page } = await context(js, client);
    await page.goto(`${srv.base}/waste`);
    await page.getByLabel('出したいもの').fill('3人掛けのソファと本棚');
    await page.getByRole('button', { name: '調べる' }).click();
    const q = page.getByRole('group', { name: /「本棚」は大きさで手数料が変わります/ });
    await q.getByLabel('本棚（高さ100cm以下）：600円').check();
    await page.getByRole('button', { name: 'これにする' }).click();
    await page.locator('tr[data-item="bookshelf_h_le_100"]').waitFor();
    assert.equal((await rows(page)).length, 2);
    const total = await page.locator('.waste-total').innerText();
    const fee = Number(total.match(/([\d,]+)円/)[1].replace(/,/g, ''));
    await page.getByRole('link', { name: '収集日を予約する' }).click();
    await page.waitForURL(/\/waste\/book\?/);
    await axe(page, `booking: the 町丁目 (${label})`);
    await page.getByLabel(/出す場所の町丁目/).selectOption('若葉町4丁目');
    await page.getByRole('button', { name: '次へ' }).click();
    await page.waitForURL(/chome=/);
    const days = page.getByRole('group', { name: /収集日/ });
    const first = await days.locator('input[type=radio]').first();
    assert.equal(await first.isChecked(), true);   // the earliest day with room
    await page.getByLabel(/番地・建物名/).fill('1番20号');
    await page.getByLabel(/出す場所/, { exact: false }).last().fill('玄関前');
    await page.getByLabel(/お名前/).fill('若葉 太郎');
    await page.getByLabel(/電話番号/).fill('090-0000-1111');
    await fits(page);
    await axe(page, `booking: day and contact (${label})`);
    await page.getByRole('button', { name: '予約する' }).click();
    await page.waitForURL(/\/mypage\/waste\/\d{10}\?booked=1/);
    assert.match(await page.locator('[role=status]').innerText(), /予約しました/);
    assert.equal(await page.locator('#waste-fee').innerText(), `${fee.toLocaleString('en')}円`);
    assert.match(await page.locator('#waste-state').innerText(), /未納/);
    await fits(page);
    await axe(page, `the booking (${label})`);
    // 処理券: the numbers of tickets adding up to the fee
    await page.getByLabel('処理券の番号').fill(tickets(fee, js ? 1000 : 5000).join('\n'));
    await page.getByRole('button', { name: '処理券の番号を登録する' }).click();
    await page.getByText('処理券の番号を登録しました。').waitFor();
    assert.match(await page.locator('#waste-state').innerText(), /処理券で納付済み/);
    // another day
    const before = await page.locator('#waste-day').innerText();
    const move = page.getByRole('group', { name: '新しい収集日' });
    await move.locator('input[type=radio]').nth(1).check();
    await page.getByRole('button', { name: 'この日に変える' }).click();
    await page.getByText('収集日を変えました。').waitFor();
    assert.notEqual(await page.locator('#waste-day').innerText(), before);
    await axe(page, `the booking, moved (${label})`);
    // cancel: the box first
    await page.getByRole('button', { name: '取り消す' }).click();
    await page.locator('.error-summary').waitFor();
    await axe(page, `cancel without confirmation (${label})`);
    await page.getByLabel('この予約を取り消します').check();
    await page.getByRole('button', { name: '取り消す' }).click();
    await page.getByText('予約を取り消しました。').waitFor();
    assert.match(await page.locator('#waste-state').innerText(), /取消済み/);
    await page.goto(`${srv.base}/mypage/waste`);
    assert.match(await page.locator('table.waste-bookings').innerText(), /取消済み/);
    await axe(page, `My page: bookings (${label})`);
    await ctx.close();
  });
}
