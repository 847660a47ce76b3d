// booking_resident.test.mjs -- the resident's facility booking in Chromium
// at 360 px, JavaScript on and off: from the facilities to a community
// hall, a day of next month picked with the date field, a free slot chosen
// in the grid, the hold form filled, the booking confirmed and cancelled
// (its box ticked); the groups page and the lotteries.  axe-core (WCAG 2.0
// A/AA) on every page; nothing wider than the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe as axeCheck } from './lib.mjs';
import { execFileSync } from 'node:child_process';
import { startServer, registerAndLogin, cli, DEMO } from '../http/lib.mjs';

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

// a round drawn now: the rooms' 1次 of next month, its entries closed and
// its draw time moved to now (as a staff reschedule would), its public
// value entered and drawn by the CLI (or by the server's job, first)
let drawn;
function drawRound() {
  if (drawn) return drawn;
  const t = new Date(Date.now() + 9 * 3600 * 1000);
  const next = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 15));
  const month = String(next.getUTCFullYear() * 100 + next.getUTCMonth() + 1);
  const line = cli(['booking', 'rounds', '--db', srv.db, '--tenant', DEMO]).split('\n')
    .find((l) => { const f = l.split('\t'); return f[1] === 'room' && f[2] === month && f[3] === '1'; });
  const round = line.split('\t')[0];
  const now = Math.floor(Date.now() / 1000);
  execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), `UPDATE booking_rounds SET entry_from = ${now - 7200}, entry_to = ${now - 60}, draw_at = ${now + 3600}, confirm_by = ${now + 5 * 86400} WHERE id = ${round}`]);
  cli(['booking', 'public', round, 'browser-public-1', '--db', srv.db, '--tenant', DEMO]);
  execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), `UPDATE booking_rounds SET draw_at = ${now - 30} WHERE id = ${round}`]);
  try { cli(['booking', 'draw', round, '--db', srv.db, '--tenant', DEMO]); } catch { /* the job drew it first */ }
  drawn = round;
  return round;
}

// the 15th of next month in Japan: its 空き枠 is open whatever today is
function nextMonthDay() {
  const t = new Date(Date.now() + 9 * 3600 * 1000);
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 15)).toISOString().slice(0, 10);
}

async function context(js, client) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const u = new URL(srv.base);
  await ctx.addCookies([...client.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page };
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';
  const bandName = js ? '午前' : '午後';

  test(`a resident holds a free slot, confirms and cancels it (${label})`, async () => {
    const c = await registerAndLogin(srv.base, `booking-browser-${js ? 'js' : 'nojs'}@example.org`, 'Kumo-Sora-Umi-2026');
    const { ctx, page } = await context(js, c);
    const day = nextMonthDay();
    await page.goto(`${srv.base}/facilities`);
    await axe(page, `the facilities (${label})`);
    await page.getByRole('link', { name: 'デモ区立日之出会館' }).click();
    await page.waitForURL(/\/facilities\/hinode-kaikan$/);
    await page.getByLabel('日付', { exact: true }).fill(day);
    await page.getByRole('button', { name: '表示' }).click();
    await page.waitForURL(new RegExp(`day=${day}`));
    await axe(page, `a day's grid (${label})`);
    await page.getByRole('link', { name: `選ぶ 第1集会室 ${bandName}` }).click();
    await page.waitForURL(/\/hold\?/);
    await axe(page, `the hold form (${label})`);
    await page.getByLabel('利用人数').fill('12');
    await page.getByLabel('利用目的').fill('町会の打合せ');
    await page.getByRole('button', { name: '仮予約する' }).click();
    await page.waitForURL(/\/mypage\/facilities\/\d{10}\?held=1$/);
    assert.equal(await page.locator('#booking-state').getAttribute('data-state'), 'held');
    await axe(page, `a held booking (${label})`);
    await page.getByRole('button', { name: '予約を確定する' }).click();
    await page.locator('#booking-state[data-state="booked"]').waitFor();
    assert.match(await page.locator('#booking-pay-by').innerText(), /までにお支払いください/);
    await axe(page, `a confirmed booking (${label})`);
    // the box unticked: refused, said on the field
    await page.getByRole('button', { name: '取り消す' }).click();
    await page.locator('#f-confirm-error').waitFor();
    await axe(page, `a cancel without the box (${label})`);
    await page.getByLabel('この予約を取り消します').check();
    await page.getByRole('button', { name: '取り消す' }).click();
    await page.locator('#booking-state[data-state="cancelled"]').waitFor();
    await page.goto(`${srv.base}/mypage/facilities`);
    await axe(page, `My page's bookings (${label})`);
    assert.equal(await page.locator('table.booking-mine tbody tr').count(), 1);
    await ctx.close();
  });

  test(`the groups page and the lotteries (${label})`, async () => {
    const c = await registerAndLogin(srv.base, `booking-groups-${js ? 'js' : 'nojs'}@example.org`, 'Kumo-Sora-Umi-2026');
    const { ctx, page } = await context(js, c);
    await page.goto(`${srv.base}/mypage/facilities/groups`);
    await axe(page, `the groups page (${label})`);
    await page.getByLabel('団体名').fill('デモ囲碁の会');
    await page.locator('#f-m1_name').fill('港 太郎');
    await page.locator('#f-m1_kana').fill('ミナト タロウ');
    await page.locator('#f-m1_birth').fill('1970-02-03');
    await page.getByRole('button', { name: '登録を申請する' }).click();
    await page.locator('#booking-notice').waitFor();
    assert.match(await page.locator('table.booking-groups').innerText(), /デモ囲碁の会[\s\S]*審査中/);
    await axe(page, `a group registered (${label})`);
    await page.goto(`${srv.base}/facilities/lottery`);
    await axe(page, `the lotteries (${label})`);
    await page.locator('table.booking-rounds a[href^="/facilities/lottery/"]').first().click();
    await page.waitForURL(/\/facilities\/lottery\/\d+$/);
    await axe(page, `a lottery's page (${label})`);
    // a drawn round's published page: the seed, the hash and the result text fit the screen
    await page.goto(`${srv.base}/facilities/lottery/${drawRound()}`);
    await page.locator('#round-result').waitFor();
    assert.match(await page.locator('#round-seed').innerText(), /^[0-9a-f]{64}$/);
    await axe(page, `a drawn lottery's page (${label})`);
    await ctx.close();
  });
}
