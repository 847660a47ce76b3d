// prefix.test.mjs -- one host, several municipalities told apart by a path
// prefix (/t/<prefix>/...): pages, links, redirects and cookies stay
// inside the municipality's prefix, and sessions do not cross over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_USERS, passwordLogin, cli } from './lib.mjs';

test('tenants by path prefix', async () => {
  const srv = await startServer({
    extraArgs: ['--tenant-path-prefix'],
    setup: ({ db, keys }) => {
      cli(['init', '--db', db, '--key-dir', keys, '--code', '139980', '--name-ja', 'テスト町',
        '--name-en', 'Test Town', '--path-prefix', 'test']);
    },
  });
  try {
    const c = new Client(srv.base);
    const home = await c.get('/t/test/');
    assert.equal(home.status, 200);
    assert.match(home.text_, /<a href="\/t\/test\/">テスト町<\/a>/);
    assert.match(home.text_, /href="\/t\/test\/login"/);
    assert.match(home.text_, /href="\/t\/test\/assets\/madoguchi\.css"/);
    assert.doesNotMatch(home.text_, /href="\/login"/, 'no link leaves the prefix');
    assert.equal((await c.get('/t/test/assets/madoguchi.css')).status, 200);
    const muni = JSON.parse((await c.get('/t/test/api/v1/municipality')).text_);
    assert.equal(muni.code, '139980');
    assert.equal((await c.get('/t/nowhere/')).status, 404);
    // unauthenticated: the redirect stays in the prefix
    const staff = await c.get('/t/test/staff');
    assert.equal(staff.status, 303);
    assert.equal(staff.headers.get('location'), '/t/test/login');
    // the demo ward's viewer exists only at the default municipality
    const form = await c.get('/t/test/login');
    assert.match(form.headers.getSetCookie().join(), /mg_pre=[^;]+; Path=\/t\/test;/);
    const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
    const r = await c.post('/t/test/login', { form: { pre, login: DEMO_USERS.viewer[0], password: DEMO_USERS.viewer[1] } });
    assert.equal(r.status, 401);
    // at the default municipality (no prefix) it works, and that session
    // is nothing under /t/test/
    const d = new Client(srv.base);
    assert.equal((await passwordLogin(d, ...DEMO_USERS.viewer)).status, 303);
    assert.equal((await d.get('/api/v1/me')).status, 200);
    assert.equal((await d.get('/t/test/api/v1/me')).status, 401);
  } finally {
    await srv.stop();
  }
});
