// booking_resident.test.mjs -- the resident's pages of facility
// reservations (src/svc/booking/web/page_facilities.c, page_mine.c,
// page_groups.c, page_lottery.c) over HTTP, on the real server with the
// demo ward (its facilities, the shipped rules, the rounds of the next
// months, 日之出 太郎's approved group):
//   - the facilities by kind with a map link; a facility's day as a table
//     with headers and each cell's state in words; a free cell leads to
//     the hold form, which needs a resident's login (for a visitor, to the
//     login with the slot as its return path: back on the slot after it;
//     another origin is never a return path);
//   - holding a free slot of next month (its 空き枠 opened on the 27th two
//     months before, whatever today is): the same form sent twice holds
//     once; another resident gets 409 and the grid with a notice; the
//     capacity and a day not yet open are refused with their own messages;
//   - confirm, cancel (a confirmation box), another's booking is 404;
//   - a group registered waits for approval; katakana is checked;
//   - a lottery round opened now (its times moved in the database, as a
//     staff reschedule would), an entry with ranked choices, a withdrawal,
//     then closed, its public value entered and drawn by the CLI: the
//     published page shows the public value, the seed, the result text and
//     its SHA-256, with no names; the download re-runs with
//     `madoguchi booking redraw` (exit 0); the win is confirmed.
// Days are picked from today in Japan so that the test holds on any day
// and at any hour.  MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL)
// runs it on PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, Client, cli, registerAndLogin, DEMO } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined }); });
after(async () => { if (srv) await srv.stop(); });

const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const csrf = (html) => Client.csrf(html);
const hidden = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];
const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const sql = (q) => (srv.db.startsWith('postgresql:')
  ? execFileSync('psql', [srv.db, '-qAtc', q], { encoding: 'utf8' })
  : execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' })).trim();

// today in Japan, and the 15th of a month ahead of it
const jstNow = () => new Date(Date.now() + 9 * 3600 * 1000);
function monthAhead(n) {
  const t = jstNow();
  const d = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + n, 15));
  return { day: d.toISOString().slice(0, 10), month: d.getUTCFullYear() * 100 + d.getUTCMonth() + 1 };
}
const NEXT = monthAhead(1);      // 空き枠 open (rooms: from the 27th two months before)
const LATER = monthAhead(6);     // not yet open

const residents = [];
async function resident(i) {
  while (residents.length <= i)
    residents.push(await registerAndLogin(srv.base, `facility-${residents.length}@example.org`, 'Kumo-Sora-Umi-2026'));
  return residents[i];
}
let taroClient;
async function taro() {
  if (taroClient) return taroClient;
  const c = new Client(srv.base);
  const pre = (await c.get('/resident/login')).text_.match(/name="pre" value="([^"]+)"/)[1];
  const l = await c.post('/resident/login', { form: { pre, email: 'demo-taro@example.jp', password: 'Hinode-Kumin-2026' } });
  assert.equal(l.status, 303);
  taroClient = c;
  return c;
}

async function holdForm(c, unit, band, day) {
  const q = new URLSearchParams({ day, unit, band });
  return c.get(`/facilities/hinode-kaikan/hold?${q}`);
}
async function hold(c, unit, band, day, over = {}) {
  const f = await holdForm(c, unit, band, day);
  assert.equal(f.status, 200, f.text_.slice(0, 300));
  const form = { csrf: csrf(f.text_), unit, band, day, key: hidden(f.text_, 'key'), resident: '1', people: '5',
    purpose: '自治会の会議', ...over };
  return { form, r: await c.post('/facilities/hinode-kaikan/hold', { form }) };
}

test('the facilities by kind, a day as a table, a free slot leads to the login', async () => {
  const anon = new Client(srv.base);
  const list = await anon.get('/facilities');
  assert.equal(list.status, 200);
  const m = main(list.text_);
  for (const code of ['hinode-kaikan', 'sakuragi-hall', 'konan-ground'])
    assert.match(m, new RegExp(`href="/facilities/${code}"`));
  assert.equal((m.match(/<section class="booking-kind"/g) || []).length, 3);
  assert.match(m, /https:\/\/www\.openstreetmap\.org\/\?mlat=35\.700100&amp;mlon=139\.640200/);
  const day = await anon.get(`/facilities/hinode-kaikan?day=${NEXT.day}`);
  assert.equal(day.status, 200);
  const d = main(day.text_);
  assert.match(d, /<table class="booking-grid"[\s\S]*<th scope="col">[\s\S]*<th scope="row">第1集会室<\/th>/);
  assert.match(d, /車いす|スロープ/);           // accessibility
  assert.match(d, /1,300円/);                  // the fee table (区外 weekday, room 1 afternoon)
  assert.match(d, /rel="prev"/);
  const free = [...d.matchAll(/data-state="free"[^>]*>[\s\S]*?href="([^"]+)"/g)].map((x) => unescape(x[1]));
  assert.equal(free.length, 9, 'every slot of next month is free');   // 3 rooms x 3 bands
  // not logged in: the 予約 button goes to the login, which returns to the slot
  const holdPath = `/facilities/hinode-kaikan/hold?day=${NEXT.day}&unit=room1&band=am`;
  const toLogin = `/resident/login?next=${encodeURIComponent(holdPath)}`;
  assert.ok(free.includes(toLogin), free.join());
  const r = await anon.get(holdPath);   // the hold form itself still needs the login, and comes back after it
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), toLogin);
  // logged in: the button is the hold form
  const a = await resident(0);
  const mine = main((await a.get(`/facilities/hinode-kaikan?day=${NEXT.day}`)).text_);
  assert.ok([...mine.matchAll(/data-state="free"[^>]*>[\s\S]*?href="([^"]+)"/g)].map((x) => unescape(x[1])).includes(holdPath));
  // a day that is not yet open says when it opens; no link to hold it
  const later = main((await anon.get(`/facilities/hinode-kaikan?day=${LATER.day}`)).text_);
  assert.doesNotMatch(later, /data-state="free"/);
  assert.match(later, /data-state="(not_yet|lottery)"/);
  assert.equal((await anon.get('/facilities/no-such-place')).status, 404);
  assert.equal((await anon.get('/facilities/hinode-kaikan?day=2027-02-30')).status, 400);
});

test('a visitor who presses 予約 logs in and is back on the slot; the return path is a local path only', async () => {
  await registerAndLogin(srv.base, 'facility-return@example.org', 'Kumo-Sora-Umi-2026');
  const anon = new Client(srv.base);
  const d = main((await anon.get(`/facilities/hinode-kaikan?day=${NEXT.day}`)).text_);
  const link = [...d.matchAll(/data-state="free"[^>]*>[\s\S]*?href="([^"]+)"/g)].map((x) => unescape(x[1]))
    .find((h) => h.includes('room2') && h.includes('night'));
  assert.ok(link && link.startsWith('/resident/login?next='), link);
  const form = await anon.get(link);
  assert.equal(form.status, 200);
  const next = hidden(form.text_, 'next');
  const holdPath = `/facilities/hinode-kaikan/hold?day=${NEXT.day}&unit=room2&band=night`;
  assert.equal(unescape(next), holdPath);
  // a wrong password keeps the return path on the form again
  const bad = await anon.post('/resident/login', { form: { pre: hidden(form.text_, 'pre'), email: 'facility-return@example.org',
    password: 'Wrong-Password-00', next: unescape(next) } });
  assert.equal(bad.status, 401);
  assert.equal(unescape(hidden(bad.text_, 'next')), holdPath);
  const ok = await anon.post('/resident/login', { form: { pre: hidden(bad.text_, 'pre'), email: 'facility-return@example.org',
    password: 'Kumo-Sora-Umi-2026', next: unescape(next) } });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), holdPath);
  const f = await anon.get(holdPath);
  assert.equal(f.status, 200);
  assert.match(main(f.text_), /name="band" value="night"/);
  // without a return path: My page, as before
  const plain = new Client(srv.base);
  const pf = await plain.get('/resident/login');
  assert.doesNotMatch(pf.text_, /name="next"/);
  const pl = await plain.post('/resident/login', { form: { pre: hidden(pf.text_, 'pre'), email: 'facility-return@example.org',
    password: 'Kumo-Sora-Umi-2026' } });
  assert.equal(pl.headers.get('location'), '/mypage');
  // another origin is never a return path: refused on the form and on the post
  const evil = new Client(srv.base);
  for (const n of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)'])
    assert.equal((await evil.get(`/resident/login?next=${encodeURIComponent(n)}`)).status, 400, n);
  const ef = await evil.get('/resident/login');
  const ep = await evil.post('/resident/login', { form: { pre: hidden(ef.text_, 'pre'), email: 'facility-return@example.org',
    password: 'Kumo-Sora-Umi-2026', next: '//evil.example/x' } });
  assert.equal(ep.status, 400);
  assert.equal(ep.headers.get('location'), null);
});

let held;   // { number, day }
test('holding a free slot: one booking for a double submit, 409 for the next resident', async () => {
  const a = await resident(0);
  const { form, r } = await hold(a, 'room1', 'am', NEXT.day);
  assert.equal(r.status, 303, r.text_.slice(0, 500));
  const loc = r.headers.get('location');
  const number = loc.match(/^\/mypage\/facilities\/(\d{10})\?held=1$/)[1];
  // the same form again (a double click, a retry): the same hold
  const again = await a.post('/facilities/hinode-kaikan/hold', { form });
  assert.equal(again.status, 303);
  assert.equal(again.headers.get('location'), loc);
  const mine = main((await a.get('/mypage/facilities')).text_);
  assert.equal((mine.match(new RegExp(`href="/mypage/facilities/${number}"`, 'g')) || []).length, 1);
  assert.match(mine, /data-state="held"/);
  held = { number, day: NEXT.day };
  // another resident: the slot is taken, the grid again with a notice
  const b = await resident(1);
  const t = await hold(b, 'room1', 'am', NEXT.day);
  assert.equal(t.r.status, 409);
  const page = main(t.r.text_);
  assert.match(page, /id="booking-notice"[^>]*>その枠はたった今ほかの方が予約しました/);
  assert.match(page, /<table class="booking-grid"/);
  assert.match(page, /data-state="taken"/);
  const mineB = main((await b.get('/mypage/facilities')).text_);
  assert.match(mineB, /id="booking-none"/);
});

test('refusals have their own messages: capacity, not yet open, people', async () => {
  const b = await resident(1);
  const cap = await hold(b, 'room2', 'pm', NEXT.day, { people: '500' });
  assert.equal(cap.r.status, 400);
  assert.match(main(cap.r.text_), /id="f-people-error"[\s\S]*利用人数が定員を超えています/);
  const notYet = await hold(b, 'room2', 'pm', LATER.day);
  assert.equal(notYet.r.status, 400);
  assert.match(main(notYet.r.text_), /先着順の受付が始まっていません/);
  const bad = await hold(b, 'room2', 'pm', NEXT.day, { people: 'many' });
  assert.equal(bad.r.status, 400);
  assert.match(main(bad.r.text_), /利用人数を数字で入力してください/);
  // no hold was made by any of them
  assert.match(main((await b.get('/mypage/facilities')).text_), /id="booking-none"/);
  // English
  const en = new Client(srv.base);
  en.jar = new Map(b.jar);
  en.jar.set('mg_lang', 'en');
  const e2 = await hold(en, 'room2', 'pm', NEXT.day, { people: '500' });
  assert.match(main(e2.r.text_), /More people than the room takes/);
});

test('confirm, then cancel with the box ticked; another resident sees 404', async () => {
  const a = await resident(0);
  const b = await resident(1);
  const url = `/mypage/facilities/${held.number}`;
  assert.equal((await b.get(url)).status, 404);
  const other = await b.post(`${url}/cancel`, { form: { csrf: csrf((await b.get('/mypage/facilities/groups')).text_), confirm: '1' } });
  assert.equal(other.status, 404);
  const page = await a.get(url);
  assert.equal(page.status, 200);
  assert.match(main(page.text_), /id="booking-state" data-state="held"/);
  const c = await a.post(`${url}/confirm`, { form: { csrf: csrf(page.text_) } });
  assert.equal(c.status, 200);
  const cm = main(c.text_);
  assert.match(cm, /id="booking-state" data-state="booked"/);
  assert.match(cm, /id="booking-pay-by"/);
  assert.match(cm, /id="booking-cancel-now"[^>]*>いま取り消すとキャンセル料は0円です/);   // more than 7 days ahead: free
  // confirming again (a double click) changes nothing
  const c2 = await a.post(`${url}/confirm`, { form: { csrf: csrf(page.text_) } });
  assert.equal(c2.status, 200);
  // on the day of use the holder cannot cancel (nor get a used slot's fee
  // back): the page says so and has no form, a post is refused
  const realDay = sql(`SELECT day FROM booking_bookings WHERE number = '${held.number}'`);
  const today = Math.floor((Date.now() / 1000 + 9 * 3600) / 86400);
  sql(`UPDATE booking_bookings SET day = ${today} WHERE number = '${held.number}'`);
  const onDay = main((await a.get(url)).text_);
  assert.match(onDay, /id="booking-cancel-closed">利用日の当日以降/);
  assert.doesNotMatch(onDay, /action="[^"]*\/cancel"/);
  const late = await a.post(`${url}/cancel`, { form: { csrf: csrf(page.text_), confirm: '1' } });
  assert.equal(late.status, 409);
  assert.match(main(late.text_), /利用日の当日以降/);
  assert.match(main(late.text_), /id="booking-state" data-state="booked"/);
  sql(`UPDATE booking_bookings SET day = ${realDay} WHERE number = '${held.number}'`);
  const noBox = await a.post(`${url}/cancel`, { form: { csrf: csrf(page.text_) } });
  assert.equal(noBox.status, 400);
  assert.match(main(noBox.text_), /id="booking-state" data-state="booked"/);
  const x = await a.post(`${url}/cancel`, { form: { csrf: csrf(page.text_), confirm: '1' } });
  assert.equal(x.status, 200);
  assert.match(main(x.text_), /id="booking-state" data-state="cancelled"/);
  assert.doesNotMatch(main(x.text_), /action="[^"]*\/cancel"/);
  // the slot is free again (rooms have no キャンセル枠): the second resident takes it
  const t = await hold(b, 'room1', 'am', NEXT.day);
  assert.equal(t.r.status, 303);
  // a well-formed number nobody booked
  assert.equal((await a.get('/mypage/facilities/1000000008')).status, 404);
  assert.equal((await a.get('/mypage/facilities/1000000009')).status, 400);   // its check digit wrong
});

test('a group registered waits for approval; katakana is checked (hiragana is folded to it)', async () => {
  const a = await resident(0);
  const g = await a.get('/mypage/facilities/groups');
  assert.equal(g.status, 200);
  assert.match(main(g.text_), /id="booking-no-groups"/);
  const base = { csrf: csrf(g.text_), name: 'デモ将棋クラブ', kind: 'ward', m1_name: '港 一郎', m1_kana: 'Minato Ichiro', m1_birth: '1980-05-01' };
  const bad = await a.post('/mypage/facilities/groups', { form: base });
  assert.equal(bad.status, 400);
  assert.match(main(bad.text_), /id="f-m1_kana-error"[\s\S]*全角カタカナ/);
  const ok = await a.post('/mypage/facilities/groups', { form: { ...base, m1_kana: 'ミナト イチロウ', m2_name: '港 二郎', m2_kana: 'ミナト ジロウ', m2_birth: '1982-07-07' } });
  assert.equal(ok.status, 303);
  const after = main((await a.get(ok.headers.get('location'))).text_);
  assert.match(after, /<td>デモ将棋クラブ<\/td><td>区内の団体<\/td><td>2<\/td><td data-state="1">審査中<\/td>/);
  // a pending group cannot be used to hold a slot
  const opt = (await holdForm(a, 'room2', 'am', NEXT.day)).text_;
  assert.doesNotMatch(opt, /デモ将棋クラブ/);
});

test('a lottery: enter with ranked choices, withdraw, draw, the published page, re-run, confirm the win', async () => {
  // the rooms' 1次 round for next month, opened now
  const rounds = cli(['booking', 'rounds', '--db', srv.db, '--tenant', DEMO]);
  const line = rounds.split('\n').find((l) => { const f = l.split('\t'); return f[1] === 'room' && f[2] === String(NEXT.month) && f[3] === '1'; });
  assert.ok(line, rounds);
  const round = line.split('\t')[0];
  const now = Math.floor(Date.now() / 1000);
  sql(`UPDATE booking_rounds SET entry_from = ${now - 3600}, entry_to = ${now + 3600}, draw_at = ${now + 7200}, confirm_by = ${now + 5 * 86400} WHERE id = ${round}`);
  const anon = new Client(srv.base);
  const list = main((await anon.get('/facilities/lottery')).text_);
  assert.match(list, new RegExp(`href="/facilities/lottery/${round}/enter"`));
  const t = await taro();
  const f = await t.get(`/facilities/lottery/${round}/enter`);
  assert.equal(f.status, 200);
  const fm = main(f.text_);
  const group = fm.match(/<select[^>]*name="group"[\s\S]*?<option value="(\d+)"/)[1];
  assert.match(fm, /name="c3_unit"/);                  // choices_max 3
  assert.doesNotMatch(fm, /name="c4_unit"/);
  assert.doesNotMatch(fm, /sakuragi-hall:/);            // only the round's kind
  const choice = { c1_unit: 'hinode-kaikan:room2', c1_day: NEXT.day, c1_band: 'pm', c2_unit: 'hinode-kaikan:washitsu', c2_day: NEXT.day, c2_band: 'pm' };
  const e1 = await t.post(`/facilities/lottery/${round}/enter`, { form: { csrf: csrf(f.text_), group, ...choice } });
  assert.equal(e1.status, 303, e1.text_.slice(0, 400));
  // a choice of another month is refused on its field
  const wrong = await t.post(`/facilities/lottery/${round}/enter`, { form: { csrf: csrf(f.text_), group, c1_unit: 'hinode-kaikan:room2', c1_day: LATER.day, c1_band: 'pm' } });
  assert.equal(wrong.status, 400);
  assert.match(main(wrong.text_), /id="f-c1_day-error"/);
  // a second entry, withdrawn
  const e2 = await t.post(`/facilities/lottery/${round}/enter`, { form: { csrf: csrf(f.text_), group, c1_unit: 'hinode-kaikan:room1', c1_day: NEXT.day, c1_band: 'night' } });
  assert.equal(e2.status, 303);
  let mine = main((await t.get('/mypage/facilities?entered=1')).text_);
  // where the result will come, and where to choose SMS or LINE
  assert.match(mine, /<p id="booking-result-how">[^<]*メール[^<]*<a href="\/mypage\/notifications">/);
  const ids = [...mine.matchAll(/name="entry" value="(\d+)"/g)].map((x) => x[1]);
  assert.equal(ids.length, 2);
  const w = await t.post(`/facilities/lottery/${round}/withdraw`, { form: { csrf: csrf(mine), entry: ids[1] } });
  assert.equal(w.status, 303);
  mine = main((await t.get('/mypage/facilities')).text_);
  assert.deepEqual([...mine.matchAll(/name="entry" value="(\d+)"/g)].map((x) => x[1]), [ids[0]]);
  // another resident: no approved group; taro's group is not theirs
  const a = await resident(0);
  const af = await a.get(`/facilities/lottery/${round}/enter`);
  assert.match(main(af.text_), /id="booking-no-group"/);
  const steal = await a.post(`/facilities/lottery/${round}/enter`, { form: { csrf: csrf((await a.get('/mypage/facilities/groups')).text_), group, ...choice } });
  assert.equal(steal.status, 403);
  // entries close; the inputs are published (ids only), the public value entered, the draw
  sql(`UPDATE booking_rounds SET entry_to = ${now - 60} WHERE id = ${round}`);
  const closed = main((await anon.get(`/facilities/lottery/${round}`)).text_);
  assert.match(closed, /id="round-inputs"/);
  cli(['booking', 'public', round, 'demo-public-4217', '--db', srv.db, '--tenant', DEMO]);
  sql(`UPDATE booking_rounds SET draw_at = ${now - 30} WHERE id = ${round}`);
  try {
    cli(['booking', 'draw', round, '--db', srv.db, '--tenant', DEMO]);
  } catch (err) {
    // the server's job may have drawn it first (it runs every minute)
    assert.match(sql(`SELECT state FROM booking_rounds WHERE id = ${round}`), /drawn/, String(err.stderr || err));
  }
  const pub = await anon.get(`/facilities/lottery/${round}`);
  assert.equal(pub.status, 200);
  const pm = main(pub.text_);
  assert.match(pm, /id="round-public"><code>demo-public-4217<\/code>/);
  const seed = pm.match(/id="round-seed">([0-9a-f]{64})</)[1];
  const hash = pm.match(/id="round-hash">([0-9a-f]{64})</)[1];
  // the seed is SHA-256("madoguchi-booking-lottery\n" public value "\n" round id)
  assert.equal(seed, createHash('sha256').update(`madoguchi-booking-lottery\ndemo-public-4217\n${round}`).digest('hex'));
  const txt = await anon.get(`/facilities/lottery/${round}/result.txt`);
  assert.equal(txt.status, 200);
  assert.match(txt.headers.get('content-type'), /^text\/plain/);
  assert.equal(createHash('sha256').update(txt.text_).digest('hex'), hash);
  assert.equal(unescape(pm.match(/id="round-result"[^>]*>([\s\S]*?)<\/pre>/)[1]), txt.text_);
  // nothing personal on the published page or in its file
  for (const s of ['日之出', 'テニスクラブ', 'ヒノデ', 'demo-taro'])
    assert.ok(!pm.includes(s) && !txt.text_.includes(s), s);
  assert.ok(txt.text_.includes(ids[0]));
  // anyone can re-run it: from the database, and from the downloaded file
  cli(['booking', 'redraw', round, '--db', srv.db, '--tenant', DEMO]);
  const file = join(srv.dir, `round-${round}.txt`);
  writeFileSync(file, txt.text_);
  cli(['booking', 'redraw', '--inputs', file]);
  // the win: a booking to confirm on My page
  mine = main((await t.get('/mypage/facilities')).text_);
  const won = mine.match(/href="\/mypage\/facilities\/(\d{10})">\d{10}<\/a><\/td><td>[^<]*<\/td><td>[^<]*第2集会室[^<]*<\/td><td>[^<]*<\/td><td data-state="won">/);
  assert.ok(won, mine);
  const wp = await t.get(`/mypage/facilities/${won[1]}`);
  assert.match(main(wp.text_), /id="booking-confirm"/);
  const cf = await t.post(`/mypage/facilities/${won[1]}/confirm`, { form: { csrf: csrf(wp.text_) } });
  assert.equal(cf.status, 200);
  assert.match(main(cf.text_), /id="booking-state" data-state="booked"/);
  // entering after the draw: refused
  const late = await t.get(`/facilities/lottery/${round}/enter`);
  assert.equal(late.status, 409);
});
