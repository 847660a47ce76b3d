// sign.test.mjs -- signatures end to end outside the application pages:
// the server loads a trust directory at start (and refuses to start on a
// broken one rather than silently accepting no signatures), says so when
// none is configured, loads a renewed CRL without a restart, and `madoguchi sign` / `sign verify` (the binary,
// as a ward's operator runs it) agree with the openssl command that
// docs/cli.md documents, with the exit codes and bilingual reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, copyFileSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, BIN, ROOT } from './lib.mjs';
import { testPki, signFile, signBytes } from '../sign/pki.mjs';
import { loadProcedures, registerResident } from './apply_lib.mjs';

const pki = testPki();
const DATA = '{"answers":{"name":"デモ 太郎"},"procedure":"p","tenant":"139998","version":1}';

function verify(file, sig, trust = pki.trust, extra = []) {
  const r = spawnSync(BIN, ['sign', 'verify', '--trust', trust, ...extra, file, sig], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('serve --trust-dir loads the CA and CRL and says so', async () => {
  const srv = await startServer({ extraArgs: ['--trust-dir', pki.trust] });
  try {
    assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
    assert.match(srv.log(), /signature trust store loaded" ca_certs="1" crls="1" crl_next_update="2044-12-31T23:59:59Z"/);
    assert.doesNotMatch(srv.log(), /level=warn/);
  } finally {
    await srv.stop();
  }
});

test('serve warns when the CRL is outdated or missing', async () => {
  const srv = await startServer({ extraArgs: ['--trust-dir', join(pki.dir, 'trust-stale')] });
  try {
    assert.match(srv.log(), /level=warn msg="a CRL of the trust directory is past its nextUpdate/);
  } finally {
    await srv.stop();
  }
  const srv2 = await startServer({ extraArgs: ['--trust-dir', join(pki.dir, 'trust-nocrl')] });
  try {
    assert.match(srv2.log(), /level=warn msg="the trust directory has no CRL/);
  } finally {
    await srv2.stop();
  }
});

test('serve without a trust directory starts and logs that signatures are refused', async () => {
  const srv = await startServer();
  try {
    assert.match(srv.log(), /signatures not configured/);
  } finally {
    await srv.stop();
  }
});

test('serve refuses a trust directory holding a resident certificate', async () => {
  const bad = join(pki.dir, 'trust-bad-http');
  mkdirSync(bad, { recursive: true });
  copyFileSync(pki.path('ca.pem'), join(bad, 'ca.pem'));
  copyFileSync(pki.path('resident.pem'), join(bad, 'resident.pem'));
  await assert.rejects(startServer({ extraArgs: ['--trust-dir', bad] }), /server exited[\s\S]*not a CA/);
  await assert.rejects(startServer({ extraArgs: ['--trust-dir', join(pki.dir, 'no-such')] }), /server exited/);
});

test('madoguchi sign and sign verify: valid, tampered, untrusted, revoked, expired', () => {
  const f = join(pki.dir, 'http-data.json');
  writeFileSync(f, DATA);
  const sig = signFile(pki, 'resident', f);
  let r = verify(f, sig);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^result: ok$/m);
  assert.match(r.out, /^serial: 1001$/m);
  assert.match(r.out, /^subject: CN=デモ 太郎,L=デモ区,C=JP$/m);
  r = verify(f, sig, join(pki.dir, 'trust-other'));
  assert.equal(r.code, 1);
  assert.match(r.out, /^result: untrusted$/m);
  assert.match(r.err, /認証局.*certification authority/);
  r = verify(f, signFile(pki, 'revoked', f));
  assert.equal(r.code, 1);
  assert.match(r.out, /^result: revoked$/m);
  assert.match(r.err, /失効.*revoked/);
  r = verify(f, signFile(pki, 'expired', f));
  assert.equal(r.code, 1);
  assert.match(r.out, /^result: expired$/m);
  writeFileSync(f, DATA.replace('太郎', '次郎'));
  r = verify(f, sig);
  assert.equal(r.code, 1);
  assert.match(r.out, /^result: tampered$/m);
  r = spawnSync(BIN, ['sign', 'verify', f, sig], { encoding: 'utf8' });
  assert.equal(r.status, 2, 'usage');
});

test('the documented openssl command makes a signature the server accepts', () => {
  const f = join(pki.dir, 'http-openssl.json');
  writeFileSync(f, DATA);
  const sig = join(pki.dir, 'http-openssl.p7s');
  execFileSync('openssl', ['cms', '-sign', '-binary', '-md', 'sha256', '-in', f,
    '-signer', pki.path('resident.pem'), '-inkey', pki.path('resident.key'), '-outform', 'DER', '-out', sig]);
  assert.equal(readFileSync(sig)[0], 0x30, 'DER');
  const r = verify(f, sig, pki.trust, ['--time', '1893456000']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^serial: 1001$/m);
});

test('a renewed CRL in the trust directory is used without a restart (serve --trust-reload)', async () => {
  // the directory starts without a CRL: every signature is refused
  // (no_crl); the CA then publishes its CRL into the directory, and the
  // next check (every second here) loads it: the same signature passes
  const dir = join(pki.dir, `trust-reload-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  copyFileSync(pki.path('ca.pem'), join(dir, 'ca.pem'));
  const srv = await startServer({ setup: loadProcedures, extraArgs: ['--trust-dir', dir, '--trust-reload', '1'] });
  try {
    const alice = await registerResident(srv.base, 'reload.sign@example.jp');
    const d = await alice.post('/api/v1/drafts', { json: { procedure: 'api-signed' } });
    assert.equal(d.status, 201, d.text_);
    await alice.put(`/api/v1/drafts/${d.json.id}`, { json: { answers: { reason: '転居のため' } } });
    const bytes = Buffer.from((await alice.get(`/api/v1/drafts/${d.json.id}/canonical`)).text_);
    const sig = signBytes(pki, 'resident', bytes).toString('base64');
    const before = await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: { signature: sig } });
    assert.equal(before.status, 422, before.text_);
    assert.equal(before.json.error.errors[0].code, 'no_crl');
    // a revoked certificate is refused for no CRL too, not yet for revocation
    const rev = await alice.post(`/api/v1/drafts/${d.json.id}/submit`,
      { json: { signature: signBytes(pki, 'revoked', bytes).toString('base64') } });
    assert.equal(rev.json.error.errors[0].code, 'no_crl');
    copyFileSync(pki.path('ca.crl'), join(dir, 'ca.crl'));
    let after;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await alice.post(`/api/v1/drafts/${d.json.id}/submit`,
        { json: { signature: signBytes(pki, 'revoked', bytes).toString('base64') } });
      if (after.json.error.errors[0].code !== 'no_crl') break;
    }
    // the CRL is in use: the revoked certificate is now refused as revoked
    assert.equal(after.json.error.errors[0].code, 'revoked');
    const ok = await alice.post(`/api/v1/drafts/${d.json.id}/submit`, { json: { signature: sig } });
    assert.equal(ok.status, 201, ok.text_);
    assert.match(srv.log(), /signature trust store loaded again \(the directory changed\)" ca_certs="1" crls="1"/);
    // a file that breaks the directory: the loaded store stays in use,
    // with an error logged (the check runs when a signature is verified)
    const d2 = await alice.post('/api/v1/drafts', { json: { procedure: 'api-signed' } });
    await alice.put(`/api/v1/drafts/${d2.json.id}`, { json: { answers: { reason: '転居のため' } } });
    const b2 = Buffer.from((await alice.get(`/api/v1/drafts/${d2.json.id}/canonical`)).text_);
    writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n');
    const tampered = signBytes(pki, 'resident', Buffer.concat([b2, Buffer.from(' ')])).toString('base64');
    for (let i = 0; i < 40 && !/does not load/.test(srv.log()); i++) {
      await new Promise((r) => setTimeout(r, 250));
      const t = await alice.post(`/api/v1/drafts/${d2.json.id}/submit`, { json: { signature: tampered } });
      assert.equal(t.json.error.errors[0].code, 'tampered');
    }
    assert.match(srv.log(), /level=error (req=\S+ )?msg="the trust directory changed but does not load[^\n]*broken\.pem/);
    const ok2 = await alice.post(`/api/v1/drafts/${d2.json.id}/submit`, { json: { signature: signBytes(pki, 'resident', b2).toString('base64') } });
    assert.equal(ok2.status, 201, ok2.text_);
  } finally {
    await srv.stop();
  }
});
