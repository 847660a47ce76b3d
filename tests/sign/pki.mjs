// pki.mjs -- the fictional test PKI for HTTP and browser tests: made once
// per test process by tests/sign/make-test-pki.sh (see its header for the
// files), and helpers to sign as a resident's app would.
//
//   import { testPki, signFile, signBytes } from '../sign/pki.mjs';
//   const pki = testPki();              // { dir, trust, path(name) }
//   serve ... '--trust-dir', pki.trust
//   const sig = signBytes(pki, 'resident', canonicalText);   // DER Buffer
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const BIN = process.env.MADOGUCHI_BIN || join(ROOT, 'build/madoguchi');
let made = null;

export function testPki() {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-pki-'));
  execFileSync(join(ROOT, 'tests/sign/make-test-pki.sh'), [dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  made = { dir, trust: join(dir, 'trust'), path: (name) => join(dir, name) };
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return made;
}

// `madoguchi sign` over a file: the signature file's path
export function signFile(pki, who, file, { pem = false, chain } = {}) {
  const out = `${file}.${who}.p7s`;
  const args = ['sign', '--key', pki.path(`${who}.key`), '--cert', pki.path(`${who}.pem`), '--out', out];
  if (chain) args.push('--chain', pki.path(chain));
  if (pem) args.push('--pem');
  execFileSync(BIN, [...args, file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

// the detached signature (DER, or PEM text) of bytes, as `madoguchi sign` makes it
export function signBytes(pki, who, bytes, opts = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'madoguchi-sig-'));
  try {
    const f = join(tmp, 'data');
    writeFileSync(f, bytes);
    return readFileSync(signFile(pki, who, f, opts));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
