// counter_submit.test.mjs -- 書かない窓口 records what it does: staff run
// the birth interview at the counter for a person of the demo register and
// submit the chosen procedures on the resident's behalf.  The submissions
// are entered by staff (no resident account), land in their own
// department's inbox only, are audited one record each; a procedure the
// register and the interview do not complete refuses the whole submission
// and the page names its missing fields; a resident cannot post there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, cli, loginWithTotp, DEMO_USERS, ROOT } from './lib.mjs';

const SAKURA = ['demo-sakura@example.jp', 'Minato-Kumin-2026'];

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}
const state = (html) => {
  const m = html.match(/name="_state" value="([^"]*)"/);
  return m ? m[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'") : null;
};
const receiptsIn = (html) => [...html.matchAll(/<tr data-receipt="([^"]+)"/g)].map((m) => m[1]);

async function residentLogin(c, email, password) {
  const form = await c.get('/resident/login');
  const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
  const r = await c.post('/resident/login', { form: { pre, email, password } });
  assert.equal(r.status, 303, 'resident login');
}

// the birth interview at the counter, to its result page
async function counterBirth(s, code) {
  const p0 = await s.get(`/staff/counter/birth?person=${code}`);
  assert.equal(p0.status, 200);
  const csrf = Client.csrf(p0.text_);
  const p1 = await s.post('/staff/counter/birth', { form: { csrf, person: code, _page: '0', _state: '{}',
    _shown: 'child_name child_birth wants_nursery',
    'f.child_name.family': '港', 'f.child_name.given': 'みらい', 'f.child_name.family_kana': 'ミナト',
    'f.child_name.given_kana': 'ミライ', 'f.child_birth': jstDate(-5), 'f.wants_nursery': 'no' } });
  assert.equal(p1.status, 200, p1.text_.slice(0, 400));
  const result = await s.post('/staff/counter/birth', { form: { csrf, person: code, _page: '1', _state: state(p1.text_),
    _shown: 'applicant_phone applicant_email', 'f.applicant_phone': '03-5555-0101' } });
  assert.equal(result.status, 200);
  return { csrf, result };
}

function submitBody(csrf, code, result, procedures) {
  return new URLSearchParams([['csrf', csrf], ['person', code], ['_state', state(result.text_)],
    ...procedures.map((p) => ['procedure', p])]).toString();
}

test('the counter submits on the resident\'s behalf: all or none, in the department\'s inbox, audited', async () => {
  // a ward whose 子ども医療証 asks nothing the register and the interview
  // do not know (no insurance question, no card to attach)
  const srv = await startServer({
    setup: ({ db, dir }) => {
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']);
      const easy = join(dir, 'procedures');
      mkdirSync(easy);
      const def = JSON.parse(readFileSync(join(ROOT, 'data/procedures/kodomo-iryosho.json'), 'utf8'));
      for (const pg of def.pages) for (const f of pg.fields) if (['insurance', 'insurance_card'].includes(f.id)) f.required = false;
      writeFileSync(join(easy, 'kodomo-iryosho.json'), JSON.stringify(def));
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', easy]);
    },
  });
  try {
    const list = cli(['registry', 'list', '--db', srv.db, '--tenant', '139998']);
    const code = list.split('\n').find((l) => /\t港 /.test(l))?.split('\t')[2];
    assert.ok(code, 'a register person of the demo ward');
    // demo-staff: 子育て支援 (kosodate-teate, hoiku), applications.write
    const s = new Client(srv.base);
    await loginWithTotp(s, ...DEMO_USERS.staff);
    const { csrf, result } = await counterBirth(s, code);
    assert.match(result.text_, /formaction="\/staff\/counter\/birth\/submit"/);
    assert.match(result.text_, /申請内容を確認・入力する/);
    const before = receiptsIn((await s.get('/staff/inbox')).text_);

    // 児童手当 needs answers the counter did not ask: nothing is submitted
    const post = (body) => s.req('POST', '/staff/counter/birth/submit', { body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const refused = await post(submitBody(csrf, code, result, ['kodomo-iryosho', 'jidou-teate-nintei']) + '&_step=submit');
    assert.equal(refused.status, 422, refused.text_.slice(0, 400));
    assert.match(refused.text_, /どの手続も申請していません/);
    assert.match(refused.text_, /児童手当/);
    const summary = refused.text_.match(/<div class="error-summary"[\s\S]*?<\/div>/)[0];
    assert.match(summary, /<a href="#f-is_public_servant[^"]*">[^<]*公務員[^<]*<\/a>/, 'a missing field named by its label, linked to its input');
    assert.match(refused.text_, /<strong>[^<]*児童[^<]*<\/strong>/, 'what cannot be typed here (the children) is listed');
    assert.doesNotMatch(summary, /健康保険/, 'the complete procedure has no error');
    assert.deepEqual(receiptsIn((await s.get('/staff/inbox')).text_).sort(), before.sort(), 'all or none');

    assert.ok(cli(['audit', 'query', '--db', srv.db, '--json']).split('\n')
      .some((l) => l.includes('lifeevent.counter.register') && l.includes(`birth:${code}`)),
      'the register read of a refused submission is audited too');
    // without it: accepted, one receipt, shown to the resident
    // from the result page: the answers page first, nothing submitted
    const check = await post(submitBody(csrf, code, result, ['kodomo-iryosho']));
    assert.equal(check.status, 200);
    assert.match(check.text_, /申請内容の確認と入力/);
    assert.doesNotMatch(check.text_, /error-summary/);
    assert.deepEqual(receiptsIn((await s.get('/staff/inbox')).text_).sort(), before.sort(), 'the check submits nothing');
    const ok = await post(submitBody(csrf, code, result, ['kodomo-iryosho']) + '&_step=submit');
    assert.equal(ok.status, 200, ok.text_.slice(0, 600));
    assert.match(ok.text_, /窓口で受け付けました/);
    const receipts = [...ok.text_.matchAll(/class="receipt-number">(139998-\d{4}-\d{8})</g)].map((m) => m[1]);
    assert.equal(receipts.length, 1);
    assert.match(ok.text_, /子育て支援課<br>本庁舎4階 20番窓口/, "the department by name, and where its counter is");
    const r = receipts[0];
    // its link opens the staff view of the submission
    const link = ok.text_.match(/href="(\/staff\/submissions\/\d+)"/)[1];
    const view = await s.get(link);
    assert.equal(view.status, 200);
    assert.ok(view.text_.includes(r));
    // in 子育て支援's inbox, not in 保健福祉's
    assert.ok(receiptsIn((await s.get('/staff/inbox')).text_).includes(r), 'in the department\'s inbox');
    const f = new Client(srv.base);
    await loginWithTotp(f, 'demo-fukushi', 'Tsutsuji-Fukushi-2026');
    assert.ok(!receiptsIn((await f.get('/staff/inbox')).text_).includes(r), 'not in another department\'s');
    // nor can that department print its 控え (404: not one of theirs)
    const other = await fetch(`${srv.base}/staff/counter/birth/receipt?receipts=${r}`, { headers: { cookie: f.cookieHeader() } });
    assert.equal(other.status, 404);
    const mine = await fetch(`${srv.base}/staff/counter/birth/receipt?receipts=${r}`, { headers: { cookie: s.cookieHeader() } });
    assert.equal(mine.status, 200);
    // audited, one record naming the receipt
    const audit = cli(['audit', 'query', '--db', srv.db, '--json']).split('\n')
      .filter((l) => l.includes('apply.counter.submitted'));
    assert.equal(audit.length, 1);
    assert.ok(audit[0].includes(r) && audit[0].includes('demo-staff'));
    // entered at the counter: by staff, no resident account; the register's
    // answers and those stated to staff are told apart
    if (srv.db.startsWith('sqlite:')) {
      const row = execFileSync('sqlite3', [srv.db.slice(7),
        `SELECT resident_id, entered_by, sources FROM apply_submissions WHERE receipt = '${r}'`], { encoding: 'utf8' }).trim().split('|');
      assert.equal(row[0], '0');
      assert.ok(Number(row[1]) > 0, 'entered_by is the member of staff');
      const src = JSON.parse(row.slice(2).join('|'));
      assert.equal(src.applicant_name, 'juki');
      assert.equal(src.applicant_phone, 'staff');
    }
    // a resident cannot post to the counter
    const a = new Client(srv.base);
    await residentLogin(a, ...SAKURA);
    const home = await a.get('/');
    const rr = await a.req('POST', '/staff/counter/birth/submit', {
      body: submitBody(Client.csrf(home.text_) || 'x', code, result, ['kodomo-iryosho']) + '&_step=submit',
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.ok([403, 303].includes(rr.status), `resident got ${rr.status}`);
    assert.equal(cli(['audit', 'query', '--db', srv.db, '--json']).split('\n')
      .filter((l) => l.includes('apply.counter.submitted')).length, 1);
  } finally {
    await srv.stop();
  }
});

// the answers page's form as the browser would post it: hidden and typed
// inputs, checked choices, selected options (the _shown of every section)
function formPairs(html) {
  const form = html.match(/<form method="post" action="\/staff\/counter\/[^"]+\/submit"[\s\S]*?<\/form>/)[0];
  const un = (v) => v.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const pairs = [];
  for (const m of form.matchAll(/<input\b[^>]*>/g)) {
    const tag = m[0];
    const name = tag.match(/\bname="([^"]*)"/)?.[1];
    if (!name) continue;
    const type = tag.match(/\btype="([^"]*)"/)?.[1] || 'text';
    if ((type === 'radio' || type === 'checkbox') && !/\bchecked\b/.test(tag)) continue;
    pairs.push([name, un(tag.match(/\bvalue="([^"]*)"/)?.[1] ?? '')]);
  }
  for (const m of form.matchAll(/<select\b[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const sel = m[2].match(/<option value="([^"]*)"[^>]*selected/);
    pairs.push([m[1], sel ? un(sel[1]) : '']);
  }
  return pairs;
}
const withValues = (pairs, values) => {
  const out = pairs.filter(([n]) => !(n in values));
  for (const [n, v] of Object.entries(values)) out.push([n, v]);
  return new URLSearchParams(out).toString();
};
function pdfText(dir, bytes) {
  const p = join(dir, `c-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(p, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', p, '-'], { encoding: 'utf8' });
}

test('staff type what the register lacks: validated as a resident\'s answers, kept on error, in the PDF and the application', async () => {
  // 子ども医療証 whose health insurance (a choice) the register does not
  // know; the card's copy is brought later
  const srv = await startServer({
    setup: ({ db, dir }) => {
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']);
      const own = join(dir, 'procedures');
      mkdirSync(own);
      const def = JSON.parse(readFileSync(join(ROOT, 'data/procedures/kodomo-iryosho.json'), 'utf8'));
      for (const pg of def.pages) for (const f of pg.fields) if (f.id === 'insurance_card') f.required = false;
      writeFileSync(join(own, 'kodomo-iryosho.json'), JSON.stringify(def));
      cli(['procedure', 'load', '--db', db, '--tenant', '139998', own]);
    },
  });
  try {
    const list = cli(['registry', 'list', '--db', srv.db, '--tenant', '139998']);
    const code = list.split('\n').find((l) => /\t港 /.test(l))?.split('\t')[2];
    const s = new Client(srv.base);
    await loginWithTotp(s, ...DEMO_USERS.staff);
    const { csrf, result } = await counterBirth(s, code);
    const post = (path, body) => s.req('POST', path, { body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const page = await post('/staff/counter/birth/submit', submitBody(csrf, code, result, ['kodomo-iryosho']));
    assert.equal(page.status, 200);
    // the register's answers with their source, read-only; the missing
    // choice as the resident's own select; the interview's phone editable
    assert.match(page.text_, /class="field prefilled" id="f-applicant_name[\s\S]*?住民基本台帳より/);
    assert.match(page.text_, /<select[^>]*name="f.insurance"/);
    assert.match(page.text_, /<input[^>]*name="f.applicant_phone" value="03-5555-0101"/);
    assert.match(page.text_, /窓口で職員が入力/, 'the interview answers shown as stated to staff');
    const pairs = formPairs(page.text_);

    // a bad phone and an impossible 和暦 date: refused, summarised, kept
    const bad = await post('/staff/counter/birth/submit', withValues(pairs,
      { 'f.applicant_phone': '03-55x', 'f.child_birth': '令和8年13月40日', 'f.insurance': 'kokuho', _step: 'submit' }));
    assert.equal(bad.status, 422, bad.text_.slice(0, 300));
    const summary = bad.text_.match(/<div class="error-summary"[\s\S]*?<\/div>/)[0];
    assert.match(summary, /href="#f-applicant_phone"/);
    assert.match(summary, /href="#f-child_birth"/);
    assert.doesNotMatch(summary, /f-insurance/, 'the valid choice is not an error');
    assert.match(bad.text_, /name="f.applicant_phone" value="03-55x"/, 'the typed phone is kept');
    assert.match(bad.text_, /name="f.child_birth" value="令和8年13月40日"/, 'the typed date is kept');
    assert.match(bad.text_, /<option value="kokuho" selected/, 'the typed choice is kept');
    assert.equal(cli(['audit', 'query', '--db', srv.db, '--json']).split('\n')
      .filter((l) => l.includes('apply.counter.submitted')).length, 0, 'nothing submitted');

    // corrected, with the birth date typed in 和暦
    const [y, m, d] = jstDate(-5).split('-').map(Number);
    const fixed = withValues(formPairs(bad.text_), { 'f.applicant_phone': '090-1234-5678',
      'f.child_birth': `令和${y - 2018}年${m}月${d}日` });
    // the PDF has every form filled with the typed answers
    const pdf = await fetch(`${srv.base}/staff/counter/birth/pdf`, { method: 'POST', body: fixed,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookieHeader() } });
    assert.equal(pdf.status, 200);
    const text = pdfText(srv.dir, Buffer.from(await pdf.arrayBuffer()));
    assert.match(text, /国民健康保険/);
    assert.match(text, /090-1234-5678/);
    const ok = await post('/staff/counter/birth/submit', fixed + '&_step=submit');
    assert.equal(ok.status, 200, ok.text_.slice(0, 600));
    assert.match(ok.text_, /窓口で受け付けました/);
    // the application carries them, as stated to staff
    const view = await s.get(ok.text_.match(/href="(\/staff\/submissions\/\d+)"/)[1]);
    assert.equal(view.status, 200);
    assert.match(view.text_, /国民健康保険/);
    assert.match(view.text_, /090-1234-5678/);
    assert.doesNotMatch(view.text_, /03-5555-0101/, 'the corrected phone replaced the interview\'s');
    // the resident's 控え: the receipt number, the department and its
    // contact, the date in 和暦, what happens next; audited
    const receipt = ok.text_.match(/class="receipt-number">([^<]+)</)[1];
    const href = ok.text_.match(/href="(\/staff\/counter\/birth\/receipt\?receipts=[^"]+)"/)[1].replace(/&amp;/g, '&');
    const rp = await fetch(srv.base + href, { headers: { cookie: s.cookieHeader() } });
    assert.equal(rp.status, 200);
    assert.equal(rp.headers.get('content-type'), 'application/pdf');
    const rtext = pdfText(srv.dir, Buffer.from(await rp.arrayBuffer()));
    assert.ok(rtext.includes(receipt), 'the receipt number');
    assert.match(rtext, /子育て支援課/);
    assert.match(rtext, /本庁舎4階 20番窓口/, 'where its counter is');
    assert.match(rtext, /令和\d+年\d+月\d+日/, 'the date in 和暦');
    assert.match(rtext, /このあと/);
    assert.doesNotMatch(rtext, /港 さくら/, 'no name on the 控え');
    assert.ok(cli(['audit', 'query', '--db', srv.db, '--json']).split('\n')
      .some((l) => l.includes('lifeevent.counter.receipt') && l.includes(receipt)), 'the 控え is audited');
    // not a counter application's receipt: refused
    const none = await fetch(`${srv.base}/staff/counter/birth/receipt?receipts=139998-2026-00000000`,
      { headers: { cookie: s.cookieHeader() } });
    assert.equal(none.status, 404);
    if (srv.db.startsWith('sqlite:')) {
      const r = receipt;
      const row = execFileSync('sqlite3', [srv.db.slice(7),
        `SELECT sources, canonical FROM apply_submissions WHERE receipt = '${r}'`], { encoding: 'utf8' }).trim();
      assert.match(row, /"insurance":\s*"staff"/);
      assert.match(row, /"applicant_name":\s*"juki"/);
      assert.match(row, new RegExp(`"child_birth":\\s*"${jstDate(-5)}"`), 'the 和暦 date normalised');
    }
  } finally {
    await srv.stop();
  }
});
