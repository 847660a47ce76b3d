// apply_security.test.mjs -- every applications route (from `madoguchi
// routes --json`: the staff back office, and any other route whose
// permission is applications.*) as every kind of caller, in its own
// municipality and in another one, with a concrete expected answer:
//
//   anonymous, resident, staff of another municipality's session: never in
//     (an HTML page redirects to /login, anything else 401);
//   staff without applications.* (viewer) and the admin: 403;
//   staff of department A: in for A's submissions, files and CSV; 404 for
//     department B's, exactly as for an id that does not exist;
//   staff of department B: the mirror image;
//   staff of the other municipality holding dept.all: 404 for every
//     submission of this one, and none in their inbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Client, cli } from './lib.mjs';
import { inboxFixture, OTHER_HOST } from './inbox_fixture.mjs';

let fx;
let routes;
before(async () => {
  fx = await inboxFixture();
  routes = JSON.parse(cli(['routes', '--json'])).filter((r) =>
    /^staff\.(inbox|submission)/.test(r.name) || /^applications\./.test(r.permission));
  fx.subs.a.procedure = 'kodomo-iryosho';
  fx.subs.b.procedure = 'inkan-shomei';
  fx.pageA = (await fx.clients.deptA.get(`/staff/submissions/${fx.subs.a.id}`)).text_;
});
after(async () => { if (fx) await fx.srv.stop(); });

const MINE = /^staff\.(inbox|submission)/;

function fileSha() {
  const html = fx.pageA;
  return html.match(/\/files\/([0-9a-f]{64})/)[1];
}

// the request for a route aimed at submission `sub`
function requestFor(rt, sub, csrf) {
  let path = rt.pattern.replace('{id}', String(sub.id)).replace('{sha256}', fileSha())
    .replace(/\{[^}]+\}/g, '1');
  if (rt.name === 'staff.inbox.csv') path += `?procedure=${sub.procedure}`;
  const forms = {
    'staff.submission.assign': { assignee: '0' },
    'staff.submission.comment': { text: 'matrix check' },
    'staff.submission.transition': { to: 'in_review', expect_from: 'approved', note: '' },
    'staff.inbox.bulk': { s0: String(sub.id), action: 'assign', assignee: '0' },
  };
  const opts = rt.method === 'GET' ? {} : { form: { ...(csrf ? { csrf } : {}), ...(forms[rt.name] || { x: '1' }) } };
  return [rt.method, path, opts];
}

// what department-scoped staff get for their own department's submission
const OWN = {
  'staff.inbox': 200, 'staff.inbox.csv': 200, 'staff.submission': 200,
  'staff.submission.history': 200, 'staff.submission.file': 200,
  'staff.submission.assign': 303, 'staff.submission.comment': 303,
  // reached the workflow: the expected state was wrong, nothing changed
  'staff.submission.transition': 409,
  // bulk assignment of the one row to nobody: done, back to the inbox
  'staff.inbox.bulk': 303,
};
// what they get for the other department's (else 404): the bulk action
// refuses the batch naming the row as not found (#id), nothing changed
const FOREIGN = { 'staff.inbox.bulk': 409 };

function assertNotIn(r, rt, who) {
  if (rt.kind === 'html' && rt.method === 'GET') {
    assert.equal(r.status, 303, `${who} ${rt.method} ${rt.pattern}: ${r.status}`);
    assert.equal(r.headers.get('location'), '/login', `${who} ${rt.pattern}`);
  } else if (rt.kind === 'html') {
    // a form post without a valid session: refused before the handler
    assert.ok(r.status === 303 ? r.headers.get('location') === '/login' : r.status === 403,
      `${who} ${rt.method} ${rt.pattern}: ${r.status}`);
  } else {
    assert.equal(r.status, 401, `${who} ${rt.method} ${rt.pattern}: ${r.status}`);
  }
}


test('the route table has the back-office routes, each needing applications.*', () => {
  const names = routes.map((r) => r.name);
  for (const n of Object.keys(OWN)) assert.ok(names.includes(n), n);
  for (const r of routes.filter((x) => MINE.test(x.name)))
    assert.match(r.permission, /^applications\.(read|write)$/, r.name);
  for (const r of routes.filter((x) => x.method === 'POST' && MINE.test(x.name)))
    assert.equal(r.permission, 'applications.write', r.name);
});

test('anonymous callers and residents never reach an applications route', async () => {
  let n = 0;
  const rcsrf = Client.csrf((await fx.clients.resident.get('/mypage')).text_);
  for (const rt of routes) {
    for (const sub of [fx.subs.a, fx.subs.b]) {
      const anon = new Client(fx.srv.base);
      assertNotIn(await anon.req(...requestFor(rt, sub, null)), rt, 'anonymous');
      assertNotIn(await fx.clients.resident.req(...requestFor(rt, sub, rcsrf)), rt, 'resident');
      n += 2;
    }
  }
  assert.ok(n >= 32, `${n} checks`);
});

test('staff without applications.* and the admin get 403 on every route', async () => {
  for (const who of ['noapps', 'admin']) {
    const c = fx.clients[who];
    const csrf = Client.csrf((await c.get('/staff')).text_);
    for (const rt of routes) {
      for (const sub of [fx.subs.a, fx.subs.b]) {
        const r = await c.req(...requestFor(rt, sub, csrf));
        assert.equal(r.status, 403, `${who} ${rt.method} ${rt.pattern}: ${r.status}`);
      }
    }
  }
  // each refusal is in the audit trail
  const q = cli(['audit', 'query', '--db', fx.srv.db, '--actor', 'demo-admin', '--action', 'auth.denied']);
  assert.match(q, /staff\.submission\.transition/);
});

test('department staff: in for their own department, 404 for the other one', async () => {
  const cases = [['deptA', fx.subs.a, fx.subs.b], ['deptB', fx.subs.b, fx.subs.a]];
  for (const [who, own, foreign] of cases) {
    const c = fx.clients[who];
    const csrf = Client.csrf((await c.get('/staff')).text_);
    for (const rt of routes.filter((x) => MINE.test(x.name))) {
      if (rt.name === 'staff.submission.file' && own === fx.subs.b) continue; // B's has no file
      const mine = await c.req(...requestFor(rt, own, csrf));
      assert.equal(mine.status, OWN[rt.name], `${who} own ${rt.method} ${rt.pattern}: ${mine.status}`);
      if (rt.name === 'staff.inbox') continue;
      const theirs = await c.req(...requestFor(rt, foreign, csrf));
      assert.equal(theirs.status, FOREIGN[rt.name] || 404, `${who} foreign ${rt.method} ${rt.pattern}: ${theirs.status}`);
      if (FOREIGN[rt.name]) assert.ok(theirs.text_.includes(`#${foreign.id}`) && !theirs.text_.includes(foreign.receipt));
      // the same answer as an id that does not exist
      if (rt.pattern.includes('{id}')) {
        const [m, p, o] = requestFor(rt, { ...foreign, id: 987654321 }, csrf);
        assert.equal((await c.req(m, p, o)).status, 404);
      }
    }
    // the inbox lists the own department's submission only
    const inbox = (await c.get('/staff/inbox')).text_;
    assert.ok(inbox.includes(own.receipt), `${who} sees ${own.receipt}`);
    assert.ok(!inbox.includes(foreign.receipt), `${who} does not see ${foreign.receipt}`);
    // no CSV row of the other department, even when asking for its
    // submissions through filters of the own procedure
    const csv = await c.get(`/staff/inbox/export.csv?procedure=${own.procedure}&department=${foreign.department}`);
    assert.equal(csv.status, 200);
    assert.ok(!csv.text_.includes(foreign.receipt));
  }
  // department A's file cannot be fetched through department B's submission
  const viaB = await fx.clients.deptB.get(`/staff/submissions/${fx.subs.b.id}/files/${fileSha()}`);
  assert.equal(viaB.status, 404);
});

test('another municipality: sessions do not cross, and its staff never see these submissions', async () => {
  // the demo ward's sessions, sent to the other municipality's host
  for (const who of ['deptA', 'deptB', 'resident']) {
    const other = new Client(fx.srv.base, OTHER_HOST);
    other.jar = new Map(fx.clients[who].jar);
    for (const rt of routes)
      assertNotIn(await other.req(...requestFor(rt, fx.subs.a, 'x')), rt, `${who}@other`);
  }
  // staff of the other municipality with every department
  const c = fx.clients.otherAll;
  const csrf = Client.csrf((await c.get('/staff')).text_);
  for (const rt of routes.filter((x) => MINE.test(x.name))) {
    for (const sub of [fx.subs.a, fx.subs.b]) {
      const r = await c.req(...requestFor(rt, sub, csrf));
      assert.equal(r.status, rt.name === 'staff.inbox' ? 200 : FOREIGN[rt.name] || 404, `other ${rt.method} ${rt.pattern}: ${r.status}`);
      if (FOREIGN[rt.name]) assert.ok(r.text_.includes(`#${sub.id}`) && !r.text_.includes(sub.receipt));
      if (rt.name === 'staff.inbox') {
        assert.ok(!r.text_.includes(fx.subs.a.receipt) && !r.text_.includes(fx.subs.b.receipt));
      }
    }
  }
});

test('staff pages stay closed to a resident who owns the submission', async () => {
  const r = await fx.clients.resident.get(`/staff/submissions/${fx.subs.a.id}`);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/login');
  const f = await fx.clients.resident.get(`/staff/submissions/${fx.subs.a.id}/files/${fileSha()}`);
  assert.equal(f.status, 401);
  assert.ok(!f.text_.includes('PNG'));
});
