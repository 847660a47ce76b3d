/* checksrc.test.mjs -- scripts/checksrc.mjs against fixture trees:
 * fixtures/good obeys every rule (exit 0), and each fixtures/bad-* has
 * exactly one planted violation, which must be the one reported, at its
 * file and line (exit 1).  Run: node --test tests/checksrc/ */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures');
const repo = path.resolve(here, '../..');

function run(args, cmd = 'node', pre = [path.join(repo, 'scripts/checksrc.mjs')]) {
	const r = spawnSync(cmd, [...pre, ...args], { encoding: 'utf8' });
	return { code: r.status, out: r.stdout, err: r.stderr };
}
const violationLines = (out) => out.split('\n').filter((l) => /^[^\s:]+:\d+: [a-z0-9-]+: /.test(l));

/* the planted violation of each bad tree */
const planted = {
	'bad-h2o': 'src/svc/news/web/pages.c:3: h2o',
	'bad-h2o-ident': 'src/core/jobs/jobs.c:7: h2o',
	'bad-pdf': 'src/svc/nursery/letter.c:3: pdf',
	'bad-web-only': 'src/svc/news/news.c:4: web-only',
	'bad-service-deps': 'src/svc/apply/apply.c:4: service-deps',
	'bad-service-deps-mayuse': 'src/svc/apply/web/pages.c:4: service-deps',
	'bad-service-deps-core': 'src/core/audit/audit.c:3: service-deps',
	'bad-service-deps-cycle': 'src/svc/apply/apply.c:4: service-deps',
	'bad-service-deps-readme': 'src/svc/news/README.md:1: service-deps',
	'bad-core-no-svc': 'src/core/auth/auth.c:5: core-no-svc',
	'bad-core-no-svc-web': 'src/store/store.c:2: core-no-svc',
	'bad-web-no-svc': 'src/web/app.c:4: web-no-svc',
	'bad-web-no-sql': 'src/svc/news/web/pages.c:13: web-no-sql',
	'bad-table-owner': 'src/svc/news/news.c:8: table-owner',
	'bad-table-owner-twice': 'src/cli/cli_db.c:4: table-owner',
	'bad-table-owner-list': 'src/svc/news/news.c:5: table-owner',
	'bad-html-printf': 'src/web/page.c:6: html-printf',
	'bad-html-printf-conv': 'src/web/page.c:7: html-printf',
	'bad-html-printf-fmt': 'src/web/page.c:7: html-printf',
	'bad-header-comment': 'src/base/util.h:2: header-comment',
};

test('the good tree holds every rule', () => {
	const r = run([path.join(fixtures, 'good/src')]);
	assert.equal(r.out, `check-src: ${countSources(path.join(fixtures, 'good/src'))} files, all rules hold\n`);
	assert.equal(r.code, 0);
});

test('scripts/checksrc.sh passes its argument on', () => {
	const r = run([path.join(fixtures, 'good/src')], 'sh', [path.join(repo, 'scripts/checksrc.sh')]);
	assert.equal(r.code, 0, r.out + r.err);
	assert.match(r.out, /all rules hold/);
});

test('every bad tree has its expectation here, and each one is there', () => {
	const dirs = fs.readdirSync(fixtures).filter((d) => d.startsWith('bad-')).sort();
	assert.deepEqual(dirs, Object.keys(planted).sort());
});

for (const [dir, want] of Object.entries(planted)) {
	test(`${dir}: ${want}`, () => {
		const r = run([path.join(fixtures, dir, 'src')]);
		assert.equal(r.code, 1, r.out + r.err);
		const v = violationLines(r.out);
		assert.equal(v.length, 1, `exactly one violation expected:\n${r.out}`);
		assert.ok(v[0].startsWith(want + ': '), `expected ${want}, got:\n${r.out}`);
	});
}

test('a missing tree is a usage error', () => {
	const r = run([path.join(fixtures, 'no-such-tree')]);
	assert.equal(r.code, 2);
	assert.match(r.err, /not a directory/);
});

function countSources(dir) {
	let n = 0;
	for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
		if (e.isFile() && /\.[ch]$/.test(e.name)) n++;
	return n;
}
