// waste_remind.test.mjs -- the day-before reminder of bulky-waste
// bookings (src/svc/waste/web/remind.c, the job waste.remind) on the real
// server: `serve --waste-remind-hour 0` so it runs at any hour of the
// test.  Bookings for tomorrow (JST) are written into the demo database
// before the server starts (the booking pages refuse tomorrow after
// 17:00 JST, and tomorrow need not be a collection day of the demo):
//   - the booking with an e-mail address gets one message, to that
//     address, naming the day, the number, the items and the unpaid fee,
//     with the link to My page, in the words of the ward's message
//     template "waste.reminder" in force (a version 2 written before the
//     server starts);
//   - a cancelled booking, one without an address and one for the day
//     after tomorrow get none; an address the outbox refuses gets none
//     and stops nobody else's;
//   - a booking made from an account follows the resident's choice on My
//     page (svc/notify's subscription to waste.reminder): subscribed in
//     English, the English text; not subscribed, none; unsubscribed by
//     the link of a message, none from then on;
//   - the job run again (after a restart, its next run made due) sends
//     nothing more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from './lib.mjs';

const DEMO = '139998';
const dayNo = (k) => Math.floor((Date.now() / 1000 + 9 * 3600) / 86400) + k;
let srv;

function sql(db, q) {
  return execFileSync('sqlite3', [db.slice(7), q]).toString().trim();
}

// a booking for tomorrow from an account (a resident's)
const booking = (number, account, email) => 'INSERT INTO waste_bookings (tenant, number, area, day, points, fee_yen, items, state,'
  + ' created_at, chome, address, place, name, phone, email, account)'
  + ` VALUES ('${DEMO}', '${number}', 'kita', ${dayNo(1)}, 1, 400, '[{"id":"chair","name":"椅子","count":1,"fee_yen":400}]',`
  + ` 'booked', 0, '日之出町1丁目', '2番3号', '', 'デモ 太郎', '03-0000-5678', '${email}', ${account});`;

function seed({ db }) {
  const items = JSON.stringify([{ id: 'chair', name: '椅子', count: 2, fee_yen: 400 }]).replace(/'/g, "''");
  const rows = [
    // first by id: an address the outbox refuses (stored before the
    // booking checked it) must not stop the others
    ['5000000009', dayNo(1), 'booked', 'taro.@example.jp'],
    ['1000000008', dayNo(1), 'booked', 'remind-me@example.org'],
    ['2000000006', dayNo(1), 'cancelled', 'cancelled@example.org'],
    ['3000000004', dayNo(1), 'booked', ''],
    ['4000000002', dayNo(2), 'booked', 'later@example.org'],
  ];
  let q = '';
  // from accounts: 71 subscribes in English, 72 does not, 73 and 74
  // subscribe (73 will unsubscribe by its link before its booking is due)
  const sub = (account, lang, token) => 'INSERT INTO notify_subscriptions (tenant, account, topic, channel, address, lang, token, created_at)'
    + ` VALUES ('${DEMO}', ${account}, 'waste.reminder', 'email', 'sub${account}@example.org', '${lang}', '${token}', 0);`;
  q += sub(71, 'en', 'a'.repeat(64)) + sub(73, 'ja', 'c'.repeat(64)) + sub(74, 'ja-easy', 'd'.repeat(64));
  for (const d of [dayNo(1), dayNo(2)])
    q += `INSERT OR IGNORE INTO waste_days (tenant, area, day, capacity, booked) VALUES ('${DEMO}', 'kita', ${d}, 40, 0);`;
  for (const [number, day, state, email] of rows)
    q += 'INSERT INTO waste_bookings (tenant, number, area, day, points, fee_yen, items, state, created_at,'
      + ' chome, address, place, name, phone, email)'
      + ` VALUES ('${DEMO}', '${number}', 'kita', ${day}, 2, 800, '${items}', '${state}', 0,`
      + ` '日之出町1丁目', '2番3号', '玄関前', 'デモ 花子', '03-0000-1234', '${email}');`;
  q += booking('6000000007', 71, 'english@example.org') + booking('7000000005', 72, 'not-subscribed@example.org');
  // the reminder's text is the ward's template in force (src/svc/notify):
  // a version 2, as staff would save it at /staff/notify/templates
  q += 'INSERT INTO notify_template_versions (template_id, version, subject_en, body_en, subject_ja, body_ja, author, note, created_at)'
    + " SELECT id, 2, '[Bulky waste] Tomorrow (version 2)', 'Collected on ((date_iso)) at ((place)). Booking ((number)).\n((fee))\n((url))',"
    + " '【粗大ごみ】明日は収集日です（第2版）',"
    + ` '((date))に収集します。((place))へ出してください。
受付番号: ((number))
((items))
((fee))
予約: ((url))
版2の文面です。', 'test', 'test', 0`
    + ` FROM notify_templates WHERE tenant = '${DEMO}' AND slug = 'waste.reminder';`
    + `UPDATE notify_templates SET version = 2 WHERE tenant = '${DEMO}' AND slug = 'waste.reminder';`;
  sql(db, q);
}

async function reminders(expectAtLeast, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const out = sql(srv.db, "SELECT recipient || char(9) || replace(subject, char(10), ' ') || char(9) || replace(body, char(10), ' ')"
      + " FROM mail_outbox WHERE subject LIKE '%粗大ごみ%' OR subject LIKE '%Bulky waste%' ORDER BY id");
    const rows = out ? out.split('\n').map((l) => l.split('\t')) : [];
    if (rows.length >= expectAtLeast || Date.now() > end) return rows;
    await new Promise((r) => setTimeout(r, 250));
  }
}

before(async () => {
  srv = await startServer({ setup: seed, extraArgs: ['--waste-remind-hour', '0'] });
});
after(async () => { if (srv) await srv.stop(); });

test('tomorrow\'s booking with an address is reminded once; the others are not', async () => {
  const all = await reminders(2);
  assert.equal(all.length, 2, JSON.stringify(all));
  const rows = all.filter((r) => r[0] === 'remind-me@example.org');
  assert.equal(rows.length, 1, JSON.stringify(all));
  const [to, subject, body] = rows[0];
  assert.equal(to, 'remind-me@example.org');
  assert.match(subject, /明日は収集日/);
  // the template's version 2, not the shipped text
  assert.match(subject, /（第2版）/);
  assert.match(body, /版2の文面です。/);
  assert.doesNotMatch(body, /\(\([a-z_]+\)\)/, 'every placeholder filled');
  assert.match(body, /受付番号: 1000000008/);
  assert.match(body, /椅子 × 2/);
  assert.match(body, /玄関前/);
  assert.match(body, /手数料 800円 が未納/);
  assert.match(body, /\/mypage\/waste\/1000000008/);
  const d = new Date(dayNo(1) * 86400e3);
  assert.match(body, new RegExp(`${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`));
  assert.doesNotMatch(body, /デモ 花子|03-0000-1234/);   // the message names no one
  assert.notEqual(sql(srv.db, "SELECT reminded_at FROM waste_bookings WHERE number = '1000000008'"), '');
  // the refused address: marked, nothing sent; so is the booking of an
  // account without the subscription
  assert.equal(sql(srv.db, "SELECT count(*) FROM waste_bookings WHERE reminded_at IS NOT NULL"), '4');
  assert.equal(sql(srv.db, "SELECT count(*) FROM mail_outbox WHERE recipient = 'taro.@example.jp'"), '0');
});

test('a booking from an account follows its subscription: in its language, none without one', async () => {
  const rows = await reminders(2);
  const en = rows.filter((r) => r[0] === 'english@example.org');
  assert.equal(en.length, 1, JSON.stringify(rows));
  const [, subject, body] = en[0];
  assert.equal(subject, '[Bulky waste] Tomorrow (version 2)');   // the template's English, version 2
  assert.match(body, new RegExp(`Collected on ${new Date(dayNo(1) * 86400e3).toISOString().slice(0, 10)}`));
  assert.match(body, /at in front of your home\. Booking 6000000007\./, 'the place named in English when none was typed');
  assert.match(body, /The fee \(400 yen\) is not paid/, 'the fee in English');
  assert.match(body, /\/mypage\/waste\/6000000007/);
  assert.doesNotMatch(body, /手数料|ご自宅/);
  // not subscribed: marked, no message
  assert.notEqual(sql(srv.db, "SELECT reminded_at FROM waste_bookings WHERE number = '7000000005'"), '');
  assert.equal(sql(srv.db, "SELECT count(*) FROM mail_outbox WHERE recipient = 'not-subscribed@example.org'"), '0');
});

test('run again, the job sends nothing more; a resident who unsubscribed by the link gets none', async () => {
  // 73 unsubscribes from the link alone (no login, no cookie); then 73's
  // and 74's bookings for tomorrow arrive
  const c = new Client(srv.base);
  assert.equal((await c.post(`/unsubscribe/${'c'.repeat(64)}`, { form: {} })).status, 200);
  assert.equal(sql(srv.db, "SELECT count(*) FROM notify_subscriptions WHERE account = 73"), '0');
  sql(srv.db, booking('8000000003', 73, 'unsubscribed@example.org') + booking('9000000001', 74, 'easy@example.org'));
  srv.proc.kill('SIGTERM');
  const r = await srv.exited;
  assert.equal(r.code, 0);
  const done = sql(srv.db, "SELECT count(*) FROM jobs WHERE kind = 'waste.remind' AND status = 'done'");
  // its next run (15 minutes away) made due now
  sql(srv.db, "UPDATE jobs SET run_after = 0 WHERE kind = 'waste.remind' AND status = 'queued'");
  await srv.restart();
  // wait until the restarted server has run the job once more
  const end = Date.now() + 30000;
  while (sql(srv.db, "SELECT count(*) FROM jobs WHERE kind = 'waste.remind' AND status = 'done'") === done && Date.now() < end)
    await new Promise((r) => setTimeout(r, 250));
  assert.notEqual(sql(srv.db, "SELECT count(*) FROM jobs WHERE kind = 'waste.remind' AND status = 'done'"), done);
  const rows = await reminders(3, 0);
  assert.deepEqual(rows.map((r) => r[0]).sort(), ['easy@example.org', 'english@example.org', 'remind-me@example.org'],
    'one more, to the subscriber; none to who unsubscribed, none again to the others');
  // やさしい日本語 is empty in version 2: its Japanese
  assert.match(rows.find((r) => r[0] === 'easy@example.org')[1], /（第2版）/);
  // its one-click link (List-Unsubscribe; version 2, written before the
  // field was shipped, has no place for it in the text) ends 74's
  // subscription from the link alone
  const link = sql(srv.db, "SELECT unsubscribe_url FROM mail_outbox WHERE recipient = 'easy@example.org'");
  assert.equal(link, `${srv.base}/unsubscribe/${'d'.repeat(64)}`);
  assert.equal((await new Client(srv.base).post(new URL(link).pathname, { form: { 'List-Unsubscribe': 'One-Click' } })).status, 200);
  assert.equal(sql(srv.db, "SELECT count(*) FROM notify_subscriptions WHERE account = 74"), '0');
  assert.notEqual(sql(srv.db, "SELECT reminded_at FROM waste_bookings WHERE number = '8000000003'"), '');
});
