// booking_lottery.test.mjs -- a lottery won and paid, in Chromium at 360
// px, JavaScript on and off: the demo resident 日之出 太郎 (leader of an
// approved group) enters a rooms' lottery with two ranked choices; its
// entries close and it is drawn from its public value (the CLI, as the
// job would at its time); he is the only entrant and wins his first
// choice; on My page he confirms the win and goes on to pay online
// (Pay-easy numbers); the published page shows his entry by number only.
// axe-core (WCAG 2.0 A/AA) on every page.  The round's times are moved
// in the database (as a staff reschedule would) so that the test holds on
// any day and at any hour.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, Client, cli, DEMO } from '../http/lib.mjs';

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
const sqlite = (q) => execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();

// the month after next in Japan (a rooms' round of it exists in the demo)
function monthAfterNext() {
  const t = new Date(Date.now() + 9 * 3600 * 1000);
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 2, 1));
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1 };
}

// a round of the rooms for that month, its entries open now
function openRound(seq) {
  const { y, m } = monthAfterNext();
  const month = String(y * 100 + m);
  const line = cli(['booking', 'rounds', '--db', srv.db, '--tenant', DEMO]).split('\n')
    .find((l) => { const f = l.split('\t'); return f[1] === 'room' && f[2] === month && f[3] === String(seq); });
  assert.ok(line, `a rooms' round ${seq} of ${month}`);
  const round = line.split('\t')[0];
  const now = Math.floor(Date.now() / 1000);
  sqlite(`UPDATE booking_rounds SET entry_from = ${now - 3600}, entry_to = ${now + 3600}, draw_at = ${now + 3700},`
    + ` confirm_by = ${now + 5 * 86400}, who = 3 WHERE id = ${round}`);
  return { round, y, m };
}

// entries closed, the public value entered, drawn
function draw(round) {
  const now = Math.floor(Date.now() / 1000);
  sqlite(`UPDATE booking_rounds SET entry_to = ${now - 60} WHERE id = ${round}`);
  cli(['booking', 'public', round, `public-${round}`, '--db', srv.db, '--tenant', DEMO]);
  sqlite(`UPDATE booking_rounds SET draw_at = ${now - 30} WHERE id = ${round}`);
  try { cli(['booking', 'draw', round, '--db', srv.db, '--tenant', DEMO]); } catch { /* the job drew it first */ }
  assert.match(cli(['booking', 'redraw', round, '--db', srv.db, '--tenant', DEMO]), /^madoguchi-booking-lottery 1/);
}

async function taro() {
  const c = new Client(srv.base);
  const pre = (await c.get('/resident/login')).text_.match(/name="pre" value="([^"]+)"/)[1];
  const l = await c.post('/resident/login', { form: { pre, email: 'demo-taro@example.jp', password: 'Hinode-Kumin-2026' } });
  assert.equal(l.status, 303);
  return c;
}

async function context(js, client) {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const u = new URL(srv.base);
  await ctx.addCookies([...client.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;   // axe is run from a JavaScript-enabled copy of the page (lib.mjs)
  return { ctx, page };
}

for (const [seq, js] of [[1, true], [2, false]]) {
  const label = js ? 'JS' : 'no JS';
  test(`enter a lottery, win, confirm, pay (${label})`, async () => {
    const { round, y, m } = openRound(seq);
    const { ctx, page } = await context(js, await taro());
    await page.goto(`${srv.base}/facilities/lottery/${round}`);
    await axe(page, `the lottery's page (${label})`);
    await page.goto(`${srv.base}/facilities/lottery/${round}/enter`);
    await axe(page, `the entry form (${label})`);
    // days of their own (the other run's win blocks its slot in this round)
    const mm = String(m).padStart(2, '0'), day1 = `${y}-${mm}-${js ? 10 : 12}`, day2 = `${y}-${mm}-${js ? 11 : 13}`;
    await page.locator('#f-group').selectOption({ label: '日之出テニスクラブ（デモ）' });
    await page.locator('#f-c1_unit').selectOption({ value: 'hinode-kaikan:room1' });
    await page.locator('#f-c1_day').selectOption(day1);
    await page.locator('#f-c1_band').selectOption({ index: 1 });
    await page.locator('#f-c2_unit').selectOption({ value: 'hinode-kaikan:room2' });
    await page.locator('#f-c2_day').selectOption(day2);
    await page.locator('#f-c2_band').selectOption({ index: 1 });
    await page.getByRole('button', { name: '抽選に申し込む' }).click();
    await page.locator('#booking-notice').waitFor();
    await axe(page, `an entry made (${label})`);
    draw(round);
    // the published page: the seed and the whole text, the entry by number only
    await page.goto(`${srv.base}/facilities/lottery/${round}`);
    await page.locator('#round-result').waitFor();
    const text = await page.locator('#round-result').innerText();
    assert.match(text, / won 1 hinode-kaikan\/room1\//);
    assert.doesNotMatch(text, /日之出|太郎/);
    await axe(page, `the drawn lottery (${label})`);
    // My page: the win, confirmed, then paid online
    await page.goto(`${srv.base}/mypage/facilities`);
    await axe(page, `My page with a win (${label})`);
    await page.locator('table.booking-mine a[href^="/mypage/facilities/"]').first().click();
    await page.locator('#booking-state[data-state="won"]').waitFor();
    await axe(page, `a win to confirm (${label})`);
    await page.getByRole('button', { name: '予約を確定する' }).click();
    await page.locator('#booking-state[data-state="booked"]').waitFor();
    await page.locator('#booking-pay-online').click();
    await page.waitForURL(/\/pay\/\d{14}$/);
    await axe(page, `the fee step (${label})`);
    await page.getByLabel(/ペイジー/).check();
    await page.getByRole('button', { name: 'この方法で支払う' }).click();
    await page.locator('#pay-payeasy').waitFor();
    await axe(page, `Pay-easy numbers for a facility (${label})`);
    await ctx.close();
  });
}
