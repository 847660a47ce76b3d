// staff_admin.test.mjs -- issue 14, item 9, on the real server with the
// demo ward:
//   - the two-factor enrolment page shows the same pending secret on every
//     load (a QR code already scanned keeps working); a code of it enrols;
//     only "start again" gives a new one, and the discarded one no longer
//     enrols;
//   - an administrator resets a colleague's password and second factor:
//     audited, a notice queued in the mail outbox to the colleague, their
//     sessions ended, the old password refused, the temporary password
//     leads only to "set a new password" (not the temporary one again),
//     then to enrolment before anything else; resetting oneself and a
//     non-administrator's reset are refused;
//   - the role of a new member is the least privilege unless chosen
//     (viewer, never admin), and a grant has no role chosen in advance;
//   - a role's permission is chosen from the known permissions, each with
//     its description; a typed unknown one is refused with a message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_USERS, passwordLogin, loginWithTotp, totp, cli } from './lib.mjs';

let srv;
// mail stays queued (no development mailbox): the notice is read from the outbox as queued
before(async () => { srv = await startServer({ extraArgs: ['--no-dev-mailbox'] }); });
after(async () => { await srv.stop(); });

const secretOf = (html) => html.match(/id="totp-secret">([A-Z2-7]+)</)[1];

function mails() {
  return cli(['mail', 'list', '--db', srv.db, '--json', '--show-recipient']).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
}

// the administrator, logged in once with two factors (a second login
// within the same 30 s would reuse a TOTP step)
let adminClient;
async function admin() {
  if (adminClient) return adminClient;
  const c = new Client(srv.base);
  const r = await loginWithTotp(c, ...DEMO_USERS.admin, {});
  assert.ok(r.status === 200 || r.status === 303, `admin login: ${r.status}`);
  adminClient = c;
  return c;
}

test('the pending TOTP secret stays until enrolment ends or is restarted', async () => {
  const c = new Client(srv.base);
  const r = await passwordLogin(c, ...DEMO_USERS.staff);
  assert.equal(r.headers.get('location'), '/account/totp');
  const p1 = await c.get('/account/totp');
  const p2 = await c.get('/account/totp');
  assert.equal(p1.status, 200);
  const s1 = secretOf(p1.text_);
  assert.equal(secretOf(p2.text_), s1, 'a reload shows the same secret');
  // the QR code is of the same secret too
  const svg1 = p1.text_.match(/<svg[\s\S]*?<\/svg>/)[0];
  assert.equal(p2.text_.match(/<svg[\s\S]*?<\/svg>/)[0], svg1);
  // start again: a new secret, and the old one no longer enrols
  const restart = await c.post('/account/totp/restart', { form: { csrf: Client.csrf(p2.text_) } });
  assert.equal(restart.status, 303);
  assert.equal(restart.headers.get('location'), '/account/totp');
  const p3 = await c.get('/account/totp');
  const s2 = secretOf(p3.text_);
  assert.notEqual(s2, s1, 'a restart makes a new secret');
  assert.equal(secretOf((await c.get('/account/totp')).text_), s2);
  const old = await c.post('/account/totp', { form: { csrf: Client.csrf(p3.text_), code: totp(s1) } });
  assert.equal(old.status, 401, 'a code of the discarded secret does not enrol');
  const ok = await c.post('/account/totp', { form: { csrf: Client.csrf(p3.text_), code: totp(s2) } });
  assert.equal(ok.status, 200);
  assert.equal([...ok.text_.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].length, 10);
  assert.equal((await c.get('/api/v1/me')).status, 200);
  // the restart is audited
  assert.match(cli(['audit', 'query', '--db', srv.db, '--actor', DEMO_USERS.staff[0]]), /staff\.totp_restart/);
});

test('an administrator resets a colleague: audited, mailed, forced new password and enrolment', async () => {
  const a = await admin();
  let page = await a.get('/staff/users');
  assert.equal(page.status, 200);
  // a colleague with an address on record
  const add = await a.post('/staff/users', { form: { csrf: Client.csrf(page.text_), login: 'hisho',
    display_name: '秘書 花子', email: 'hisho@demo-ku.example.jp', role: 'viewer' } });
  assert.equal(add.status, 201);
  const initial = add.text_.match(/id="initial-password">([^<]+)</)[1];
  const b = new Client(srv.base);
  assert.equal((await passwordLogin(b, 'hisho', initial)).headers.get('location'), '/staff');
  assert.equal((await b.get('/api/v1/me')).status, 200);

  page = await a.get('/staff/users');
  const id = page.text_.match(/action="\/staff\/users\/(\d+)\/reset"[^>]*>(?:(?!<\/form>).)*hisho/s)[1];
  const before = mails().length;
  const r = await a.post(`/staff/users/${id}/reset`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(r.status, 200);
  const temp = r.text_.match(/id="reset-password">([^<]+)</)[1];
  assert.notEqual(temp, initial);
  assert.match(r.text_, /id="reset-mail">[^<]*お知らせを送りました/);

  // the colleague's session is over, the old password refused
  assert.equal((await b.get('/api/v1/me')).status, 401, 'sessions of the colleague revoked');
  assert.equal((await passwordLogin(new Client(srv.base), 'hisho', initial)).status, 401);

  // a notice in the outbox to the colleague, without the password
  const all = mails();
  assert.equal(all.length, before + 1);
  const m = all.find((x) => x.to === 'hisho@demo-ku.example.jp');   // newest first
  assert.ok(m, 'a notice to the colleague');
  assert.equal(m.state, 'queued');
  // the template staff.account_reset (svc/notify) in Japanese: the
  // member's language is not known
  assert.equal(m.subject, '【デモ区】職員アカウントがリセットされました');
  assert.doesNotMatch(JSON.stringify(m), new RegExp(temp));
  const shown = await a.get(`/staff/outbox/${m.id}`);
  assert.equal(shown.status, 200);
  const body = shown.text_.match(/id="mail-body">([\s\S]*?)<\/pre>/)[1];
  assert.ok(body.includes('管理者によってリセットされました'), 'the Japanese notice');
  assert.match(body, /ユーザー名: hisho/, 'the user name in it');
  assert.doesNotMatch(body, new RegExp(temp), 'never the temporary password');

  // audited, without the password
  const q = cli(['audit', 'query', '--db', srv.db, '--actor', DEMO_USERS.admin[0]]);
  assert.match(q, new RegExp(`staff\\.reset[^\\n]*${id}`));
  assert.match(q, /staff\.reset_notice/);
  assert.doesNotMatch(q, new RegExp(temp));
  assert.doesNotMatch(srv.log(), new RegExp(temp), 'no password in the log');

  // the temporary password leads to the new password page only
  const c = new Client(srv.base);
  const l = await passwordLogin(c, 'hisho', temp);
  assert.equal(l.status, 303);
  assert.equal(l.headers.get('location'), '/login/password');
  assert.notEqual((await c.get('/staff')).status, 200, 'nothing else before a new password');
  assert.equal((await c.get('/api/v1/me')).status, 401);
  const np = await c.get('/login/password');
  assert.equal(np.status, 200);
  const same = await c.post('/login/password', { form: { csrf: Client.csrf(np.text_), new: temp } });
  assert.equal(same.status, 400, 'the temporary password cannot be kept');
  const set = await c.post('/login/password', { form: { csrf: Client.csrf(np.text_), new: 'Sakura-Namiki-2027' } });
  assert.equal(set.status, 303);
  // then enrolment again, although a viewer needs no second factor
  assert.equal(set.headers.get('location'), '/account/totp');
  assert.equal((await c.get('/api/v1/me')).status, 401, 'not logged in before enrolling');
  const en = await c.get('/account/totp');
  const ok = await c.post('/account/totp', { form: { csrf: Client.csrf(en.text_), code: totp(secretOf(en.text_)) } });
  assert.equal(ok.status, 200);
  assert.equal((await c.get('/api/v1/me')).status, 200);
  // the temporary password works no more; the new one (with the code) does
  assert.equal((await passwordLogin(new Client(srv.base), 'hisho', temp)).status, 401);
  assert.equal((await passwordLogin(new Client(srv.base), 'hisho', 'Sakura-Namiki-2027')).headers.get('location'),
    '/login/code');
});

test('no reset of oneself; no reset without staff.manage', async () => {
  const a = await admin();
  const page = await a.get('/staff/users');
  // no reset button on one's own row
  assert.doesNotMatch(page.text_, /aria-label="[^"]*リセット demo-admin"/);
  const me = page.text_.match(/action="\/staff\/users\/(\d+)\/roles"[^>]*>(?:(?!<\/form>).)*aria-label="demo-admin /s);
  const viewerId = page.text_.match(/action="\/staff\/users\/(\d+)\/reset"[^>]*>(?:(?!<\/form>).)*demo-viewer/s)[1];
  assert.ok(me, 'the admin row');
  const self = await a.post(`/staff/users/${me[1]}/reset`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(self.status, 400);
  assert.match(self.text_, /自分のアカウントはここではリセットできません/);
  assert.match(cli(['audit', 'query', '--db', srv.db, '--actor', DEMO_USERS.admin[0]]), /auth\.reset_denied/);
  // still logged in, password unchanged
  assert.equal((await a.get('/api/v1/me')).status, 200);
  // a viewer may not reset anyone
  const v = new Client(srv.base);
  await passwordLogin(v, ...DEMO_USERS.viewer);
  const vp = await v.get('/account');
  const denied = await v.post(`/staff/users/${viewerId}/reset`, { form: { csrf: Client.csrf(vp.text_) } });
  assert.equal(denied.status, 403);
  assert.equal((await passwordLogin(new Client(srv.base), ...DEMO_USERS.viewer)).status, 303, 'nothing was reset');
});

test('the role of a new member defaults to the least privilege', async () => {
  const a = await admin();
  const page = (await a.get('/staff/users')).text_;
  const sel = page.match(/<select[^>]*id="new-role"[^>]*>([\s\S]*?)<\/select>/)[1];
  assert.match(sel, /<option value="viewer" selected>/);
  assert.doesNotMatch(sel, /value="admin" selected/);
  // every grant form starts with no role chosen
  const grants = [...page.matchAll(/<select name="role"[^>]*required[^>]*>(<option[^>]*>)/g)];
  assert.ok(grants.length >= 3);
  for (const g of grants) assert.equal(g[1], '<option value="">');
  // a new member added without touching the list is a viewer
  const add = await a.post('/staff/users', { form: { csrf: Client.csrf(page), login: 'shinjin',
    display_name: '新人 一郎', role: 'viewer' } });
  assert.equal(add.status, 201);
  assert.match(add.text_, /<td>shinjin<\/td><td>新人 一郎<\/td><td><ul class="plain"><li>viewer /);
});

test('permissions are chosen from the known list with descriptions', async () => {
  const a = await admin();
  const page = (await a.get('/staff/roles')).text_;
  assert.doesNotMatch(page, /<input[^>]*name="permission"[^>]*type="text"|<input[^>]*type="text"[^>]*name="permission"/);
  const sel = page.match(/<select[^>]*name="permission"[^>]*>([\s\S]*?)<\/select>/);
  assert.ok(sel, 'a list of permissions');
  const opts = [...sel[1].matchAll(/<option value="([^"]*)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]]);
  const values = opts.map((o) => o[0]);
  for (const p of ['staff.manage', 'roles.manage', 'applications.read', 'jobs.read', 'news.publish', 'dept.all', 'dept.hoiku'])
    assert.ok(values.includes(p), `offers ${p}`);
  assert.equal(new Set(values).size, values.length, 'each once');
  assert.equal(opts.find((o) => o[0] === 'applications.read')[1], '申請の閲覧（個人情報を含む） (applications.read)');
  // a department is described by its name in the departments service's
  // table (the demo's 保育課), not by its code
  assert.equal(opts.find((o) => o[0] === 'dept.hoiku')[1], '保育課の申請（受付一覧） (dept.hoiku)');
  const en = await a.get('/lang?to=en&next=/staff/roles');
  assert.equal(en.status, 303);
  const enPage = (await a.get('/staff/roles')).text_;
  assert.match(enPage, />Read applications \(personal data\) \(applications\.read\)</);
  assert.match(enPage, />Applications of Childcare Division \(its inbox\) \(dept\.hoiku\)</);
  await a.get('/lang?to=ja&next=/staff/roles');

  const csrf = Client.csrf(page);
  // a role of one's own, then a known permission: added
  assert.equal((await a.post('/staff/roles', { form: { csrf, name: 'kohoka', description: '広報課', needs_mfa: '1' } })).status, 303);
  const ok = await a.post('/staff/roles/permissions', { form: { csrf, role: 'kohoka', permission: 'news.publish' } });
  assert.equal(ok.status, 303);
  // typed, unknown: refused with what to do
  const bad = await a.post('/staff/roles/permissions', { form: { csrf, role: 'kohoka', permission: 'news.publsh' } });
  assert.equal(bad.status, 400);
  assert.match(bad.text_, /その権限はありません。一覧にある権限から選んでください。/);
  assert.match(bad.text_, /href="#perm-name"/);
  const roles = (await a.get('/staff/roles')).text_;
  const row = roles.match(/<th scope="row">kohoka<\/th>[\s\S]*?<\/tr>/)[0];
  assert.match(row, /<code>news\.publish<\/code>/);
  assert.doesNotMatch(row, /news\.publsh/);
});

test('a member sets where notices go; a reset is told there', async () => {
  const v = new Client(srv.base);
  await passwordLogin(v, ...DEMO_USERS.viewer);
  const page = await v.get('/account');
  assert.match(page.text_, /<input[^>]*id="notice-email"[^>]*type="email"|<input[^>]*type="email"[^>]*id="notice-email"/);
  const csrf = Client.csrf(page.text_);
  const bad = await v.post('/account/email', { form: { csrf, email: 'no-at-sign' } });
  assert.equal(bad.status, 400, 'refused by the route');
  const bad2 = await v.post('/account/email', { form: { csrf, email: 'a@b@c' } });
  assert.equal(bad2.status, 400);
  assert.match(bad2.text_, /href="#notice-email"/);
  const ok = await v.post('/account/email', { form: { csrf, email: 'Etsuran@Demo-ku.example.jp' } });
  assert.equal(ok.status, 200);
  assert.match(ok.text_, /お知らせの送り先を保存しました/);
  assert.match(ok.text_, /value="etsuran@demo-ku\.example\.jp"/);
  assert.match(cli(['audit', 'query', '--db', srv.db, '--actor', DEMO_USERS.viewer[0]]), /staff\.email_set/);

  const a = await admin();
  const users = await a.get('/staff/users');
  const id = users.text_.match(/action="\/staff\/users\/(\d+)\/reset"[^>]*>(?:(?!<\/form>).)*demo-viewer/s)[1];
  const r = await a.post(`/staff/users/${id}/reset`, { form: { csrf: Client.csrf(users.text_) } });
  assert.equal(r.status, 200);
  assert.ok(mails().some((m) => m.to === 'etsuran@demo-ku.example.jp' && /リセット/.test(m.subject)));
  assert.equal((await v.get('/api/v1/me')).status, 401);
});
