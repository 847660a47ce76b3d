// inputs.test.mjs -- every declared parameter of every route (gen.mjs:
// the table's "params", or the path captures when it has none) fed CR,
// LF, CRLF with a planted Set-Cookie, TAB, NUL, overlong UTF-8 (%C0%AF),
// 1 MB, "../", "%", quotes and <script>, as a caller the route admits
// (with its CSRF token on a write, so that the input is what decides), the
// other parameters holding the fixture's ordinary values.
//
// Control characters and invalid UTF-8 are refused by every parameter, and
// 1 MB by every parameter shorter than that: 400 naming the parameter (or
// 413/414/431 for the size; 404 for a path that then names nothing; 404
// or 422 from the JSON API's own checks).  Whatever the payload: no 5xx,
// no header split (no planted Set-Cookie or X-Injected), no Location that
// a browser reads as another origin, nothing echoed unescaped into HTML.
//
// A declared parameter given twice is refused (parameter pollution).
// Then the known attack requests by hand (they must fail whatever the
// route table declares): the language switch's next= with CR/LF and with
// a tab before //, and a search for % or _ (LIKE wildcards).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRoutes, access, buildRequest, isStateChanging, needsCsrf, inputCases, invariantProblems,
  describe as say, paramsOf, placeOf as placeOfParam } from './gen.mjs';
import { world, send, asCaller, batches } from './world.mjs';
import { ROOT } from '../http/lib.mjs';

const routes = loadRoutes();
let w;
let total = 0;
before(async () => { w = await world(); });
after(async () => { if (w) await w.stop(); });

// the caller who reaches the route with records it may see
const PREFER = ['anonymous', 'resident A', 'staff (dept A, personal.read)', 'admin', 'dept A staff (kosodate-2)',
  'dept B staff (kumin-b)', 'viewer', 'pending (code step)', 'new password owed (reset)', 'waste staff (demo-machi)',
  'facility desk (demo-kumin)'];
function reacher(rt) {
  // (one who may see the records the request names; when nobody may,
  // because the record does not exist, any caller the route admits: the
  // parameters are checked before the record is looked up)
  const req = buildRequest(rt, w.samples);
  for (const strict of [true, false]) {
    for (const n of PREFER) {
      const c = w.callers.find((x) => x.name === n);
      if (access(rt, c) !== 'admit') continue;
      if (strict && req.objects.some((o) => typeof o.visible === 'function' && !o.visible(c))) continue;
      return c;
    }
  }
  return null;
}

const ROUTER_400 = /A value is missing or not valid: (.+?)\.(?:<|"|$)/m;

test('every route has a caller of the fixture who reaches it', () => {
  const none = routes.filter((rt) => !reacher(rt)).map((rt) => `${rt.method} ${rt.pattern}`);
  assert.deepEqual(none, []);
});

// parameter pollution: a declared parameter given twice is ambiguous and
// refused (400 naming it), in the query and in a form alike (first: the
// router refuses these, so no handler counts a failure that could lock a
// caller out before the payloads below)
for (const rt of routes) {
  const ps = paramsOf(rt).filter((p) => p.declared && ['query', 'form'].includes(placeOfParam(rt, p)));
  if (!ps.length) continue;
  test(`pollution: ${rt.method} ${rt.pattern} (${ps.length} parameter${ps.length > 1 ? 's' : ''} given twice)`, async (t) => {
    const c = reacher(rt);
    assert.ok(c, 'a caller reaches the route');
    const problems = [];
    await batches(ps, async (p) => {
      const v = encodeURIComponent(w.samples.byRoute?.(rt, p.name)?.value ?? w.samples.byRoute?.(rt, p.name) ?? w.samples.byName[p.name] ?? '1');
      const req = buildRequest(rt, w.samples, { override: { [p.name]: `${v}&${encodeURIComponent(p.name)}=${v}` }, fill: 'all' });
      const token = isStateChanging(rt.method) && needsCsrf(rt) && c.csrf ? c.csrf : null;
      const res = await send(w.base, asCaller(c, req, { csrf: token, csrfHeader: rt.permission.startsWith('api:') }));
      const why = invariantProblems(res, w.base);
      const m = res.body?.match(ROUTER_400);
      if (res.status !== 400) why.push(`expected 400, got ${res.status}`);
      else if (m && m[1] !== p.name) why.push(`refused for ${m[1]}, not for ${p.name} given twice`);
      if (why.length) problems.push(`${say(req, c.name, ` [${p.name} twice]`)}: ${why.join('; ')}`);
    });
    total += ps.length;
    t.diagnostic(`${ps.length} cases as ${c.name}`);
    assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
  });
}

for (const rt of routes) {
  const n = paramsOf(rt).length;
  if (!n) continue; // nothing declared: nothing to feed (the access matrix covers the route)
  test(`inputs: ${rt.method} ${rt.pattern} (${n} parameter${n > 1 ? 's' : ''})`, async (t) => {
    const c = reacher(rt);
    assert.ok(c, 'a caller reaches the route');
    // the payloads every parameter must refuse first, then the ones a
    // handler may see (a handler counting failures, as the code step does,
    // must not lock the caller out before the refusals are checked)
    const all = inputCases(rt);
    const cases = [...all.filter((k) => k.mustRefuse), ...all.filter((k) => !k.mustRefuse)];
    const problems = [];
    let refused = 0;
    const one = async (k) => {
      const req = buildRequest(rt, w.samples, { override: { [k.param.name]: k.payload.enc }, fill: 'all' });
      const token = isStateChanging(rt.method) && needsCsrf(rt) && c.csrf ? c.csrf : null;
      const res = await send(w.base, asCaller(c, req, { csrf: token, csrfHeader: rt.permission.startsWith('api:') }));
      const why = invariantProblems(res, w.base);
      if (k.mustRefuse && res.status) {
        if (!k.refuseWith.includes(res.status)) {
          why.push(`expected a refusal (${k.refuseWith.join('/')}), got ${res.status}` +
            `${res.headers?.location ? ` → ${JSON.stringify(res.headers.location)}` : ''}`);
        } else {
          refused++;
          const m = res.status === 400 && res.body.match(ROUTER_400);
          if (m && ![k.param.name, 'query', 'form'].includes(m[1]))
            why.push(`refused for ${m[1]}, not for the payload in ${k.param.name}`);
        }
      }
      if (why.length) problems.push(`${say(req, c.name, ` [${k.param.name}=${k.payload.name} in ${k.place}]`)}: ${why.join('; ')}`);
    };
    await batches(cases.filter((k) => k.mustRefuse), one);
    await batches(cases.filter((k) => !k.mustRefuse), one);
    total += cases.length;
    t.diagnostic(`${cases.length} cases as ${c.name}, ${refused} refused as they must be`);
    assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
  });
}

// ---- known attack requests ----

const NEXT = [
  ['CRLF and a planted cookie', '/%0d%0aSet-Cookie:%20mg_session=mgx7'],
  ['CR', '/%0dX-Injected:%20mgx7'],
  ['LF', '/%0aX-Injected:%20mgx7'],
  ['a tab before //', '/%09/evil.example'],
  ['a newline before //', '/%0a/evil.example'],
  ['a backslash', '/%5cevil.example'],
  ['a backslash after the slash', '/%5c/evil.example'],
  ['//', '//evil.example'],
  ['an absolute URL', 'https://evil.example/'],
  ['a scheme-relative URL with a tab', '%09//evil.example'],
];

test('the language switch refuses a next= a browser would read as another origin or a header', async (t) => {
  const anon = w.callers.find((c) => c.name === 'anonymous');
  const problems = [];
  for (const [name, next] of NEXT) {
    const path = `/lang?to=en&next=${next}`;
    const res = await send(w.base, asCaller(anon, { method: 'GET', path }));
    const why = invariantProblems(res, w.base);
    if (res.status !== 400) why.push(`expected 400, got ${res.status}${res.headers ? ` → ${JSON.stringify(res.headers.location)}` : ''}`);
    if (why.length) problems.push(`GET ${path} (${name}): ${why.join('; ')}`);
  }
  // and the ordinary case still works
  const ok = await send(w.base, asCaller(anon, { method: 'GET', path: '/lang?to=en&next=/procedures' }));
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, '/procedures');
  t.diagnostic(`${NEXT.length} next= cases`);
  assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
});

// the procedures of the demo ward (data/procedures) whose code or title
// holds the text literally
function proceduresContaining(text) {
  const dir = join(ROOT, 'data/procedures');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .filter((p) => [p.id, p.title?.ja, p.title?.en].some((s) => typeof s === 'string' && s.includes(text)))
    .map((p) => p.id).sort();
}

test('the procedure search takes % and _ literally (no LIKE wildcard)', async () => {
  const anon = w.callers.find((c) => c.name === 'anonymous');
  // the search finds something at all (else the check below proves nothing)
  const all = await send(w.base, asCaller(anon, { method: 'GET', path: `/procedures?q=${encodeURIComponent('印鑑')}` }));
  const listed = (body) => [...new Set([...body.matchAll(/href="\/procedures\/([a-z][a-z0-9_-]*)"/g)].map((m) => m[1]))].sort();
  assert.deepEqual(listed(all.body), proceduresContaining('印鑑'), 'q=印鑑');
  const problems = [];
  // only symbols: nothing is listed (no title holds them); symbols beside
  // a word widen nothing: "印%" lists what "印" lists (the search reads
  // words, and punctuation is no word), never every procedure
  const inkan = listed((await send(w.base, asCaller(anon, { method: 'GET', path: `/procedures?q=${encodeURIComponent('印')}` }))).body);
  for (const [q, want] of [['%', proceduresContaining('%')], ['_', proceduresContaining('_')],
    ['%%', proceduresContaining('%%')], ['印%', inkan], ['_印', inkan]]) {
    const path = `/procedures?q=${encodeURIComponent(q)}`;
    const res = await send(w.base, asCaller(anon, { method: 'GET', path }));
    const got = res.status === 200 ? listed(res.body) : `status ${res.status}`;
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`GET ${path}: expected ${JSON.stringify(want)}, listed ${JSON.stringify(got)}`);
  }
  assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
});

test('input cases ran', (t) => {
  t.diagnostic(`${total} input cases ran`);
  assert.ok(total > 0);
});
