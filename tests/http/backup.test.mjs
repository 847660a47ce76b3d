// backup.test.mjs -- `madoguchi backup` while the server runs and writes,
// `madoguchi restore` into an empty database (SQLite, and PostgreSQL when
// the suite started one), then the restored database is backed up again
// and compared with the first backup table by table, row by row (rows
// in any order: a table's rows have none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, Client, passwordLogin, cli } from './lib.mjs';

function content(file) {
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].madoguchi_backup, 1);
  assert.equal(lines.at(-1).end, true);
  const tables = {};
  let cur = null;
  for (const l of lines.slice(1, -1)) {
    if (!Array.isArray(l)) { cur = l.table; tables[cur] = { columns: l.columns, rows: [] }; } else tables[cur].rows.push(l);
  }
  delete tables.schema_migrations; // applied_at differs by design
  // a table's rows have no order (a backup reads them as the engine
  // scans the table): compared as a set of rows, each whole
  for (const t of Object.values(tables)) t.rows.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return tables;
}

test('backup during writes, restore into empty databases, same content', async () => {
  const srv = await startServer();
  try {
    const c = new Client(srv.base);
    await passwordLogin(c, 'demo-viewer', 'Wrong-Password-first');
    const writes = (async () => { for (let i = 0; i < 15; i++) await passwordLogin(c, 'demo-viewer', `Wrong-Password-${i}x`); })();
    const file = join(srv.dir, 'b1.jsonl');
    // a plain backup must be asked for: it holds personal data
    assert.throws(() => cli(['backup', '--db', srv.db, '--out', file]), /--plaintext|--key-file/);
    assert.match(cli(['backup', '--db', srv.db, '--out', file, '--plaintext']), /rows backed up/);
    await writes;
    const original = content(file);
    for (const t of ['tenants', 'staff', 'audit_records', 'audit_head']) assert.ok(original[t], `table ${t} in the backup`);
    assert.ok(original.audit_records.rows.length >= 1, 'login attempts are audited');
    assert.ok(original.staff.rows.length >= 3);
    assert.throws(() => cli(['backup', '--db', srv.db, '--out', file, '--plaintext']), /exists|作れません/);

    const targets = [`sqlite:${join(srv.dir, 'restored.sqlite')}`];
    if (process.env.MADOGUCHI_PG_URL) {
      const schema = `mg_restore_${process.pid}_${Date.now()}`;
      execFileSync('psql', [process.env.MADOGUCHI_PG_URL, '-qc', `CREATE SCHEMA ${schema}`]);
      targets.push(`${process.env.MADOGUCHI_PG_URL}?options=-csearch_path%3D${schema}`);
    }
    for (const [i, target] of targets.entries()) {
      assert.match(cli(['restore', '--db', target, '--in', file]), /rows restored/);
      // a second restore into the now full database is refused, and changes nothing
      assert.throws(() => cli(['restore', '--db', target, '--in', file]), /empty|復元に失敗/);
      const again = join(srv.dir, `b2-${i}.jsonl`);
      cli(['backup', '--db', target, '--out', again, '--plaintext']);
      assert.deepEqual(content(again), original, `restored content equals the original (${target.split(':')[0]})`);
      // the restored audit trail still verifies
      assert.match(cli(['audit', 'verify', '--db', target, '--key-file', join(srv.keys, 'audit.key')]), /\d+/);
    }
    // encrypted backups: restore with the key; refused without it, with
    // another key, altered or cut short -- and nothing is left behind
    const key = join(srv.dir, 'backup.key'), key2 = join(srv.dir, 'other.key');
    cli(['backup', 'keygen', '--out', key]);
    cli(['backup', 'keygen', '--out', key2]);
    const enc = join(srv.dir, 'b.enc');
    cli(['backup', '--db', srv.db, '--out', enc, '--key-file', key]);
    const bytes = readFileSync(enc);
    assert.equal(bytes.subarray(0, 6).toString(), 'MGBK1\n');
    assert.ok(!bytes.includes(Buffer.from('demo-viewer')), 'no clear text in the encrypted file');
    const fresh = (n) => `sqlite:${join(srv.dir, `enc-${n}.sqlite`)}`;
    assert.throws(() => cli(['restore', '--db', fresh(1), '--in', enc]), /--key-file/);
    assert.throws(() => cli(['restore', '--db', fresh(1), '--in', enc, '--key-file', key2]), /wrong key|altered/);
    const altered = join(srv.dir, 'b.altered');
    const copy = Buffer.from(bytes); copy[copy.length - 40] ^= 1;
    writeFileSync(altered, copy);
    assert.throws(() => cli(['restore', '--db', fresh(1), '--in', altered, '--key-file', key]), /wrong key|altered/);
    const cut = join(srv.dir, 'b.cut');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    assert.throws(() => cli(['restore', '--db', fresh(1), '--in', cut, '--key-file', key]), /cut short|ends before|altered/);
    assert.match(cli(['restore', '--db', fresh(1), '--in', enc, '--key-file', key]), /rows restored/);
    // same content as a plain backup taken at the same moment (no writes since)
    const plainNow = join(srv.dir, 'b-now.jsonl'), back = join(srv.dir, 'b3.jsonl');
    cli(['backup', '--db', srv.db, '--out', plainNow, '--plaintext']);
    cli(['backup', '--db', fresh(1), '--out', back, '--plaintext']);
    assert.deepEqual(content(back), content(plainNow));

    // a truncated backup is refused and leaves the database empty
    const trunc = join(srv.dir, 'trunc.jsonl');
    execFileSync('sh', ['-c', `head -n 5 '${file}' > '${trunc}'`]);
    const empty = `sqlite:${join(srv.dir, 'empty.sqlite')}`;
    assert.throws(() => cli(['restore', '--db', empty, '--in', trunc]), /truncated|復元に失敗/);
    assert.match(cli(['restore', '--db', empty, '--in', file]), /rows restored/, 'nothing was left behind by the failed restore');
  } finally {
    await srv.stop();
  }
});
