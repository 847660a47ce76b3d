// audit.test.mjs -- every read of personal data by staff leaves an audit
// record, by whichever path (HTML page, JSON API, attachment), and My
// Number is shown only to staff holding personal.read, each time audited.
//
// Generated from the route table: every GET route naming a record (a path
// capture) that a member of staff of the fixture reaches and may see is
// requested by each such member of staff, one at a time.  An answer that
// carries the applicant's personal data (submission A's name, birth date,
// My Number in full or masked, or the bytes of its attachment) must
// have appended a data.read / data.export record by that member of staff
// naming submission A; an answer carrying the My Number in full must come
// from personal.read and have appended a submission.my_number record.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadRoutes, access, buildRequest, captures, describe as say } from './gen.mjs';
import { world, send, asCaller, cli } from './world.mjs';
import { PNG } from '../http/inbox_fixture.mjs';

const routes = loadRoutes().filter((r) => r.method === 'GET');
let w;
let reads = 0;
before(async () => { w = await world(); });
after(async () => { if (w) await w.stop(); });

// submission A's personal data (inbox_fixture's iryoshoAnswers)
const MY_NUMBER = '123456789018';
// (what a procedure's own page may show as an example, a phone number
// in a hint, is left out)
const MARKERS = ['花子', 'ハナコ', '1985-04-01', '********9018'];

function records(login) {
  const out = cli(['audit', 'query', '--db', w.srv.db, '--actor', login, '--json']);
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

function personalIn(res) {
  const found = MARKERS.filter((m) => res.body.includes(m));
  if (res.bytes && res.bytes.includes(PNG)) found.push('the attachment');
  return found;
}

// a GET (its answer has the body's bytes too: an attachment is binary)
async function get(c, path) {
  return send(w.base, asCaller(c, { method: 'GET', path }));
}

function staffReaders(rt, req) {
  return w.callers.filter((c) => c.kind === 'staff' && c.session && c.stage === 'full' &&
    access(rt, c) === 'admit' && req.objects.every((o) => typeof o.visible !== 'function' || o.visible(c)));
}

test('there are record-reading routes that staff reach', () => {
  const reached = routes.filter((rt) => staffReaders(rt, buildRequest(rt, w.samples)).length);
  assert.ok(reached.length >= 4, reached.map((r) => r.pattern).join(', '));
});

for (const rt of routes) {
  test(`audit: ${rt.method} ${rt.pattern} (${rt.permission})`, async (t) => {
    const req = buildRequest(rt, w.samples);
    const readers = staffReaders(rt, req);
    const problems = [];
    let personal = 0;
    for (const c of readers) {
      const before = records(c.login).length;
      const res = await get(c, req.path);
      const after = records(c.login).slice(before);
      const found = personalIn(res);
      const full = res.body.includes(MY_NUMBER);
      if (res.status >= 500) problems.push(`${say(req, c.name)}: status ${res.status}`);
      if (found.length || full) {
        personal++;
        // a route naming the record: the record names it too; a list or an
        // export: a data.read / data.export record of this request
        const named = captures(rt.pattern).length > 0;
        const read = after.filter((x) => /^data\.(read|export)$/.test(x.action) &&
          (!named || String(x.object_id).includes(w.fx.subs.a.receipt)));
        if (!read.length)
          problems.push(`${say(req, c.name)}: ${res.status} with personal data (${found.join(', ') || 'My Number'}) and no data.read record${named ? ` naming ${w.fx.subs.a.receipt}` : ''}` +
            ` (new records: ${JSON.stringify(after.map((x) => `${x.action} ${x.object_type}:${x.object_id}`))})`);
      }
      if (full) {
        if (!c.perms.has('personal.read'))
          problems.push(`${say(req, c.name)}: My Number in full to staff without personal.read`);
        if (!after.some((x) => x.object_type === 'submission.my_number'))
          problems.push(`${say(req, c.name)}: My Number in full with no submission.my_number record`);
      }
    }
    reads += readers.length;
    t.diagnostic(`${readers.length} staff readers, ${personal} answers with personal data`);
    assert.ok(problems.length === 0, `\n${problems.join('\n')}`);
  });
}

test('My Number is revealed only on request, to personal.read, audited', async () => {
  const full = w.callers.find((c) => c.perms.has('personal.read') && c.perms.has('applications.read'));
  const without = w.callers.find((c) => c.kind === 'staff' && c.perms.has('applications.read') &&
    !c.perms.has('personal.read') && c.perms.has(w.deptPerm));
  assert.ok(full && without, 'the fixture has staff with and without personal.read in department A');
  const id = w.fx.subs.a.id;
  // masked by default, for both
  for (const c of [full, without]) {
    const r = await get(c, `/staff/submissions/${id}`);
    assert.equal(r.status, 200);
    assert.ok(!r.body.includes(MY_NUMBER), `${c.name}: masked by default`);
    assert.match(r.body, /\*{8}9018/);
  }
  // revealed on request to personal.read, with its record
  const n = records(full.login).length;
  const r = await get(full, `/staff/submissions/${id}?show=my_number`);
  assert.equal(r.status, 200);
  assert.ok(r.body.includes(MY_NUMBER));
  assert.ok(records(full.login).slice(n).some((x) => x.object_type === 'submission.my_number' && x.object_id === w.fx.subs.a.receipt));
  // refused to staff without personal.read
  const r2 = await get(without, `/staff/submissions/${id}?show=my_number`);
  assert.equal(r2.status, 403);
  assert.ok(!r2.body.includes(MY_NUMBER));
});

test('audit reads ran; the audit chain still verifies', (t) => {
  t.diagnostic(`${reads} staff reads checked`);
  const v = cli(['audit', 'verify', '--db', w.srv.db, '--key-file', `${w.srv.keys}/audit.key`]);
  assert.match(v, /\d+/);
});
