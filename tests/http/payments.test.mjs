// payments.test.mjs -- the payments service over HTTP (src/svc/payments):
// a resident pays a bulky-waste booking online (the fee step, Pay-easy
// numbers, the コンビニ slip), staff import a collection agent's result
// file (a malformed one refused with its line, nothing applied; the same
// file twice refused), the daily statement with a missing and a duplicate
// payment and its CSV (UTF-8 with BOM, CP932), counter payments, refunds
// that need two people, permissions, and the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, registerAndLogin, loginWithTotp, multipartBody, DEMO_USERS } from './lib.mjs';

let srv, kaikei, admin, plain;
const KAIKEI = ['demo-kaikei', 'Sazanka-Kaikei-2026'];
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const csrf = (html) => Client.csrf(html);
const hidden = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];
const checkedDay = (html) => (main(html).match(/type="radio"[^>]*name="day" value="(\d{4}-\d\d-\d\d)"[^>]*checked/) || [])[1];
const jstToday = () => new Date(Date.now() + 9 * 3600e3).toISOString().slice(0, 10);

function audit(action) {
  return cli(['audit', 'query', '--db', srv.db, '--action', action, '--json'])
    .split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}
function show(number) {
  const out = cli(['payments', 'show', '--db', srv.db, '--tenant', '139998', number]);
  return Object.fromEntries(out.split('\n').filter((l) => l.includes('\t') && !l.startsWith('  ')).map((l) => l.split('\t')));
}

const pool = [];
async function resident(i) {
  while (pool.length <= i)
    pool.push(await registerAndLogin(srv.base, `pay-${pool.length}@example.org`, 'Kumo-Sora-Umi-2026'));
  return pool[i];
}

// a bulky-waste booking of the resident, and its payment through "pay online"
async function bookAndPay(c, list) {
  const f = await c.get('/waste/book?' + new URLSearchParams({ list, chome: '日之出町1丁目' }));
  assert.equal(f.status, 200);
  const r = await c.post('/waste/book', { form: {
    csrf: csrf(f.text_), list, chome: '日之出町1丁目', key: hidden(f.text_, 'key'), day: checkedDay(f.text_),
    address: '1番1号', place: '玄関前', name: 'デモ 一郎', phone: '03-0000-5678', email: '' } });
  assert.equal(r.status, 303, r.text_.slice(0, 400));
  const booking = r.headers.get('location').match(/\/mypage\/waste\/(\d{10})/)[1];
  const page = await c.get(`/mypage/waste/${booking}`);
  assert.match(main(page.text_), /id="waste-pay-online"/);
  const go = await c.post(`/mypage/waste/${booking}/pay/online`, { form: { csrf: csrf(page.text_) } });
  assert.equal(go.status, 303, go.text_.slice(0, 400));
  const number = go.headers.get('location').match(/^\/pay\/(\d{14})$/)[1];
  // asking again gives the same payment, not a second one
  const again = await c.post(`/mypage/waste/${booking}/pay/online`, { form: { csrf: csrf(page.text_) } });
  assert.equal(again.headers.get('location'), `/pay/${number}`);
  return { booking, number };
}

async function importFile(c, csv, { kind = 'konbini', final = false, name = 'result.csv' } = {}) {
  const form = await c.get('/staff/payments/import');
  assert.equal(form.status, 200);
  const fields = { csrf: csrf(form.text_), kind };
  if (final) fields.final = '1';
  const { body, headers } = multipartBody(fields, { name: 'file', filename: name, type: 'text/csv', data: Buffer.from(csv) });
  return c.post('/staff/payments/import', { body, headers });
}

before(async () => {
  srv = await startServer();
  kaikei = new Client(srv.base);
  assert.ok([200, 303].includes((await loginWithTotp(kaikei, ...KAIKEI)).status));
  admin = new Client(srv.base);
  assert.ok([200, 303].includes((await loginWithTotp(admin, ...DEMO_USERS.admin)).status));
  plain = new Client(srv.base);
  await loginWithTotp(plain, ...DEMO_USERS.staff);
});
after(async () => { await srv?.stop(); });

test('the fee step: only the payer sees it; Pay-easy numbers; the コンビニ slip is a PDF with the amount', async () => {
  const c = await resident(0);
  const { number } = await bookAndPay(c, 'chair*2');
  const p = await c.get(`/pay/${number}`);
  assert.equal(p.status, 200);
  const m = main(p.text_);
  assert.match(m, /id="pay-amount">800円/);
  assert.match(m, /粗大ごみ処理手数料/);
  assert.match(m, /value="payeasy"/);
  assert.match(m, /value="konbini"/);
  assert.doesNotMatch(m, /value="card"/);   // no card provider configured
  // another resident: as if there were no such payment
  const other = await resident(1);
  assert.equal((await other.get(`/pay/${number}`)).status, 404);
  assert.equal((await other.post(`/pay/${number}`, { form: { csrf: csrf((await other.get('/mypage')).text_), method: 'konbini' } })).status, 404);
  // no method chosen: the form again with the error
  const none = await c.post(`/pay/${number}`, { form: { csrf: csrf(p.text_) } });
  assert.equal(none.status, 422);
  assert.match(main(none.text_), /支払方法を選んでください/);
  // Pay-easy: the three numbers
  const pe = await c.post(`/pay/${number}`, { form: { csrf: csrf(p.text_), method: 'payeasy' } });
  assert.equal(pe.status, 303);
  const pp = main((await c.get(`/pay/${number}`)).text_);
  assert.match(pp, /id="payeasy-biller">99998</);
  assert.match(pp, new RegExp(`id="payeasy-customer">${number}<`));
  assert.match(pp, /id="payeasy-confirm">\d{4}</);
  // then the コンビニ slip instead
  await c.post(`/pay/${number}`, { form: { csrf: csrf(p.text_), method: 'konbini' } });
  const pk = main((await c.get(`/pay/${number}`)).text_);
  assert.match(pk, new RegExp(`href="/pay/${number}/slip.pdf"`));
  const slip = await new Promise((resolve, reject) => {
    // binary body: read it raw
    import('node:http').then(({ default: http }) => {
      const u = new URL(srv.base + `/pay/${number}/slip.pdf`);
      http.get({ host: u.hostname, port: u.port, path: u.pathname, headers: { cookie: c.cookieHeader() } }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  });
  assert.equal(slip.status, 200);
  assert.equal(slip.type, 'application/pdf');
  const dir = mkdtempSync(join(tmpdir(), 'mg-slip-'));
  try {
    writeFileSync(join(dir, 's.pdf'), slip.body);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 's.pdf'), '-'], { encoding: 'utf8' });
    assert.match(text, /800円/);
    assert.match(text, new RegExp(number));
    // the barcode read back from the page equals the digits the payment holds
    execFileSync('pdftoppm', ['-r', '600', '-gray', '-png', '-singlefile', join(dir, 's.pdf'), join(dir, 's')]);
    const code = execFileSync('zbarimg', ['--quiet', '--raw', join(dir, 's.png')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    assert.equal(code, show(number).barcode);
    assert.equal(code.slice(0, 2), '91');
    assert.equal(code.slice(37, 43), '000800');
  } finally { rmSync(dir, { recursive: true, force: true }); }
  // another resident gets no slip either
  assert.equal((await other.get(`/pay/${number}/slip.pdf`)).status, 404);
});

test('result files: a malformed line refuses the whole file; a notice pays; the booking shows it paid; the same file twice is refused', async () => {
  const c = await resident(2);
  const a = await bookAndPay(c, 'chair*1');
  const b = await bookAndPay(c, 'sofa_1seat*1');
  for (const x of [a, b]) {
    const p = await c.get(`/pay/${x.number}`);
    assert.equal((await c.post(`/pay/${x.number}`, { form: { csrf: csrf(p.text_), method: 'konbini' } })).status, 303);
  }
  const ca = show(a.number).barcode, cb = show(b.number).barcode;
  const day = jstToday();
  // line 3 has a wrong check digit: nothing is applied
  const bad = cb.slice(0, 43) + String((Number(cb[43]) + 1) % 10);
  const r1 = await importFile(kaikei, `barcode,amount_yen,paid_on,store\n${ca},400,${day},デモマート\n${bad},800,${day},デモマート\n`);
  assert.equal(r1.status, 422);
  assert.match(main(r1.text_), /3 行目に誤りがあるため取り込みませんでした（バーコードの番号が正しくありません/);
  assert.equal(show(a.number).state, 'pending');
  // the notice: a paid once, a again (a duplicate), b paid
  const notice = `barcode,amount_yen,paid_on,store\n${ca},400,${day},デモマート港町店\n${ca},400,${day},デモマート港町店\n${cb},800,${day},デモマート\n`;
  const r2 = await importFile(kaikei, notice);
  assert.equal(r2.status, 200, main(r2.text_));
  assert.match(main(r2.text_), /3 行を取り込みました。支払済み・確認 2、二重 1、該当なし 0、金額違い 0/);
  assert.equal(show(a.number).state, 'paid');
  // the resident's booking is now paid online
  const bk = main((await c.get(`/mypage/waste/${a.booking}`)).text_);
  assert.match(bk, /オンラインで納付済み/);
  assert.doesNotMatch(bk, /id="waste-pay-online"/);
  const pay = main((await c.get(`/pay/${a.number}`)).text_);
  assert.match(pay, /id="pay-done"/);
  // the same file again: refused, nothing doubled
  const r3 = await importFile(kaikei, notice);
  assert.equal(r3.status, 409);
  assert.match(main(r3.text_), /取込済み/);
  // the settlement lists a only: b is missing from it
  const r4 = await importFile(kaikei, `バーコード,金額,収納日,店舗\r\n${ca},400,${day.replaceAll('-', '')},デモマート港町店\r\n`, { final: true, name: 'kakuho.csv' });
  assert.equal(r4.status, 200, main(r4.text_));
  const st = await kaikei.get(`/staff/payments/statement?day=${day}&method=konbini`);
  assert.equal(st.status, 200);
  const sm = main(st.text_);
  const row = (id) => { const m = sm.match(new RegExp(`<tr id="${id}"><th[^>]*>[^<]*</th><td class="num">(\\d+)</td><td class="num">([^<]+)</td>`)); return m && [Number(m[1]), m[2]]; };
  assert.deepEqual(row('st-expected'), [2, '1,200円']);
  assert.deepEqual(row('st-settled'), [1, '400円']);
  assert.deepEqual(row('st-missing'), [1, '800円']);
  assert.deepEqual(row('st-duplicate'), [1, '400円']);
  assert.match(sm, new RegExp(`確報にない</td><td><a href="/staff/payments/${b.number}"`));
  // the CSV: UTF-8 with BOM, and CP932 for the finance system
  const csv = await kaikei.get(`/staff/payments/statement.csv?day=${day}&method=konbini&enc=utf8`);
  assert.equal(csv.status, 200);
  assert.ok(csv.text_.startsWith('\uFEFF区分,支払番号'), csv.text_.slice(0, 40));
  assert.match(csv.text_, /二重の入金/);
  assert.match(csv.text_, new RegExp(`確報にない,${b.number},0,800`));
  const sj = await new Promise((resolve, reject) => {
    import('node:http').then(({ default: http }) => {
      const u = new URL(srv.base + `/staff/payments/statement.csv?day=${day}&method=konbini&enc=cp932`);
      http.get({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { cookie: kaikei.cookieHeader() } }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
  });
  assert.equal(new TextDecoder('shift_jis').decode(sj).split('\r\n')[0], '区分,支払番号,入金額,請求額,確報,収納場所,記録元');
  // audited: the imports, a paid, the duplicate
  assert.equal(audit('payments.import').length, 2);
  assert.ok(audit('payments.paid').some((x) => x.object_id === a.number));
  assert.ok(audit('payments.receipt_duplicate').some((x) => x.object_id === a.number));
});

test('a Pay-easy notice with another biller is refused with its line; the staff list and detail', async () => {
  const c = await resident(3);
  const x = await bookAndPay(c, 'chair*3');
  const p = await c.get(`/pay/${x.number}`);
  await c.post(`/pay/${x.number}`, { form: { csrf: csrf(p.text_), method: 'payeasy' } });
  const day = jstToday();
  const r = await importFile(kaikei, `biller,customer,confirm,amount_yen,paid_on,bank\n12345,${x.number},0000,1200,${day},デモ銀行\n`, { kind: 'payeasy' });
  assert.equal(r.status, 422);
  assert.match(main(r.text_), /2 行目に誤りがあるため取り込みませんでした（この区の収納機関番号/);
  const confirm = show(x.number).payeasy.split(' ')[2];
  // a wrong 確認番号 names no payment: a difference, not paid
  const wrong = String((Number(confirm) + 1) % 10000).padStart(4, '0');
  const w = await importFile(kaikei, `biller,customer,confirm,amount_yen,paid_on,bank\n99998,${x.number},${wrong},1200,${day},デモ銀行\n`, { kind: 'payeasy' });
  assert.equal(w.status, 200, main(w.text_));
  assert.match(main(w.text_), /該当なし 1/);
  assert.equal(show(x.number).state, 'pending');
  const ok = await importFile(kaikei, `biller,customer,confirm,amount_yen,paid_on,bank\n99998,${x.number},${confirm},1200,${day},デモ銀行\n`, { kind: 'payeasy' });
  assert.equal(ok.status, 200, main(ok.text_));
  assert.equal(show(x.number).state, 'paid');
  const list = main((await kaikei.get('/staff/payments?method=payeasy&state=paid')).text_);
  assert.match(list, new RegExp(`href="/staff/payments/${x.number}"`));
  const one = await kaikei.get(`/staff/payments/${x.number}`);
  assert.equal(one.status, 200);
  assert.match(main(one.text_), /id="pay-history"/);
  assert.match(main(one.text_), /支払方法の選択/);
  assert.ok(audit('data.read').some((y) => y.object_type === 'payment' && y.object_id === x.number));
  // a member of staff without the permission is refused
  assert.equal((await plain.get('/staff/payments')).status, 403);
  assert.equal((await plain.get(`/staff/payments/${x.number}`)).status, 403);
});

test('the counter, and a refund that needs two people', async () => {
  const c = await resident(4);
  const x = await bookAndPay(c, 'sofa_2seat*1');
  const page = await kaikei.get(`/staff/payments/${x.number}`);
  assert.match(main(page.text_), /id="counter-go"/);
  const paid = await kaikei.post(`/staff/payments/${x.number}/counter`, { form: { csrf: csrf(page.text_), via: 'cash' } });
  assert.equal(paid.status, 303);
  assert.equal(show(x.number).state, 'paid');
  assert.equal(show(x.number).method, 'counter');
  // a second counter payment of the same: refused, the state stays
  const twice = await kaikei.post(`/staff/payments/${x.number}/counter`, { form: { csrf: csrf(page.text_), via: 'cash' } });
  assert.equal(twice.status, 409);
  // a refund without a reason: the form again
  const p2 = await kaikei.get(`/staff/payments/${x.number}`);
  const noreason = await kaikei.post(`/staff/payments/${x.number}/refund`, { form: { csrf: csrf(p2.text_), reason: '' } });
  assert.equal(noreason.status, 422);
  assert.match(main(noreason.text_), /返金の理由/);
  const ask = await kaikei.post(`/staff/payments/${x.number}/refund`, { form: { csrf: csrf(p2.text_), reason: '収集の取消による' } });
  assert.equal(ask.status, 303);
  // the one who asked cannot approve it
  const p3 = await kaikei.get(`/staff/payments/${x.number}`);
  assert.match(main(p3.text_), /id="refund-other"/);
  const self = await kaikei.post(`/staff/payments/${x.number}/refund/approve`, { form: { csrf: csrf(p3.text_) } });
  assert.equal(self.status, 409);
  assert.equal(show(x.number).state, 'paid');
  // another member of staff approves
  const p4 = await admin.get(`/staff/payments/${x.number}`);
  assert.match(main(p4.text_), /id="refund-approve"/);
  const ok = await admin.post(`/staff/payments/${x.number}/refund/approve`, { form: { csrf: csrf(p4.text_) } });
  assert.equal(ok.status, 303);
  assert.equal(show(x.number).state, 'refunded');
  const rec = audit('payments.refunded').filter((y) => y.object_id === x.number);
  assert.equal(rec.length, 1);
  assert.equal(rec[0].actor_login, 'demo-admin');
  assert.equal(audit('payments.refund_requested').filter((y) => y.object_id === x.number)[0].actor_login, 'demo-kaikei');
  // the resident sees it refunded
  assert.match(main((await c.get(`/pay/${x.number}`)).text_), /id="pay-refunded"/);
});

test('a fee paid after review: approving asks the applicant for it; the inbox shows its state', async () => {
  const { Api } = await import('./apply_lib.mjs');
  const c = await resident(5);
  const api = new Api(srv.base, { client: c });
  await api.get('/api/v1/my/submissions');
  const d = await api.post('/api/v1/drafts', { json: { procedure: 'shisetsu-yoyaku' } });
  assert.equal(d.status, 201, d.text_);
  const day = new Date(Date.now() + 40 * 86400e3).toISOString().slice(0, 10);
  const answers = { facility: 'center_room', use_date: day, slot: 'morning', people: 10, purpose: '地域の打合せ',
    charges_fee: false, group_name: 'デモ町会', rep_name: { family: '区民', given: '花子', family_kana: 'くみん', given_kana: 'はなこ' },
    rep_phone: '03-0000-1111', rep_email: 'hanako@example.org' };
  const s = await api.put(`/api/v1/drafts/${d.json.id}`, { json: { answers, page: 0 } });
  assert.equal(s.status, 200, s.text_);
  const sub = await api.post(`/api/v1/drafts/${d.json.id}/submit`, { json: {} });
  assert.equal(sub.status, 201, sub.text_);
  const receipt = sub.json.receipt;
  // before review: no payment asked for
  assert.doesNotMatch(main((await c.get(`/submissions/${receipt}`)).text_), /id="sub-pay"/);
  // 区民課 staff (the department's) approve it
  const kumin = new Client(srv.base);
  await loginWithTotp(kumin, 'demo-kumin', 'Kusunoki-Kumin-2026');
  const sapi = new Api(srv.base, { client: kumin });
  await sapi.get('/api/v1/submissions?limit=1');   /* an API read gives the session's CSRF token */
  const t = await sapi.post(`/api/v1/submissions/${receipt}/transitions`, { json: { to: 'approved' } });
  assert.equal(t.status, 200, t.text_);
  // the applicant is asked for the fee, once
  const page = main((await c.get(`/submissions/${receipt}`)).text_);
  assert.match(page, /id="sub-fee"/);
  assert.match(page, /1500円/);
  const number = page.match(/id="sub-pay" href="\/pay\/(\d{14})"/)[1];
  const p = await c.get(`/pay/${number}`);
  assert.equal(p.status, 200);
  assert.match(main(p.text_), /区民センター|施設/);
  assert.match(main(p.text_), new RegExp(`href="/submissions/${receipt}"`));   // back to the application
  // the staff's submission page shows the payment's state, linked
  const id = (await sapi.get(`/api/v1/submissions/${receipt}`)).json.id;
  const staffPage = main((await kumin.get(`/staff/submissions/${id}`)).text_);
  assert.match(staffPage, new RegExp(`<a href="/staff/payments/${number}" id="sub-payment" data-state="created">`));
  // paid at the counter by 会計課: the applicant sees it paid, no pay button
  const pp = await kaikei.get(`/staff/payments/${number}`);
  assert.equal((await kaikei.post(`/staff/payments/${number}/counter`, { form: { csrf: csrf(pp.text_), via: 'terminal' } })).status, 303);
  const after = main((await c.get(`/submissions/${receipt}`)).text_);
  assert.match(after, /支払済み/);
  assert.doesNotMatch(after, /id="sub-pay"/);
  assert.match(main((await kumin.get(`/staff/submissions/${id}`)).text_), /data-state="paid"/);
  assert.equal(audit('payments.created').filter((x) => x.object_id === number).length, 1);
});

test('a booking\'s online payment follows the booking: 処理券 withdraw it, a move asks anew, paid online is cancelled only after a refund is asked', async () => {
  const c = await resident(6);
  // a slip asked for, then paid by 処理券: the slip is no longer payable
  const a = await bookAndPay(c, 'chair*1');
  let p = await c.get(`/pay/${a.number}`);
  await c.post(`/pay/${a.number}`, { form: { csrf: csrf(p.text_), method: 'konbini' } });
  const bk = await c.get(`/mypage/waste/${a.booking}`);
  const t = await c.post(`/mypage/waste/${a.booking}/pay`, { form: { csrf: csrf(bk.text_), tickets: 'B55500001' } });
  assert.equal(t.status, 200, main(t.text_));
  assert.equal(show(a.number).state, 'expired');
  assert.equal((await c.get(`/pay/${a.number}/slip.pdf`)).status, 404);
  // a move withdraws the unpaid payment; asking again gives a new one due before the new day
  const b = await bookAndPay(c, 'chair*1');
  const page = await c.get(`/mypage/waste/${b.booking}`);
  const target = [...main(page.text_).matchAll(/name="day" value="(\d{4}-\d\d-\d\d)"/g)].map((m) => m[1]).pop();
  assert.ok(target, 'a day to move to');
  const mv = await c.post(`/mypage/waste/${b.booking}/move`, { form: { csrf: csrf(page.text_), day: target } });
  assert.equal(mv.status, 200, main(mv.text_));
  assert.equal(show(b.number).state, 'expired');
  const again = await c.post(`/mypage/waste/${b.booking}/pay/online`, { form: { csrf: csrf(page.text_) } });
  const b2 = again.headers.get('location').match(/^\/pay\/(\d{14})$/)[1];
  assert.notEqual(b2, b.number);
  // paid online (at the counter here), then the resident cannot cancel online
  p = await kaikei.get(`/staff/payments/${b2}`);
  assert.equal((await kaikei.post(`/staff/payments/${b2}/counter`, { form: { csrf: csrf(p.text_), via: 'cash' } })).status, 303);
  const paidPage = await c.get(`/mypage/waste/${b.booking}`);
  assert.match(main(paidPage.text_), /オンラインで納付済み/);
  const cancel = await c.post(`/mypage/waste/${b.booking}/cancel`, { form: { csrf: csrf(paidPage.text_), confirm: '1' } });
  assert.equal(cancel.status, 409);
  assert.match(main(cancel.text_), /オンラインで支払った予約は、ここでは取り消せません/);
  // 会計課 ask for the refund; then the Sanitation Office cancels the booking
  const machi = new Client(srv.base);
  await loginWithTotp(machi, 'demo-machi', 'Keyaki-Machi-2026');
  const sp = await machi.get(`/staff/waste/booking/${b.booking}`);
  const refused = await machi.post(`/staff/waste/booking/${b.booking}/cancel`, { form: { csrf: csrf(sp.text_), confirm: '1' } });
  assert.equal(refused.status, 409);
  assert.match(main(refused.text_), /会計課で返金を申請してから/);
  p = await kaikei.get(`/staff/payments/${b2}`);
  assert.equal((await kaikei.post(`/staff/payments/${b2}/refund`, { form: { csrf: csrf(p.text_), reason: '収集の取消' } })).status, 303);
  const ok = await machi.post(`/staff/waste/booking/${b.booking}/cancel`, { form: { csrf: csrf(sp.text_), confirm: '1' } });
  assert.equal(ok.status, 303);
});

test('each municipality sets its own codes for the rails: checked, audited, used for the next method chosen and for imports; slips issued keep theirs', async () => {
  // only 会計課 (payments.rails) see the page
  assert.equal((await plain.get('/staff/payments/rails')).status, 403);
  const page = await kaikei.get('/staff/payments/rails');
  assert.equal(page.status, 200);
  assert.match(main(page.text_), /id="rails-source" data-own="0"/);
  assert.match(main(page.text_), /name="payeasy_biller"[^>]*value="99998"/);
  // a slip issued before the change
  const c = await resident(7);
  const old = await bookAndPay(c, 'chair*1');
  let p = await c.get(`/pay/${old.number}`);
  assert.equal((await c.post(`/pay/${old.number}`, { form: { csrf: csrf(p.text_), method: 'konbini' } })).status, 303);
  const oldCode = show(old.number).barcode;
  assert.equal(oldCode.slice(0, 8), '91999980');
  // malformed: refused with the field's message, in Japanese and English, nothing stored
  const form = { csrf: csrf(page.text_), payeasy_biller: '12345', konbini_biller: '812345', konbini_agent: '00002' };
  const bad = await kaikei.post('/staff/payments/rails', { form });
  assert.equal(bad.status, 422);
  assert.match(main(bad.text_), /委託者コードは 9 か 5 で始まる数字6桁です/);
  assert.match(main(bad.text_), /id="f-konbini_biller"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="f-konbini_biller"/);
  const badEn = await kaikei.post('/staff/payments/rails', { form: { ...form, konbini_biller: '912345', konbini_agent: '2' },
    headers: { 'accept-language': 'en' } });
  assert.equal(badEn.status, 422);
  assert.match(main(badEn.text_), /The collection agent(&#39;|')s code is 5 digits/);
  // a digit too many: refused, never cut to a code that passes (page and CLI)
  const long = await kaikei.post('/staff/payments/rails', { form: { ...form, konbini_biller: '9123456' } });
  assert.equal(long.status, 422);
  assert.match(main(long.text_), /委託者コードは 9 か 5 で始まる数字6桁です/);
  assert.throws(() => cli(['payments', 'rails', '--db', srv.db, '--tenant', '139998', '--payeasy-biller', '123456',
    '--konbini-biller', '912345', '--konbini-agent', '00002']), /not set/);
  assert.match(cli(['payments', 'rails', '--db', srv.db, '--tenant', '139998']), /source\tserver/);
  // set: the page says they are the municipality's; audited
  const ok = await kaikei.post('/staff/payments/rails', { form: { ...form, konbini_biller: '912345' } });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/staff/payments/rails?saved=1');
  const saved = main((await kaikei.get('/staff/payments/rails?saved=1')).text_);
  assert.match(saved, /id="rails-saved"/);
  assert.match(saved, /data-own="1"/);
  assert.match(saved, /name="konbini_biller"[^>]*value="912345"/);
  const out = cli(['payments', 'rails', '--db', srv.db, '--tenant', '139998']);
  assert.match(out, /payeasy_biller\t12345/);
  assert.match(out, /konbini_agent\t00002/);
  assert.match(out, /source\tmunicipality/);
  const rec = audit('payments.rails');
  assert.equal(rec.length, 1);
  assert.equal(rec[0].actor_login, 'demo-kaikei');
  // the next method chosen carries the new codes
  const fresh = await bookAndPay(c, 'sofa_1seat*1');
  p = await c.get(`/pay/${fresh.number}`);
  await c.post(`/pay/${fresh.number}`, { form: { csrf: csrf(p.text_), method: 'payeasy' } });
  assert.match(main((await c.get(`/pay/${fresh.number}`)).text_), /id="payeasy-biller">12345</);
  await c.post(`/pay/${fresh.number}`, { form: { csrf: csrf(p.text_), method: 'konbini' } });
  const newCode = show(fresh.number).barcode;
  assert.equal(newCode.slice(0, 15), '91912345' + '00002' + '00');
  // the slip issued before keeps its barcode
  assert.equal(show(old.number).barcode, oldCode);
  // a result file is checked against the municipality's codes: the new one pays
  const day = jstToday();
  const imp = await importFile(kaikei, `barcode,amount_yen,paid_on,store\n${newCode},${newCode.slice(37, 43) * 1},${day},デモマート\n`, { name: 'rails-new.csv' });
  assert.equal(imp.status, 200, main(imp.text_));
  assert.equal(show(fresh.number).state, 'paid');
  // the CLI's import uses them too: a line with the old biller's code is refused
  const dir = mkdtempSync(join(tmpdir(), 'mg-rails-'));
  try {
    writeFileSync(join(dir, 'old.csv'), `barcode,amount_yen,paid_on,store\n${oldCode},${oldCode.slice(37, 43) * 1},${day},デモマート\n`);
    assert.throws(() => cli(['payments', 'import', '--db', srv.db, '--tenant', '139998', '--kind', 'konbini', join(dir, 'old.csv')]),
      /another biller|取り込みませんでした/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
  assert.equal(show(old.number).state, 'pending');
});
