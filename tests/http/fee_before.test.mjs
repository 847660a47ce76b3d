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
// tests/browser/lifeevent.test.mjs.)  At the counter (書かない窓口) the fee
// is taken with the application only by staff who may take payments
// (payments.staff: demo-kumin, 区民課, holds it; demo-staff does not and
// is told which fee, how much, and where it is taken; nothing is
// submitted or paid).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, cli, loginWithTotp, DEMO_USERS, ROOT } from './lib.mjs';
import { loadProcedures, registerResident, png, askPayment, payAtCounter, adminClient, makeRole, makeStaff } from './apply_lib.mjs';

let srv, alice, bob, staff;

// 子ども医療証 (the birth interview's) with a fee paid before submission,
// and nothing the register and the interview do not know
function counterFeeProcedure({ db, dir }) {
  const own = join(dir, 'counter-fee');
  mkdirSync(own);
  const def = JSON.parse(readFileSync(join(ROOT, 'data/procedures/kodomo-iryosho.json'), 'utf8'));
  for (const pg of def.pages) for (const f of pg.fields) if (['insurance', 'insurance_card'].includes(f.id)) f.required = false;
  def.fee = { amount_yen: 400, timing: 'before_submit' };
  writeFileSync(join(own, 'kodomo-iryosho.json'), JSON.stringify(def));
  cli(['procedure', 'load', '--db', db, '--tenant', '139998', own]);
}

before(async () => {
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined,
    setup: (ctx) => { loadProcedures(ctx); counterFeeProcedure(ctx); } });
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

// a query's one value, on either engine (the server's database is
// PostgreSQL when MADOGUCHI_HTTP_DB says so)
const sql1 = (q) => (srv.db.startsWith('postgresql:')
  ? execFileSync('psql', [srv.db, '-qAtc', q], { encoding: 'utf8' })
  : execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' })).trim();
// the apply service's payments
const payments = () => Number(sql1("SELECT count(*) FROM payments WHERE service = 'apply'"));

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

// ---- at the counter (書かない窓口): the fee taken with the application ----

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}
const stateOf = (html) => {
  const m = html.match(/name="_state" value="([^"]*)"/);
  return m ? m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'") : null;
};
const counterAudits = () => cli(['audit', 'query', '--db', srv.db, '--json']).split('\n')
  .filter((l) => l.includes('apply.counter.submitted')).length;

// staff s run the birth interview at the counter for register person
// code and accept 子ども医療証: the answer to the accepting post
async function counterSubmit(s, code) {
  const p0 = await s.get(`/staff/counter/birth?person=${code}`);
  assert.equal(p0.status, 200);
  const csrf = Client.csrf(p0.text_);
  const p1 = await s.post('/staff/counter/birth', { form: { csrf, person: code, _page: '0', _state: '{}',
    _shown: 'child_name child_birth wants_nursery',
    'f.child_name.family': '港', 'f.child_name.given': 'みらい', 'f.child_name.family_kana': 'ミナト',
    'f.child_name.given_kana': 'ミライ', 'f.child_birth': jstDate(-5), 'f.wants_nursery': 'no' } });
  assert.equal(p1.status, 200, p1.text_.slice(0, 400));
  const result = await s.post('/staff/counter/birth', { form: { csrf, person: code, _page: '1', _state: stateOf(p1.text_),
    _shown: 'applicant_phone applicant_email', 'f.applicant_phone': '03-5555-0101' } });
  assert.equal(result.status, 200);
  const body = new URLSearchParams([['csrf', csrf], ['person', code], ['_state', stateOf(result.text_)],
    ['procedure', 'kodomo-iryosho'], ['_step', 'submit']]).toString();
  return s.req('POST', '/staff/counter/birth/submit', { body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

test('at the counter the fee is taken with the application only by staff who may take payments', async () => {
  const list = cli(['registry', 'list', '--db', srv.db, '--tenant', '139998']);
  const code = list.split('\n').find((l) => /\t港 /.test(l))?.split('\t')[2];
  assert.ok(code, 'a register person of the demo ward');
  const n0 = payments();
  const a0 = counterAudits();

  // demo-staff (子育て支援): applications.write, not payments.staff:
  // the same page again, 403, naming the procedure, its fee and where
  // it is taken; nothing submitted, nothing asked for or paid
  const s = new Client(srv.base);
  await loginWithTotp(s, ...DEMO_USERS.staff);
  const refused = await counterSubmit(s, code);
  assert.equal(refused.status, 403, refused.text_.slice(0, 400));
  const m = main(refused.text_);
  const note = m.match(/<div class="notice notice-error" id="counter-refused" role="alert"><p>([^<]*)<\/p>/);
  assert.ok(note, 'the refusal is said on the page');
  assert.match(note[1], /「子ども医療証の交付申請」の手数料400円/);
  assert.match(note[1], /会計課の窓口で手数料を受け取ってから申請してください/);
  assert.match(note[1], /どの手続も申請していません/);
  assert.match(m, /action="\/staff\/counter\/birth\/submit"/, 'the answers page, to accept again');
  assert.equal(payments(), n0, 'nothing asked for or paid');
  assert.equal(counterAudits(), a0, 'nothing submitted');
  // in English (staff pages have no やさしい日本語)
  await s.get('/lang?to=en&next=/');
  const en = await counterSubmit(s, code);
  assert.equal(en.status, 403);
  assert.match(main(en.text_), /The fee for “Application for a child medical subsidy card” \(400 yen\) is paid before the application/);
  assert.match(main(en.text_), /accounts counter/);
  await s.get('/lang?to=ja&next=/');
  assert.equal(payments(), n0);
  assert.equal(counterAudits(), a0);

  // demo-kumin (区民課, 窓口収納: payments.staff) takes it with the
  // application: received, the payment paid at the counter, audited as theirs
  const k = new Client(srv.base);
  await loginWithTotp(k, 'demo-kumin', 'Kusunoki-Kumin-2026');
  const ok = await counterSubmit(k, code);
  assert.equal(ok.status, 200, ok.text_.slice(0, 600));
  assert.match(ok.text_, /窓口で受け付けました/);
  const receipt = ok.text_.match(/class="receipt-number">(139998-\d{4}-\d{8})</)[1];
  assert.equal(counterAudits(), a0 + 1);
  assert.equal(payments(), n0 + 1, 'one payment');
  const number = sql1(`SELECT payment FROM apply_submissions WHERE receipt = '${receipt}'`);
  assert.match(number, /^\d{14}$/, 'the submission names its payment');
  const shown = cli(['payments', 'show', '--db', srv.db, '--tenant', '139998', number]);
  assert.match(shown, /^state\tpaid$/m);
  assert.match(shown, /^amount_yen\t400$/m);
  assert.match(shown, new RegExp(`^reference\\t${receipt}$`, 'm'));
  assert.ok(cli(['audit', 'query', '--db', srv.db, '--json']).split('\n')
    .some((l) => l.includes('payments.paid') && l.includes(number) && l.includes('demo-kumin')),
    'the taking is audited, naming who took it');
});
