// registry_cli.test.mjs -- `madoguchi registry` on the demo ward as
// `madoguchi demo` makes it: six households, twenty persons, two demo
// residents linked (demo again changes nothing); listings never carry a
// 個人番号, `show` masks it; a person linked to one account cannot be
// linked to another; link and unlink are audited without personal data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, cli } from './lib.mjs';

test('registry: demo households, listing, masked record, links', () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-registry-'));
  try {
    const db = `sqlite:${join(dir, 'db.sqlite')}`;
    const keys = join(dir, 'keys');
    cli(['demo', '--db', db, '--key-dir', keys]);
    cli(['demo', '--db', db, '--key-dir', keys]);   // idempotent
    const list = cli(['registry', 'list', '--db', db, '--tenant', '139998']).trim().split('\n');
    assert.equal(list.length, 20);
    assert.equal(new Set(list.map((l) => l.split('\t')[0])).size, 6, 'six households');
    assert.match(list[0], /^H001\t1\tP0001\t世帯主\t日之出 太郎\tヒノデ タロウ\t1988-05-12\tmale\t\d+$/);
    assert.equal(list.filter((l) => !l.endsWith('\t-')).length, 2, 'two linked demo residents');
    assert.doesNotMatch(list.join('\n'), /\d{12}/, 'no My Number in the listing');

    const rec = JSON.parse(cli(['registry', 'show', '--db', db, '--tenant', '139998', '--person', 'P0001']));
    assert.match(rec.my_number, /^\*{8}\d{4}$/);
    assert.deepEqual(Object.keys(rec.name).sort(), ['family', 'family_kana', 'given', 'given_kana']);
    assert.equal(rec.address.city, 'デモ区');
    assert.equal(rec.household.length, 4);
    assert.ok(rec.household.some((m) => m.birth_date === '2024-06-20' && m.relationship === '子'));

    // P0001 belongs to demo-taro: demo-sakura cannot take it
    let failed = null;
    try {
      execFileSync(BIN, ['registry', 'link', '--db', db, '--tenant', '139998', '--email', 'demo-sakura@example.jp',
        '--person', 'P0001'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) { failed = err; }
    assert.ok(failed && failed.status === 1, 'refused');
    assert.match(failed.stderr, /別のアカウントに紐付いています \/ the person is linked to another account/);
    assert.match(cli(['registry', 'unlink', '--db', db, '--tenant', '139998', '--email', 'demo-sakura@example.jp']), /^unlinked\t\d+/);
    assert.match(cli(['registry', 'link', '--db', db, '--tenant', '139998', '--email', 'DEMO-SAKURA@example.jp', '--person', 'P0008']),
      /^linked\t\d+\tP0008/);
    const q = cli(['audit', 'query', '--db', db, '--action', 'registry.link']);
    assert.match(q, /registry\.link/);
    assert.doesNotMatch(q, /青空|P0008|sakura/, 'no personal data in the audit trail');
    assert.match(cli(['audit', 'query', '--db', db, '--action', 'registry.unlink']), /registry\.unlink/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
