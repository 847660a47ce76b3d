// hardening_apply.test.mjs -- issue #12 (outside security review), the
// online applications' part, over HTTP against the real server:
//   - the JSON API masks My Number for staff without personal.read, shows
//     it to staff with it and audits that read; an attachment read through
//     the API is audited;
//   - the once-only invariant holds on every way to submit: a waived
//     attachment ({"waived":"juki"}) is refused for a resident the
//     registry does not prove it for (HTML draft submit, API draft submit,
//     API one-request submission, life-event bundle) and accepted for one
//     it does;
//   - per-account attachment quota (413) and upload rate (429), each
//     naming its limit; a page POST stores one file part per file input;
//   - a submission cannot be assigned to staff who cannot see it (HTML and
//     API); the resident's withdrawal is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, cli, DEMO } from './lib.mjs';
import { Api, png, sha256 } from './apply_lib.mjs';
import { inboxFixture, registerResident } from './inbox_fixture.mjs';

const TARO = ['demo-taro@example.jp', 'Hinode-Kumin-2026'];   // linked to registry person P0001

async function residentLogin(c, email, password) {
  const form = await c.get('/resident/login');
  const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
  const r = await c.post('/resident/login', { form: { pre, email, password } });
  assert.equal(r.status, 303, 'resident login');
}

const auditOf = (srv, action) => cli(['audit', 'query', '--db', srv.db, '--action', action, '--json'])
  .trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

// a procedure with an attachment the registry may waive (as 転出届 and
// 住民票の郵送請求 have), listed by a one-question life event
const T = (ja, en) => ({ ja, en });
const WAIVER_PROC = {
  format: 'madoguchi-procedure/1', id: 'hardening-waiver', title: T('添付省略の確認', 'Waiver check'),
  department: 'kuminka', life_events: ['move_in'], retention_years: 1, target_days: 7,
  pages: [{ id: 'who', title: T('申請する方', 'Applicant'), fields: [
    { id: 'applicant_address', type: 'address_jp', label: T('住所', 'Address'), required: true,
      prefill: { source: 'juki', path: 'address' } },
    { id: 'id_document', type: 'file', label: T('本人確認書類', 'Identity document'), required: true,
      accept: ['image/png', 'application/pdf'], max_bytes: 1048576,
      waive_if: { source: 'juki', path: 'address', matches: 'applicant_address' } },
  ] }],
};
const LIFE_EVENT = {
  format: 'madoguchi-life-event/1', id: 'move_in', title: T('引越し（転入）', 'Moving in'),
  description: T('試験用', 'For the test'),
  interview: { pages: [{ id: 'q', title: T('質問', 'Question'), fields: [
    { id: 'moving', type: 'yes_no', label: T('引越しますか', 'Are you moving?') }] }] },
  procedures: [{ code: 'hardening-waiver', why: T('試験のため', 'For the test') }],
};

function waiverServer(extraArgs = []) {
  const d = mkdtempSync(join(tmpdir(), 'madoguchi-hardening-'));
  mkdirSync(join(d, 'procs'));
  mkdirSync(join(d, 'events'));
  writeFileSync(join(d, 'procs', 'hardening-waiver.json'), JSON.stringify(WAIVER_PROC));
  writeFileSync(join(d, 'events', 'move_in.json'), JSON.stringify(LIFE_EVENT));
  return startServer({
    extraArgs: ['--life-events', join(d, 'events'), ...extraArgs],
    setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', DEMO, join(d, 'procs')]),
  }).then((srv) => { const stop = srv.stop; srv.stop = async () => { await stop(); rmSync(d, { recursive: true, force: true }); }; return srv; });
}

// ---- personal data through the API, assignment, withdrawal ----------------

let fx, ws;
before(async () => { fx = await inboxFixture(); });
after(async () => { if (fx) await fx.srv.stop(); if (ws) await ws.stop(); });
// the server with the waiver procedure and its life event, without limits
const waivers = async () => (ws ||= await waiverServer());

test('API: My Number masked without personal.read, clear and audited with it; file reads audited', async () => {
  const receipt = fx.subs.a.receipt;   // 子ども医療証 with applicant_my_number 123456789018
  // kosodate-2: applications.read for the department, no personal.read
  const without = new Api(fx.srv.base, { client: fx.clients.deptA2 });
  const g1 = await without.get(`/api/v1/submissions/${receipt}`);
  assert.equal(g1.status, 200, g1.text_);
  assert.equal(g1.json.answers.applicant_my_number, '********9018');
  assert.ok(!g1.text_.includes('123456789018'), 'nowhere in the answer');
  const reads = auditOf(fx.srv, 'data.read');
  assert.ok(reads.some((x) => x.object_type === 'submission' && x.object_id === receipt &&
    x.actor_login === 'kosodate-2'), 'the read is audited');
  assert.ok(!reads.some((x) => x.object_type === 'submission.my_number' && x.actor_login === 'kosodate-2'));

  // demo-staff holds personal.read: clear, and that read is audited
  const withp = new Api(fx.srv.base, { client: fx.clients.deptA });
  const g2 = await withp.get(`/api/v1/submissions/${receipt}`);
  assert.equal(g2.status, 200);
  assert.equal(g2.json.answers.applicant_my_number, '123456789018');
  const reads2 = auditOf(fx.srv, 'data.read');
  assert.ok(reads2.some((x) => x.object_type === 'submission.my_number' && x.object_id === receipt &&
    x.actor_login !== 'kosodate-2'), 'the clear My Number is audited');

  // an attachment read through the API writes its audit record, naming
  // the submission as the staff page's record does
  const sha = g2.json.answers.insurance_card.sha256;
  assert.match(sha, /^[0-9a-f]{64}$/);
  const before = auditOf(fx.srv, 'data.read').filter((x) => x.object_type === 'submission.file' && x.object_id === receipt).length;
  const f = await without.bytes(`/api/v1/files/${sha}`);
  assert.equal(f.status, 200);
  const afterReads = auditOf(fx.srv, 'data.read').filter((x) => x.object_type === 'submission.file' && x.object_id === receipt);
  assert.equal(afterReads.length, before + 1, 'one record for the read');
  assert.equal(afterReads.at(-1).actor_login, 'kosodate-2');

  // the resident's own view of it stays masked too (the same rule)
  const mine = new Api(fx.srv.base, { client: fx.clients.resident });
  const g3 = await mine.get(`/api/v1/submissions/${receipt}`);
  assert.equal(g3.status, 200);
  assert.equal(g3.json.answers.applicant_my_number, '********9018');
});

test('a submission is not assigned to staff who cannot see its department (HTML and API)', async () => {
  const { id, receipt } = fx.subs.a;   // department kosodate-teate
  const c = fx.clients.deptA;
  const pg = await c.get(`/staff/submissions/${id}`);
  const opt = (login) => pg.text_.match(new RegExp(`<option value="(\\d+)"[^>]*>[^<]*\\(${login}\\)</option>`))[1];
  const csrf = Client.csrf(pg.text_);
  // kumin-b sees only 区民課 (kuminka)
  const bad = await c.post(`/staff/submissions/${id}/assign`, { form: { csrf, assignee: opt('kumin-b') } });
  assert.equal(bad.status, 400);
  assert.match(bad.text_, /この職員はこの課の申請を閲覧できない/);
  assert.doesNotMatch((await c.get(`/staff/submissions/${id}`)).text_,
    /id="current-assignee">テスト kumin-b/, 'not assigned');
  // kosodate-2 sees the department
  const ok = await c.post(`/staff/submissions/${id}/assign`, { form: { csrf, assignee: opt('kosodate-2') } });
  assert.equal(ok.status, 303);
  // the API: the same rule, a 422 naming the field
  const api = new Api(fx.srv.base, { client: c });
  await api.get(`/api/v1/submissions/${receipt}`);
  const r = await api.post(`/api/v1/submissions/${receipt}/assignee`, { json: { login: 'kumin-b' } });
  assert.equal(r.status, 422, r.text_);
  assert.equal(r.json.error.errors[0].code, 'cannot_see');
  assert.match(r.json.error.errors[0].message_en, /cannot see this department/);
  const r2 = await api.post(`/api/v1/submissions/${receipt}/assignee`, { json: { login: 'kosodate-2' } });
  assert.equal(r2.status, 200, r2.text_);
});

test('the resident\'s withdrawal (HTML) is audited with it', async () => {
  const { receipt } = fx.subs.b;
  const c = fx.clients.resident;
  const wf = await c.get(`/submissions/${receipt}/withdraw`);
  const w = await c.post(`/submissions/${receipt}/withdraw`, { form: { csrf: Client.csrf(wf.text_), confirm: '1' } });
  assert.equal(w.status, 303);
  assert.ok(auditOf(fx.srv, 'data.write').some((x) => x.object_type === 'apply.withdrawn' && x.object_id === receipt));
});

// ---- once only on every way in --------------------------------------------

test('a waiver the registry does not prove is refused on every path; proven, it is accepted', async () => {
  const srv = await waivers();
  {   // (one block: the names below are this test's)
    // a resident with a registry record (デモ区's 日之出 太郎) and one without
    const taro = new Client(srv.base);
    await residentLogin(taro, ...TARO);
    const nobody = await registerResident(srv.base, 'no-record@example.jp');
    // the registry's address, as the runner prefills it (with the waiver)
    const ov = await taro.get('/procedures/hardening-waiver');
    const st = await taro.post('/procedures/hardening-waiver/start', { form: { csrf: Client.csrf(ov.text_) } });
    assert.equal(st.status, 303);
    const tid = st.headers.get('location').match(/^\/drafts\/(\d+)\//)[1];
    const tapi = new Api(srv.base, { client: taro });
    const pre = await tapi.get(`/api/v1/drafts/${tid}`);
    assert.deepEqual(pre.json.answers.id_document, { waived: 'juki' }, 'the runner offers the waiver');
    const address = pre.json.answers.applicant_address;
    const answers = { applicant_address: address, id_document: { waived: 'juki' } };

    const draftWith = async (api) => {
      const d = await api.post('/api/v1/drafts', { json: { procedure: 'hardening-waiver' } });
      assert.equal(d.status, 201, d.text_);
      const put = await api.put(`/api/v1/drafts/${d.json.id}`, { json: { answers, page: 0 } });
      assert.equal(put.status, 200, put.text_);
      return d.json.id;
    };
    const paths = {
      html: async (c, api) => {
        const id = await draftWith(api);
        const conf = await c.get(`/drafts/${id}/confirm`);
        return c.post(`/drafts/${id}/submit`, { form: { csrf: Client.csrf(conf.text_) } });
      },
      apiDraft: async (c, api) => api.post(`/api/v1/drafts/${await draftWith(api)}/submit`, { json: {} }),
      apiOne: async (c, api) => api.post('/api/v1/procedures/hardening-waiver/submissions', { json: { answers } }),
      bundle: async (c, api) => {
        const csrf = Client.csrf((await c.get('/mypage')).text_);
        const s = await c.post('/life-events/move_in/start', { form: { csrf, _state: '{}', procedure: 'hardening-waiver' } });
        assert.equal(s.status, 303, s.text_.slice(0, 300));
        const bid = s.headers.get('location').match(/^\/bundles\/(\d+)$/)[1];
        const b = await c.get(`/bundles/${bid}`);
        const did = b.text_.match(/href="\/drafts\/(\d+)\/page\/\d+"/)[1];
        const put = await api.put(`/api/v1/drafts/${did}`, { json: { answers, page: 0 } });
        assert.equal(put.status, 200, put.text_);
        return c.post(`/bundles/${bid}/submit`, { form: { csrf: Client.csrf(b.text_) } });
      },
    };
    const napi = new Api(srv.base, { client: nobody });
    for (const [name, run] of Object.entries(paths)) {
      // no registry record: nothing proves the waiver
      const r = await run(nobody, napi);
      if (name === 'html' || name === 'bundle') {
        assert.equal(r.status, 400, `${name}: ${r.status}`);
        assert.match(r.text_, /書類を添付してください/, name);
        assert.match(r.text_, /attach the document/, name);
      } else {
        assert.equal(r.status, 422, `${name}: ${r.status} ${r.text_}`);
        const e = r.json.error.errors.find((x) => x.path === 'id_document');
        assert.equal(e && e.code, 'waiver', name);
        assert.match(e.message_en, /attach the document/);
      }
      // the registry proves it for 日之出 太郎
      const ok = await run(taro, tapi);
      if (name === 'html' || name === 'bundle') {
        assert.equal(ok.status, 303, `${name}: ${ok.status} ${ok.text_.slice(0, 300)}`);
      } else {
        assert.equal(ok.status, 201, `${name}: ${ok.status} ${ok.text_}`);
        assert.deepEqual(ok.json.answers.id_document, { waived: 'juki' });
      }
    }
    // nothing was submitted for the resident without a record
    const mine = await napi.get('/api/v1/my/submissions');
    assert.equal(mine.status, 200);
    assert.equal(mine.json.submissions.length, 0);
  }
});

// ---- storage limits ------------------------------------------------------

test('attachment quota (413) and upload rate (429) per account, each naming its limit', async () => {
  const srv = await waiverServer(['--upload-quota', '65536', '--upload-rate', '4']);
  try {
    // the quota: 40 KB fits, a second 40 KB does not; the same bytes again cost nothing
    const q = new Api(srv.base, { client: await registerResident(srv.base, 'quota@example.jp') });
    const d = (await q.post('/api/v1/drafts', { json: { procedure: 'hardening-waiver' } })).json.id;
    const put = (bytes) => q.put(`/api/v1/drafts/${d}/files/id_document?name=id.png`,
      { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    const a = png(40000), b = png(40000);
    assert.equal((await put(a)).status, 201);
    assert.equal((await put(a)).status, 201, 'the same bytes are stored once');
    const over = await put(b);
    assert.equal(over.status, 413, over.text_);
    assert.match(over.json.error.message.ja, /64 KiB/);
    assert.match(over.json.error.message.en, /storage limit \(64 KiB per account\)/);
    assert.equal((await q.bytes(`/api/v1/files/${sha256(b)}`)).status, 404, 'nothing stored');
    // the one-request submission counts against the same quota
    const fd = new FormData();
    fd.append('answers', JSON.stringify({ applicant_address: { postal_code: '139-9981', pref: '東京都', city: 'デモ区', street: '日之出町1丁目2番3号' } }));
    fd.append('id_document', new Blob([b], { type: 'image/png' }), 'id.png');
    const one = await fetch(`${srv.base}/api/v1/procedures/hardening-waiver/submissions`,
      { method: 'POST', body: fd, headers: { authorization: `Bearer ${q.token()}` } });
    assert.equal(one.status, 413);
    assert.match((await one.json()).error.message.en, /64 KiB per account/);

    // the rate: four new attachments a minute, the fifth is 429
    const r = new Api(srv.base, { client: await registerResident(srv.base, 'rate@example.jp') });
    const rd = (await r.post('/api/v1/drafts', { json: { procedure: 'hardening-waiver' } })).json.id;
    for (let i = 0; i < 4; i++) {
      const u = await r.put(`/api/v1/drafts/${rd}/files/id_document?name=${i}.png`,
        { body: png(500), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(u.status, 201, u.text_);
    }
    const fifth = await r.put(`/api/v1/drafts/${rd}/files/id_document?name=5.png`,
      { body: png(500), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(fifth.status, 429, fifth.text_);
    assert.equal(fifth.headers.get('retry-after'), '60');
    assert.match(fifth.json.error.message.ja, /1分あたり 4 件まで/);
    assert.match(fifth.json.error.message.en, /at most 4 a minute/);
  } finally {
    await srv.stop();
  }
});

test('a page POST with sixteen parts for one file input stores one file, the answer', async () => {
  const srv = await waivers();
  const p = await registerResident(srv.base, 'parts@example.jp');
  const ov = await p.get('/procedures/hardening-waiver');
  const st = await p.post('/procedures/hardening-waiver/start', { form: { csrf: Client.csrf(ov.text_) } });
  const loc = st.headers.get('location');
  const csrf = Client.csrf((await p.get(loc)).text_);
  const files = Array.from({ length: 16 }, () => png(300));
  const boundary = '----hardening' + Date.now();
  const fields = { csrf, _action: 'next', _shown: 'applicant_address id_document',
    'f.applicant_address.postal_code': '1399981', 'f.applicant_address.pref': '東京都',
    'f.applicant_address.city': 'デモ区', 'f.applicant_address.street': '日之出町1丁目2番3号' };
  const parts = Object.entries(fields).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const [i, f] of files.entries())
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f.id_document"; filename="${i}.png"\r\nContent-Type: image/png\r\n\r\n`), f, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  const post = await p.post(loc, { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
  assert.equal(post.status, 303, `page POST: ${post.status} ${post.text_.slice(0, 300)}`);
  const papi = new Api(srv.base, { client: p });
  const stored = [];
  for (const f of files) stored.push((await papi.bytes(`/api/v1/files/${sha256(f)}`)).status);
  assert.deepEqual(stored.filter((s) => s === 200).length, 1, `stored: ${stored.join(',')}`);
  assert.equal(stored[0], 200, 'the first part is the answer');
  // the draft's answer is that file
  const dr = await papi.get(`/api/v1/drafts/${loc.match(/\/drafts\/(\d+)\//)[1]}`);
  assert.equal(dr.json.answers.id_document.sha256, sha256(files[0]));
});
