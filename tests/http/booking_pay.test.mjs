// booking_pay.test.mjs -- a facility booking paid online through the
// payments service (src/svc/booking/pay_online.c, page_mine.c), on the
// real server with the demo ward: a resident holds and confirms a slot of
// next month, asks to pay online (the same payment when asked twice), the
// fee step shows the booking's fee; 会計課 record it paid at the counter;
// the booking reads paid on the resident's page (no form to pay again);
// the resident cancels it there in the free period: all of it is asked
// back.  Paid by card (the provider's test double, tests/doubles/
// card_psp.mjs, its own process) and cancelled within 7 days of use: the
// booking is cancelled and its slot free, half the fee kept, the other
// half asked back for the resident; cancelling again changes nothing;
// 会計課 see it among the refunds to approve, one member approves, and
// the provider refunds the half.
// MADOGUCHI_HTTP_DB (a fresh PostgreSQL database URL) runs it on
// PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, registerAndLogin, loginWithTotp, ROOT } from './lib.mjs';

let srv, kaikei, psp, dir;

// the card provider's test double, as its own process
function startPsp() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/card_psp.mjs'), '--port', '0',
      '--secret-file', join(dir, 'secret'), '--key-file', join(dir, 'key')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.stderr.on('data', (d) => { out += d; });
    p.on('exit', (code) => reject(new Error(`card_psp exited ${code}: ${out}`)));
  });
}
const pspLog = async () => (await fetch(psp.base + '/_control/log')).json();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-bookpay-'));
  writeFileSync(join(dir, 'key'), 'sk_test_madoguchi_booking_0001\n', { mode: 0o600 });
  writeFileSync(join(dir, 'secret'), 'whsec_madoguchi_booking_secret_01\n', { mode: 0o600 });
  psp = await startPsp();
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined,
    extraArgs: ['--pay-card-url', psp.base, '--pay-card-key-file', join(dir, 'key'),
      '--pay-card-webhook-secret-file', join(dir, 'secret')],
  });
  await fetch(psp.base + '/_control/notify', { method: 'POST', body: JSON.stringify({ url: srv.base + '/api/v1/payments/card/webhook' }) });
  kaikei = new Client(srv.base);
  assert.ok([200, 303].includes((await loginWithTotp(kaikei, 'demo-kaikei', 'Sazanka-Kaikei-2026')).status));
});
after(async () => {
  if (srv) await srv.stop();
  if (psp) psp.proc.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

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
  // cancelled by the resident in the free period: nothing kept, all asked back
  assert.match(m, /id="booking-refund-now">お支払いいただいた600円のうち、いま取り消すと600円を返金します/);
  const cancel = await c.post(`/mypage/facilities/${number}/cancel`, { form: { csrf: csrf(page.text_), confirm: '1' } });
  assert.equal(cancel.status, 200, main(cancel.text_).slice(0, 600));
  assert.match(main(cancel.text_), /data-state="cancelled"/);
  assert.match(main(cancel.text_), /id="booking-refund" data-refund="asked">600円を返金します/);
  const sp2 = main((await kaikei.get(`/staff/payments/${pay}`)).text_);
  assert.match(sp2, /id="refund-amount">600円/);
});

// a few days ahead in Japan: within the room's 7 days, cancelling keeps half
function daysAhead(n) {
  return new Date(Date.now() + 9 * 3600 * 1000 + n * 86400000).toISOString().slice(0, 10);
}

test('a booking paid by card, cancelled by the resident late: half kept, half refunded to the card once one member of staff approves', async () => {
  const day = daysAhead(3);
  const c = await registerAndLogin(srv.base, 'facility-card@example.org', 'Kumo-Sora-Umi-2026');
  const q = new URLSearchParams({ day, unit: 'room2', band: 'night' });
  const f = await c.get(`/facilities/hinode-kaikan/hold?${q}`);
  assert.equal(f.status, 200, main(f.text_).slice(0, 400));
  const h = await c.post('/facilities/hinode-kaikan/hold', { form: { csrf: csrf(f.text_), unit: 'room2', band: 'night', day,
    key: hidden(f.text_, 'key'), resident: '1', people: '3', purpose: '練習' } });
  assert.equal(h.status, 303, h.text_.slice(0, 400));
  const number = h.headers.get('location').match(/\/mypage\/facilities\/(\d{10})/)[1];
  let page = await c.get(`/mypage/facilities/${number}`);
  const conf = await c.post(`/mypage/facilities/${number}/confirm`, { form: { csrf: csrf(page.text_) } });
  assert.equal(conf.status, 200);
  const go = await c.post(`/mypage/facilities/${number}/pay/online`, { form: { csrf: csrf(conf.text_) } });
  assert.equal(go.status, 303, go.text_.slice(0, 400));
  const pay = go.headers.get('location').match(/^\/pay\/(\d{14})$/)[1];
  // card: on to the provider's page (the double), pay, come back
  const step = await c.get(`/pay/${pay}`);
  assert.match(main(step.text_), /id="pay-amount">700円/);
  const chosen = await c.post(`/pay/${pay}`, { form: { csrf: csrf(step.text_), method: 'card' } });
  assert.equal(chosen.status, 200, chosen.text_.slice(0, 600));
  const href = chosen.text_.match(/id="card-go" href="([^"]+)"/)[1].replace(/&amp;/g, '&');
  const providerId = href.split('/').pop();
  const paid = await fetch(href, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ card: '4242 4242 4242 4242', action: 'pay', _webhook: 'none' }).toString() });
  assert.equal(paid.status, 303);
  const back = await c.get(new URL(paid.headers.get('location')).pathname);
  assert.equal(back.status, 303);
  // the booking reads paid; cancelling now keeps half of 700
  page = await c.get(`/mypage/facilities/${number}`);
  let m = main(page.text_);
  assert.match(m, /id="booking-paid"/);
  assert.match(m, /id="booking-cancel-now">いま取り消すとキャンセル料は350円です/);
  assert.match(m, /id="booking-refund-now">お支払いいただいた700円のうち、いま取り消すと350円を返金します/);
  const cancel = await c.post(`/mypage/facilities/${number}/cancel`, { form: { csrf: csrf(page.text_), confirm: '1' } });
  assert.equal(cancel.status, 200, main(cancel.text_).slice(0, 600));
  m = main(cancel.text_);
  assert.match(m, /data-state="cancelled"/);
  assert.match(m, /id="booking-cancel-fee">350円/);
  assert.match(m, /id="booking-refund" data-refund="asked">350円を返金します（キャンセル料を差し引いた額です）。職員が返金の手続きをします/);
  // in English and in やさしい日本語 too
  await c.get('/lang?to=en&next=/');
  const en = main((await c.get(`/mypage/facilities/${number}`)).text_);
  assert.match(en, /data-refund="asked">350 yen will be refunded \(the cancellation fee is kept\)\. A member of staff makes the refund/);
  await c.get('/lang?to=ja-easy&next=/');
  const easy = main((await c.get(`/mypage/facilities/${number}`)).text_);
  assert.match(easy, /data-refund="asked">350えんを かえします/);
  await c.get('/lang?to=ja&next=/');
  // cancelling again: refused with a message, nothing asked twice
  const twice = await c.post(`/mypage/facilities/${number}/cancel`, { form: { csrf: csrf(page.text_), confirm: '1' } });
  assert.equal(twice.status, 409);
  assert.match(main(twice.text_), /すでに取り消されているか/);
  // the slot is free again: another resident holds it
  const o = await registerAndLogin(srv.base, 'facility-card-2@example.org', 'Kumo-Sora-Umi-2026');
  const of = await o.get(`/facilities/hinode-kaikan/hold?${q}`);
  const oh = await o.post('/facilities/hinode-kaikan/hold', { form: { csrf: csrf(of.text_), unit: 'room2', band: 'night', day,
    key: hidden(of.text_, 'key'), resident: '1', people: '2', purpose: '会議' } });
  assert.equal(oh.status, 303, oh.text_.slice(0, 400));
  // 会計課: among the refunds to approve, for the resident, 350 yen
  const list = main((await kaikei.get('/staff/payments?refund=asked')).text_);
  assert.match(list, new RegExp(`/staff/payments/${pay}"`));
  const sp = await kaikei.get(`/staff/payments/${pay}`);
  const sm = main(sp.text_);
  assert.match(sm, /id="refund-asked">支払った方の取消し/);
  assert.match(sm, /id="refund-amount">350円/);
  assert.match(sm, new RegExp(`施設予約 ${number} の取消し（お支払い 700円、取消料 350円、返金 350円）`));
  assert.equal((await pspLog()).refunds.filter((x) => x.payment_id === providerId).length, 0, 'nothing refunded before approval');
  // one member approves: the provider refunds 350 to the card, once
  const ok = await kaikei.post(`/staff/payments/${pay}/refund/approve`, { form: { csrf: csrf(sp.text_) } });
  assert.equal(ok.status, 303, ok.text_.slice(0, 600));
  const refunds = (await pspLog()).refunds.filter((x) => x.payment_id === providerId);
  assert.deepEqual(refunds.map((x) => x.amount), [350]);
  const again = await kaikei.post(`/staff/payments/${pay}/refund/approve`, { form: { csrf: csrf(sp.text_) } });
  assert.equal(again.status, 409);
  assert.equal((await pspLog()).refunds.filter((x) => x.payment_id === providerId).length, 1);
  assert.doesNotMatch(main((await kaikei.get('/staff/payments?refund=asked')).text_), new RegExp(`/staff/payments/${pay}"`));
  // the resident reads it refunded
  m = main((await c.get(`/mypage/facilities/${number}`)).text_);
  assert.match(m, /id="booking-refund" data-refund="done">350円を返金しました/);
});
