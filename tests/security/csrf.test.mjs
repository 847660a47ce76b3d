// csrf.test.mjs -- every state-changing route that needs a CSRF token
// (gen.mjs's needsCsrf: an HTML form unless the route opts out, every
// write of the JSON API made with a cookie session) as every caller, with
// no token, with another session's token and with a well-formed token of
// no session.  A caller the route refuses gets the refusal (access rules);
// one it admits is stopped by the token check: 403 "form expired" (or a
// 400 when its input was refused first, before the token was looked at),
// never run.  The route's declared parameters are filled with the
// fixture's values so that the token is what decides.  Controls: the
// session's own token passes; nothing a refused request named changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadRoutes, access, refusal, buildRequest, isStateChanging, needsCsrf, invariantProblems,
  describe as say, CSRF_MSG, PERM_MSG } from './gen.mjs';
import { world, send, asCaller, batches, DEMO, cli } from './world.mjs';

const routes = loadRoutes().filter((r) => isStateChanging(r.method) && needsCsrf(r));
let w;
let total = 0, byToken = 0;
const statusOfA = () => {
  const subs = cli(['submission', 'list', '--db', w.srv.db, '--tenant', DEMO, '--json']);
  const all = subs.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).flat();
  const mine = all.find((s) => s.receipt === w.fx.subs.a.receipt);
  return mine ? mine.status : 'missing';
};
let statusBefore;
before(async () => { w = await world(); statusBefore = statusOfA(); });
after(async () => { if (w) await w.stop(); });

// a token of the right shape that no session issued
const FORGED = 'A'.repeat(43);

function variants(c) {
  const other = w.callers.find((x) => x.csrf && x !== c && x.kind === (c.kind === 'anon' ? 'resident' : c.kind)) ||
    w.callers.find((x) => x.csrf && x !== c);
  return [
    { name: 'no token', token: null },
    { name: `the token of ${other.name}`, token: other.csrf },
    { name: 'a forged token', token: FORGED },
  ];
}

test('there are state-changing routes needing a token, and sessions with tokens', () => {
  assert.ok(routes.length >= 30, `${routes.length} routes`);
  assert.ok(w.callers.filter((c) => c.csrf).length >= 9);
});

for (const rt of routes) {
  test(`csrf: ${rt.method} ${rt.pattern} (${rt.permission})`, async (t) => {
    const cases = [];
    for (const c of w.callers)
      for (const v of variants(c)) cases.push({ c, v, req: buildRequest(rt, w.samples) });
    const problems = [];
    let reached = 0;
    await batches(cases, async ({ c, v, req }) => {
      const api = rt.permission.startsWith('api:');
      const res = await send(w.base, asCaller(c, req, { csrf: v.token, csrfHeader: api }));
      const verdict = access(rt, c);
      const why = invariantProblems(res, w.base);
      if (verdict !== 'admit' || !c.session) {
        const e = refusal(rt, verdict === 'admit' ? 'auth' : verdict);
        if (verdict === 'admit' && !c.session) {
          // a public route needing a token, asked without a session
          if (!(res.status === 403 && CSRF_MSG.test(res.body)) && res.status !== 400)
            why.push(`no session: expected the token refusal, got ${res.status}`);
        } else if (res.status !== e.status) why.push(`expected ${e.status} (${e.why}), got ${res.status}`);
        else if (e.status === 403 && !e.anyMessage && !PERM_MSG.test(res.body)) why.push('403 without the permission message');
      } else if (res.status === 403 && CSRF_MSG.test(res.body)) {
        reached++;
      } else if (res.status !== 400) {
        why.push(`admitted with ${v.name}: expected 403 (token refused), got ${res.status}` +
          `${res.headers?.location ? ` → ${res.headers.location}` : ''}`);
      }
      if (why.length) problems.push(`${say(req, c.name, ` [${v.name}]`)}: ${why.join('; ')}`);
    });
    total += cases.length;
    byToken += reached;
    t.diagnostic(`${cases.length} cases, ${reached} stopped by the token check`);
    assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
  });
}

test('controls: the own token passes the check; refused writes changed nothing', async (t) => {
  // an admitted write with the session's own token is not refused as a
  // forgery (the check above is the token's doing, not the route's)
  const admin = w.callers.find((c) => c.name === 'admin');
  const A = w.callers.find((c) => c.name === 'resident A');
  const post = (c, path, form, opts) => send(w.base, asCaller(c, { method: 'POST', path,
    form: Object.entries(form).map(([k, v]) => `${k}=${encodeURIComponent(v)}`) }, opts));
  let r = await post(admin, '/staff/roles', { name: 'csrf-control', description: 'x' }, { csrf: admin.csrf });
  assert.equal(r.status, 303, `own token: ${r.status}`);
  r = await post(admin, '/staff/roles', { name: 'csrf-control-2', description: 'x' }, { csrf: A.csrf });
  assert.equal(r.status, 403, 'a resident\'s token does not pass for the admin');
  r = await send(w.base, asCaller(A, { method: 'POST', path: '/api/v1/drafts', json: JSON.stringify({ procedure: 'inkan-shomei' }) },
    { csrf: A.csrf, csrfHeader: true }));
  assert.notEqual(r.status, 403, `API write with the own X-CSRF-Token: ${r.status}`);
  // nothing the refused requests named changed: every session is alive,
  // the scratch member of staff is active, resident A's submission is
  // still submitted and their draft is still there
  const probs = [];
  for (const c of w.callers.filter((x) => x.session && x.stage === 'full')) {
    const page = c.kind === 'resident' ? '/mypage' : '/account';
    const g = await send(w.base, asCaller(c, { method: 'GET', path: page }));
    if (g.status !== 200) probs.push(`${c.name}: GET ${page} ${g.status}`);
  }
  const pending = w.callers.find((c) => c.stage === 'pending');
  if ((await send(w.base, asCaller(pending, { method: 'GET', path: '/login/code' }))).status !== 200) probs.push('pending session ended');
  const users = cli(['user', 'list', '--db', w.srv.db, '--tenant', DEMO]);
  if (/scratch-1[^\n]*disabled/.test(users)) probs.push('scratch-1 was disabled');
  if (/sec-probe/.test(users)) probs.push('a member of staff was added by a forged request');
  if (statusOfA() !== statusBefore) probs.push(`submission A: ${statusBefore} -> ${statusOfA()}`);
  const d = await send(w.base, asCaller(A, { method: 'GET', path: `/drafts/${w.draftId}/page/1` }));
  if (d.status !== 200) probs.push(`draft ${w.draftId}: ${d.status}`);
  t.diagnostic(`${total} CSRF cases ran, ${byToken} stopped by the token check`);
  assert.deepEqual(probs, []);
});
