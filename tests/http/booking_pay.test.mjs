// booking_pay.test.mjs -- a facility booking paid online through the
// payments service (src/svc/booking/pay_online.c, page_mine.c), on the
// real server with the demo ward: a resident holds and confirms a slot of
// next month, asks to pay online (the same payment when asked twice), the
// fee step shows the booking's fee; 会計課 record it paid at the counter;
// the booking reads paid on the resident's page (no form to pay again),
// and the resident cannot cancel it there (a refund is the desk's).
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on
// PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, registerAndLogin, loginWithTotp } from './lib.mjs';

let srv, kaikei;
before(async () => {
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined });
  kaikei = new Client(srv.base);
  assert.ok([200, 303].includes((await loginWithTotp(kaikei, 'demo-kaikei', 'Sazanka-Kaikei-2026')).status));
});
after(async () => { if (srv) await srv.stop(); });

const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const csrf = (html) => Client.csrf(html);
const hidden = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];

// the 20th of next month in Japan: its 空き枠 is open whatever today is
function nextMonthDay() {
  const t = new Date(Date.now() + 9 * 3600 * 1000);
  return new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 20)).toISOString().slice(0, 10);
}

test('a booking paid online: one payment for two asks, paid at the counter, then paid on the booking', async () => {
  const day = nextMonthDay();
  const c = await registerAndLogin(srv.base, 'facility-pay@example.org', 'Kumo-Sora-Umi-2026');
  const q = new URLSearchParams({ day, unit: 'room2', band: 'pm' });
  const f = await c.get(`/facilities/hinode-kaikan/hold?${q}`);
  assert.equal(f.status, 200);
  const h = await c.post('/facilities/hinode-kaikan/hold', { form: { csrf: csrf(f.text_), unit: 'room2', band: 'pm', day,
    key: hidden(f.text_, 'key'), resident: '1', people: '4', purpose: '会議' } });
  assert.equal(h.status, 303, h.text_.slice(0, 400));
  const number = h.headers.get('location').match(/\/mypage\/facilities\/(\d{10})/)[1];
  let page = await c.get(`/mypage/facilities/${number}`);
  // a hold cannot be paid yet: confirm first
  assert.doesNotMatch(main(page.text_), /id="booking-pay-online"/);
  const conf = await c.post(`/mypage/facilities/${number}/confirm`, { form: { csrf: csrf(page.text_) } });
  assert.equal(conf.status, 200);
  assert.match(main(conf.text_), /data-state="booked"/);
  assert.match(main(conf.text_), /id="booking-pay-online"/);
  const go = await c.post(`/mypage/facilities/${number}/pay/online`, { form: { csrf: csrf(conf.text_) } });
  assert.equal(go.status, 303, go.text_.slice(0, 400));
  const pay = go.headers.get('location').match(/^\/pay\/(\d{14})$/)[1];
  const again = await c.post(`/mypage/facilities/${number}/pay/online`, { form: { csrf: csrf(conf.text_) } });
  assert.equal(again.headers.get('location'), `/pay/${pay}`);
  // the fee step: room 2's afternoon, 600 yen for a resident any day
  const step = main((await c.get(`/pay/${pay}`)).text_);
  assert.match(step, /id="pay-amount">600円/);
  assert.match(step, new RegExp(`施設使用料（予約番号 ${number}`));
  // another resident: as if there were no such booking
  const other = await registerAndLogin(srv.base, 'facility-pay-2@example.org', 'Kumo-Sora-Umi-2026');
  const op = await other.get('/mypage/facilities/groups');   // a page with a form: its token
  assert.equal((await other.post(`/mypage/facilities/${number}/pay/online`, { form: { csrf: csrf(op.text_) } })).status, 404);
  // 会計課 record it paid at the counter
  const sp = await kaikei.get(`/staff/payments/${pay}`);
  assert.equal(sp.status, 200);
  assert.equal((await kaikei.post(`/staff/payments/${pay}/counter`, { form: { csrf: csrf(sp.text_), via: 'cash' } })).status, 303);
  // read by the resident: paid, no form to pay again
  page = await c.get(`/mypage/facilities/${number}`);
  const m = main(page.text_);
  assert.match(m, /id="booking-paid"/);
  assert.doesNotMatch(m, /id="booking-pay-online"/);
  // asking to pay again is refused with a message
  const late = await c.post(`/mypage/facilities/${number}/pay/online`, { form: { csrf: csrf(page.text_) } });
  assert.equal(late.status, 409);
  // a booking paid online is cancelled at the desk, not here
  const cancel = await c.post(`/mypage/facilities/${number}/cancel`, { form: { csrf: csrf(page.text_), confirm: '1' } });
  assert.equal(cancel.status, 409);
  assert.match(main(cancel.text_), /オンラインで支払った予約は、ここでは取り消せません/);
  assert.match(main(cancel.text_), /data-state="booked"/);
});
