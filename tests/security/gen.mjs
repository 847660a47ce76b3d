// gen.mjs -- the attack suite's generator: it reads the route table
// (`madoguchi routes --json`) and builds, for every route, the cases the
// test files run, with the answer each case must get.  Nothing here knows
// a route by name: a route added tomorrow is covered by the same rules
// (its permission, kind, CSRF flag and declared parameters).
//
// The rules (derived from src/web/app.c's hooks and src/http/dispatch.c):
//   - "public": everyone is let in.
//   - "pending" / "enrol": the two-factor login steps (a session at that
//     stage; "enrol" also admits a full staff session); "newpassword":
//     the new password owed after an administrator's reset.
//   - "resident": a resident's full session of this municipality.
//   - "session": any full staff session of this municipality.
//   - anything else is an src/core/auth permission held by the staff member
//     (roles with needs_mfa count only with two-factor login).
//   - "api:a|b": any alternative admits; a member of staff refused by an
//     alternative (lacking its permission) gets 403, otherwise 401.
//   Refusals: not logged in (or a session of another municipality, or the
//   wrong kind of account): 303 to the login page on an HTML route, 401
//   on any other; logged in without the permission: 403.  A record the
//   caller may not see: 404, exactly as one that does not exist.
//
// Parameters: a route's declared parameters come from the table's
// "params" field ([{name, where:[path|query|form|file], max_len,
// required}]); a table without it gives only the path captures of the
// pattern.  Each parameter is fed every payload of PAYLOADS.  A parameter
// the table marks "multiline": true (a textarea: a comment, a definition)
// may take LF, CRLF and TAB (a browser sends a textarea's newlines as
// CRLF); every other parameter must refuse every control character.
import { readFileSync } from 'node:fs';
import { cli } from '../http/lib.mjs';

// the route table: the binary's own (MADOGUCHI_ROUTES_JSON names a file
// to read instead, to try the generator on a table being written)
export function loadRoutes() {
  const f = process.env.MADOGUCHI_ROUTES_JSON;
  const routes = JSON.parse(f ? readFileSync(f, 'utf8') : cli(['routes', '--json']));
  for (const r of routes) {
    for (const k of ['method', 'pattern', 'permission', 'kind', 'name'])
      if (typeof r[k] !== 'string') throw new Error(`route table: ${JSON.stringify(r)} lacks ${k}`);
  }
  return routes;
}

export const isStateChanging = (m) => !['GET', 'HEAD', 'OPTIONS'].includes(m);

// the captures of a pattern, in order
export function captures(pattern) {
  return [...pattern.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
}

// the declared parameters of a route, or its path captures when the table
// does not say
export function paramsOf(rt) {
  if (Array.isArray(rt.params)) {
    return rt.params.map((p) => ({
      name: p.name,
      where: Array.isArray(p.where) ? p.where : [p.where],
      max_len: typeof p.max_len === 'number' && p.max_len > 0 ? p.max_len : null,
      required: !!p.required,
      multiline: p.multiline === true,
      declared: true,
    }));
  }
  return captures(rt.pattern).map((name) => ({ name, where: ['path'], max_len: null, required: true, multiline: false, declared: false }));
}

// where a parameter is sent: the path if it is a capture, else the first
// place it is declared for that fits the method
export function placeOf(rt, p) {
  if (p.where.includes('path') && captures(rt.pattern).includes(p.name)) return 'path';
  if (p.where.includes('form') && isStateChanging(rt.method)) return 'form';
  if (p.where.includes('query')) return 'query';
  if (p.where.includes('file') && isStateChanging(rt.method)) return 'file';
  if (p.where.includes('form')) return 'form';
  return p.where[0];
}

// does a state-changing request on this route need the session's CSRF
// token?  HTML forms carry it unless the route opts out (logins: no
// session yet); the JSON API asks it (X-CSRF-Token) of cookie sessions on
// every write, whatever the flag, since a cookie is ambient
export function needsCsrf(rt) {
  if (!isStateChanging(rt.method)) return false;
  return rt.permission.startsWith('api:') || rt.csrf !== false;
}

// ---- callers ----
// caller: { name, kind: 'anon'|'resident'|'staff', session: bool (a full
// session valid where its requests go), stage: 'full'|'pending'|'newpassword', perms:
// Set of effective permissions, home: tenant code, host }

function one(perm, c) {
  if (!c.session) return 'auth';
  if (perm === 'pending') return c.stage === 'pending' ? 'ok' : 'auth';
  // the new password owed after an administrator's reset: a session at
  // that stage only
  if (perm === 'newpassword') return c.stage === 'newpassword' ? 'ok' : 'auth';
  if (c.stage !== 'full') return 'auth';
  // two-factor enrolment: staff (a resident's full session passes the
  // stage check of app.c and is refused by the page: 403)
  if (perm === 'enrol') return c.kind === 'staff' ? 'ok' : 'page-denied';
  if (perm === 'resident') return c.kind === 'resident' ? 'ok' : 'auth';
  if (c.kind !== 'staff') return 'auth';
  if (perm === 'session') return 'ok';
  return c.perms.has(perm) ? 'ok' : 'denied';
}

// 'admit' | 'auth' (not logged in for this) | 'denied' (no permission) |
// 'page-denied' (let through by the router, refused by the handler)
export function access(rt, c) {
  const p = rt.permission;
  if (p === 'public') return 'admit';
  const alts = p.startsWith('api:') ? p.slice(4).split('|') : [p];
  let denied = false;
  for (const a of alts) {
    const r = one(a, c);
    if (r === 'ok') return 'admit';
    if (r === 'page-denied') return r;
    if (r === 'denied') denied = true;
  }
  return denied ? 'denied' : 'auth';
}

// the refusal a route answers for 'auth' or 'denied'
export function refusal(rt, verdict) {
  if (verdict === 'denied') return { status: 403, why: 'permission' };
  if (verdict === 'page-denied') return { status: 403, why: 'refused by the page or its CSRF check', anyMessage: true };
  if (rt.kind === 'html')
    return { status: 303, location: rt.permission === 'resident' ? '/resident/login' : '/login', why: 'login',
      next: rt.permission === 'resident' && rt.method === 'GET' };
  return { status: 401, why: 'login' };
}

// ---- requests ----

// the value of each parameter for a request: samples (the fixture's own
// records: see world.mjs) by name, refined by the route's path
export function valueFor(rt, name, samples) {
  const s = samples.byRoute?.(rt, name) ?? samples.byName[name];
  if (s === undefined) return { value: '1', visible: null };
  return typeof s === 'object' ? s : { value: String(s), visible: null };
}

function enc(v) { return encodeURIComponent(v); }

// build one request: path values and benign values for every declared
// parameter (overrides: { name: encodedValue }); returns { method, path,
// form (urlencoded string) | undefined, objects: [sample...] }
export function buildRequest(rt, samples, { override = {}, only = null, fill = 'required' } = {}) {
  const params = paramsOf(rt);
  const objects = [];
  let path = rt.pattern;
  const query = [], form = [], files = [];
  for (const name of captures(rt.pattern)) {
    let e;
    if (name in override) e = override[name];
    else { const s = valueFor(rt, name, samples); objects.push(s); e = enc(s.value); }
    path = path.replace(`{${name}}`, e);
  }
  for (const p of params) {
    const where = placeOf(rt, p);
    if (where === 'path') continue;
    let e;
    if (p.name in override) e = override[p.name];
    else if (only && !only.includes(p.name)) continue;
    else if (fill === 'required' && !p.required) continue;
    else { const s = valueFor(rt, p.name, samples); if (s.visible) objects.push(s); e = enc(s.value); }
    if (where === 'query') query.push(`${enc(p.name)}=${e}`);
    else if (where === 'form') form.push(`${enc(p.name)}=${e}`);
    else if (where === 'file') files.push({ name: p.name, enc: e });
  }
  // a table without parameters: a write gets every sample value as a form
  // field (the router drops what the route does not declare), so that its
  // required fields are likely there and the CSRF check is what decides
  if (!Array.isArray(rt.params) && isStateChanging(rt.method) && rt.kind === 'html' && !only)
    for (const k of Object.keys(samples.byName))
      if (!captures(rt.pattern).includes(k) && !(k in override)) form.push(`${enc(k)}=${enc(valueFor(rt, k, samples).value)}`);
  if (query.length) path += `?${query.join('&')}`;
  return { method: rt.method, path, form: form.length || isStateChanging(rt.method) ? form : null, files, objects };
}

// ---- payloads ----
// enc: the bytes as they go into a URL or an urlencoded body; refuse:
// must every parameter refuse it (control characters, invalid UTF-8),
// or only those it does not fit (free text may hold it; then it must
// come back harmless)
export const MARK = 'mgx7';
export const PAYLOADS = [
  { name: 'CR', raw: `/\rX-Injected: ${MARK}`, refuse: true },
  { name: 'LF', raw: `/\nX-Injected: ${MARK}`, refuse: true, textarea: true },
  { name: 'CRLF', raw: `/\r\nSet-Cookie: mg_session=${MARK}\r\nX-Injected: ${MARK}`, refuse: true, textarea: true },
  { name: 'TAB', raw: '/\t/evil.example', refuse: true, textarea: true },
  { name: 'NUL', raw: 'a\u0000b', refuse: true },
  { name: 'overlong-UTF-8', enc: '%C0%AF', refuse: true },
  { name: '1MB', raw: 'A'.repeat(1 << 20), refuse: 'length' },
  { name: '../', raw: '../../../../etc/passwd' },
  { name: '%', raw: '%' },
  { name: 'quotes', raw: `"'><${MARK}-q x="` },
  { name: '<script>', raw: `<script>${MARK}()</script>` },
].map((p) => ({ ...p, enc: p.enc ?? enc(p.raw) }));

// the statuses that count as "refused as bad input" for a parameter
export function badInputStatuses(rt, place) {
  const s = [400, 413, 414, 431];
  if (place === 'path') s.push(404); // a path naming nothing is not found
  if (rt.permission.startsWith('api:') || rt.kind === 'json') s.push(404, 422);
  return s;
}

// every input case of a route: one per (parameter, payload)
export function inputCases(rt) {
  const out = [];
  for (const p of paramsOf(rt)) {
    const place = placeOf(rt, p);
    for (const pl of PAYLOADS) {
      let mustRefuse = pl.refuse === true && place !== 'file' && !(p.multiline && pl.textarea);
      if (pl.refuse === 'length') mustRefuse = p.max_len === null || p.max_len < pl.raw.length;
      out.push({ rt, param: p, place, payload: pl, mustRefuse, refuseWith: badInputStatuses(rt, place) });
    }
  }
  return out;
}

// ---- response checks, shared by every file ----

export const CSRF_MSG = /This form has expired/;
export const PERM_MSG = /You do not have permission/;

// the problems of one response, whatever the request (empty: none)
export function invariantProblems(res, base) {
  const out = [];
  if (res.error && res.raw !== undefined) return [`an answer no HTTP parser accepts (${res.error}), a split header? ${JSON.stringify(res.raw)}`];
  if (res.error) return [`no answer (${res.error})`];
  if (res.status >= 500) out.push(`status ${res.status}`);
  const h = res.headers;
  if (h['x-injected'] !== undefined) out.push(`injected header X-Injected: ${h['x-injected']}`);
  for (const c of [].concat(h['set-cookie'] || []))
    if (c.includes(MARK)) out.push(`injected Set-Cookie: ${c}`);
  for (let i = 0; i < res.rawHeaders.length; i += 2)
    if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(res.rawHeaders[i + 1]))
      out.push(`control character in header ${res.rawHeaders[i]}`);
  const loc = h.location;
  if (loc !== undefined) {
    // as a browser reads it (the URL standard drops tabs and newlines and
    // takes \ for /): it must stay on this origin
    let origin = null;
    try { origin = new URL(loc, base).origin; } catch { origin = 'unparsable'; }
    if (origin !== new URL(base).origin) out.push(`Location leaves the origin: ${JSON.stringify(loc)}`);
    if (/[\u0000-\u001f\u007f]/.test(loc)) out.push(`control character in Location: ${JSON.stringify(loc)}`);
  }
  const type = h['content-type'] || '';
  if (/text\/html/.test(type)) {
    if (res.body.includes(`<script>${MARK}`)) out.push('the <script> payload echoed unescaped');
    if (res.body.includes(`<${MARK}-q`)) out.push('the quote payload echoed unescaped (markup injected)');
  }
  // the router's own answers carry the security headers
  if (h['x-request-id'] !== undefined) {
    if (h['x-content-type-options'] !== 'nosniff') out.push('no X-Content-Type-Options: nosniff');
    if (!h['content-security-policy']) out.push('no Content-Security-Policy');
  }
  return out;
}

// one line naming a request in an assertion message
export function describe(req, who, extra = '') {
  let p = req.path;
  if (p.length > 160) p = `${p.slice(0, 160)}…(${p.length} bytes)`;
  return `${who} ${req.method} ${p}${extra}`;
}
