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
//   - the job run again (after a restart, its next run made due) sends
//     nothing more.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer } from './lib.mjs';

const DEMO = '139998';
const dayNo = (k) => Math.floor((Date.now() / 1000 + 9 * 3600) / 86400) + k;
let srv;

function sql(db, q) {
  return execFileSync('sqlite3', [db.slice(7), q]).toString().trim();
}

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
  for (const d of [dayNo(1), dayNo(2)])
    q += `INSERT OR IGNORE INTO waste_days (tenant, area, day, capacity, booked) VALUES ('${DEMO}', 'kita', ${d}, 40, 0);`;
  for (const [number, day, state, email] of rows)
    q += 'INSERT INTO waste_bookings (tenant, number, area, day, points, fee_yen, items, state, created_at,'
      + ' chome, address, place, name, phone, email)'
      + ` VALUES ('${DEMO}', '${number}', 'kita', ${day}, 2, 800, '${items}', '${state}', 0,`
      + ` '日之出町1丁目', '2番3号', '玄関前', 'デモ 花子', '03-0000-1234', '${email}');`;
  // the reminder's text is the ward's template in force (src/svc/notify):
  // a version 2, as staff would save it at /staff/notify/templates
  q += 'INSERT INTO notify_template_versions (template_id, version, subject_ja, body_ja, author, note, created_at)'
    + " SELECT id, 2, '【粗大ごみ】明日は収集日です（第2版）',"
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
      + " FROM mail_outbox WHERE subject LIKE '%粗大ごみ%' ORDER BY id");
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
  const rows = await reminders(1);
  assert.equal(rows.length, 1, JSON.stringify(rows));
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
  // the refused address: marked, nothing sent
  assert.equal(sql(srv.db, "SELECT count(*) FROM waste_bookings WHERE reminded_at IS NOT NULL"), '2');
  assert.equal(sql(srv.db, "SELECT count(*) FROM mail_outbox WHERE recipient = 'taro.@example.jp'"), '0');
});

test('run again, the job sends nothing more', async () => {
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
  assert.equal((await reminders(2, 0)).length, 1);
});
