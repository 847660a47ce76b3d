// waste_book.test.mjs -- booking a bulky-waste collection day
// (src/svc/waste/web/page_book.c) over HTTP, on the real server with the
// demo ward (areas, 町丁目, calendars of 40 points a day from tomorrow):
//   - the chatbot's list leads to the booking form, which needs a
//     resident's login; the 町丁目 decides the area and the days offered;
//   - booking: the fee and points are the server's (master x counts),
//     whatever the form says; the booking appears on My page; the same
//     form sent twice books once;
//   - a day that filled up meanwhile: 409, the form again with the next
//     day with room chosen and a notice;
//   - another resident's booking is not found (404), and cannot be
//     changed;
//   - 処理券: a sum that is not the fee is refused, a ticket already used
//     by another booking is refused, the right ones pay it;
//   - change of day, cancel (with confirmation), refusals of bad input;
//   - once only: a resident linked to the register finds name, 町丁目 and
//     address filled in (the read audited), and goes straight to the days.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli, registerAndLogin, loginWithTotp, DEMO_USERS } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({}); });
after(async () => { if (srv) await srv.stop(); });

const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const csrf = (html) => Client.csrf(html);
const hidden = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];
const daysOffered = (html) => [...main(html).matchAll(/type="radio"[^>]*name="day" value="(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]);
const checkedDay = (html) => (main(html).match(/type="radio"[^>]*name="day" value="(\d{4}-\d\d-\d\d)"[^>]*checked/) || [])[1];

// residents, registered once (registration is rate-limited per address):
// 0 never books, 1 books once, 2 and 3 book in the later tests, 4 is linked
const pool = [];
async function resident(i) {
  while (pool.length <= i)
    pool.push(await registerAndLogin(srv.base, `waste-${pool.length}@example.org`, 'Kumo-Sora-Umi-2026'));
  return pool[i];
}

async function bookForm(c, list, chome) {
  const q = new URLSearchParams({ list, ...(chome ? { chome } : {}) });
  return c.get('/waste/book?' + q.toString());
}

async function book(c, list, chome, over = {}) {
  const f = await bookForm(c, list, chome);
  assert.equal(f.status, 200, f.text_.slice(0, 300));
  const form = {
    csrf: csrf(f.text_), list, chome, key: hidden(f.text_, 'key'), day: checkedDay(f.text_),
    address: '2番3号', place: '玄関前', name: 'デモ 花子', phone: '03-0000-1234', email: 'hanako@example.org', ...over,
  };
  const r = await c.post('/waste/book', { form });
  return { form, r, page: f };
}

test('the chatbot list leads to booking, which needs a login; the 町丁目 decides the days', async () => {
  const anon = new Client(srv.base);
  const chat = await anon.get('/waste?' + new URLSearchParams({ q: '椅子2脚' }));
  assert.match(main(chat.text_), /href="\/waste\/book\?list=chair%2A2"/);
  const r = await anon.get('/waste/book?list=chair*2');
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /login/);
  const c = await resident(0);
  const step1 = await bookForm(c, 'chair*2');
  assert.equal(step1.status, 200);
  assert.match(main(step1.text_), /<select[^>]*name="chome"/);
  assert.match(main(step1.text_), /<option value="日之出町1丁目">/);
  assert.equal(daysOffered(step1.text_).length, 0);
  const kita = await bookForm(c, 'chair*2', '日之出町1丁目');
  const minami = await bookForm(c, 'chair*2', '港南5丁目');
  const wd = (d) => new Date(d + 'T00:00:00Z').getUTCDay();
  const dk = daysOffered(kita.text_), dm = daysOffered(minami.text_);
  assert.ok(dk.length > 5 && dm.length > 5);
  // 北地区 collects on Tuesdays and Fridays, 南地区 on Mondays and Thursdays
  assert.ok(dk.every((d) => wd(d) === 2 || wd(d) === 5), dk.join());
  assert.ok(dm.every((d) => wd(d) === 1 || wd(d) === 4), dm.join());
  assert.equal(checkedDay(kita.text_), dk[0]);
  const bad = await bookForm(c, 'chair*2', '存在しない町1丁目');
  assert.equal(bad.status, 400);
  assert.match(main(bad.text_), /町丁目を一覧から選んでください/);
  assert.equal((await bookForm(c, 'tv_lcd*1', '日之出町1丁目')).status, 400);   // a refused item
});

test('booking: the fee is the master times the counts; My page lists it; sent twice, booked once', async () => {
  const c = await resident(1);
  const { form, r } = await book(c, 'chair*2,sofa_1seat*1', '日之出町1丁目');
  assert.equal(r.status, 303, r.text_.slice(0, 500));
  const loc = r.headers.get('location');
  const number = loc.match(/^\/mypage\/waste\/(\d{10})\?booked=1$/)[1];
  const p = await c.get(loc);
  assert.equal(p.status, 200);
  const m = main(p.text_);
  assert.match(m, /予約しました/);
  assert.match(m, /id="waste-fee">1,600円/);          // 400 x 2 + 800
  assert.match(m, /椅子 × 2/);
  assert.match(m, /日之出町1丁目2番3号/);
  assert.match(m, /手数料未納/);
  const again = await c.post('/waste/book', { form });
  assert.equal(again.status, 303);
  assert.equal(again.headers.get('location'), loc);   // the first booking, not a second one
  const mine = main((await c.get('/mypage/waste')).text_);
  assert.equal([...mine.matchAll(/href="\/mypage\/waste\/\d{10}"/g)].length, 1);
  assert.match(mine, new RegExp(number));
});

test('a day that filled meanwhile: 409 with the next day with room chosen', async () => {
  const a = await resident(2), b = await resident(3);
  const f = await bookForm(b, 'chair*1', '紅葉台3丁目');   // b looks at the form first
  const first = checkedDay(f.text_);
  // a takes the whole day (40 points)
  const full = await book(a, 'chair*40', '紅葉台3丁目', { day: first });
  assert.equal(full.r.status, 303, full.r.text_.slice(0, 500));
  const r = await b.post('/waste/book', { form: {
    csrf: csrf(f.text_), list: 'chair*1', chome: '紅葉台3丁目', key: hidden(f.text_, 'key'), day: first,
    address: '14番1号', place: '', name: '紅葉 一郎', phone: '090-0000-0000', email: '' } });
  assert.equal(r.status, 409);
  assert.match(main(r.text_), /予約がいっぱいになりました/);
  const next = checkedDay(r.text_);
  assert.ok(next > first, `${next} after ${first}`);
  assert.ok(!daysOffered(r.text_).includes(first));
});

test('another resident cannot see or change a booking', async () => {
  const a = await resident(2), b = await resident(3);
  const { r } = await book(a, 'chair*1', '港南1丁目');
  const loc = r.headers.get('location').replace(/\?.*/, '');
  assert.equal((await b.get(loc)).status, 404);
  const bp = await bookForm(b, 'chair*1', '港南1丁目');   // a page with b's CSRF token
  const cancel = await b.post(loc + '/cancel', { form: { csrf: csrf(bp.text_), confirm: '1' } });
  assert.equal(cancel.status, 404);
  assert.match(main((await a.get(loc)).text_), /手数料未納/);
  assert.equal((await a.get('/mypage/waste/1234567890')).status, 400);   // not a number (check digit)
});

test('処理券: the sum must be the fee; a ticket pays one booking; cancelling frees it', async () => {
  const a = await resident(2), b = await resident(3);
  const ba = await book(a, 'chair*1,sofa_1seat*1', '桜木坂2丁目');   // 1,200 yen
  const la = ba.r.headers.get('location').replace(/\?.*/, '');
  let pa = await a.get(la);
  const wrong = await a.post(la + '/pay', { form: { csrf: csrf(pa.text_), tickets: 'A00000001\nA00000002' } });
  assert.equal(wrong.status, 400);
  assert.match(main(wrong.text_), /合計が手数料と合いません/);
  const malformed = await a.post(la + '/pay', { form: { csrf: csrf(pa.text_), tickets: 'B10000001 C10000002 B10000003' } });
  assert.equal(malformed.status, 400);
  assert.match(main(malformed.text_), /AまたはBと8桁の数字/);
  const twiceGiven = await a.post(la + '/pay', { form: { csrf: csrf(pa.text_), tickets: 'B10000001 B10000001 B10000003' } });
  assert.match(main(twiceGiven.text_), /同じ番号は1回だけ/);
  // 全角, separated by a 全角 comma and 、
  const ok = await a.post(la + '/pay', { form: { csrf: csrf(pa.text_), tickets: 'Ｂ１００００００１，B10000002、Ｂ１００００００３' } });
  assert.equal(ok.status, 200);
  assert.match(main(ok.text_), /処理券で納付済み/);
  assert.match(main(ok.text_), /B10000001, B10000002, B10000003/);
  const bb = await book(b, 'chair*3', '桜木坂2丁目');                  // 1,200 yen too
  const lb = bb.r.headers.get('location').replace(/\?.*/, '');
  const pb = await b.get(lb);
  const used = await b.post(lb + '/pay', { form: { csrf: csrf(pb.text_), tickets: 'B10000001 B10000002 B10000003' } });
  assert.equal(used.status, 409);
  assert.match(main(used.text_), /すでに使われている/);
  pa = await a.get(la);
  const noconfirm = await a.post(la + '/cancel', { form: { csrf: csrf(pa.text_) } });
  assert.equal(noconfirm.status, 400);
  const cx = await a.post(la + '/cancel', { form: { csrf: csrf(pa.text_), confirm: '1' } });
  assert.equal(cx.status, 200);
  assert.match(main(cx.text_), /取消済み/);
  const again = await b.post(lb + '/pay', { form: { csrf: csrf(pb.text_), tickets: 'B10000001 B10000002 B10000003' } });
  assert.equal(again.status, 200);
  assert.match(main(again.text_), /処理券で納付済み/);
  const twice = await a.post(la + '/cancel', { form: { csrf: csrf(pa.text_), confirm: '1' } });
  assert.equal(twice.status, 409);   // cancelled already; the page shows no forms
  assert.match(main(twice.text_), /取消済みです/);
  assert.doesNotMatch(main(twice.text_), /action="[^"]*\/cancel"/);
});

test('moving to another day with room; the old day gets its places back', async () => {
  const a = await resident(2);
  const { r, page } = await book(a, 'chair*2', '若葉町2丁目');
  const loc = r.headers.get('location').replace(/\?.*/, '');
  const days = daysOffered(page.text_);
  const p = await a.get(loc);
  const target = days[2];
  const mv = await a.post(loc + '/move', { form: { csrf: csrf(p.text_), day: target } });
  assert.equal(mv.status, 200);
  assert.match(main(mv.text_), /収集日を変えました/);
  const [y, mo, d] = target.split('-').map(Number);
  assert.match(main(mv.text_), new RegExp(`id="waste-day">${y}年${mo}月${d}日`));
  const bad = await a.post(loc + '/move', { form: { csrf: csrf(p.text_), day: '2020-01-07' } });
  assert.equal(bad.status, 403);   // long past its cut-off
});

test('bad input: each field named, nothing booked', async () => {
  const c = await resident(0);
  for (const [over, re] of [
    [{ phone: '12345' }, /電話番号を、数字とハイフンで/],
    [{ name: '' }, /お名前を入力してください/],
    [{ address: '' }, /番地・建物名を入力してください/],
    [{ email: 'not an address' }, /メールアドレスの形が正しくありません/],
    [{ email: 'taro.@example.jp' }, /メールアドレスの形が正しくありません/],   // the outbox would refuse it
  ]) {
    const { r } = await book(c, 'chair*1', '青空通り2丁目', over);
    assert.equal(r.status, 400, JSON.stringify(over));
    assert.match(main(r.text_), re);
  }
  const { r } = await book(c, 'chair*1', '青空通り2丁目', { list: 'chair*1,unknown_item*1' });
  assert.equal(r.status, 400);
  assert.match(main((await c.get('/mypage/waste')).text_), /予約はありません/);
});

test('once only: a linked resident finds name, 町丁目 and address filled in', async () => {
  const staff = new Client(srv.base);
  await loginWithTotp(staff, ...DEMO_USERS.staff);
  const found = await staff.get('/staff/registry?q=P0008');
  const issued = await staff.post('/staff/registry/code', { form: { csrf: csrf(found.text_), person: 'P0008', delivery: 'counter' } });
  const code = issued.text_.match(/<code>([A-Z2-9-]+)<\/code>/)[1];
  const c = await resident(4);
  const link = await c.get('/mypage/registry');
  const linked = await c.post('/mypage/registry', { form: { csrf: csrf(link.text_), code } });
  assert.equal(linked.status, 303);
  const f = await bookForm(c, 'chair*1');
  assert.equal(f.status, 200);
  const m = main(f.text_);
  assert.match(m, /<strong lang="ja">青空通り2丁目<\/strong>/);   // the register's 町丁目: straight to the days
  assert.ok(daysOffered(f.text_).length > 0);
  assert.match(m, /name="name" value="青空 美咲"/);
  assert.match(m, /name="address" value="5番8号 デモハイツ203"/);
  assert.match(m, /name="phone" value=""/);                      // not in the register: asked
  const reads = cli(['audit', 'query', '--db', srv.db, '--action', 'data.read', '--json']).trim().split('\n')
    .filter(Boolean).map((l) => JSON.parse(l));
  assert.ok(reads.some((x) => x.object_type === 'registry.person'), 'the register read is audited');
  assert.ok(reads.some((x) => x.object_type === 'waste.booking'), 'reads of bookings are audited');
});
