// access.test.mjs -- every route of `madoguchi routes --json` as every
// kind of caller (gen.mjs's rules): anonymous, resident A (who owns the
// records the requests name), resident B, the demo ward's admin, staff,
// viewer, the department staff of inbox_fixture, a member of staff at the
// code step, staff and a resident of another municipality (on their own
// host, and their sessions replayed at this one).  Refused callers get the
// refusal the rules say; admitted ones get a record they may not see as
// 404, a page they may see as a page, and a state-changing request without
// a CSRF token stopped at the token (never run).  No answer is a 5xx,
// splits a header, leaves the origin or lacks the security headers, and
// nothing behind a login may be cached.
//
// Also here: the role-grant rule (staff.manage alone cannot make an
// administrator).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadRoutes, access, refusal, buildRequest, isStateChanging, needsCsrf, invariantProblems,
  describe as say, CSRF_MSG, PERM_MSG } from './gen.mjs';
import { world, send, asCaller, batches, staffId, DEMO, cli } from './world.mjs';
import { Client, loginWithTotp } from '../http/lib.mjs';

const routes = loadRoutes();
let w;
let total = 0;
before(async () => { w = await world(); });
after(async () => {
  if (w) await w.stop();
});

// the verdict and what it means for one request
export function expectation(rt, c, req) {
  const v = access(rt, c);
  if (v !== 'admit') return { kind: 'refused', ...refusal(rt, v) };
  const hidden = req.objects.some((o) => typeof o.visible === 'function' && !o.visible(c));
  if (isStateChanging(rt.method) && needsCsrf(rt) && c.session) return { kind: 'csrf' };
  // a public write (a login form): the handler answers, a wrong password
  // included (401 is its answer, not a refusal of the route)
  if (isStateChanging(rt.method) && rt.permission === 'public') return { kind: 'public' };
  if (isStateChanging(rt.method)) return { kind: 'handled' };
  if (hidden) return { kind: 'hidden' };
  return { kind: 'page' };
}

// the login with this site's page to come back to (a resident's GET):
// ?next= holds one local path (tests/http/core.test.mjs checks it is the
// very page asked for)
function returnsHere(where, login) {
  if (!where || !where.startsWith(`${login}?next=`)) return false;
  const next = decodeURIComponent(where.slice(login.length + 6));
  return next.startsWith('/') && !next.startsWith('//') && !/[\\\s]/.test(next);
}

export function judge(e, res) {
  const where = res.headers?.location;
  switch (e.kind) {
  case 'refused':
    if (res.status !== e.status) return `expected ${e.status} (${e.why}), got ${res.status}${where ? ` → ${where}` : ''}`;
    if (e.location && where !== e.location && !(e.next && returnsHere(where, e.location)))
      return `expected a redirect to ${e.location}, got ${where}`;
    if (e.status === 403 && !e.anyMessage && !PERM_MSG.test(res.body)) return '403 without the permission message';
    return null;
  case 'csrf':
    if (res.status === 400) return null; // admitted, then refused as input before the token
    if (res.status === 403 && CSRF_MSG.test(res.body)) return null;
    return `admitted without a CSRF token: expected the token refusal (403) or 400, got ${res.status}${where ? ` → ${where}` : ''}`;
  case 'hidden':
    return res.status === 404 ? null : `a record the caller may not see: expected 404, got ${res.status}`;
  case 'page':
    // admitted and shown: not refused, not hidden (a handler may still
    // answer 4xx about the record itself: an unfinished draft has no
    // canonical form yet)
    if (res.status === 401 || res.status === 404 || (res.status === 403 && PERM_MSG.test(res.body)) ||
        (res.status === 303 && /\/login$/.test(where || '')))
      return `admitted: expected the page, got ${res.status}${where ? ` → ${where}` : ''}`;
    return null;
  case 'handled':
    if (res.status === 401 || (res.status === 403 && PERM_MSG.test(res.body)) ||
        (res.status === 303 && /\/login$/.test(where || '')))
      return `admitted: refused with ${res.status}`;
    return null;
  case 'public':
    return null; // the invariants only
  default: return `unknown expectation ${e.kind}`;
  }
}

test('the route table is read and every caller is set up', () => {
  assert.ok(routes.length >= 50, `${routes.length} routes`);
  assert.ok(w.callers.length >= 12);
  for (const c of w.callers.filter((x) => x.kind === 'staff' && x.session && x.stage === 'full'))
    assert.ok(c.perms.size > 0, `${c.name} has permissions`);
});

for (const rt of routes) {
  test(`access: ${rt.method} ${rt.pattern} (${rt.permission})`, async (t) => {
    const cases = w.callers.map((c) => ({ c, req: buildRequest(rt, w.samples) }));
    const problems = [];
    await batches(cases, async ({ c, req }) => {
      const res = await send(w.base, asCaller(c, req));
      const e = expectation(rt, c, req);
      const why = [judge(e, res), ...invariantProblems(res, w.base)].filter(Boolean);
      // a page behind a login is never kept by a cache
      if (rt.permission !== 'public' && res.headers?.['x-request-id'] !== undefined &&
          !/no-store/.test(res.headers['cache-control'] || ''))
        why.push(`no Cache-Control: no-store (${res.headers['cache-control']})`);
      if (why.length) problems.push(`${say(req, c.name)}: ${why.join('; ')}`);
    });
    total += cases.length;
    t.diagnostic(`${cases.length} cases`);
    assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
  });
}

test('every session-bearing state-changing route asks for a CSRF token', () => {
  const exempt = routes.filter((r) => isStateChanging(r.method) && !needsCsrf(r) && r.permission !== 'public');
  assert.deepEqual(exempt.map((r) => `${r.method} ${r.pattern}`), []);
});

test('role grants: staff.manage alone cannot create or make an administrator', async (t) => {
  // a role holding staff.manage only, given to a new member of staff
  const admin = w.callers.find((c) => c.name === 'admin');
  const post = (c, path, form) => send(w.base, asCaller(c, { method: 'POST', path,
    form: Object.entries(form).map(([k, v]) => `${k}=${encodeURIComponent(v)}`) }, { csrf: c.csrf }));
  let r = await post(admin, '/staff/roles', { name: 'usermgr', description: 'staff.manage only', needs_mfa: '1' });
  assert.equal(r.status, 303, `create role: ${r.status}`);
  r = await post(admin, '/staff/roles/permissions', { role: 'usermgr', permission: 'staff.manage' });
  assert.equal(r.status, 303, `add permission: ${r.status}`);
  cli(['user', 'add', '--db', w.srv.db, '--tenant', DEMO, '--login', 'usermgr-1', '--name', 'User Manager',
    '--role', 'usermgr', '--password-stdin'], { input: `${w.fx.pw}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  const cl = new Client(w.base);
  await loginWithTotp(cl, 'usermgr-1', w.fx.pw, {});
  const page = await cl.get('/staff/users');
  assert.equal(page.status, 200, 'staff.manage reaches the staff list');
  const um = { cookies: cl.cookieHeader(), csrf: Client.csrf(page.text_) };
  const before = staffId(w.srv.db, DEMO, 'made-admin');
  assert.equal(before, '');
  // adding a member of staff with a role whose permissions the caller lacks
  r = await post(um, '/staff/users', { login: 'made-admin', display_name: 'Escalated', role: 'admin' });
  const made = staffId(w.srv.db, DEMO, 'made-admin');
  t.diagnostic(`POST /staff/users role=admin as staff.manage only: ${r.status}`);
  assert.ok(r.status === 403 || r.status === 400, `POST /staff/users login=made-admin role=admin by a staff.manage-only caller: expected 403, got ${r.status}`);
  assert.equal(made, '', 'no administrator was created');
  // and the admin role given to an existing member by the same caller
  // needs roles.manage (the route's permission): 403
  r = await post(um, `/staff/users/${staffId(w.srv.db, DEMO, 'scratch-1')}/roles`, { role: 'admin' });
  assert.equal(r.status, 403);
});

test('the callers were not changed by the matrix (every refused write did nothing)', async (t) => {
  const probs = [];
  for (const c of w.callers.filter((x) => x.session && x.stage === 'full')) {
    const page = c.kind === 'resident' ? '/mypage' : '/account';
    const r = await send(w.base, asCaller(c, { method: 'GET', path: page }));
    if (r.status !== 200) probs.push(`${c.name}: GET ${page} ${r.status}`);
  }
  // the scratch member of staff is still active
  const st = cli(['user', 'list', '--db', w.srv.db, '--tenant', DEMO]);
  if (!/scratch-1/.test(st)) probs.push('scratch-1 missing');
  if (/scratch-1[^\n]*disabled/.test(st)) probs.push('scratch-1 was disabled');
  t.diagnostic(`${total} access cases ran`);
  assert.deepEqual(probs, []);
});
