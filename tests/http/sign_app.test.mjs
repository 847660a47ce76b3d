// sign_app.test.mjs -- signing with a signing app (docs/signatures.md §5,
// page_sign.c): the resident's check page asks for a signing request; the
// request's token, handed over by link and QR code, is the only credential
// of the app's side (the bytes, the signature's return); the returned
// signature is verified at once and again at submission; a request serves
// its owner's draft only, once, and the demo signer's key is served on the
// demo ward with --demo-signer only.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, multipartBody } from './lib.mjs';
import { testPki, signBytes } from '../sign/pki.mjs';
import { loadProcedures, registerResident, sha256 } from './apply_lib.mjs';

const pki = testPki();
let srv;

before(async () => {
  srv = await startServer({ setup: loadProcedures,
    extraArgs: ['--trust-dir', pki.trust, '--demo-signer', pki.dir, '--public-url', 'https://madoguchi.example.jp'] });
});
after(async () => { if (srv) await srv.stop(); });

// a draft of the signed test procedure with an answer
async function draft(api, reason = '転居のため') {
  const d = await api.post('/api/v1/drafts', { json: { procedure: 'api-signed' } });
  assert.equal(d.status, 201, d.text_);
  const s = await api.put(`/api/v1/drafts/${d.json.id}`, { json: { answers: { reason } } });
  assert.equal(s.status, 200, s.text_);
  return d.json.id;
}

// the resident asks for a request on the check page; its token
async function request(api, id) {
  const page = await api.c.get(`/drafts/${id}/confirm`);
  assert.equal(page.status, 200);
  assert.match(page.text_, new RegExp(`action="/drafts/${id}/sign-request"`));
  const r = await api.c.post(`/drafts/${id}/sign-request`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(r.status, 200, r.text_.slice(0, 400));
  const m = r.text_.match(/href="https:\/\/madoguchi\.example\.jp\/sign\/([0-9a-f]{64})"/);
  assert.ok(m, 'the link uses the configured public URL');
  assert.match(r.text_, /<svg[^>]*role="img"/, 'a QR code');
  assert.equal(r.headers.get('cache-control'), 'no-store');
  return { token: m[1], page: r.text_ };
}

function sendSignature(c, token, data) {
  const mp = multipartBody({}, { name: 'signature', filename: 'a.p7s', type: 'application/pkcs7-signature', data });
  return c.post(`/sign/${token}`, mp);
}

test('a signing request: the app reads the bytes by token, returns the signature, the resident submits', async () => {
  const alice = await registerResident(srv.base, 'sign.app.alice@example.jp');
  const id = await draft(alice);
  const { token, page } = await request(alice, id);
  const canonical = (await alice.bytes(`/drafts/${id}/canonical`)).body;
  // the resident compares the check number the app shows with the page's
  const grouped = sha256(canonical).match(/.{8}/g).join(' ');
  assert.ok(page.includes(grouped), 'the check number is the hash of the bytes to sign');

  // the app has no session: the token alone
  const app = new Client(srv.base);
  const req = await app.get(`/sign/${token}`);
  assert.equal(req.status, 200);
  assert.ok(req.text_.includes(grouped));
  assert.match(req.text_, /デモ用の署名アプリ/, 'the demo ward offers the demo signer');
  const data = await fetch(`${srv.base}/sign/${token}/data`);
  assert.equal(data.status, 200);
  assert.deepEqual(Buffer.from(await data.arrayBuffer()), canonical);
  assert.equal((await app.get(`/sign/${'0'.repeat(64)}`)).status, 404);
  assert.equal((await app.get(`/sign/${'0'.repeat(64)}/data`)).status, 404);
  assert.equal((await app.get(`/sign/${token.toUpperCase()}`)).status, 400, 'a malformed token');

  // refused signatures say why and leave the request open
  let r = await sendSignature(app, token, signBytes(pki, 'revoked', canonical));
  assert.equal(r.status, 400);
  assert.match(r.text_, /失効/);
  r = await sendSignature(app, token, signBytes(pki, 'resident', Buffer.concat([canonical, Buffer.from(' ')])));
  assert.equal(r.status, 400);
  assert.match(r.text_, /一致しません/);
  r = await app.post(`/sign/${token}`, multipartBody({}, null));
  assert.equal(r.status, 400);
  assert.match(r.text_, /署名ファイルを選んでください/);

  // the good one: received, once
  r = await sendSignature(app, token, signBytes(pki, 'resident', canonical));
  assert.equal(r.status, 200, r.text_.slice(0, 400));
  assert.match(r.text_, /署名を受け取りました/);
  assert.match(r.text_, /デモ 太郎/);
  r = await sendSignature(app, token, signBytes(pki, 'resident', canonical));
  assert.equal(r.status, 409);

  // the check page says it is signed and the submission needs no file
  const confirm = await alice.c.get(`/drafts/${id}/confirm`);
  assert.match(confirm.text_, /署名済み（署名者: [^）]*デモ 太郎/);
  assert.doesNotMatch(confirm.text_, /name="signature"/);
  const mp = multipartBody({ csrf: Client.csrf(confirm.text_) }, null);
  const sub = await alice.c.post(`/drafts/${id}/submit`, mp);
  assert.equal(sub.status, 303, sub.text_.slice(0, 400));
  const receipt = sub.headers.get('location').match(/\/submissions\/([0-9-]+)/)[1];
  const got = await alice.get(`/api/v1/submissions/${receipt}`);
  assert.equal(got.status, 200);
  assert.equal(got.json.signature.serial, '1001');
  // the request is spent with the draft
  assert.equal((await app.get(`/sign/${token}`)).status, 404);
});

test('a signature made before the answers changed is refused at submission', async () => {
  const bob = await registerResident(srv.base, 'sign.app.bob@example.jp');
  const id = await draft(bob);
  const { token } = await request(bob, id);
  const canonical = (await bob.bytes(`/drafts/${id}/canonical`)).body;
  const r = await sendSignature(new Client(srv.base), token, signBytes(pki, 'resident', canonical));
  assert.equal(r.status, 200);
  await bob.put(`/api/v1/drafts/${id}`, { json: { answers: { reason: '別の理由' } } });
  // the app can no longer read the bytes it was asked for
  assert.equal((await fetch(`${srv.base}/sign/${token}/data`)).status, 409);
  const confirm = await bob.c.get(`/drafts/${id}/confirm`);
  assert.doesNotMatch(confirm.text_, /署名済み/, 'the old signature is not shown as valid');
  const sub = await bob.c.post(`/drafts/${id}/submit`, multipartBody({ csrf: Client.csrf(confirm.text_) }, null));
  assert.equal(sub.status, 400);
  assert.match(sub.text_, /電子署名を確認できませんでした/);
});

test('a request is its owner\'s: another resident cannot ask for one on a draft not theirs', async () => {
  const carol = await registerResident(srv.base, 'sign.app.carol@example.jp');
  const dave = await registerResident(srv.base, 'sign.app.dave@example.jp');
  const id = await draft(carol);
  const page = await dave.c.get('/procedures/api-signed');
  assert.ok(Client.csrf(page.text_));
  const r = await dave.c.post(`/drafts/${id}/sign-request`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(r.status, 404);
  // and without the CSRF token, not even the owner
  const r2 = await carol.c.post(`/drafts/${id}/sign-request`, { form: { csrf: 'x' } });
  assert.equal(r2.status, 403);
});

test('the demo signer\'s key: on the demo ward with --demo-signer and a live request only', async () => {
  const erin = await registerResident(srv.base, 'sign.app.erin@example.jp');
  const id = await draft(erin);
  const { token } = await request(erin, id);
  const k = await fetch(`${srv.base}/sign/${token}/demo-key`);
  assert.equal(k.status, 200);
  const j = await k.json();
  assert.match(j.key, /^-----BEGIN PRIVATE KEY-----/);
  assert.match(j.cert, /^-----BEGIN CERTIFICATE-----/);
  assert.equal((await fetch(`${srv.base}/sign/${'1'.repeat(64)}/demo-key`)).status, 404);
  // a server without --demo-signer serves no key and shows no demo signer
  const plain = await startServer({ setup: loadProcedures, extraArgs: ['--trust-dir', pki.trust] });
  try {
    const fay = await registerResident(plain.base, 'sign.app.fay@example.jp');
    const fid = await draft(fay);
    const page = await fay.c.get(`/drafts/${fid}/confirm`);
    const r = await fay.c.post(`/drafts/${fid}/sign-request`, { form: { csrf: Client.csrf(page.text_) } });
    const t = r.text_.match(/\/sign\/([0-9a-f]{64})"/)[1];
    assert.equal((await fetch(`${plain.base}/sign/${t}/demo-key`)).status, 404);
    const req = await fetch(`${plain.base}/sign/${t}`);
    assert.doesNotMatch(await req.text(), /デモ用の署名アプリ/);
  } finally {
    await plain.stop();
  }
});

// one link policy (app_mail_link_base): the hand-off link is built from the
// configured public URL, never from the request's Host header, which the
// caller chooses
test('the hand-off link uses the public URL even when the request names another host', async () => {
  const eve = await registerResident(srv.base, 'sign.app.host@example.jp');
  const id = await draft(eve);
  eve.c.host = 'attacker.example';
  const { page } = await request(eve, id);   // asserts the https://madoguchi.example.jp link
  assert.ok(!page.includes('attacker.example'), 'nothing on the page comes from the Host header');
});

test('without a public URL the link falls back as mail links do (the listen address), not to the Host header', async () => {
  const plain = await startServer({ setup: loadProcedures });
  try {
    const res = await registerResident(plain.base, 'sign.app.fallback@example.jp');
    const id = await draft(res);
    res.c.host = 'attacker.example';
    const page = await res.c.get(`/drafts/${id}/confirm`);
    assert.equal(page.status, 200);
    const r = await res.c.post(`/drafts/${id}/sign-request`, { form: { csrf: Client.csrf(page.text_) } });
    assert.equal(r.status, 200, r.text_.slice(0, 400));
    const m = r.text_.match(/id="sign-link" href="([^"]+)"/);
    assert.ok(m, 'a link');
    assert.match(m[1], new RegExp(`^${plain.base.replace(/[.]/g, '\\.')}/sign/[0-9a-f]{64}$`));
    assert.ok(!r.text_.includes('attacker.example'));
  } finally { await plain.stop(); }
});
