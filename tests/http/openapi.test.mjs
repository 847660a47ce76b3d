// openapi.test.mjs -- docs/openapi.yaml is a valid OpenAPI 3.1 document
// under the project's lint rules (redocly.yaml: Redocly's recommended set,
// strict), and it describes exactly the /api/v1 routes of the route table
// (`madoguchi routes --json`): a route added without documentation, or a
// documented route that does not exist, fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, ROOT } from './lib.mjs';

const DOC = join(ROOT, 'docs/openapi.yaml');

test('redocly lint passes with zero errors and zero warnings', () => {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/redocly'), ['lint', '--config', join(ROOT, 'redocly.yaml'), DOC],
    { cwd: ROOT, encoding: 'utf8' });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /Your API description is valid/, out);
  assert.doesNotMatch(out, /You have \d+ warning/, out);
});

// the methods of each path, from the document (YAML read through redocly's
// own bundler so that the test does not need a YAML parser of its own)
function documented() {
  const json = execFileSync(join(ROOT, 'node_modules/.bin/redocly'),
    ['bundle', '--config', join(ROOT, 'redocly.yaml'), '--ext', 'json', DOC], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const doc = JSON.parse(json);
  assert.equal(doc.openapi, '3.1.0');
  const set = new Set();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
      if (item[m]) set.add(`${m.toUpperCase()} ${path}`);
    }
  }
  return set;
}

test('the document describes exactly the /api/v1 routes of the route table', () => {
  const routes = JSON.parse(cli(['routes', '--json']));
  const table = new Set(routes.filter((r) => r.pattern.startsWith('/api/v1/') || r.pattern === '/api/v1')
    .map((r) => `${r.method} ${r.pattern}`));
  const doc = new Set([...documented()].filter((k) => k.split(' ')[1].startsWith('/api/v1')));
  const missing = [...table].filter((k) => !doc.has(k)).sort();
  const extra = [...doc].filter((k) => !table.has(k)).sort();
  assert.deepEqual(missing, [], 'routes without documentation');
  assert.deepEqual(extra, [], 'documented routes that do not exist');
  assert.ok(table.size >= 18, `${table.size} /api/v1 routes`);
});

test('every documented write with a session accepts Bearer, and the cookie only with the CSRF header', () => {
  const json = execFileSync(join(ROOT, 'node_modules/.bin/redocly'),
    ['bundle', '--config', join(ROOT, 'redocly.yaml'), '--ext', 'json', DOC], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const doc = JSON.parse(json);
  assert.equal(doc.components.securitySchemes.bearerAuth.scheme, 'bearer');
  assert.equal(doc.components.securitySchemes.csrfHeader.name, 'X-CSRF-Token');
  let writes = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const m of ['put', 'post', 'delete']) {
      const op = item[m];
      if (!op || !op.security || op.security.length === 0) continue;
      writes++;
      const alts = op.security.map((s) => Object.keys(s).sort().join('+'));
      assert.ok(alts.includes('bearerAuth'), `${m} ${path}: Bearer`);
      assert.ok(alts.includes('cookieAuth+csrfHeader'), `${m} ${path}: cookie with CSRF`);
      assert.ok(!alts.includes('cookieAuth'), `${m} ${path}: cookie without CSRF`);
    }
  }
  assert.ok(writes >= 9, `${writes} writes`);
});
