// booking_staff.test.mjs -- the staff's pages of facility reservations
// (src/svc/booking/web/page_staff_*.c) over HTTP, on the real server with
// the demo ward (demo-kumin holds booking.staff and booking.master):
//   - the facilities CSV exported (UTF-8 with BOM, and CP932) and imported
//     back: the export after it is byte for byte the same; a CSV with a bad
//     row is refused naming its line, nothing changed;
//   - a manual booking, then the same slot refused; a closure refused while
//     it meets the booking (the page says how many), then forced;
//   - a recurring booking skipping a week already taken, the skipped day
//     listed; usage counts the bookings of those weeks (page and CSV);
//   - check-in refused before the day of use, done on it (the booking moved
//     to today in the database: the test does not depend on the hour), paid
//     at the counter, cancelled with the fee waived;
//   - groups: the pending one approved; 桜木 一郎 shown in two groups;
//   - rules saved, and a bad rules text refused with its line;
//   - rounds made for a month, rescheduled, the draw refused before its
//     time and the public value refused while entries are open; then (the
//     round's times moved into the past in the database) the late warning,
//     the public value, the draw with two entries of the demo group: drawn,
//     its hash and published page's link shown;
//   - every read of a booking's or group's personal data is audited;
//   - a member of staff without the permissions gets 403.
// Days are far enough ahead (100+ days) that neither the hour nor the day
// of the month matters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, cli, DEMO, Client, DEMO_USERS, loginWithTotp, multipartBody } from './lib.mjs';

let srv, k;
const KUMIN = ['demo-kumin', 'Kusunoki-Kumin-2026'];
const FAC = 'hinode-kaikan';

before(async () => {
  srv = await startServer({});
  k = new Client(srv.base);
  const r = await loginWithTotp(k, ...KUMIN);
  assert.ok([200, 303].includes(r.status), `demo-kumin logs in: ${r.status}`);
});
after(async () => { if (srv) await srv.stop(); });

const sql = (q) => execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
// a day in Japan n days from today, YYYY-MM-DD, and as a day number
const jstDay = (n = 0) => new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
const dayNum = (iso) => Math.round(Date.parse(iso + 'T00:00:00Z') / 86400e3);
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const csrfOf = async (path) => { const p = await k.get(path); assert.equal(p.status, 200, path); return Client.csrf(p.text_); };
const audits = (action, type) => Number(sql(`SELECT count(*) FROM audit_records WHERE action = '${action}' AND object_type = '${type}'`));

async function book(form) {
  const csrf = await csrfOf(`/staff/facilities/${FAC}/calendar`);
  return k.post(`/staff/facilities/${FAC}/book`, { form: { csrf, resident: '1', people: '5', purpose: '会議', ...form } });
}

test('the facilities CSV: UTF-8 with BOM and CP932 round trips, a bad row named by its line', async () => {
  const list = await k.get('/staff/facilities');
  assert.equal(list.status, 200);
  assert.match(list.text_, new RegExp(`href="/staff/facilities/${FAC}/calendar"`));
  const u = await k.req('GET', '/staff/facilities.csv?enc=utf8');
  assert.equal(u.status, 200);
  assert.match(u.headers.get('content-type'), /text\/csv; charset=utf-8/);
  assert.ok(u.text_.startsWith('\ufeff'), 'UTF-8 export has a BOM');
  assert.match(u.text_, /hinode-kaikan,デモ区立日之出会館/);
  // CP932: not UTF-8 bytes; decoded, the same text but for glibc's one-way
  // mapping of WAVE DASH 〜 (U+301C) to 0x8160, read back as ～ (U+FF5E)
  // (src/jp/cp932.h)
  const waved = (t) => t.replace(/\u301c/g, '\uff5e');
  const raw = await fetch(srv.base + '/staff/facilities.csv?enc=cp932', { headers: { cookie: k.cookieHeader() } });
  assert.equal(raw.status, 200);
  assert.match(raw.headers.get('content-type'), /charset=Shift_JIS/);
  const sj = Buffer.from(await raw.arrayBuffer());
  assert.notEqual(sj[0], 0xef, 'no BOM in CP932');
  assert.equal(new TextDecoder('shift_jis').decode(sj), waved(u.text_.slice(1)));
  assert.ok(!sj.includes(Buffer.from('日之出')), 'not UTF-8 bytes');
  // import the CP932 file back, then the UTF-8 one: the export after each
  // is that file, byte for byte
  const csrf = Client.csrf(list.text_);
  for (const [data, want] of [[sj, waved(u.text_)], [Buffer.from(u.text_), u.text_]]) {
    const mp = multipartBody({ csrf }, { name: 'file', filename: 'facilities.csv', type: 'text/csv', data });
    const r = await k.req('POST', '/staff/facilities/import', mp);
    assert.equal(r.status, 303, r.text_.slice(0, 400));
    assert.equal(r.headers.get('location'), '/staff/facilities?imported=3');
    assert.equal((await k.get('/staff/facilities.csv?enc=utf8')).text_, want);
  }
  assert.match((await k.get('/staff/facilities?imported=3')).text_, /3 施設を取り込みました/);
  // line 3 with a fee that is no number: refused, its line named
  const lines = u.text_.split('\r\n');
  lines[2] = lines[2].replace(/,(\d+),(\d+)$/, ',abc,$2');
  const mp = multipartBody({ csrf }, { name: 'file', filename: 'bad.csv', type: 'text/csv', data: Buffer.from(lines.join('\r\n')) });
  const bad = await k.req('POST', '/staff/facilities/import', mp);
  assert.equal(bad.status, 422);
  assert.match(main(bad.text_), /3 行目/);
  assert.equal((await k.get('/staff/facilities.csv?enc=utf8')).text_, u.text_, 'nothing changed');
});

let number;   // the manual booking (room2, morning, day A)
const A = jstDay(120);

test('a manual booking, then the same slot refused; a closure refused while it meets it, then forced', async () => {
  const r = await book({ unit: 'room2', band: 'am', day: A, holder: '日之出町会' });
  assert.equal(r.status, 303, r.text_.slice(0, 400));
  number = r.headers.get('location').match(/\/staff\/facilities\/booking\/(\d{10})\?done=booked/)[1];
  const before = audits('data.read', 'booking');
  const page = await k.get(`/staff/facilities/booking/${number}`);
  assert.equal(page.status, 200);
  assert.match(main(page.text_), /日之出町会/);
  assert.match(main(page.text_), /data-state="booked"/);
  assert.equal(audits('data.read', 'booking'), before + 1, 'the read of who booked is audited');
  const again = await book({ unit: 'room2', band: 'am', day: A, holder: '別の会' });
  assert.equal(again.status, 409);
  assert.match(main(again.text_), /すでに予約されています/);
  // the week's grid names who booked, linked
  const cal = await k.get(`/staff/facilities/${FAC}/calendar?day=${A}&days=7`);
  assert.equal(cal.status, 200);
  const cell = cal.text_.match(new RegExp(`<table class="bstaff-cal" data-day="${A}">[\\s\\S]*?<td data-slot="room2/am">([\\s\\S]*?)</td>`))[1];
  assert.match(cell, new RegExp(`href="/staff/facilities/booking/${number}"[^>]*>日之出町会<`));
  // a closure of the whole hall that day: refused, then forced
  const csrf = await csrfOf(`/staff/facilities/${FAC}/closures`);
  const c1 = await k.post(`/staff/facilities/${FAC}/closures`, { form: { csrf, unit: '', from: A, to: A, reason: '設備点検' } });
  assert.equal(c1.status, 409);
  assert.match(main(c1.text_), /有効な予約が 1 件/);
  assert.match(main(c1.text_), /id="closure-busy"/);
  const c2 = await k.post(`/staff/facilities/${FAC}/closures`, { form: { csrf, unit: '', from: A, to: A, reason: '設備点検', force: '1' } });
  assert.equal(c2.status, 303);
  const list = await k.get(`/staff/facilities/${FAC}/closures`);
  assert.match(main(list.text_), new RegExp(`<td>${A}</td><td>${A}</td><td>施設全体</td><td>設備点検</td>`));
  // a booking on the closed day is refused
  const closed = await book({ unit: 'room1', band: 'pm', day: A, holder: '日之出町会' });
  assert.equal(closed.status, 422);
  assert.match(main(closed.text_), /休館/);
});

test('a recurring booking skips the week taken and lists it; usage counts the weeks', async () => {
  const D = jstDay(140);
  const D7 = jstDay(147);
  const first = await book({ unit: 'room1', band: 'pm', day: D7, holder: '囲碁クラブ' });
  assert.equal(first.status, 303);
  const csrf = await csrfOf(`/staff/facilities/${FAC}/calendar`);
  const r = await k.post(`/staff/facilities/${FAC}/recurring`, {
    form: { csrf, unit: 'room1', band: 'pm', day: D, last: jstDay(161), holder: '日之出体操の会', people: '12', purpose: '体操', resident: '1' },
  });
  assert.equal(r.status, 200, r.text_.slice(0, 400));
  assert.match(main(r.text_), /3 回予約しました。1 回は予約できませんでした/);
  const skipped = [...main(r.text_).match(/<ul id="rec-skipped">([\s\S]*?)<\/ul>/)[1].matchAll(/>(\d{4}-\d\d-\d\d)</g)].map((m) => m[1]);
  assert.deepEqual(skipped, [D7]);
  // usage over those four weeks: room1's afternoon booked four days
  const u = await k.get(`/staff/facilities/${FAC}/usage?from=${D}&to=${jstDay(161)}`);
  assert.equal(u.status, 200);
  const row = u.text_.match(/<tr data-usage="room1\/pm">([\s\S]*?)<\/tr>/)[1];
  assert.match(row, /<td>22<\/td><td class="booked">4<\/td><td>18\.2<\/td>/);
  assert.match(u.text_, /<tr data-usage="room2\/pm"><td>[^<]+<\/td><td>[^<]+<\/td><td>22<\/td><td class="booked">0<\/td>/);
  const csv = await k.get(`/staff/facilities/${FAC}/usage.csv?from=${D}&to=${jstDay(161)}&enc=utf8`);
  assert.equal(csv.status, 200);
  assert.ok(csv.text_.startsWith('\ufeff'));
  assert.match(csv.text_, new RegExp(`\r\n${FAC},${D},${jstDay(161)},room1,第1集会室,pm,午後,22,4,18\\.2\r\n`));
  const sj = await fetch(srv.base + `/staff/facilities/${FAC}/usage.csv?from=${D}&to=${jstDay(161)}&enc=cp932`, { headers: { cookie: k.cookieHeader() } });
  assert.equal(new TextDecoder('shift_jis').decode(Buffer.from(await sj.arrayBuffer())), csv.text_.slice(1));
});

test('check-in on the day of use only, paid at the counter, cancelled with the fee waived', async () => {
  const r = await book({ unit: 'washitsu', band: 'night', day: jstDay(130), holder: '茶道の会' });
  assert.equal(r.status, 303);
  const n = r.headers.get('location').match(/booking\/(\d{10})/)[1];
  let csrf = await csrfOf(`/staff/facilities/booking/${n}`);
  const early = await k.post(`/staff/facilities/booking/${n}/checkin`, { form: { csrf } });
  assert.equal(early.status, 409);
  assert.match(main(early.text_), /利用日の当日だけ/);
  // the day of use comes: the booking and its claim moved to today
  const today = dayNum(jstDay(0));
  sql(`UPDATE booking_claims SET day = ${today} WHERE booking = (SELECT id FROM booking_bookings WHERE number = '${n}');` +
      `UPDATE booking_bookings SET day = ${today} WHERE number = '${n}';`);
  const ci = await k.post(`/staff/facilities/booking/${n}/checkin`, { form: { csrf } });
  assert.equal(ci.status, 303);
  const paid = await k.post(`/staff/facilities/booking/${n}/paid`, { form: { csrf } });
  assert.equal(paid.status, 303);
  let page = main((await k.get(`/staff/facilities/booking/${n}`)).text_);
  assert.match(page, /<dd id="b-checkin">\d{4}-\d\d-\d\d \d\d:\d\d<\/dd>/);
  assert.match(page, /<dd id="b-paid">\d{4}-\d\d-\d\d \d\d:\d\d<\/dd>/);
  assert.doesNotMatch(page, /id="checkin"/, 'no second check-in');
  // the grid shows it checked in and paid
  const cal = await k.get(`/staff/facilities/${FAC}/calendar?day=${jstDay(0)}&days=1`);
  const cell = cal.text_.match(/<td data-slot="washitsu\/night">([\s\S]*?)<\/td>/)[1];
  assert.match(cell, /茶道の会/);
  assert.match(cell, /支払済み · 来館済み/);
  // cancel: the box must be ticked; with the fee waived nothing is kept
  csrf = await csrfOf(`/staff/facilities/booking/${n}`);
  const noBox = await k.post(`/staff/facilities/booking/${n}/cancel`, { form: { csrf, waive: '1' } });
  assert.equal(noBox.status, 422);
  const cancel = await k.post(`/staff/facilities/booking/${n}/cancel`, { form: { csrf, confirm: '1', waive: '1' } });
  assert.equal(cancel.status, 303);
  page = main((await k.get(`/staff/facilities/booking/${n}`)).text_);
  assert.match(page, /data-state="cancelled"/);
  assert.match(page, /<dd id="b-cancel-fee">0円<\/dd>/);
  assert.equal(Number(sql(`SELECT count(*) FROM audit_records WHERE action IN ('booking.check_in', 'booking.paid_at_counter', 'booking.cancel_waived') AND object_id = '${n}' AND result = 'ok'`)), 3);
});

test('groups: 桜木 一郎 is in two groups; the pending group approved; the read audited', async () => {
  const before = audits('data.read', 'booking.groups');
  const g = await k.get('/staff/facilities/groups');
  assert.equal(g.status, 200);
  assert.equal(audits('data.read', 'booking.groups'), before + 1);
  const shared = g.text_.match(/<table id="shared">[\s\S]*?<\/table>/)[0];
  const rows = [...shared.matchAll(/<tr><td>桜木 一郎<\/td><td>サクラギ ?イチロウ<\/td><td>1975-01-20<\/td><td><a href="#g(\d+)">([^<]+)<\/a>/g)];
  assert.deepEqual(rows.map((m) => m[2]).sort(), ['日之出テニスクラブ（デモ）', '港南コーラスの会（デモ）'].sort());
  const pending = g.text_.match(/data-group="(\d+)" data-state="pending"/);
  assert.ok(pending, 'a group waits for approval');
  assert.ok(g.text_.indexOf('data-state="pending"') < g.text_.indexOf('data-state="approved"'), 'pending first');
  const r = await k.post(`/staff/facilities/groups/${pending[1]}/decide`, { form: { csrf: Client.csrf(g.text_), decision: 'approve' } });
  assert.equal(r.status, 303);
  const after_ = await k.get('/staff/facilities/groups');
  assert.match(after_.text_, new RegExp(`data-group="${pending[1]}" data-state="approved"`));
  assert.doesNotMatch(after_.text_, /data-state="pending"/);
});

test('rules: saved, and a bad text refused with its line', async () => {
  const text = cli(['booking', 'rules', '--db', srv.db, '--tenant', DEMO]);
  assert.match(text, /^\[room\]$/m);
  const page = await k.get('/staff/facilities/rules');
  assert.equal(page.status, 200);
  assert.match(page.text_, /<textarea[^>]*name="text"[\s\S]*\[room\]/);
  const csrf = Client.csrf(page.text_);
  const lines = text.split('\n');
  const at = lines.indexOf('[room]');
  const bad = [...lines.slice(0, at + 1), 'no_such_key = 1', ...lines.slice(at + 1)].join('\n');
  const r1 = await k.post('/staff/facilities/rules', { form: { csrf, text: bad } });
  assert.equal(r1.status, 422);
  assert.match(main(r1.text_), new RegExp(`${at + 2} 行目`));
  const changed = text.replace(/^hold_minutes = 15$/m, 'hold_minutes = 20');
  assert.notEqual(changed, text);
  const r2 = await k.post('/staff/facilities/rules', { form: { csrf, text: changed } });
  assert.equal(r2.status, 303, r2.text_.slice(0, 300));
  assert.match(cli(['booking', 'rules', '--db', srv.db, '--tenant', DEMO]), /^hold_minutes = 20$/m);
});

test('rounds: made, rescheduled, refused early, the public value, drawn with entries', async () => {
  let csrf = await csrfOf('/staff/facilities/rounds');
  const made = await k.post('/staff/facilities/rounds', { form: { csrf, kind: 'room', month: '2098-07' } });
  assert.equal(made.status, 303);
  let page = await k.get('/staff/facilities/rounds');
  const rows = [...page.text_.matchAll(/<tr id="r(\d+)" data-round="\d+" data-state="open"><td>\d+<\/td><td><code>room<\/code><\/td><td>2098-07<\/td>/g)];
  assert.equal(rows.length, 2, 'the rule\'s two rounds');
  const id = rows[0][1];
  const row = () => page.text_.match(new RegExp(`<tr id="r${id}"[\\s\\S]*?</tr>`))[0];
  const entryTo = row().match(/name="entry_to" value="([^"]+)"/)[1];
  const drawAt = row().match(/name="draw_at" value="([^"]+)"/)[1];
  // the draw an hour earlier
  const earlier = new Date(Date.parse(drawAt + ':00+09:00') - 3600e3 + 9 * 3600e3).toISOString().slice(0, 16);
  const rs = await k.post(`/staff/facilities/rounds/${id}/reschedule`, { form: { csrf, entry_to: entryTo, draw_at: earlier } });
  assert.equal(rs.status, 303, rs.text_.slice(0, 300));
  page = await k.get('/staff/facilities/rounds');
  assert.equal(row().match(/name="draw_at" value="([^"]+)"/)[1], earlier);
  // a draw before the end of entries is refused
  const bad = await k.post(`/staff/facilities/rounds/${id}/reschedule`, { form: { csrf, entry_to: entryTo, draw_at: '2098-01-01T00:00' } });
  assert.equal(bad.status, 409);
  // entries still open: no public value; no public value: no draw
  const pv = await k.post(`/staff/facilities/rounds/${id}/public`, { form: { csrf, value: '4721' } });
  assert.equal(pv.status, 409);
  assert.match(main(pv.text_), /申込期間中は公開値を入力できません/);
  // two entries of the demo's approved group for the same slot (what the
  // resident's entry page writes), then the round's times pass
  const grp = sql("SELECT id FROM booking_groups WHERE state = 'approved' ORDER BY id LIMIT 1");
  const acct = sql(`SELECT leader FROM booking_groups WHERE id = ${grp}`);
  const now = Math.floor(Date.now() / 1000);
  const slotDay = dayNum('2098-07-15');
  for (let i = 0; i < 2; i++) {
    sql(`INSERT INTO booking_entries (tenant, round, grp, account, state, created_at) VALUES ('${DEMO}', ${id}, ${grp}, ${acct}, 'entered', ${now});` +
        `INSERT INTO booking_choices (entry, rank, facility, unit, day, band) VALUES ((SELECT max(id) FROM booking_entries), 1, '${FAC}', 'room1', ${slotDay}, 'am');`);
  }
  sql(`UPDATE booking_rounds SET entry_from = ${now - 7200}, entry_to = ${now - 120}, draw_at = ${now - 60} WHERE id = ${id}`);
  // the entrant chose LINE, in English, for their lottery results on My
  // page (a verified LINE id and a subscription to booking.result)
  sql(`INSERT INTO notify_contacts (tenant, account, channel, address, verified_at) VALUES ('${DEMO}', ${acct}, 'line', 'U${'b'.repeat(32)}', ${now});` +
      `INSERT INTO notify_channel_subs (tenant, account, topic, channel, lang, token, created_at) VALUES ('${DEMO}', ${acct}, 'booking.result', 'line', 'en', '${'e'.repeat(64)}', ${now});`);
  const email = sql(`SELECT email FROM residents WHERE id = ${acct}`);
  assert.match(email, /@/);
  const mailsBefore = Number(sql(`SELECT count(*) FROM mail_outbox WHERE recipient = '${email}'`));
  page = await k.get('/staff/facilities/rounds');
  assert.match(page.text_, /id="rounds-late"/, 'past its draw time without a public value: a warning');
  assert.match(row(), /class="warning"/);
  const draw0 = await k.post(`/staff/facilities/rounds/${id}/draw`, { form: { csrf } });
  assert.equal(draw0.status, 409, 'no public value: no draw');
  csrf = Client.csrf(page.text_);
  const pv2 = await k.post(`/staff/facilities/rounds/${id}/public`, { form: { csrf, value: '4721' } });
  assert.equal(pv2.status, 303, pv2.text_.slice(0, 300));
  const draw = await k.post(`/staff/facilities/rounds/${id}/draw`, { form: { csrf } });
  assert.equal(draw.status, 303, draw.text_.slice(0, 300));
  page = await k.get('/staff/facilities/rounds');
  const done = row();
  assert.match(done, /data-state="drawn"/);
  assert.match(done, /<td>2<\/td><td>1<\/td>/, 'two entries, one win');
  assert.match(done, /<code class="bstaff-hash">[0-9a-f]{64}<\/code>/);
  assert.match(done, new RegExp(`href="/facilities/lottery/${id}"`));
  // drawn by staff, the entrant is told as after the job's draw: one
  // e-mail per entry (won, not won), and by LINE in English
  const mails = sql(`SELECT subject FROM mail_outbox WHERE recipient = '${email}' ORDER BY id`).split('\n').slice(mailsBefore);
  assert.equal(mails.length, 2, mails.join('\n'));
  assert.equal(mails.filter((m) => /抽選に当選しました/.test(m)).length, 1, mails.join('\n'));
  assert.equal(mails.filter((m) => /抽選結果のお知らせ/.test(m)).length, 1, mails.join('\n'));
  const line = sql(`SELECT template || '|' || lang || '|' || recipient || '|' || replace(body, char(10), ' ') FROM notify_messages WHERE channel = 'line' ORDER BY template`).split('\n');
  assert.equal(line.length, 2, line.join('\n'));
  assert.match(line[0], new RegExp(`^line\\.booking_lost\\|en\\|U${'b'.repeat(32)}\\|.*did not win.*/mypage/facilities .*Stop: \\S+/unsubscribe/${'e'.repeat(64)}$`));
  const wonNo = sql(`SELECT number FROM booking_bookings WHERE tenant = '${DEMO}' AND state = 'won' AND grp = ${grp} ORDER BY id DESC LIMIT 1`);
  assert.match(line[1], new RegExp(`^line\\.booking_won\\|en\\|U${'b'.repeat(32)}\\|.*You won the lottery.*Booking: ${wonNo}.*/mypage/facilities/${wonNo}`));
  // in the subscription's language, values too (the entry was made in Japanese)
  for (const l of line) {
    assert.match(l, /\(use in 2098-07\)/, l);
    assert.doesNotMatch(l, /利用分|年.*月.*日/, l);
  }
  // a second click on 抽選 (or the job at the same minute) tells nobody again
  const again = await k.post(`/staff/facilities/rounds/${id}/draw`, { form: { csrf } });
  assert.equal(again.status, 303);
  assert.equal(Number(sql(`SELECT count(*) FROM mail_outbox WHERE recipient = '${email}'`)), mailsBefore + 2);
  assert.equal(Number(sql("SELECT count(*) FROM notify_messages WHERE channel = 'line'")), 2);
  // the other round of that month is untouched and still open
  assert.match(page.text_, new RegExp(`<tr id="r${rows[1][1]}" data-round="\\d+" data-state="open"`));
});

test('a member of staff without the permissions is refused', async () => {
  const s = new Client(srv.base);
  const r = await loginWithTotp(s, ...DEMO_USERS.staff);
  assert.ok([200, 303].includes(r.status));
  for (const p of ['/staff/facilities', '/staff/facilities/groups', '/staff/facilities/rules', '/staff/facilities/rounds',
    `/staff/facilities/${FAC}/calendar`, `/staff/facilities/booking/${number}`, '/staff/facilities.csv?enc=utf8']) {
    assert.equal((await s.get(p)).status, 403, p);
  }
  const csrf = Client.csrf((await s.get('/account')).text_);
  const post = await s.post(`/staff/facilities/${FAC}/book`, { form: { csrf, unit: 'room1', band: 'am', day: jstDay(200), holder: 'x' } });
  assert.equal(post.status, 403);
  // a resident neither
  assert.notEqual((await new Client(srv.base).get('/staff/facilities')).status, 200);
});
