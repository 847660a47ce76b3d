// account.test.mjs -- a staff member's own sessions (list, end one) and the
// password change (current password checked, policy applied, other
// sessions ended, the audit trail told).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServer, Client, DEMO_USERS, passwordLogin, cli } from './lib.mjs';

test('sessions: list and end another one', async () => {
  const srv = await startServer();
  try {
    const a = new Client(srv.base), b = new Client(srv.base);
    await passwordLogin(a, ...DEMO_USERS.viewer);
    await passwordLogin(b, ...DEMO_USERS.viewer);
    const page = await a.get('/account');
    assert.equal(page.status, 200);
    const ends = [...page.text_.matchAll(/action="\/account\/sessions\/(\d+)\/end"/g)].map((m) => m[1]);
    assert.equal(ends.length, 1, 'the other session can be ended, not the current one');
    assert.match(page.text_, /この端末（使用中）/);
    assert.equal((await b.get('/api/v1/me')).status, 200);
    const r = await a.post(`/account/sessions/${ends[0]}/end`, { form: { csrf: Client.csrf(page.text_) } });
    assert.equal(r.status, 303);
    assert.equal((await b.get('/api/v1/me')).status, 401, 'the ended session is gone');
    assert.equal((await a.get('/api/v1/me')).status, 200);
    // another account's session id cannot be ended
    const c = new Client(srv.base);
    await passwordLogin(c, ...DEMO_USERS.viewer);
    const other = await a.post('/account/sessions/999999/end', { form: { csrf: Client.csrf(page.text_) } });
    assert.equal(other.status, 404);
  } finally {
    await srv.stop();
  }
});

test('password change', async () => {
  const srv = await startServer();
  try {
    const [login, old] = DEMO_USERS.viewer;
    const a = new Client(srv.base), b = new Client(srv.base);
    await passwordLogin(a, login, old);
    await passwordLogin(b, login, old);
    const page = await a.get('/account');
    const csrf = Client.csrf(page.text_);
    const wrong = await a.post('/account/password', { form: { csrf, current: 'Not-The-Password-9', new: 'Kaede-Shinryoku-2027' } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.text_, /現在のパスワードが違います/);
    const weak = await a.post('/account/password', { form: { csrf, current: old, new: 'short' } });
    assert.equal(weak.status, 400);
    const ok = await a.post('/account/password', { form: { csrf, current: old, new: 'Kaede-Shinryoku-2027' } });
    assert.equal(ok.status, 200);
    assert.match(ok.text_, /パスワードを変更しました/);
    assert.equal((await a.get('/api/v1/me')).status, 200, 'this session goes on');
    assert.equal((await b.get('/api/v1/me')).status, 401, 'the other session ended');
    assert.equal((await passwordLogin(new Client(srv.base), login, old)).status, 401);
    assert.equal((await passwordLogin(new Client(srv.base), login, 'Kaede-Shinryoku-2027')).status, 303);
    const q = cli(['audit', 'query', '--db', srv.db, '--actor', login]);
    assert.match(q, /password\.changed/);
    assert.doesNotMatch(q, /Kaede|Momiji/, 'no password in the audit trail');
    assert.doesNotMatch(srv.log(), /Kaede|Momiji/, 'no password in the log');
  } finally {
    await srv.stop();
  }
});
