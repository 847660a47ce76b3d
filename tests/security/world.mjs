// world.mjs -- the world the attack suite runs in: one server per test
// file with tests/http/inbox_fixture.mjs (the demo ward with two
// departments, residents with submissions, a second municipality), every
// kind of caller logged in, the fixture's records as sample values for
// route parameters, and a sender that never follows a redirect nor
// changes a caller's cookies (an injected Set-Cookie must not rewrite the
// jar), run in concurrent batches over keep-alive connections.
import http from 'node:http';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { Client, cli, DEMO, passwordLogin, loginWithTotp, registerAndLogin } from '../http/lib.mjs';
import { inboxFixture, OTHER, OTHER_HOST, addStaff } from '../http/inbox_fixture.mjs';

export const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
export const BATCH = 16;

// the raw answer to a request a parser refused (a split header): its
// status line and header block, for the report
export function sendRaw(base, { method, path, headers = {}, body }) {
  const u = new URL(base);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname, () => {
      let head = `${method} ${path} HTTP/1.1\r\nhost: ${headers.host || u.host}\r\nconnection: close\r\n`;
      for (const [k, v] of Object.entries(headers)) if (k !== 'host') head += `${k}: ${v}\r\n`;
      if (body !== undefined && body !== null) head += `content-length: ${Buffer.byteLength(body)}\r\n`;
      s.write(`${head}\r\n`);
      if (body !== undefined && body !== null) s.write(body);
    });
    const chunks = [];
    s.on('data', (d) => chunks.push(d));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    // a reset after the answer arrived (the server closed with our
    // request still unread) keeps what was read
    s.on('error', (e) => resolve(chunks.length ? Buffer.concat(chunks).toString('latin1') : `(${e.code})`));
    s.setTimeout(5000, () => s.destroy());
  });
}

// one request; { status, headers, rawHeaders, body, bytes } or { error } (with
// the raw answer when the parser refused it)
export async function send(base, req) {
  const res = await send1(base, req);
  if (res.error && /^HPE_/.test(res.error)) {
    const raw = await sendRaw(base, req);
    res.raw = raw.slice(0, raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : 600);
    res.status = Number((raw.match(/^HTTP\/1\.\d (\d{3})/) || [])[1]) || 0;
  }
  // an oversize request the server answered and closed while node:http was
  // still writing it: node reports the reset, not the answer; read the
  // answer over a socket that does not stop reading when writing fails
  const size = req.path.length + (req.body ? Buffer.byteLength(req.body) : 0);
  if (res.error && /ECONNRESET|EPIPE/.test(res.error) && size > 65536) {
    // the reset may still overtake the answer in the kernel (a reset
    // drops what was not yet read): up to three tries
    let raw = '';
    for (let i = 0; i < 3 && !/^HTTP\/1\.\d \d{3}/.test(raw); i++) raw = await sendRaw(base, req);
    const head = raw.indexOf('\r\n\r\n');
    const status = Number((raw.match(/^HTTP\/1\.\d (\d{3})/) || [])[1]) || 0;
    if (status && head > 0) {
      const headers = {}, rawHeaders = [];
      for (const line of raw.slice(0, head).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim().toLowerCase(), v = line.slice(i + 1).trim();
        rawHeaders.push(k, v);
        if (k === 'set-cookie') (headers[k] ||= []).push(v); else headers[k] = v;
      }
      const body = Buffer.from(raw.slice(head + 4), 'latin1');
      return { status, headers, rawHeaders, body: body.toString(), bytes: body, viaRaw: true };
    }
  }
  return res;
}

function send1(base, { method, path, headers = {}, body }) {
  const u = new URL(base);
  const h = { ...headers };
  if (body !== undefined && body !== null) h['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve) => {
    const q = http.request({ host: u.hostname, port: u.port, path, method, headers: h, agent }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, rawHeaders: res.rawHeaders, body: bytes.toString(), bytes });
      });
      res.on('error', (e) => resolve({ error: e.code || e.message }));
    });
    q.on('error', (e) => resolve({ error: e.code || e.message }));
    if (body !== undefined && body !== null) q.write(body);
    q.end();
  });
}

// run fn over items, `n` at a time
export async function batches(items, fn, n = BATCH) {
  const out = new Array(items.length);
  for (let i = 0; i < items.length; i += n) {
    const part = items.slice(i, i + n);
    const rs = await Promise.all(part.map((x, j) => fn(x, i + j)));
    rs.forEach((r, j) => { out[i + j] = r; });
  }
  return out;
}

// a request as a caller: its cookies, its host, its CSRF token when asked
export function asCaller(c, req, { csrf = null, csrfHeader = false } = {}) {
  const headers = {};
  if (c.cookies) headers.cookie = c.cookies;
  if (c.host) headers.host = c.host;
  let body = null;
  if (req.files && req.files.length) {
    const b = `----mgsec${Math.random().toString(16).slice(2)}`;
    // the urlencoded values' bytes as they are (an overlong sequence too)
    const bytes = (x) => Buffer.from(unescape(x), 'latin1');
    const parts = [];
    if (csrf !== null) parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n`));
    for (const kv of (req.form || []).flatMap((x) => x.split('&'))) {
      const i = kv.indexOf('=');
      parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="`), bytes(kv.slice(0, i)),
        Buffer.from('"\r\n\r\n'), bytes(kv.slice(i + 1)), Buffer.from('\r\n'));
    }
    for (const f of req.files) {
      const raw = Buffer.from(unescape(f.enc), 'latin1');  // the payload's bytes
      parts.push(Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${f.name}"; filename="x.bin"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n'), raw, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${b}--\r\n`));
    body = Buffer.concat(parts);
    headers['content-type'] = `multipart/form-data; boundary=${b}`;
  } else if (req.form) {
    const pairs = [...req.form];
    if (csrf !== null && !csrfHeader) pairs.unshift(`csrf=${encodeURIComponent(csrf)}`);
    body = pairs.join('&');
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (csrf !== null && csrfHeader) headers['x-csrf-token'] = csrf;
  if (req.json !== undefined) { body = req.json; headers['content-type'] = 'application/json'; }
  return { method: req.method, path: req.path, headers, body };
}

// the effective permissions of every member of staff, read from the
// database (not from the server under test): login@tenant -> [[perm, needs_mfa]]
function staffPermissions(db) {
  const sql = 'SELECT s.tenant, s.login, p.permission, r.needs_mfa FROM staff s ' +
    'JOIN staff_roles sr ON sr.staff_id = s.id JOIN roles r ON r.id = sr.role_id ' +
    'JOIN role_permissions p ON p.role_id = r.id;';
  const out = db.startsWith('sqlite:')
    ? execFileSync('sqlite3', ['-separator', '|', db.slice(7), sql], { encoding: 'utf8' })
    : execFileSync('psql', [db, '-At', '-F', '|', '-c', sql], { encoding: 'utf8' });
  const m = new Map();
  for (const line of out.trim().split('\n').filter(Boolean)) {
    const [tenant, login, perm, mfa] = line.split('|');
    const k = `${login}@${tenant}`;
    if (!m.has(k)) m.set(k, []);
    m.get(k).push([perm, mfa === '1' || mfa === 't']);
  }
  return m;
}

export function staffId(db, tenant, login) {
  const sql = `SELECT id FROM staff WHERE tenant = '${tenant}' AND login = '${login}';`;
  const out = db.startsWith('sqlite:')
    ? execFileSync('sqlite3', [db.slice(7), sql], { encoding: 'utf8' })
    : execFileSync('psql', [db, '-At', '-c', sql], { encoding: 'utf8' });
  return out.trim();
}

function register(base, host, email, password = 'Tsubame-Kaeru-2026') {
  return registerAndLogin(base, email, password, host);
}

// the server, its callers and its sample values
export async function world({ extraArgs = [] } = {}) {
  const fx = await inboxFixture({ extraArgs });
  const { srv } = fx;
  const base = srv.base;
  // a member of staff at the code step (password given, code awaited): a
  // second account of the kosodate role, enrolled, then logged in with its
  // password only
  addStaff(srv, DEMO, 'pending-1', 'kosodate', fx.pw);
  const pst = {};
  await loginWithTotp(new Client(base), 'pending-1', fx.pw, pst);
  const pendingClient = new Client(base);
  const pr = await passwordLogin(pendingClient, 'pending-1', fx.pw);
  if (pr.headers.get('location') !== '/login/code') throw new Error(`pending-1: ${pr.status} ${pr.headers.get('location')}`);
  // a member of staff reset by the administrator (issue 14, item 9): the
  // temporary password reached the new-password page only
  addStaff(srv, DEMO, 'reset-1', 'viewer', fx.pw);
  const resetId = staffId(srv.db, DEMO, 'reset-1');
  const usersPage = await fx.clients.admin.get('/staff/users');
  const rr = await fx.clients.admin.post(`/staff/users/${resetId}/reset`, { form: { csrf: Client.csrf(usersPage.text_) } });
  const temp = (rr.text_.match(/id="reset-password">([^<]+)</) || [])[1];
  if (!temp) throw new Error(`reset-1: ${rr.status}`);
  const newpwClient = new Client(base);
  const nr = await passwordLogin(newpwClient, 'reset-1', temp);
  if (nr.headers.get('location') !== '/login/password') throw new Error(`reset-1: ${nr.status} ${nr.headers.get('location')}`);
  // a throwaway member of staff, the target of user-management routes
  addStaff(srv, DEMO, 'scratch-1', 'viewer', fx.pw);
  const scratchId = staffId(srv.db, DEMO, 'scratch-1');
  // a member of staff who may approve procedures (procedures.approve, the
  // demo's 手続の承認 role): kumin-b, so the builder's /approve has a caller
  {
    const kb = staffId(srv.db, DEMO, 'kumin-b');
    const up = await fx.clients.admin.get('/staff/users');
    const g = await fx.clients.admin.post(`/staff/users/${kb}/roles`,
      { form: { csrf: Client.csrf(up.text_), role: 'tetsuzuki-shounin' } });
    if (g.status >= 400) throw new Error(`kumin-b: approver role not granted: ${g.status}`);
  }
  // the 清掃事務所's demo-machi (waste.staff, waste.master): the
  // bulky-waste staff pages have a caller
  const machiClient = new Client(base);
  await loginWithTotp(machiClient, 'demo-machi', 'Keyaki-Machi-2026');
  // 地域活動推進課's demo-kumin (booking.staff, booking.master): the
  // facility reservations' staff pages have a caller
  const kuminClient = new Client(base);
  await loginWithTotp(kuminClient, 'demo-kumin', 'Kusunoki-Kumin-2026');
  // a resident of the other municipality
  const otherResident = await register(base, OTHER_HOST, 'tanin@example.jp');

  // the anonymous caller holds a pre-login token (the login forms'
  // double-submit cookie), so that a login form's other fields are read
  const anonClient = new Client(base);
  const loginPage = await anonClient.get('/login');
  const pre = loginPage.text_.match(/name="pre" value="([^"]+)"/)[1];

  const perms = staffPermissions(srv.db);
  const effective = (login, tenant, mfa) => new Set((perms.get(`${login}@${tenant}`) || [])
    .filter(([, needs]) => !needs || mfa).map(([p]) => p));
  const cookieOf = (cl) => cl.cookieHeader();
  const staff = (name, cl, login, tenant, mfa, host) => ({
    name, kind: 'staff', session: true, stage: 'full', login, home: tenant, host,
    cookies: cookieOf(cl), perms: effective(login, tenant, mfa), client: cl,
  });
  const C = fx.clients;
  const callers = [
    { name: 'anonymous', kind: 'anon', session: false, stage: null, perms: new Set(), home: DEMO, cookies: cookieOf(anonClient) },
    { name: 'resident A', kind: 'resident', session: true, stage: 'full', perms: new Set(), home: DEMO, cookies: cookieOf(C.resident), client: C.resident, owner: true },
    { name: 'resident B', kind: 'resident', session: true, stage: 'full', perms: new Set(), home: DEMO, cookies: cookieOf(C.resident2), client: C.resident2 },
    staff('admin', C.admin, 'demo-admin', DEMO, true),
    staff('staff (dept A, personal.read)', C.deptA, 'demo-staff', DEMO, true),
    staff('viewer', C.noapps, 'demo-viewer', DEMO, false),
    staff('dept A staff (kosodate-2)', C.deptA2, 'kosodate-2', DEMO, true),
    staff('dept B staff (kumin-b)', C.deptB, 'kumin-b', DEMO, true),
    staff('waste staff (demo-machi)', machiClient, 'demo-machi', DEMO, true),
    staff('facility desk (demo-kumin)', kuminClient, 'demo-kumin', DEMO, true),
    { name: 'pending (code step)', kind: 'staff', session: true, stage: 'pending', perms: new Set(), home: DEMO, cookies: cookieOf(pendingClient), client: pendingClient },
    { name: 'new password owed (reset)', kind: 'staff', session: true, stage: 'newpassword', perms: new Set(), home: DEMO, cookies: cookieOf(newpwClient), client: newpwClient },
    staff('other municipality staff', C.otherAll, 'other-admin', OTHER, true, OTHER_HOST),
    { name: 'other municipality resident', kind: 'resident', session: true, stage: 'full', perms: new Set(), home: OTHER, host: OTHER_HOST, cookies: cookieOf(otherResident), client: otherResident },
    // sessions of the other municipality sent to this one: nobody here
    { name: 'other staff session at this host', kind: 'staff', session: false, stage: null, perms: new Set(), home: DEMO, cookies: cookieOf(C.otherAll) },
    { name: 'other resident session at this host', kind: 'resident', session: false, stage: null, perms: new Set(), home: DEMO, cookies: cookieOf(otherResident) },
  ];
  // the CSRF token of every session (the API sends the same one in
  // X-CSRF-Token)
  for (const c of callers) {
    if (!c.session || !c.client) continue;
    const page = c.stage === 'pending' ? '/login/code' : c.stage === 'newpassword' ? '/login/password'
      : c.kind === 'resident' ? '/mypage' : '/staff';
    const r = await send(base, asCaller(c, { method: 'GET', path: page }));
    c.csrf = (r.body.match(/name="csrf" value="([^"]+)"/) || [])[1] || null;
    if (!c.csrf) throw new Error(`no CSRF token for ${c.name}: ${r.status}`);
  }

  // resident A's records: a draft (and the submissions entered by the
  // fixture, one with an attachment)
  const A = callers[1];
  const start = await send(base, asCaller(A, { method: 'POST', path: '/procedures/kodomo-iryosho/start', form: [] }, { csrf: A.csrf }));
  const draftId = (start.headers.location || '').match(/\/drafts\/(\d+)\//)?.[1];
  if (!draftId) throw new Error(`no draft: ${start.status} ${start.headers.location}`);
  const staffPage = (await fx.clients.deptA.get(`/staff/submissions/${fx.subs.a.id}`)).text_;
  const sha = staffPage.match(/\/files\/([0-9a-f]{64})/)[1];
  const deptPerm = `dept.${fx.subs.a.department.replace(/-/g, '_')}`;
  // who may see submission A: resident A, and this municipality's staff
  // reading applications of its department
  const seesSubA = (c) => (c.kind === 'resident' && c.owner === true) ||
    (c.kind === 'staff' && c.home === DEMO && c.perms.has('applications.read') &&
     (c.perms.has('dept.all') || c.perms.has(deptPerm)));
  const ownsDraft = (c) => c.kind === 'resident' && c.owner === true;
  const event = 'move_in';
  const samples = {
    byName: {
      code: 'kodomo-iryosho', n: '1', event, action: 'package_list', field: 'insurance_card',
      rid: '00000000-0000-0000-0000-000000000000',
      login: 'sec-probe', display_name: 'probe', role: 'viewer', permission: 'jobs.read',
      description: 'probe', needs_mfa: '1', current: 'Wrong-Password-2026', new: '1', name: 'sec-probe',
      email: 'probe@example.jp', password: 'Wrong-Password-2026', pre,
      to: 'in_review', expect_from: 'submitted', note: 'probe', text: 'probe', assignee: '0', confirm: '1',
      q: 'probe', page: '1', version: '1', check: '1', saved: '1', show: 'my_number',
      expired: '1', next: '/', limit: '10', cursor: '1', status: 'submitted', department: 'kuminka',
      procedure: 'kodomo-iryosho', from: '2026-01-01', person: 'p1', id: '999999999',
      definition: '{}', title: 'probe', target: 'probe', encoding: 'utf8bom', header: 'labels',
      state: 'queued',   /* --- mail: /staff/outbox --- */
      op: 'meta', step: 'return', cond_op: 'filled',
      plang: 'ja', go: 'end', route: '0',   /* --- the procedure builder --- */
      list: 'chair*1', chome: '日之出町1丁目', day: '2026-12-25', key: 'probe-key-0123456789',
      booked: '1', tickets: 'A00000001', place: 'probe', address: 'probe', phone: '03-0000-0000',   /* --- bulky waste --- */
      method: 'konbini', via: 'cash', kind: 'konbini', final: '1', reason: 'probe',   /* --- payments --- */
    },
    byRoute(rt, name) {
      const p = rt.pattern;
      // this municipality's procedures: not found at another's host
      // facility reservations' staff pages: a well-formed facility code and
      // booking number that name none (404 to all); a form's values
      if (p.startsWith('/staff/facilities')) {
        if (name === 'code') return { value: 'no-such-facility', visible: () => false };
        if (name === 'number') return { value: '1234567897', visible: () => false };
        const v = { enc: 'utf8', decision: 'approve', day: '2098-07-01', days: '7', from: '2098-07-01', to: '2098-07-31',
          last: '2098-07-29', month: '2098-07', entry_to: '2098-04-24T00:00', draw_at: '2098-04-25T10:00', kind: 'room',
          unit: 'room1', band: 'am', done: 'made', key: 'probe-key-0123456789',
          alt_ja: '試験の写真', alt_en: 'A probe photo' }[name];
        if (v) return v;
      }
      if (name === 'code') return { value: 'kodomo-iryosho', visible: (c) => !c.host };
      // an e-mail token no one was sent: a record nobody may see
      if (name === 'token') return { value: 'a'.repeat(64), visible: () => false };
      if (name === 'receipt') return { value: fx.subs.a.receipt, visible: seesSubA };
      // the counter's 控え: receipts of no counter application (404 to all)
      if (name === 'receipts') return { value: '1', visible: () => false };
      if (name === 'sha256') return { value: sha, visible: seesSubA };
      // a bulky-waste booking number (its check digit right) that no one booked
      if (name === 'number' && p.startsWith('/mypage/waste/')) return { value: '1000000008', visible: () => false };
      // a payment number (its Luhn digit right) that names no payment
      if (name === 'number' && (p.startsWith('/pay/') || p.startsWith('/staff/payments/')))
        return { value: '12345678901237', visible: () => false };
      if (p.startsWith('/staff/payments') && name === 'enc') return 'utf8';
      if (name === 'name' && p.startsWith('/staff/roles/')) return 'viewer';
      if (name === 'to' && p === '/lang') return 'en';
      // the builder: /review only submits; approving is /approve's
      if (name === 'step' && p.endsWith('/review')) return 'submit';
      // the inbox's bulk actions (a state to move to, not a date)
      if (p === '/staff/inbox/bulk' && name === 'action') return 'assign';
      if (p === '/staff/inbox/bulk' && name === 'to') return 'in_review';
      if (p === '/staff/inbox/bulk' && name === 'back') return '/staff/inbox';
      if (name === 'to' && (p.startsWith('/api/') || p.startsWith('/staff/inbox'))) return '2026-12-31';
      if (name === 'view' && p.startsWith('/staff/inbox')) return 'overdue';
      if ((name === 'from' || name === 'to') && p.endsWith('/diff')) return '1';
      if (name === 'new' && p === '/account/password') return 'Another-Probe-2026';
      if (name === 'name' && p.startsWith('/dataset/')) return { value: 'no-such-dataset', visible: () => false };
      // the bulky-waste staff pages: days, an area, a booking number with
      // its check digit that names no booking (404 to all)
      if (p.startsWith('/staff/waste')) {
        if (name === 'number') return { value: '1234567897', visible: () => false };
        const v = { from: '2026-12-01', to: '2026-12-31', area: 'kita', enc: 'utf8',
          capacity: '10', done: 'move', cancelled: '1', opened: '1' }[name];
        if (v) return v;
      }
      // webhooks to staff systems: a public https URL, an event, an action
      if (p.startsWith('/staff/notify/hooks') || p.startsWith('/staff/notify/deliveries')) {
        const v = { url: 'https://hooks.example.jp/probe', action: 'save', done: 'saved', enabled: '1',
          ev_apply_submitted: '1', ev_apply_state_changed: '1', ev_payments_paid: '1' }[name];
        if (v) return v;
      }
      // My page's SMS number and LINE link (svc/notify): a valid action
      if (p === '/mypage/notifications/sms') {
        const v = { action: 'verify', phone: '090-1234-5678', code: '123456' }[name];
        if (v) return v;
      }
      if (p === '/mypage/notifications/line' && name === 'action') return 'code';
      // the areas of disaster alerts: a well-formed code that names none
      // (removing it is 404 to all); the add form's names
      if (p.startsWith('/staff/notify/areas')) {
        if (name === 'code') return { value: 'probe_area', visible: () => false };
        const v = { name_ja: '試験地区', name_en: 'Probe', done: 'saved' }[name];
        if (v) return v;
      }
      // the staff send page: an area's alert, checked (not sent); after a
      // send, what was queued
      if (p === '/staff/notify/send') {
        const v = { kind: 'disaster', area: 'chuo', category: 'kurashi', title: '避難指示', text: '川の水位が上がっています。',
          emergency: '1', action: 'check', topic: 'news', email: '2', sms: '1', line: '0' }[name];
        if (v) return v;
      }
      // facility reservations, the resident's pages (svc/booking): the demo
      // community hall and a room's slot, a round and an entry that name
      // none, a booking number (its check digit right) no one booked
      if (p.startsWith('/facilities') || p.startsWith('/mypage/facilities')) {
        if (name === 'number') return { value: '1000000008', visible: () => false };
        if (name === 'round') return { value: '999999999', visible: () => false };
        // this municipality's facility: not found at another's host
        if (name === 'facility') return { value: 'hinode-kaikan', visible: (c) => !c.host };
        // a lottery entry's choices (c1_unit ... c8_band), a group's members (m1_name ... m10_birth)
        const row = name.match(/^(?:c\d+|m\d+)_(unit|day|band|name|kana|birth)$/);
        if (row) return { unit: 'hinode-kaikan:room1', day: '2027-01-15', band: 'am', name: 'probe', kana: 'プローブ', birth: '1980-01-01' }[row[1]];
        // a photo's copy: the small one (the id names no photo: 404 to all)
        const v = { unit: 'room1', band: 'am', resident: '1', people: '5', purpose: 'probe', kind: 'ward', entry: '999999999',
          size: 's' }[name];
        if (v) return v;
      }
      // the map's layer editor (svc/map): a well-formed layer; its dataset
      // names none (the form answers 422), a move's direction
      if (p.startsWith('/staff/map')) {
        const v = { dir: 'up', source: 'dataset', dataset: 'no-such-dataset', kind: 'points', crs: '4326',
          color: '#123456', marker: 'circle', line_width: '2', fill_opacity: '40', name_ja: '試験レイヤー' }[name];
        if (v) return v;
      }
      if (p === '/map') {
        const v = { lat: '35.7', lon: '139.73', q: 'AED', page: '1' }[name];
        if (v) return v;
      }
      // citizen reports' Open311 API (svc/reports): the demo ward's kind
      // and its first report, public to every caller here (another
      // municipality has neither); a reporter's form
      if (p.startsWith('/open311/') && name === 'file')
        return { value: p.includes('/services/') ? 'road-pothole.json' : '1.json', visible: (c) => !c.host };
      if (p.startsWith('/open311/') || p.startsWith('/reports') || p.startsWith('/staff/reports')) {
        const v = { service_code: 'road-pothole', category: 'road-pothole', lat: '35.7', long: '139.64', lon: '139.64',
          api_key: 'probe', done: 'saved', hide: '1', photo: '0', from: 'received', to: 'in_progress' }[name];
        if (v) return v;
      }
      // shelters (svc/disaster): a demo shelter of this municipality (not
      // found at another's host), a hazard, a state, a position, a status
      if (p.startsWith('/disaster') || p.startsWith('/staff/disaster')) {
        if (name === 'key') return { value: 'E13999000031', visible: (c) => !c.host };
        const v = { hazard: 'earthquake', state: 'open', lat: '35.70', lon: '139.74', people: '10', version: '0',
          as: '震災救援所', q: '日の出町' }[name];
        if (v) return v;
      }
      if (name !== 'id') return undefined;
      if (p.startsWith('/staff/submissions/')) return { value: String(fx.subs.a.id), visible: seesSubA };
      if (p.startsWith('/drafts/') || p.startsWith('/api/v1/drafts/')) return { value: draftId, visible: ownsDraft };
      if (p.startsWith('/staff/users/')) return { value: scratchId, visible: null };
      if (p.startsWith('/bundles/')) return { value: '999999999', visible: () => false };
      if (p.startsWith('/account/sessions/')) return { value: '999999999', visible: () => false };
      // a message template: a well-formed id (a slug) that names none
      if (p.startsWith('/staff/notify/templates/')) return { value: 'no.such_template', visible: () => false };
      // any other record id (a service added later): one that names no
      // record, so an admitted caller gets 404 and a refused one its
      // refusal -- the route is covered the day it is added
      return { value: '999999999', visible: () => false };
    },
  };
  return { fx, srv, base, callers, samples, draftId, sha, deptPerm, seesSubA,
    stop: async () => { agent.destroy(); await srv.stop(); } };
}

export { DEMO, OTHER, OTHER_HOST, cli };
