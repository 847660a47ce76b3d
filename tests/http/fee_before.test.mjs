// fee_before.test.mjs -- a procedure's fee paid before submission (issue 20
// item 4, src/svc/apply/fee.c), end to end over HTTP: the resident's
// confirmation page shows the pay step with the submit button disabled;
// submitting unpaid is refused (page and API) in Japanese and English;
// the pay step asks for one payment (the same again on a second click)
// and sends the resident to the payments service's page, which returns
// them to the confirmation page; a chosen method (pending) is still not
// paid; once 会計課 take it at the counter the button is enabled and the
// submission records the payment: the receipt page, the receipt PDF, the
// staff inbox's list and the submission's staff page show it.  (Staff at
// the counter taking the fee with the submission: tests/unit/apply and
// tests/browser/lifeevent.test.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, cli } from './lib.mjs';
import { loadProcedures, registerResident, png, askPayment, payAtCounter, adminClient, makeRole, makeStaff } from './apply_lib.mjs';

let srv, alice, bob, staff;

before(async () => {
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined, setup: loadProcedures });
  alice = await registerResident(srv.base, 'fee-alice@example.jp');
  bob = await registerResident(srv.base, 'fee-bob@example.jp');
  // 課税課 staff who read the inbox of department kazei (api-kazei's)
  await makeRole(await adminClient(srv.base), 'fee-kazei', ['applications.read', 'dept.kazei']);
  staff = (await makeStaff(srv, 'feekazei1', 'fee-kazei')).c;
});
after(async () => { if (srv) await srv.stop(); });

const main = (html) => (html.match(/<main[\s\S]*<\/main>/) || [html])[0];

// a complete api-kazei draft (300円, paid before submission) of api's
async function kazeiDraft(api) {
  const d = await api.post('/api/v1/drafts', { json: { procedure: 'api-kazei' } });
  assert.equal(d.status, 201, d.text_);
  const up = await api.put(`/api/v1/drafts/${d.json.id}/files/id_document?name=menkyo.png`,
    { body: png(3000), headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text_);
  const s = await api.put(`/api/v1/drafts/${d.json.id}`,
    { json: { answers: { purpose: '手数料の試験', copies: 1, id_document: up.json.file }, page: 0 } });
  assert.equal(s.status, 200, s.text_);
  return d.json.id;
}

// the apply service's payments, on either engine (the server's database
// is PostgreSQL when MADOGUCHI_HTTP_DB says so)
const payments = () => {
  const q = "SELECT count(*) FROM payments WHERE service = 'apply'";
  const out = srv.db.startsWith('postgresql:')
    ? execFileSync('psql', [srv.db, '-qAtc', q], { encoding: 'utf8' })
    : execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' });
  return Number(out.trim());
};

test('the resident pays on the check page, then submits; unpaid is refused on the page and the API', async () => {
  const id = await kazeiDraft(alice);
  const c = alice.c;
  // the check page: the pay step, unpaid, the submit button disabled
  const conf = await c.get(`/drafts/${id}/confirm`);
  assert.equal(conf.status, 200);
  const m = main(conf.text_);
  assert.match(m, /<section class="fee-step" id="fee-step"/);
  assert.match(m, /手数料のお支払い/);
  assert.match(m, /<dd class="fee">300円/);
  assert.match(m, /id="fee-state" data-state="unpaid">未払い</);
  assert.match(m, /action="\/drafts\/\d+\/pay"/);
  assert.match(m, /<button type="submit" class="button" id="submit" disabled aria-describedby="fee-lead">/);
  // submitting anyway (an old page, a crafted request): refused, 409,
  // the page again with the reason, nothing submitted, the draft kept
  const csrf = Client.csrf(conf.text_);
  const refused = await c.post(`/drafts/${id}/submit`, { form: { csrf } });
  assert.equal(refused.status, 409);
  assert.match(main(refused.text_), /この手続きは手数料を支払ってから申請します。確認画面から手数料を支払ってください。/);
  assert.match(main(refused.text_), /href="#fee-step"/, 'the error summary links to the pay step');
  // in English and in やさしい日本語 too (the catalog)
  await c.get('/lang?to=en&next=/');
  const en = await c.post(`/drafts/${id}/submit`, { form: { csrf } });
  assert.equal(en.status, 409);
  assert.match(en.text_, /The fee for this procedure must be paid before you submit/);
  await c.get('/lang?to=ja-easy&next=/');
  const easy = await c.post(`/drafts/${id}/submit`, { form: { csrf } });
  assert.match(easy.text_, /さきに おかねを はらいます/);
  await c.get('/lang?to=ja&next=/');
  // the API refuses it the same way
  const api = await alice.post(`/api/v1/drafts/${id}/submit`, { json: {} });
  assert.equal(api.status, 409);
  assert.match(api.json.error.message.en, /must be paid before you submit/);
  assert.equal((await alice.get(`/api/v1/drafts/${id}`)).status, 200, 'the draft is kept');
  // the pay step: one payment, the same on a second click; to /pay/{number}
  const n0 = payments();
  const number = await askPayment(alice, id);
  assert.match(number, /^\d{14}$/);
  assert.equal(await askPayment(alice, id), number);
  assert.equal(payments(), n0 + 1, 'asked for once');
  // the payments service's page: the fee, and the way back
  const pay = await c.get(`/pay/${number}`);
  assert.equal(pay.status, 200);
  assert.match(main(pay.text_), /id="pay-amount">300円/);
  assert.match(main(pay.text_), new RegExp(`href="/drafts/${id}/confirm" id="pay-back"`));
  // its reference names the draft, not the resident
  const shown = cli(['payments', 'show', '--db', srv.db, '--tenant', '139998', number]);
  assert.match(shown, new RegExp(`^reference\\tdraft-${id}$`, 'm'));
  assert.doesNotMatch(shown, /fee-alice|手数料の試験/);
  // another resident cannot see it, nor ask for it
  assert.equal((await bob.c.get(`/pay/${number}`)).status, 404);
  const bconf = await bob.c.get('/procedures/api-kazei');
  assert.equal((await bob.c.post(`/drafts/${id}/pay`, { form: { csrf: Client.csrf(bconf.text_) } })).status, 404);
  // a コンビニ slip chosen: pending, still not paid, still disabled
  const chose = await c.post(`/pay/${number}`, { form: { csrf: Client.csrf(pay.text_), method: 'konbini' } });
  assert.equal(chose.status, 303);
  const pending = main((await c.get(`/drafts/${id}/confirm`)).text_);
  assert.match(pending, /id="fee-state" data-state="pending">お支払い待ち</);
  assert.match(pending, new RegExp(`id="fee-number">${number}<`));
  assert.match(pending, /id="submit" disabled/);
  assert.equal((await c.post(`/drafts/${id}/submit`, { form: { csrf } })).status, 409);
  // 会計課 take it at the counter: paid, the button enabled
  await payAtCounter(srv.base, number);
  const paid = await c.get(`/drafts/${id}/confirm`);
  assert.match(main(paid.text_), /id="fee-state" data-state="paid">支払済み</);
  assert.doesNotMatch(main(paid.text_), /id="submit" disabled/);
  assert.doesNotMatch(main(paid.text_), /action="\/drafts\/\d+\/pay"/, 'nothing left to pay');
  // submitted, naming the payment
  const sub = await c.post(`/drafts/${id}/submit`, { form: { csrf: Client.csrf(paid.text_) } });
  assert.equal(sub.status, 303, sub.text_);
  const receipt = sub.headers.get('location').match(/\/submissions\/([0-9-]+)/)[1];
  const page = main((await c.get(`/submissions/${receipt}`)).text_);
  assert.match(page, /id="sub-fee"/);
  assert.match(page, /300円（支払済み）/);
  assert.match(page, new RegExp(`id="sub-payment">${number}<`));
  assert.doesNotMatch(page, /id="sub-pay"/, 'no pay button once paid');
  // the receipt PDF says it was paid, with the number
  const pdf = await alice.bytes(`/submissions/${receipt}/receipt.pdf`);
  assert.equal(pdf.status, 200);
  const text = execFileSync('pdftotext', ['-', '-'], { input: pdf.body, encoding: 'utf8' });
  assert.match(text, new RegExp(`300円 支払済み（支払番号 ${number}）`));
  // the API's submission names it
  assert.equal((await alice.get(`/api/v1/submissions/${receipt}`)).json.payment, number);
  // staff: the inbox list's badge and the submission's page
  const inbox = main((await staff.get('/staff/inbox?procedure=api-kazei')).text_);
  const row = inbox.match(new RegExp(`<tr data-receipt="${receipt}">[\\s\\S]*?</tr>`));
  assert.ok(row, 'listed');
  assert.match(row[0], /<span class="fee-badge" data-payment="paid">手数料: 支払済み<\/span>/);
  const sid = row[0].match(/href="\/staff\/submissions\/(\d+)"/)[1];
  const sp = main((await staff.get(`/staff/submissions/${sid}`)).text_);
  assert.match(sp, new RegExp(`<a href="/staff/payments/${number}" id="sub-payment" data-state="paid">支払済み</a>`));
});
