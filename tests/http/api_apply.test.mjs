// api_apply.test.mjs -- the applications JSON API (/api/v1) end to end on a
// real server: the public procedure list, a resident's whole flow (draft,
// upload checked by content, answers, canonical bytes, submission, own
// list, withdrawal), staff of two departments (lists with filters and
// keyset paging, one submission with history, transitions, assignment,
// internal comments), Bearer tokens, and the error cases: bad JSON,
// unknown procedure, bodies past the limits, a wrong file type, another
// resident's draft and another department's submission (404), a
// transition the table refuses (409), a missing note (422), a bad token
// (401), a cookie write without its CSRF header (403); signed submissions
// verified against a test PKI (tests/sign/pki.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { existsSync, unlinkSync } from 'node:fs';
import { startServer, Client, DEMO_USERS, passwordLogin, cli } from './lib.mjs';
import { testPki, signBytes } from '../sign/pki.mjs';
import { Api, loadProcedures, registerResident, adminClient, makeRole, makeStaff, png, sha256, submitKazei, payDraft } from './apply_lib.mjs';

let srv, pki, alice, bob, kazei, kuminka;

before(async () => {
  pki = testPki();
  srv = await startServer({ setup: loadProcedures, extraArgs: ['--trust-dir', pki.trust] });
  const admin = await adminClient(srv.base);
  await makeRole(admin, 'kazei-clerk', ['applications.read', 'applications.write', 'dept.kazei']);
  await makeRole(admin, 'kuminka-clerk', ['applications.read', 'applications.write', 'dept.kuminka']);
  kazei = await makeStaff(srv, 'kazei1', 'kazei-clerk');
  kuminka = await makeStaff(srv, 'kuminka1', 'kuminka-clerk');
  alice = await registerResident(srv.base, 'alice.api@example.jp');
  bob = await registerResident(srv.base, 'bob.api@example.jp');
});

after(async () => { await srv?.stop(); });

// RFC 8785 for the values of these tests (strings, integers, objects)
const jcs = (v) => (v && typeof v === 'object' && !Array.isArray(v)
  ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`
  : Array.isArray(v) ? `[${v.map(jcs).join(',')}]` : JSON.stringify(v));

// the status of a PUT announcing a body past the server's limit (the
// server answers before the body is sent, so a raw socket asks)
function overLimit(port, api) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`PUT /api/v1/drafts/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n`
        + `Cookie: ${api.c.cookieHeader()}\r\nX-CSRF-Token: ${api.csrf}\r\nContent-Length: ${200 * 1024 * 1024}\r\n\r\n{"answers":{"x":"`);
    });
    let d = '';
    s.on('data', (x) => { d += x; const m = d.match(/^HTTP\/1\.1 (\d{3})/); if (m) { s.destroy(); resolve(Number(m[1])); } });
    s.on('error', reject);
  });
}

const isError = (r, status, code) => {
  assert.equal(r.status, status, r.text_);
  assert.match(r.headers.get('content-type'), /application\/json/);
  assert.equal(r.json.error.status, status);
  if (code) assert.equal(r.json.error.code, code);
  assert.ok(r.json.error.message.ja && r.json.error.message.en);
};

test('public: the published procedures and one definition', async () => {
  const anon = new Api(srv.base);
  const l = await anon.get('/api/v1/procedures');
  assert.equal(l.status, 200);
  const k = l.json.procedures.find((p) => p.code === 'api-kazei');
  assert.deepEqual(k, { code: 'api-kazei', version: 1, title: { ja: 'APIテスト 課税証明の請求', en: 'API test: tax certificate request' },
    department: 'kazei', signature: 'none', fee: { amount_yen: 300, timing: 'before_submit' } });
  assert.equal(l.json.procedures.find((p) => p.code === 'api-signed').signature, 'required');
  const d = await anon.get('/api/v1/procedures/api-kazei');
  assert.equal(d.status, 200);
  assert.equal(d.json.version, 1);
  assert.equal(d.json.definition.pages[0].fields[2].id, 'id_document');
  assert.equal((await anon.get('/api/v1/procedures/api-kazei?version=1')).json.version, 1);
  isError(await anon.get('/api/v1/procedures/api-kazei?version=7'), 404, 'not_found');
  isError(await anon.get('/api/v1/procedures/no-such-thing'), 404, 'not_found');
  isError(await anon.get('/api/v1/procedures/BAD!'), 400);
});

test('resident: draft, upload, answers, canonical bytes, submit, own list', async () => {
  const d = await alice.post('/api/v1/drafts', { json: { procedure: 'api-kazei' } });
  assert.equal(d.status, 201, d.text_);
  assert.equal(d.headers.get('location'), `/api/v1/drafts/${d.json.id}`);
  assert.equal(d.json.procedure, 'api-kazei');
  const file = png(5000);
  const up = await alice.put(`/api/v1/drafts/${d.json.id}/files/id_document?name=${encodeURIComponent('免許証.png')}`,
    { body: file, headers: { 'content-type': 'image/png' } });
  assert.equal(up.status, 201, up.text_);
  assert.deepEqual(up.json.file, { name: '免許証.png', type: 'image/png', size: 5000, sha256: sha256(file) });
  // the draft keeps what it is given, and the page
  const answers = { purpose: '児童手当の申請に使用', copies: '２', id_document: up.json.file };
  const s = await alice.put(`/api/v1/drafts/${d.json.id}`, { json: { answers, page: 0 } });
  assert.equal(s.status, 200, s.text_);
  assert.deepEqual((await alice.get(`/api/v1/drafts/${d.json.id}`)).json.answers, answers);
  // the bytes to sign: canonical JSON of the normalised answers
  const can = await alice.get(`/api/v1/drafts/${d.json.id}/canonical`);
  assert.equal(can.status, 200, can.text_);
  assert.equal(can.headers.get('x-content-sha256'), sha256(Buffer.from(can.text_)));
  const cj = JSON.parse(can.text_);
  assert.equal(cj.procedure, 'api-kazei');
  assert.equal(cj.tenant, '139998');
  assert.equal(cj.answers.copies, 2, 'normalised (全角 digits)');
  assert.equal(can.text_, jcs(cj), 'RFC 8785 form (keys sorted, no white space)');
  // its fee (300円) is paid before submission: refused until paid
  const unpaid = await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: {} });
  isError(unpaid, 409, 'conflict');
  assert.match(unpaid.json.error.message.ja, /確認画面から手数料を支払ってください/);
  assert.match(unpaid.json.error.message.en, /must be paid before you submit/);
  assert.equal((await alice.get(`/api/v1/drafts/${d.json.id}`)).status, 200, 'the draft is kept');
  const number = await payDraft(alice, d.json.id);
  assert.match(number, /^\d{14}$/);
  const sub = await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: {} });
  assert.equal(sub.status, 201, sub.text_);
  assert.equal(sub.json.payment, number, 'the submission names the payment that paid its fee');
  assert.match(sub.json.receipt, /^139998-\d{4}-\d{8}$/);
  assert.equal(sub.headers.get('location'), `/api/v1/submissions/${sub.json.receipt}`);
  assert.equal(sub.json.status, 'received');
  assert.equal(sub.json.sha256, can.headers.get('x-content-sha256'));
  assert.equal(sub.json.history[0].kind, 'submitted');
  assert.equal(sub.json.assignee, undefined, 'no staff detail for residents');
  // the draft is gone, the submission is listed and readable
  isError(await alice.get(`/api/v1/drafts/${d.json.id}`), 404);
  const mine = await alice.get('/api/v1/my/submissions');
  assert.equal(mine.status, 200);
  assert.ok(mine.json.submissions.some((x) => x.receipt === sub.json.receipt));
  const one = await alice.get(`/api/v1/submissions/${sub.json.receipt}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.answers.purpose, '児童手当の申請に使用');
  // the attachment downloads with the same bytes
  const f = await alice.bytes(`/api/v1/files/${sha256(file)}`);
  assert.equal(f.status, 200);
  assert.equal(f.headers.get('x-content-sha256'), sha256(file));
  assert.ok(f.body.equals(file), 'the same bytes');
  // the audit trail has the submission
  const q = cli(['audit', 'query', '--db', srv.db, '--action', 'apply.submit', '--json']);
  assert.ok(q.includes(sub.json.receipt));
});

test('resident errors: bad JSON, unknown procedure, wrong media type, limits, wrong file type, 422 list', async () => {
  isError(await alice.post('/api/v1/drafts', { body: '{"procedure":', headers: { 'content-type': 'application/json' } }), 400, 'invalid');
  isError(await alice.post('/api/v1/drafts', { body: '{"procedure":"a","procedure":"b"}', headers: { 'content-type': 'application/json' } }), 400);
  isError(await alice.post('/api/v1/drafts', { json: { procedure: 'no-such-procedure' } }), 404, 'not_found');
  const miss = await alice.post('/api/v1/drafts', { json: {} });
  isError(miss, 422, 'invalid');
  assert.equal(miss.json.error.errors[0].path, 'procedure');
  assert.equal((await alice.post('/api/v1/drafts', { body: 'procedure=api-kazei', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 415);
  // over the server's body limit: refused from the announced length
  assert.equal(await overLimit(srv.port, alice), 413);
  const d = await alice.post('/api/v1/drafts', { json: { procedure: 'api-kazei' } });
  const id = d.json.id;
  // a file over the field's max_bytes (100 KiB), and text posing as a PNG
  isError(await alice.put(`/api/v1/drafts/${id}/files/id_document?name=big.png`, { body: png(150000), headers: { 'content-type': 'image/png' } }), 413, 'limit');
  const wrong = await alice.put(`/api/v1/drafts/${id}/files/id_document?name=fake.png`, { body: Buffer.from('これは画像ではありません。'.repeat(20)), headers: { 'content-type': 'image/png' } });
  isError(wrong, 422, 'invalid');
  assert.equal(wrong.json.error.errors[0].path, 'id_document');
  assert.equal(wrong.json.error.errors[0].code, 'type');
  assert.doesNotMatch(wrong.text_, /fake\.png/, 'the file name is not echoed');
  isError(await alice.put(`/api/v1/drafts/${id}/files/purpose`, { body: png(100), headers: { 'content-type': 'image/png' } }), 404);
  const empty = await alice.put(`/api/v1/drafts/${id}/files/id_document`, { body: Buffer.alloc(0), headers: { 'content-type': 'image/png' } });
  isError(empty, 422);
  // a problem's texts are the catalog's, not its id
  assert.deepEqual(empty.json.error.errors, [{ path: 'id_document', code: 'empty',
    message_ja: 'ファイルが空です。', message_en: 'The file is empty.' }]);
  // answers that do not validate: a list of problems, without the values
  await alice.put(`/api/v1/drafts/${id}`, { json: { answers: { purpose: '', copies: 99, secret_field: 'ひみつの値' } } });
  const bad = await alice.post(`/api/v1/drafts/${id}/submit`, { json: {} });
  isError(bad, 422, 'invalid');
  const paths = bad.json.error.errors.map((e) => e.path).sort();
  assert.ok(paths.includes('copies') && paths.includes('id_document'), JSON.stringify(paths));
  for (const e of bad.json.error.errors) {
    assert.deepEqual(Object.keys(e).sort(), ['code', 'message_en', 'message_ja', 'path']);
    assert.ok(e.message_ja && e.message_en && e.code);
  }
  // the values are nowhere in the answer (the random request id aside,
  // which may well contain "99")
  const { request_id: rid, ...rest } = bad.json.error;
  assert.match(rid, /^[0-9a-f]{16}$/);
  assert.doesNotMatch(JSON.stringify(rest), /ひみつの値|99/, 'no value in the errors');
  assert.doesNotMatch(bad.text_.replace(rid, ''), /ひみつの値|99/, 'nor anywhere else');
  isError(await alice.get(`/api/v1/drafts/${id}/canonical`), 422);
  isError(await alice.put(`/api/v1/drafts/${id}`, { json: { answers: [] } }), 422);
});

test('another resident: drafts, submissions and files of others are 404', async () => {
  const { receipt, file } = await submitKazei(alice);
  const d = await alice.post('/api/v1/drafts', { json: { procedure: 'api-kuminka' } });
  isError(await bob.get(`/api/v1/drafts/${d.json.id}`), 404, 'not_found');
  isError(await bob.put(`/api/v1/drafts/${d.json.id}`, { json: { answers: {} } }), 404);
  isError(await bob.post(`/api/v1/drafts/${d.json.id}/submit`, { json: {} }), 404);
  isError(await bob.put(`/api/v1/drafts/${d.json.id}/files/x`, { body: png(100), headers: { 'content-type': 'image/png' } }), 404);
  isError(await bob.req('DELETE', `/api/v1/drafts/${d.json.id}`), 404);
  assert.equal((await alice.get(`/api/v1/drafts/${d.json.id}`)).status, 200, 'still there');
  assert.equal((await alice.req('DELETE', `/api/v1/drafts/${d.json.id}`)).status, 200);
  isError(await alice.get(`/api/v1/drafts/${d.json.id}`), 404);
  isError(await bob.get(`/api/v1/submissions/${receipt}`), 404);
  isError(await bob.post(`/api/v1/submissions/${receipt}/withdraw`, { json: {} }), 404);
  assert.equal((await bob.c.req('GET', `/api/v1/files/${sha256(file)}`)).status, 404);
  assert.ok(!(await bob.get('/api/v1/my/submissions')).json.submissions.some((x) => x.receipt === receipt));
  // residents never reach the staff side
  isError(await bob.get('/api/v1/submissions'), 401);
  isError(await bob.post(`/api/v1/submissions/${receipt}/transitions`, { json: { to: 'in_review' } }), 401);
});

test('signed submissions: verified against the trust store, refused with the reason', async () => {
  const d = await alice.post('/api/v1/drafts', { json: { procedure: 'api-signed' } });
  await alice.put(`/api/v1/drafts/${d.json.id}`, { json: { answers: { reason: '転居のため' } } });
  // required: none given
  const none = await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: {} });
  isError(none, 422);
  assert.deepEqual([none.json.error.errors[0].path, none.json.error.errors[0].code], ['signature', 'required']);
  isError(await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: { signature: '***' } }), 422);
  const can = await alice.get(`/api/v1/drafts/${d.json.id}/canonical`);
  assert.equal(can.status, 200);
  const bytes = Buffer.from(can.text_);
  // signed over other bytes, by a revoked certificate, by an unknown CA
  for (const [who, data, code] of [['resident', Buffer.concat([bytes, Buffer.from(' ')]), 'tampered'],
    ['revoked', bytes, 'revoked'], ['other-resident', bytes, 'untrusted']]) {
    const r = await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: { signature: signBytes(pki, who, data).toString('base64') } });
    isError(r, 422);
    assert.equal(r.json.error.errors[0].path, 'signature');
    assert.equal(r.json.error.errors[0].code, code, who);
  }
  // the resident's own signature over exactly the canonical bytes
  const ok = await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: { signature: signBytes(pki, 'resident', bytes).toString('base64') } });
  assert.equal(ok.status, 201, ok.text_);
  assert.equal(ok.json.signed, true);
  assert.ok(ok.json.signature.serial.length > 0);
  assert.match(ok.json.signature.subject, /CN=/);
  assert.equal(ok.json.sha256, sha256(bytes), `${bytes.length} ${can.text_.length}`);
  assert.ok(cli(['audit', 'query', '--db', srv.db, '--action', 'apply.submit.signed', '--json']).includes(ok.json.receipt));
});

test('signed submissions without a trust store answer 501', async () => {
  const s2 = await startServer({ setup: loadProcedures });
  try {
    const r = await registerResident(s2.base, 'nosign@example.jp');
    const d = await r.post('/api/v1/drafts', { json: { procedure: 'api-signed' } });
    await r.put(`/api/v1/drafts/${d.json.id}`, { json: { answers: { reason: '転居のため' } } });
    const can = await r.get(`/api/v1/drafts/${d.json.id}/canonical`);
    const x = await r.post(`/api/v1/drafts/${d.json.id}/submit`, { json: { signature: signBytes(pki, 'resident', Buffer.from(can.text_)).toString('base64') } });
    isError(x, 501, 'not_implemented');
  } finally {
    await s2.stop();
  }
});

test('staff of two departments: lists, detail, transitions, assignment, comments', async () => {
  const a = await submitKazei(alice);
  const kd = await alice.post('/api/v1/drafts', { json: { procedure: 'api-kuminka' } });
  await alice.put(`/api/v1/drafts/${kd.json.id}`, { json: { answers: { reason: '就職のため' } } });
  const b = (await alice.post(`/api/v1/drafts/${kd.json.id}/submit`, { json: {} })).json;
  // each department sees its own
  const lk = await kazei.get('/api/v1/submissions?limit=200');
  assert.equal(lk.status, 200, lk.text_);
  assert.ok(lk.json.submissions.some((x) => x.receipt === a.receipt));
  assert.ok(lk.json.submissions.every((x) => x.department === 'kazei'));
  const lm = await kuminka.get('/api/v1/submissions?limit=200');
  assert.ok(lm.json.submissions.some((x) => x.receipt === b.receipt));
  assert.ok(!lm.json.submissions.some((x) => x.receipt === a.receipt));
  // filters
  assert.equal((await kazei.get('/api/v1/submissions?procedure=api-kuminka')).json.submissions.length, 0);
  assert.ok((await kazei.get('/api/v1/submissions?status=received')).json.submissions.every((x) => x.status === 'received'));
  isError(await kazei.get('/api/v1/submissions?from=2026-13'), 400);
  // another department's submission is not found, for reads and writes
  isError(await kuminka.get(`/api/v1/submissions/${a.receipt}`), 404);
  isError(await kuminka.post(`/api/v1/submissions/${a.receipt}/transitions`, { json: { to: 'in_review' } }), 404);
  assert.equal((await kuminka.c.req('GET', `/api/v1/files/${a.meta.sha256}`)).status, 404);
  // the department's staff read it whole, with the file
  const one = await kazei.get(`/api/v1/submissions/${a.receipt}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.answers.id_document.sha256, sha256(a.file));
  const f = await kazei.bytes(`/api/v1/files/${a.meta.sha256}`);
  assert.equal(f.status, 200);
  assert.ok(f.body.equals(a.file), 'staff download the same bytes');
  // transitions: a move the table refuses is 409, returning needs a note
  isError(await kazei.post(`/api/v1/submissions/${a.receipt}/transitions`, { json: { to: 'completed' } }), 409, 'conflict');
  const nonote = await kazei.post(`/api/v1/submissions/${a.receipt}/transitions`, { json: { to: 'returned' } });
  isError(nonote, 422);
  assert.equal(nonote.json.error.errors[0].path, 'note');
  isError(await kazei.post(`/api/v1/submissions/${a.receipt}/transitions`, { json: {} }), 422);
  const t1 = await kazei.post(`/api/v1/submissions/${a.receipt}/transitions`, { json: { to: 'in_review', expect_from: 'received' } });
  assert.equal(t1.status, 200, t1.text_);
  assert.equal(t1.json.status, 'in_review');
  isError(await kazei.post(`/api/v1/submissions/${a.receipt}/transitions`, { json: { to: 'approved', expect_from: 'received' } }), 409);
  // assignment and an internal comment
  const as = await kazei.post(`/api/v1/submissions/${a.receipt}/assignee`, { json: { login: 'kazei1' } });
  assert.equal(as.status, 200, as.text_);
  assert.ok(as.json.assignee > 0);
  isError(await kazei.post(`/api/v1/submissions/${a.receipt}/assignee`, { json: { login: 'nobody-here' } }), 422);
  const cm = await kazei.post(`/api/v1/submissions/${a.receipt}/comments`, { json: { text: '住民税システムで確認済み' } });
  assert.equal(cm.status, 201, cm.text_);
  const hist = cm.json.history.map((h) => h.kind);
  assert.deepEqual(hist.slice(0, 2), ['submitted', 'transition']);
  assert.ok(cm.json.history.some((h) => h.kind === 'comment' && h.internal === true));
  isError(await kazei.post(`/api/v1/submissions/${a.receipt}/comments`, { json: { text: '' } }), 422);
  const mine = await kazei.get('/api/v1/submissions?assignee=me');
  assert.ok(mine.json.submissions.some((x) => x.receipt === a.receipt));
  // returned with a note: the resident sees the note, not the comment
  const t2 = await kazei.post(`/api/v1/submissions/${a.receipt}/transitions`, { json: { to: 'returned', note: '書類が不鮮明です。再提出してください。' } });
  assert.equal(t2.status, 200, t2.text_);
  const seen = await alice.get(`/api/v1/submissions/${a.receipt}`);
  assert.equal(seen.json.status, 'returned');
  assert.equal(seen.json.return_note, '書類が不鮮明です。再提出してください。');
  assert.doesNotMatch(seen.text_, /住民税システム/);
  assert.ok(seen.json.history.every((h) => h.staff_id === undefined && h.internal === undefined));
  // every write is in the audit trail
  const q = cli(['audit', 'query', '--db', srv.db, '--object', `submission:${a.receipt}`, '--json']);
  for (const act of ['apply.submit', 'apply.transition', 'apply.assign', 'apply.comment']) assert.ok(q.includes(act), act);
  // withdrawal by the resident, once
  const w = await alice.post(`/api/v1/submissions/${b.receipt}/withdraw`, { json: {} });
  assert.equal(w.status, 200, w.text_);
  assert.equal(w.json.status, 'withdrawn');
  isError(await alice.post(`/api/v1/submissions/${b.receipt}/withdraw`, { json: {} }), 409);
});

test('keyset paging: pages do not overlap and end with next = null', async () => {
  for (let i = 0; i < 3; i++) {
    const d = await bob.post('/api/v1/drafts', { json: { procedure: 'api-kuminka' } });
    await bob.put(`/api/v1/drafts/${d.json.id}`, { json: { answers: { reason: `理由 ${i}` } } });
    assert.equal((await bob.post(`/api/v1/drafts/${d.json.id}/submit`, { json: {} })).status, 201);
  }
  const seen = [];
  let next = null, pages = 0;
  do {
    const r = await kuminka.get(`/api/v1/submissions?limit=2${next ? `&cursor=${next}` : ''}`);
    assert.equal(r.status, 200, r.text_);
    assert.ok(r.json.submissions.length <= 2);
    seen.push(...r.json.submissions.map((x) => x.receipt));
    next = r.json.next;
    pages++;
  } while (next && pages < 50);
  assert.ok(pages >= 2);
  assert.equal(new Set(seen).size, seen.length, 'no overlap');
  const all = (await kuminka.get('/api/v1/submissions?limit=200')).json.submissions.map((x) => x.receipt);
  assert.deepEqual(seen, all);
  const mine = await bob.get('/api/v1/my/submissions?limit=1');
  assert.equal(mine.json.submissions.length, 1);
  assert.ok(mine.json.next);
  isError(await bob.get('/api/v1/my/submissions?limit=0'), 422);
});

test('Bearer tokens work without CSRF; a bad token is 401; a cookie write needs its CSRF header', async () => {
  const tok = alice.token();
  assert.ok(tok);
  const b = new Api(srv.base, { bearer: tok });
  const l = await b.get('/api/v1/my/submissions');
  assert.equal(l.status, 200);
  assert.equal(l.headers.get('x-csrf-token'), null, 'no CSRF token for Bearer clients');
  const d = await b.post('/api/v1/drafts', { json: { procedure: 'api-kuminka' } });
  assert.equal(d.status, 201, d.text_);
  const { receipt } = await submitKazei(b, undefined, undefined, alice);
  assert.match(receipt, /^139998-/);
  const staffTok = new Api(srv.base, { bearer: kazei.token() });
  assert.equal((await staffTok.get(`/api/v1/submissions/${receipt}`)).status, 200);
  assert.equal((await staffTok.get('/api/v1/me')).status, 200);
  // bad tokens
  for (const t of ['nonsense', 'x'.repeat(43), `${tok}x`]) {
    isError(await new Api(srv.base, { bearer: t }).get('/api/v1/my/submissions'), 401, 'auth');
  }
  isError(await new Api(srv.base, { bearer: 'nonsense' }).post('/api/v1/drafts', { json: { procedure: 'api-kuminka' } }), 401);
  // Bearer is for /api/ only: it opens no page
  const page = await new Client(srv.base).get('/mypage', { headers: { authorization: `Bearer ${tok}` } });
  assert.equal(page.status, 303);
  // the cookie without the CSRF header, or with a wrong one, is refused
  isError(await alice.post('/api/v1/drafts', { json: { procedure: 'api-kuminka' }, csrf: false }), 403, 'denied');
  isError(await alice.post('/api/v1/drafts', { json: { procedure: 'api-kuminka' }, csrf: false, headers: { 'x-csrf-token': 'forged' } }), 403);
  isError(await kazei.post(`/api/v1/submissions/${receipt}/comments`, { json: { text: 'x' }, csrf: false }), 403);
  // no session at all
  isError(await new Api(srv.base).get('/api/v1/my/submissions'), 401);
  isError(await new Api(srv.base).put('/api/v1/drafts/1/files/x', { body: png(10), headers: { 'content-type': 'image/png' } }), 401, 'auth');
});

test('staff without applications permissions are refused', async () => {
  const c = new Client(srv.base);
  assert.equal((await passwordLogin(c, ...DEMO_USERS.viewer)).status, 303);
  const v = new Api(srv.base, { client: c });
  isError(await v.get('/api/v1/submissions'), 403, 'denied');
  isError(await v.get('/api/v1/submissions/139998-2026-00000019'), 403);
  isError(await v.get('/api/v1/my/submissions'), 401);
});

test('a whole submission in one request: answers and attachments in one multipart body', async () => {
  const file = png(5000);
  const form = new FormData();
  form.append('answers', JSON.stringify({ purpose: '一度に申請', copies: 1 }));
  form.append('id_document', new Blob([file], { type: 'image/png' }), 'menkyo.png');
  const postTo = (code, body, headers = {}) => fetch(`${srv.base}/api/v1/procedures/${code}/submissions`,
    { method: 'POST', body, headers: { authorization: `Bearer ${alice.token()}`, ...headers } })
    .then(async (r) => { const text = await r.text(); let json; try { json = JSON.parse(text); } catch { /* not JSON */ } return { status: r.status, json, text }; });
  // api-kazei's fee is paid before submission: one request has no draft
  // to pay it for, so it is refused (409, in Japanese and English), and
  // nothing is stored
  const before = (await alice.get('/api/v1/my/submissions')).json.submissions.length;
  const fee = await postTo('api-kazei', form);
  assert.equal(fee.status, 409, fee.text);
  assert.equal(fee.json.error.code, 'conflict');
  assert.match(fee.json.error.message.ja, /手数料を支払ってから申請します/);
  assert.match(fee.json.error.message.en, /fee for this procedure is paid before submission/);
  assert.equal((await alice.get('/api/v1/my/submissions')).json.submissions.length, before);
  // the same shape of procedure without a fee (api-shomei)
  const post = (body, headers) => postTo('api-shomei', body, headers);
  const r = await post(form);
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.receipt, /^139998-\d{4}-\d{8}$/);
  assert.equal(r.json.status, 'received');
  assert.equal(r.json.answers.purpose, '一度に申請');
  assert.equal(r.json.answers.id_document.sha256, sha256(file));
  // the same submission as through a draft: readable, with its file, audited
  const got = await alice.get(`/api/v1/submissions/${r.json.receipt}`);
  assert.equal(got.status, 200);
  const f = await alice.bytes(`/api/v1/files/${sha256(file)}`);
  assert.equal(f.status, 200);
  assert.ok(f.body.equals(file));
  assert.ok(cli(['audit', 'query', '--db', srv.db, '--action', 'apply.submit', '--json']).includes(r.json.receipt));
  // answers checked as a draft's: the missing file is a field error
  const noFile = new FormData();
  noFile.append('answers', JSON.stringify({ purpose: '添付なし', copies: 1 }));
  const nf = await post(noFile);
  assert.equal(nf.status, 422, nf.text);
  assert.ok(nf.json.error.errors.some((x) => x.path === 'id_document'));
  // a file for a field that is not an attachment field, two files for one field
  const wrong = new FormData();
  wrong.append('answers', JSON.stringify({ purpose: 'x', copies: 1 }));
  wrong.append('purpose', new Blob([file], { type: 'image/png' }), 'a.png');
  const w = await post(wrong);
  assert.equal(w.status, 422);
  assert.deepEqual([w.json.error.errors[0].path, w.json.error.errors[0].code], ['purpose', 'unknown_field']);
  const twice = new FormData();
  twice.append('answers', JSON.stringify({ purpose: 'x', copies: 1 }));
  twice.append('id_document', new Blob([file], { type: 'image/png' }), 'a.png');
  twice.append('id_document', new Blob([png(100)], { type: 'image/png' }), 'b.png');
  const t = await post(twice);
  assert.equal(t.json.error.errors[0].code, 'duplicate');
  // more file parts than one request takes: the limit is said
  const many = new FormData();
  many.append('answers', JSON.stringify({ purpose: 'x', copies: 1 }));
  for (let i = 0; i < 17; i++) many.append(`f${i}`, new Blob([png(80)], { type: 'image/png' }), `${i}.png`);
  const m = await post(many);
  assert.equal(m.status, 413);
  assert.equal(m.json.error.code, 'limit', m.text);
  assert.match(JSON.stringify(m.json.error), /16件まで/);
  assert.match(JSON.stringify(m.json.error), /At most 16 attachments/);
  // a JSON body for answers without attachments; bad answers part; unknown procedure
  const j = await post(JSON.stringify({ answers: { purpose: 'x' } }), { 'content-type': 'application/json' });
  assert.equal(j.status, 422);
  const badAnswers = new FormData();
  badAnswers.append('answers', '[1,2]');
  assert.equal((await post(badAnswers)).json.error.errors[0].code, 'invalid');
  const none = await fetch(`${srv.base}/api/v1/procedures/no-such/submissions`,
    { method: 'POST', body: JSON.stringify({ answers: {} }), headers: { authorization: `Bearer ${alice.token()}`, 'content-type': 'application/json' } });
  assert.equal(none.status, 404);
  assert.equal((await none.json()).error.code, 'not_found', 'errors of this API route are JSON too');
  // a procedure that needs a signature goes through a draft
  const sg = await post(JSON.stringify({ answers: { reason: '転居のため' } }), { 'content-type': 'application/json' })
    .then(() => fetch(`${srv.base}/api/v1/procedures/api-signed/submissions`,
      { method: 'POST', body: JSON.stringify({ answers: { reason: '転居のため' } }), headers: { authorization: `Bearer ${alice.token()}`, 'content-type': 'application/json' } }))
    .then((x) => x.json());
  assert.deepEqual([sg.error.errors[0].path, sg.error.errors[0].code], ['signature', 'required']);
  // without a session: 401
  const anon = await fetch(`${srv.base}/api/v1/procedures/api-kazei/submissions`, { method: 'POST', body: form });
  assert.equal(anon.status, 401);
});

test('an attachment whose stored copy is gone: a clear answer saying what to do, not a bare error', { skip: !!process.env.MADOGUCHI_HTTP_DB && 'attachment files are SQLite only' }, async () => {
  const { receipt, file } = await submitKazei(alice, png(3000));
  const sha = sha256(file);
  // the file beside the database (SQLite: <db>.files/<2 hex>/<sha256>)
  const path = `${srv.db.replace(/^sqlite:/, '')}.files/${sha.slice(0, 2)}/${sha}`;
  assert.ok(existsSync(path), path);
  unlinkSync(path);
  const r = await alice.bytes(`/api/v1/files/${sha}`);
  assert.equal(r.status, 500);
  const body = JSON.parse(r.body.toString());
  assert.match(body.error.message.ja, /受付番号を添えて担当課に連絡/);
  assert.match(body.error.message.en, /stored copy is missing or damaged/);
  assert.ok(!JSON.stringify(body).includes(sha), 'the file name stays in the log');
  assert.ok(receipt);
});

test('a receipt PDF is rendered off the event loop; one abandoned mid-rendering is freed, the server stays whole', async () => {
  // one worker thread: were the PDF rendered on its loop, /healthz would
  // wait for every rendering in flight
  const srv = await startServer({ setup: loadProcedures, extraArgs: ['--threads', '1'] });
  let stopped = false;
  try {
    const api = await registerResident(srv.base, 'pdf-abandon@example.jp');
    const { receipt } = await submitKazei(api);
    const path = `/submissions/${receipt}/receipt.pdf`;
    const cookie = api.c.cookieHeader();
    // clients that ask and hang up at once: the rendering ends after them
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => {
        const s = net.connect(srv.port, '127.0.0.1', () => {
          s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\n\r\n`);
          setTimeout(() => { s.destroy(); resolve(); }, 2);
        });
        s.on('error', resolve);
      });
    }
    const t0 = performance.now();
    let fastest = Infinity;
    const renders = [0, 1, 2].map(() => api.bytes(path).then((r) => {
      fastest = Math.min(fastest, performance.now() - t0);
      return r;
    }));
    await new Promise((r) => setTimeout(r, 5));   // the renders are asked first
    const h0 = performance.now();
    const health = await fetch(`${srv.base}/healthz`);
    const healthMs = performance.now() - h0;
    assert.equal(health.status, 200);
    const done = await Promise.all(renders);
    // rendered on the loop, /healthz would wait for a whole rendering
    assert.ok(healthMs < fastest / 2, `healthz ${healthMs} ms while a PDF took ${fastest} ms`);
    for (const r of done) {
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/pdf');
      assert.equal(r.body.subarray(0, 5).toString(), '%PDF-');
    }
    // another resident still gets nothing
    const other = await registerResident(srv.base, 'pdf-other@example.jp');
    assert.equal((await other.bytes(path)).status, 404);
    // a clean exit: with the sanitizers, a leaked PDF of an abandoned
    // request would make the exit status non-zero
    const exit = await srv.stop();
    stopped = true;
    assert.deepEqual(exit, { code: 0, sig: null });
  } finally {
    if (!stopped) await srv.stop();
  }
});
