// apply_resident.test.mjs -- online applications from the resident's side,
// over HTTP on a real server with the demo ward: the procedure list and
// overview, a multi-page procedure filled in page by page (validation
// errors with the error summary, save and resume across a logout), the
// check-your-answers page, submission with a receipt number, the receipt
// page and its PDF (text read back with pdftotext), the status page,
// withdrawal, answers prefilled read-only from the resident register, a
// file upload, and another resident getting 404 for all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, ROOT, startSmtpSink, multipartBody } from './lib.mjs';
import { adminClient, makeRole, makeStaff } from './apply_lib.mjs';

const TARO = ['demo-taro@example.jp', 'Hinode-Kumin-2026'];
const SAKURA = ['demo-sakura@example.jp', 'Minato-Kumin-2026'];
// the demo ward with its procedures published (as scripts/run-demo.sh does)
const withProcedures = { setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']) };

export async function residentLogin(c, email, password) {
  const form = await c.get('/resident/login');
  const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
  const r = await c.post('/resident/login', { form: { pre, email, password } });
  assert.equal(r.status, 303, 'resident login');
  return r;
}

// the date in Japan, n days from now, as YYYY-MM-DD
function jstDate(n = 0) {
  const d = new Date(Date.now() + 9 * 3600e3 + n * 86400e3);
  return d.toISOString().slice(0, 10);
}

async function getBytes(srv, c, path) {
  const r = await fetch(srv.base + path, { headers: { cookie: c.cookieHeader() } });
  return { status: r.status, type: r.headers.get('content-type'), bytes: Buffer.from(await r.arrayBuffer()) };
}

function pdfText(srv, bytes) {
  const p = join(srv.dir, `r-${Date.now()}.pdf`);
  writeFileSync(p, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', p, '-'], { encoding: 'utf8' });
}

async function startDraft(c, code) {
  const ov = await c.get(`/procedures/${code}`);
  assert.equal(ov.status, 200);
  const csrf = Client.csrf(ov.text_);
  assert.ok(csrf, 'a logged-in resident gets the start button');
  const r = await c.post(`/procedures/${code}/start`, { form: { csrf } });
  assert.equal(r.status, 303);
  const m = r.headers.get('location').match(/^\/drafts\/(\d+)\/page\/(\d+)$/);
  assert.ok(m, `start redirects to the first page: ${r.headers.get('location')}`);
  return { id: m[1], page: Number(m[2]) };
}

const BABY = () => ({
  '_shown': 'baby_name baby_birth birth_weight weeks',
  'f.baby_name.family': '区民',
  'f.baby_name.given': '花子',
  'f.baby_name.family_kana': 'くみん',
  'f.baby_name.given_kana': 'ハナコ',
  'f.baby_birth': jstDate(-10),
  'f.birth_weight': '３０００',
  'f.weeks': '39',
  '_action': 'next',
});

test('procedure list and overview are public, in ja, en and やさしい日本語', async () => {
  const srv = await startServer(withProcedures);
  try {
    const c = new Client(srv.base);
    const list = await c.get('/procedures');
    assert.equal(list.status, 200);
    assert.match(list.text_, /href="\/procedures\/shinseiji-houmon"/);
    assert.ok((list.text_.match(/href="\/procedures\//g) || []).length >= 30);
    const found = await c.get('/procedures?q=' + encodeURIComponent('新生児'));
    assert.match(found.text_, /shinseiji-houmon/);
    assert.doesNotMatch(found.text_, /inu-touroku/, 'the search filters');
    const ov = await c.get('/procedures/shinseiji-houmon');
    assert.equal(ov.status, 200);
    assert.match(ov.text_, /<h1>出生通知票/);
    assert.match(ov.text_, /href="\/resident\/login"/, 'a visitor is asked to log in first');
    await c.get('/lang?to=ja-easy&next=/');
    const easy = await c.get('/procedures/shinseiji-houmon');
    assert.match(easy.text_, /<h1>あかちゃん の ほうもん の もうしこみ<\/h1>/, "the definition's own やさしい日本語");
    await c.get('/lang?to=en&next=/');
    const en = await c.get('/procedures/shinseiji-houmon');
    assert.match(en.text_, /<h1>Birth notice and newborn home visit request<\/h1>/);
    assert.match(en.text_, /What you need/);
    await c.get('/lang?to=ja&next=/');
    assert.equal((await c.get('/procedures/no-such-thing')).status, 404);
    assert.equal((await c.get('/procedures/BAD%20CODE')).status, 400);
    // the resident pages need a resident login
    const r = await c.get('/mypage/applications');
    assert.equal(r.status, 303);
    assert.match(r.headers.get('location'), /\/resident\/login/);
  } finally {
    await srv.stop();
  }
});

test('multi-page flow: errors, save and resume, submit, receipt, e-mail, PDF, status, withdraw; another resident sees none of it', async () => {
  const sink = await startSmtpSink();
  const srv = await startServer({ ...withProcedures, extraArgs: ['--smtp-url', sink.url,
    '--mail-from', 'noreply@demo-ku.example.jp', '--smtp-starttls', 'none'] });
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...TARO);
    const { id, page } = await startDraft(a, 'shinseiji-houmon');
    assert.equal(page, 0);
    const p0 = await a.get(`/drafts/${id}/page/0`);
    assert.equal(p0.status, 200);
    assert.match(p0.text_, /1 \/ 2 ページ/);
    assert.match(p0.text_, /name="f\.baby_name\.family_kana"/);
    assert.match(p0.text_, /令和8年4月1日/, 'the date hint follows the definition (和暦)');
    const csrf = Client.csrf(p0.text_);

    // nothing entered: the error summary links to the fields
    const bad = await a.post(`/drafts/${id}/page/0`, { form: { csrf, '_shown': 'baby_name baby_birth birth_weight weeks', '_action': 'next' } });
    assert.equal(bad.status, 400);
    assert.match(bad.text_, /class="error-summary" role="alert" tabindex="-1"/);
    assert.match(bad.text_, /<a href="#f-baby_name-family">/);
    assert.match(bad.text_, /id="f-baby_name-family"/);
    assert.match(bad.text_, /aria-invalid="true"/);
    assert.match(bad.text_, /<title>エラー: /);
    // a wrong value is kept and explained
    const wrong = await a.post(`/drafts/${id}/page/0`, { form: { csrf, ...BABY(), 'f.weeks': '60' } });
    assert.equal(wrong.status, 400);
    assert.match(wrong.text_, /href="#f-weeks"/);
    assert.match(wrong.text_, /value="60"/);

    const ok0 = await a.post(`/drafts/${id}/page/0`, { form: { csrf, ...BABY() } });
    assert.equal(ok0.status, 303);
    assert.equal(ok0.headers.get('location'), `/drafts/${id}/page/1`);

    // page 2 half done, saved for later
    const save = await a.post(`/drafts/${id}/page/1`, { form: {
      csrf, '_shown': 'mother_name visit_address phone wish_period',
      'f.mother_name.family': '区民', 'f.mother_name.family_kana': 'クミン',
      'f.phone': '03-1234-5678', '_action': 'save' } });
    assert.equal(save.status, 303);
    assert.equal(save.headers.get('location'), '/mypage/applications?saved=1');
    // checking the answers of an unfinished draft leads to what is missing
    const early = await a.get(`/drafts/${id}/confirm`);
    assert.equal(early.status, 303);
    assert.equal(early.headers.get('location'), `/drafts/${id}/page/1?check=1`);
    const check = await a.get(`/drafts/${id}/page/1?check=1`);
    assert.match(check.text_, /class="error-summary"/);
    assert.match(check.text_, /href="#f-wish_period"/);
    assert.doesNotMatch(check.text_, /href="#f-return_date"/, 'a hidden question is not reported');
    const mine = await a.get('/mypage/applications?saved=1');
    assert.match(mine.text_, /保存しました/);
    assert.match(mine.text_, new RegExp(`href="/drafts/${id}/page/1"`));

    // log out and back in: the draft is there with its answers
    const logout = await a.post('/resident/logout', { form: { csrf: Client.csrf(mine.text_) } });
    assert.equal(logout.status, 303);
    assert.equal((await a.get(`/drafts/${id}/page/1`)).status, 303, 'logged out');
    await residentLogin(a, ...TARO);
    const resumed = await a.get(`/drafts/${id}/page/1`);
    assert.equal(resumed.status, 200);
    assert.match(resumed.text_, /value="03-1234-5678"/);
    const csrf2 = Client.csrf(resumed.text_);

    // choosing "after_return" brings up the return date on the same page
    const page1 = { csrf: csrf2, '_shown': 'mother_name visit_address phone wish_period',
      'f.mother_name.family': '区民', 'f.mother_name.family_kana': 'クミン',
      'f.visit_address.postal_code': '1668570', 'f.visit_address.pref': '東京都',
      'f.visit_address.city': 'デモ区', 'f.visit_address.street': '１－２－３',
      'f.phone': '03-1234-5678', 'f.wish_period': 'after_return', '_action': 'next' };
    const more = await a.post(`/drafts/${id}/page/1`, { form: page1 });
    assert.equal(more.status, 200);
    assert.match(more.text_, /質問が追加されました/);
    assert.match(more.text_, /id="f-return_date"/);
    const done = await a.post(`/drafts/${id}/page/1`, { form: { ...page1,
      '_shown': 'mother_name visit_address phone wish_period return_date', 'f.return_date': jstDate(20) } });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), `/drafts/${id}/confirm`);

    const confirm = await a.get(`/drafts/${id}/confirm`);
    assert.equal(confirm.status, 200);
    assert.match(confirm.text_, /申請内容の確認/);
    assert.match(confirm.text_, /区民 花子（クミン ハナコ）/, 'kana normalised to katakana');
    assert.match(confirm.text_, /3000/);
    assert.match(confirm.text_, new RegExp(`href="/drafts/${id}/page/0\\?from=check"`));
    assert.match(confirm.text_, /〒166-8570 東京都 デモ区 1-2-3/);

    const sub = await a.post(`/drafts/${id}/submit`, { form: { csrf: Client.csrf(confirm.text_) } });
    assert.equal(sub.status, 303);
    const m = sub.headers.get('location').match(/^\/submissions\/(139998-\d{4}-\d{8})\?new=1$/);
    assert.ok(m, `receipt number format: ${sub.headers.get('location')}`);
    const receipt = m[1];
    assert.equal(receipt.slice(7, 11), jstDate().slice(0, 4), 'the year of the receipt number');
    const rec = await a.get(`/submissions/${receipt}?new=1`);
    assert.equal(rec.status, 200);
    assert.match(rec.text_, new RegExp(`class="receipt-number">${receipt}<`));
    assert.match(rec.text_, /このあとの流れ/);
    assert.match(rec.text_, /受付済み/);
    assert.equal((await a.get(`/drafts/${id}/page/0`)).status, 404, 'the draft became the submission');

    const pdf = await getBytes(srv, a, `/submissions/${receipt}/receipt.pdf`);
    assert.equal(pdf.status, 200);
    assert.equal(pdf.type, 'application/pdf');
    const text = pdfText(srv, pdf.bytes);
    assert.match(text, new RegExp(receipt));
    assert.match(text, /出生通知票/);
    assert.match(text, /令和\d+年/);

    // the receipt e-mail: number, title and link, no answers
    const deadline = Date.now() + 20000;
    let mail;
    while (!(mail = sink.messages().find((m) => m.to.includes(TARO[0])))) {
      if (Date.now() > deadline) throw new Error('no receipt e-mail');
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.match(mail.subject, new RegExp(receipt));
    assert.match(mail.text, new RegExp(`/submissions/${receipt}`));
    assert.match(mail.text, /出生通知票/);
    assert.doesNotMatch(mail.text + mail.subject, /花子|ハナコ|1234-5678|3000|デモ区 1-2-3/);

    const mine2 = await a.get('/mypage/applications');
    assert.match(mine2.text_, new RegExp(`href="/submissions/${receipt}"`));

    // resident B: 404 for A's draft, submission, receipt PDF
    const b = new Client(srv.base);
    await residentLogin(b, ...SAKURA);
    const other = await startDraft(a, 'shinseiji-houmon');
    assert.equal((await b.get(`/drafts/${other.id}/page/0`)).status, 404);
    assert.equal((await b.get(`/drafts/${other.id}/confirm`)).status, 404);
    assert.equal((await b.get(`/drafts/${other.id}/canonical`)).status, 404);
    const bpage = await b.get('/mypage/applications');
    const bcsrf = Client.csrf((await b.get('/mypage')).text_);
    assert.ok(bcsrf);
    assert.equal((await b.post(`/drafts/${other.id}/page/0`, { form: { csrf: bcsrf, ...BABY() } })).status, 404);
    assert.equal((await b.post(`/drafts/${other.id}/delete`, { form: { csrf: bcsrf } })).status, 404);
    assert.equal((await b.get(`/submissions/${receipt}`)).status, 404);
    assert.equal((await getBytes(srv, b, `/submissions/${receipt}/receipt.pdf`)).status, 404);
    assert.equal((await b.post(`/submissions/${receipt}/withdraw`, { form: { csrf: bcsrf, confirm: '1' } })).status, 404);
    assert.doesNotMatch(bpage.text_, new RegExp(receipt));

    // withdraw, with a confirmation page first
    const wf = await a.get(`/submissions/${receipt}/withdraw`);
    assert.equal(wf.status, 200);
    assert.match(wf.text_, /取り下げた申請は元に戻せません/);
    const w = await a.post(`/submissions/${receipt}/withdraw`, { form: { csrf: Client.csrf(wf.text_), confirm: '1' } });
    assert.equal(w.status, 303);
    const after = await a.get(`/submissions/${receipt}`);
    assert.match(after.text_, /<strong class="status status-withdrawn">取り下げ<\/strong>/);
    assert.match(after.text_, /これまでの経過/);
    const again = await a.post(`/submissions/${receipt}/withdraw`, { form: { csrf: Client.csrf(wf.text_), confirm: '1' } });
    assert.equal(again.status, 409);

    // nothing personal in the server's log
    assert.doesNotMatch(srv.log(), /花子|ハナコ|1234-5678/);
  } finally {
    // the sink closes even when the stop fails (its open port would keep
    // this file's process alive, and the run would never end)
    try { await srv.stop(); } finally { await sink.close(); }
  }
});

test('answers from the resident register are shown read-only with their source', async () => {
  const srv = await startServer(withProcedures);
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...TARO);
    const { id, page } = await startDraft(a, 'gan-kenshin');
    const p = await a.get(`/drafts/${id}/page/${page}`);
    assert.equal(p.status, 200);
    assert.match(p.text_, /住民基本台帳より/);
    assert.doesNotMatch(p.text_, /name="f\.applicant_name\.family"/, 'no input for a read-only answer');
    // English and やさしい日本語 use the definition's own texts
    await a.get('/lang?to=en&next=/');
    const en = await a.get(`/drafts/${id}/page/${page}`);
    assert.match(en.text_, /From the resident register/);
    assert.match(en.text_, /<html lang="en">/);
  } finally {
    await srv.stop();
  }
});

test('a file upload is stored and shown, a refused type is explained', async () => {
  const srv = await startServer(withProcedures);
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...TARO);
    const { id } = await startDraft(a, 'gairotou-koshou');
    const p = await a.get(`/drafts/${id}/page/0`);
    assert.match(p.text_, /enctype="multipart\/form-data"/);
    const field = p.text_.match(/type="file" id="f-([a-z0-9_]+)" name="f\.([a-z0-9_]+)"/);
    assert.ok(field, 'the page has a file input');
    const csrf = Client.csrf(p.text_);
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
      '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
    const multipart = (name, filename, type, data, action = 'save') => {
      const boundary = '----madoguchi' + Math.random().toString(16).slice(2);
      const parts = [
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_shown"\r\n\r\n${field[2]}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_action"\r\n\r\n${action}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
        data, Buffer.from(`\r\n--${boundary}--\r\n`)];
      return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
    };
    const refused = await a.post(`/drafts/${id}/page/0`, multipart(`f.${field[2]}`, 'x.exe', 'application/octet-stream', Buffer.from('MZ not an image'), 'next'));
    assert.equal(refused.status, 400);
    assert.match(refused.text_, /この種類のファイルは受け付けられません/);
    assert.match(refused.text_, new RegExp(`href="#f-${field[1]}"`));
    const up = await a.post(`/drafts/${id}/page/0`, multipart(`f.${field[2]}`, 'photo.png', 'image/png', png));
    assert.equal(up.status, 303);
    const shown = await a.get(`/drafts/${id}/page/0`);
    const link = shown.text_.match(/アップロード済み: <a href="\/files\/([0-9a-f]{64})">photo\.png/);
    assert.ok(link, 'the upload is shown with a link to it');
    const mine = await getBytes(srv, a, `/files/${link[1]}`);
    assert.equal(mine.status, 200);
    assert.ok(mine.bytes.equals(png), 'the same bytes come back');
    // another resident: 404 for the file
    const b = new Client(srv.base);
    await residentLogin(b, ...SAKURA);
    assert.equal((await getBytes(srv, b, `/files/${link[1]}`)).status, 404);
  } finally {
    await srv.stop();
  }
});

test('signature step: canonical bytes, a detached signature checked against the trust store, refusals explained', async () => {
  const pkiDir = mkdtempSync(join(tmpdir(), 'madoguchi-pki-'));
  const pki = join(pkiDir, 'pki');
  execFileSync('bash', [join(ROOT, 'tests/sign/make-test-pki.sh'), pki], { stdio: 'ignore' });
  const srv = await startServer({ ...withProcedures, extraArgs: ['--trust-dir', join(pki, 'trust')] });
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...TARO);
    const { id, page } = await startDraft(a, 'nenkin-menjo');
    const p = await a.get(`/drafts/${id}/page/${page}`);
    const shown = p.text_.match(/name="_shown" value="([^"]*)"/)[1];
    const r = await a.post(`/drafts/${id}/page/${page}`, { form: { csrf: Client.csrf(p.text_), '_shown': shown,
      'f.applicant_phone': '090-1234-5678', 'f.kind': 'exemption', 'f.period_from': jstDate(-30),
      'f.lost_job': 'no', '_action': 'next' } });
    assert.equal(r.status, 303, 'the page is complete');
    assert.equal(r.headers.get('location'), `/drafts/${id}/confirm`);
    const confirm = await a.get(`/drafts/${id}/confirm`);
    assert.match(confirm.text_, /enctype="multipart\/form-data"/);
    assert.match(confirm.text_, new RegExp(`href="/drafts/${id}/canonical"`));
    assert.match(confirm.text_, /\*\*\*\*\*\*\*\*\d{4}/, 'My Number masked on the check page');
    const csrf = Client.csrf(confirm.text_);
    const canon = await getBytes(srv, a, `/drafts/${id}/canonical`);
    assert.equal(canon.status, 200);
    const doc = JSON.parse(canon.bytes.toString());
    assert.equal(doc.procedure, 'nenkin-menjo');
    assert.equal(doc.tenant, '139998');
    const file = join(pkiDir, 'canonical.json');
    writeFileSync(file, canon.bytes);
    const sign = (who) => {
      const out = join(pkiDir, `${who}.p7s`);
      cli(['sign', '--key', join(pki, `${who}.key`), '--cert', join(pki, `${who}.pem`), '--out', out, file]);
      return readFileSync(out);
    };
    const send = (sig) => a.post(`/drafts/${id}/submit`, multipartBody({ csrf },
      sig && { name: 'signature', filename: 'a.p7s', type: 'application/pkcs7-signature', data: sig }));
    // no signature: refused, the step explained
    const none = await send(null);
    assert.equal(none.status, 400);
    assert.match(none.text_, /電子署名が必要です/);
    assert.match(none.text_, /href="#signature"/);
    // an expired certificate: refused with the reason
    const expired = await send(sign('expired'));
    assert.equal(expired.status, 400);
    assert.match(expired.text_, /電子署名を確認できませんでした/);
    assert.match(expired.text_, /期限/);
    // a signature of other bytes: refused
    const tampered = join(pkiDir, 'other.json');
    writeFileSync(tampered, canon.bytes.toString().replace('nenkin-menjo', 'nenkin-menjx'));
    cli(['sign', '--key', join(pki, 'resident.key'), '--cert', join(pki, 'resident.pem'), '--out', join(pkiDir, 't.p7s'), tampered]);
    const bad = await send(readFileSync(join(pkiDir, 't.p7s')));
    assert.equal(bad.status, 400);
    // the resident's valid signature: accepted and recorded
    const ok = await send(sign('resident'));
    assert.equal(ok.status, 303);
    const receipt = ok.headers.get('location').match(/submissions\/([0-9-]+)/)[1];
    const pdf = await getBytes(srv, a, `/submissions/${receipt}/receipt.pdf`);
    const text = pdfText(srv, pdf.bytes);
    assert.match(text, /電子署名あり/);
    assert.match(text, /\*\*\*\*\*\*\*\*\d{4}/, 'My Number masked in the PDF');
    assert.doesNotMatch(text, /\d{12}/, 'no full My Number in the PDF');
  } finally {
    await srv.stop();
    rmSync(pkiDir, { recursive: true, force: true });
  }
});

// fill in and submit 出生通知票 in one go; the receipt number
async function submitShinseiji(a) {
  const { id } = await startDraft(a, 'shinseiji-houmon');
  const p0 = await a.get(`/drafts/${id}/page/0`);
  const csrf = Client.csrf(p0.text_);
  assert.equal((await a.post(`/drafts/${id}/page/0`, { form: { csrf, ...BABY() } })).status, 303);
  const r1 = await a.post(`/drafts/${id}/page/1`, { form: { csrf, '_shown': 'mother_name visit_address phone wish_period',
    'f.mother_name.family': '区民', 'f.mother_name.family_kana': 'クミン',
    'f.visit_address.pref': '東京都', 'f.visit_address.city': 'デモ区', 'f.visit_address.street': '1-2-3',
    'f.phone': '03-1234-5678', 'f.wish_period': 'asap', '_action': 'next' } });
  assert.equal(r1.headers.get('location'), `/drafts/${id}/confirm`);
  const sub = await a.post(`/drafts/${id}/submit`, { form: { csrf } });
  assert.equal(sub.status, 303);
  return sub.headers.get('location').match(/submissions\/([0-9-]+)/)[1];
}

test('correction: staff return the submission with a note, the resident edits and resubmits (same receipt, revision 2)', async () => {
  const srv = await startServer(withProcedures);
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...TARO);
    const receipt = await submitShinseiji(a);
    // staff of the department return it through the JSON API
    const admin = await adminClient(srv.base);
    await makeRole(admin, 'boshi-clerk', ['applications.read', 'applications.write', 'dept.boshi_hoken']);
    const staff = await makeStaff(srv, 'boshi1', 'boshi-clerk');
    const listed = await staff.get('/api/v1/submissions');   /* also gives the CSRF header */
    assert.equal(listed.status, 200);
    assert.ok(listed.json.submissions.some((x) => x.receipt === receipt), 'the department sees it');
    const t = await staff.post(`/api/v1/submissions/${receipt}/transitions`,
      { json: { to: 'returned', note: '在胎週数をご確認ください。' } });
    assert.equal(t.status, 200, t.text_);

    const page = await a.get(`/submissions/${receipt}`);
    assert.match(page.text_, /修正のお願い（差し戻し）/);
    assert.match(page.text_, /在胎週数をご確認ください。/);
    const fix = await a.post(`/submissions/${receipt}/correct`, { form: { csrf: Client.csrf(page.text_) } });
    assert.equal(fix.status, 303);
    const m = fix.headers.get('location').match(/^\/drafts\/(\d+)\/page\/0$/);
    assert.ok(m, fix.headers.get('location'));
    const draft = m[1];
    const p0 = await a.get(`/drafts/${draft}/page/0`);
    assert.match(p0.text_, /value="区民"/, 'the answers are copied into the correction');
    assert.match(p0.text_, /在胎週数をご確認ください。/, "staff's note is shown while editing");
    const csrf = Client.csrf(p0.text_);
    const r0 = await a.post(`/drafts/${draft}/page/0`, { form: { csrf, ...BABY(), 'f.weeks': '38' } });
    assert.equal(r0.status, 303);
    const conf = await a.get(`/drafts/${draft}/confirm`);
    assert.equal(conf.status, 200);
    assert.match(conf.text_, />38</);
    const sub = await a.post(`/drafts/${draft}/submit`, { form: { csrf } });
    assert.equal(sub.status, 303);
    assert.match(sub.headers.get('location'), new RegExp(`^/submissions/${receipt}\\?new=1$`), 'the same receipt');
    const after = await a.get(`/submissions/${receipt}`);
    assert.match(after.text_, /再提出の回数<\/dt><dd>2</);
    assert.match(after.text_, /受付済み/);
    assert.match(after.text_, /再提出/);
    const seen = await staff.get(`/api/v1/submissions/${receipt}`);
    assert.equal(seen.json.revision, 2);
  } finally {
    await srv.stop();
  }
});

test('an exit page explains why the procedure cannot be used, and the answer can be changed', async () => {
  const srv = await startServer(withProcedures);
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...TARO);
    const { id, page } = await startDraft(a, 'jidou-teate-nintei');
    const p = await a.get(`/drafts/${id}/page/${page}`);
    assert.match(p.text_, /1 \/ 5 ページ/);
    const r = await a.post(`/drafts/${id}/page/${page}`, { form: { csrf: Client.csrf(p.text_),
      '_shown': 'is_public_servant', 'f.is_public_servant': 'yes', '_action': 'next' } });
    assert.equal(r.status, 200);
    assert.match(r.text_, /<h1>勤務先で申請してください<\/h1>/);
    assert.match(r.text_, new RegExp(`href="/drafts/${id}/page/${page}"`));
    // the check page says the same: nothing to submit
    const c = await a.get(`/drafts/${id}/confirm`);
    assert.match(c.text_, /<h1>勤務先で申請してください<\/h1>/);
    const sub = await a.post(`/drafts/${id}/submit`, { form: { csrf: Client.csrf(p.text_) } });
    assert.equal(sub.status, 400, 'an exit cannot be submitted');
    // answering no goes on to the next page
    const r2 = await a.post(`/drafts/${id}/page/${page}`, { form: { csrf: Client.csrf(p.text_),
      '_shown': 'is_public_servant', 'f.is_public_servant': 'no', '_action': 'next' } });
    assert.equal(r2.status, 303);
    assert.equal(r2.headers.get('location'), `/drafts/${id}/page/1`);
  } finally {
    await srv.stop();
  }
});

test('a group is prefilled from the household: the 転出届 lists the others who move, editable', async () => {
  const srv = await startServer(withProcedures);
  try {
    const a = new Client(srv.base);
    await residentLogin(a, ...TARO);
    const { id } = await startDraft(a, 'tenshutsu');
    const p = await a.get(`/drafts/${id}/page/1`);
    assert.equal(p.status, 200);
    // the demo register's household of 日之出太郎, without himself, in its order
    const given = [...p.text_.matchAll(/name="f\.movers\[(\d+)\]\.mover_name\.given" value="([^"]*)"/g)]
      .map((m) => [Number(m[1]), m[2]]);
    assert.deepEqual(given, [[0, '花子'], [1, '蒼'], [2, '陽葵']]);
    assert.match(p.text_, /name="f\.movers\[2\]\.mover_birth" value="2024-06-20"/);
    assert.match(p.text_, /name="f\.movers\[0\]\.mover_relation" value="妻"/);
    assert.match(p.text_, /name="_n\.movers" value="3"/);
    // editable: each item can be removed, and the hint says so
    assert.match(p.text_, /一緒に転出しない方は削除してください/);
    assert.match(p.text_, /name="_action" value="remove:movers\[0\]"/);
  } finally {
    await srv.stop();
  }
});
