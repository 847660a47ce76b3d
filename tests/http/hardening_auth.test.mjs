// hardening_auth.test.mjs -- issue #12, authentication and staff
// administration, on the real server with the demo ward and a second
// municipality (テスト町, other.localhost):
//   - staff.manage alone cannot give a role with permissions it lacks (no
//     minting administrators): 403, audited, and the users page offers
//     only the roles the caller may give;
//   - grant, revoke and disable of another municipality's staff id: 404,
//     nothing changes;
//   - wrong second-factor codes keep counting across right passwords until
//     a full login: "password, wrong codes, repeat" locks the account;
//   - replacing an existing second factor needs the password and a current
//     code, ends the other sessions, is shown on the account page and
//     audited;
//   - registration answers the same for a taken address as for a new one
//     (the owner of a taken one gets a mail) and is throttled per address;
//   - audit records: a right password before the code is auth.password_ok
//     (never auth.login_failed), a recovery-code login is
//     auth.login_recovery_code, web-created staff's role.granted names the
//     role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO, DEMO_USERS, passwordLogin, loginWithTotp, totp, cli } from './lib.mjs';

const OTHER = '139980';
const PW = 'Kawasemi-Hashi-2026';
let srv, admin, otherStaffId;

function audit(extra = []) {
  return cli(['audit', 'query', '--db', srv.db, '--json', ...extra]).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
}

function addStaff(tenant, login, role) {
  const out = cli(['user', 'add', '--db', srv.db, '--tenant', tenant, '--login', login, '--name', `テスト ${login}`,
    '--role', role, '--password-stdin'], { input: `${PW}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  return Number(out.match(/created staff (\d+)/)[1]);
}

function userList(tenant) {
  return cli(['user', 'list', '--db', srv.db, '--tenant', tenant]);
}

function mails() {
  return cli(['mail', 'list', '--db', srv.db, '--json', '--show-recipient']).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
}

before(async () => {
  srv = await startServer({
    extraArgs: ['--public-url', 'https://demo-ku.example.jp/'],
    setup: ({ db, keys }) => cli(['init', '--db', db, '--key-dir', keys, '--code', OTHER,
      '--name-ja', 'テスト町', '--name-en', 'Test Town', '--host', 'other.localhost']),
  });
  admin = new Client(srv.base);
  const r = await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  assert.equal(r.status, 200);
  otherStaffId = addStaff(OTHER, 'other-clerk', 'staff');
});
after(async () => { if (srv) await srv.stop(); });

test('staff.manage alone cannot mint an administrator; the page offers only roles it may give', async () => {
  // a role that manages staff but not roles
  const roles = await admin.get('/staff/roles');
  const csrf = Client.csrf(roles.text_);
  assert.equal((await admin.post('/staff/roles', { form: { csrf, name: 'hr', description: '人事', needs_mfa: '1' } })).status, 303);
  for (const permission of ['staff.manage', 'jobs.read'])
    assert.equal((await admin.post('/staff/roles/permissions', { form: { csrf, role: 'hr', permission } })).status, 303);
  const made = await admin.post('/staff/users', { form: { csrf, login: 'hr-tanaka', display_name: '人事 田中', role: 'hr' } });
  assert.equal(made.status, 201, 'roles.manage may give any role');
  const password = made.text_.match(/id="initial-password">([^<]+)</)[1];

  const hr = new Client(srv.base);
  assert.equal((await loginWithTotp(hr, 'hr-tanaka', password, {})).status, 200);
  const page = await hr.get('/staff/users');
  assert.equal(page.status, 200);
  const select = page.text_.match(/<select[^>]* id="new-role" name="role"[^>]*>([\s\S]*?)<\/select>/)[1];
  const offered = [...select.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]).sort();
  assert.deepEqual(offered, ['hr', 'viewer'], 'only roles whose permissions the caller holds');

  const hcsrf = Client.csrf(page.text_);
  for (const role of ['admin', 'staff', 'auditor']) {
    const r = await hr.post('/staff/users', { form: { csrf: hcsrf, login: `mint-${role}`, display_name: '不正 作成', role } });
    assert.equal(r.status, 403, `giving ${role} is refused`);
    assert.match(r.text_, /その役割は付与できません/);
    assert.doesNotMatch(r.text_, /initial-password/);
    assert.doesNotMatch(userList(DEMO), new RegExp(`mint-${role}`), 'nothing was created');
  }
  const en = await hr.post('/staff/users', { form: { csrf: hcsrf, login: 'mint-en', display_name: 'x', role: 'admin' },
    headers: { 'accept-language': 'en' } });
  assert.equal(en.status, 403);
  assert.match(en.text_, /You cannot give that role/);
  const refused = audit(['--actor', 'hr-tanaka', '--action', 'auth.grant_denied']);
  assert.ok(refused.length >= 3, 'each refusal is audited');
  assert.ok(refused.every((x) => x.result === 'denied'));
  assert.ok(refused.some((x) => x.object_id === 'admin'));
  // a role within its own permissions is fine
  const ok = await hr.post('/staff/users', { form: { csrf: hcsrf, login: 'new-viewer', display_name: '新 閲覧', role: 'viewer' } });
  assert.equal(ok.status, 201);
  // and an administrator (roles.manage) is still offered every role
  const all = (await admin.get('/staff/users')).text_.match(/<select[^>]* id="new-role" name="role"[^>]*>([\s\S]*?)<\/select>/)[1];
  for (const role of ['admin', 'auditor', 'hr', 'staff', 'viewer']) assert.match(all, new RegExp(`<option value="${role}"`));
});

test('web-created staff: the role.granted record names the role', async () => {
  const page = await admin.get('/staff/users');
  const r = await admin.post('/staff/users', { form: { csrf: Client.csrf(page.text_), login: 'suzuki', display_name: '鈴木 一郎', role: 'auditor' } });
  assert.equal(r.status, 201);
  const granted = audit(['--actor', 'demo-admin', '--action', 'auth.permission_change'])
    .filter((x) => x.object_type === 'role.granted');
  assert.ok(granted.some((x) => /^\d+:auditor$/.test(x.object_id)), JSON.stringify(granted));
});

test("grant, revoke and disable of another municipality's staff id: 404, nothing changes", async () => {
  const csrf = Client.csrf((await admin.get('/staff/users')).text_);
  const before = userList(OTHER);
  assert.match(before, /other-clerk/);
  const rev = await admin.post(`/staff/users/${otherStaffId}/roles/revoke`, { form: { csrf, role: 'staff' } });
  assert.equal(rev.status, 404);
  const grant = await admin.post(`/staff/users/${otherStaffId}/roles`, { form: { csrf, role: 'admin' } });
  assert.equal(grant.status, 404);
  const dis = await admin.post(`/staff/users/${otherStaffId}/disable`, { form: { csrf } });
  assert.equal(dis.status, 404);
  assert.equal(userList(OTHER), before, 'the other municipality\'s staff keeps its role and status');
  // the same id within the tenant still works (the check is the tenant, not the form)
  const mine = addStaff(DEMO, 'revoke-me', 'viewer');
  assert.equal((await admin.post(`/staff/users/${mine}/roles/revoke`, { form: { csrf, role: 'viewer' } })).status, 303);
  assert.doesNotMatch(userList(DEMO).split('\n').find((l) => l.includes('revoke-me')), /viewer/);
});

test('wrong codes keep counting across right passwords: password, wrong codes, repeat locks the account', async () => {
  addStaff(DEMO, 'totp-lock', 'staff');
  const st = {};
  const first = new Client(srv.base);
  assert.equal((await loginWithTotp(first, 'totp-lock', PW, st)).status, 200);
  const wrong = (code) => String((Number(code) + 500000) % 1000000).padStart(6, '0');
  // three rounds of: right password, two wrong codes (6 failures; the limit is 5)
  let last;
  for (let round = 0; round < 3; round++) {
    const c = new Client(srv.base);
    const r = await passwordLogin(c, 'totp-lock', PW);
    if (r.status === 401) { last = r; break; }       // locked by the previous round
    assert.equal(r.headers.get('location'), '/login/code');
    for (let i = 0; i < 2; i++) {
      const page = await c.get('/login/code');
      if (page.status !== 200) break;                 // the lockout ended the pending session
      last = await c.post('/login/code', { form: { csrf: Client.csrf(page.text_), code: wrong(totp(st.secret)) } });
      assert.equal(last.status, 401);
    }
  }
  // locked now: even the right password and code do not log in
  const c = new Client(srv.base);
  const r = await passwordLogin(c, 'totp-lock', PW);
  assert.equal(r.status, 401);
  assert.match(r.text_, /しばらくログインできません/);
  assert.equal((await c.get('/staff')).status, 303);
  assert.match(userList(DEMO).split('\n').find((l) => l.includes('totp-lock')), /totp-lock/);
});

test('replacing a second factor needs the password and a current code; other sessions end; shown and audited', async () => {
  addStaff(DEMO, 'replace-me', 'staff');
  const st = {};
  const c1 = new Client(srv.base);
  assert.equal((await loginWithTotp(c1, 'replace-me', PW, st)).status, 200);
  const c2 = new Client(srv.base);
  assert.equal((await loginWithTotp(c2, 'replace-me', PW, st)).status, 303);
  assert.equal((await c2.get('/staff')).status, 200);

  const page = await c1.get('/account/totp');
  assert.equal(page.status, 200);
  // each answer of the form comes with a new pending secret to confirm
  const secretOf = (html) => html.match(/id="totp-secret">([A-Z2-7]+)</)[1];
  const csrf = Client.csrf(page.text_);
  // a session alone no longer replaces the factor
  const bare = await c1.post('/account/totp', { form: { csrf, code: totp(secretOf(page.text_)) } });
  assert.equal(bare.status, 401);
  assert.doesNotMatch(bare.text_, /recovery-codes/);
  assert.match(bare.text_, /パスワードまたは現在の確認コードが違います/);
  // the form asks for them
  assert.match(page.text_, /name="password"/);
  assert.match(page.text_, /name="current"/);
  // a wrong password with a right current code: refused, the code not spent
  const badPw = await c1.post('/account/totp', { form: { csrf, code: totp(secretOf(bare.text_)), password: 'Wrong-Password-000', current: st.recovery[0] } });
  assert.equal(badPw.status, 401);
  assert.match(badPw.text_, /パスワードまたは現在の確認コードが違います/);
  // the password and a recovery code of the current factor
  const secret = secretOf(badPw.text_);
  const ok = await c1.post('/account/totp', { form: { csrf, code: totp(secret), password: PW, current: st.recovery[0] } });
  assert.equal(ok.status, 200, ok.text_.slice(0, 400));
  assert.match(ok.text_, /id="totp-replaced"/);
  const fresh = [...ok.text_.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((m) => m[1]);
  assert.equal(fresh.length, 10);
  // the other session is over; this one goes on (with a new token)
  assert.equal((await c2.get('/staff')).status, 303);
  const account = await c1.get('/account');
  assert.equal(account.status, 200);
  assert.match(account.text_, /id="totp-changed">二要素認証の設定を\d{4}-\d\d-\d\d \d\d:\d\d（日本時間）に切り替えました/);
  // the new secret logs in, the old one does not
  const old = new Client(srv.base);
  await passwordLogin(old, 'replace-me', PW);
  const oc = await old.get('/login/code');
  assert.equal((await old.post('/login/code', { form: { csrf: Client.csrf(oc.text_), code: totp(st.secret, Date.now() / 1000 + 30) } })).status, 401);
  const neu = new Client(srv.base);
  assert.equal((await loginWithTotp(neu, 'replace-me', PW, { secret })).status, 303);
  // audited: the replacement, which factor re-authenticated, the ended sessions
  const rec = audit(['--actor', 'replace-me']);
  const replaced = rec.filter((x) => x.action === 'auth.totp_replaced');
  assert.equal(replaced.length, 1);
  assert.equal(replaced[0].object_type, 'reauth.recovery_code');
  assert.ok(rec.some((x) => x.action === 'auth.totp_replace_failed' && x.result === 'failed'));
  assert.ok(rec.some((x) => x.object_type === 'sessions.killed'));
});

test('audit: a right password before the code is not a failed login; a recovery-code login says so', async () => {
  addStaff(DEMO, 'audit-me', 'staff');
  const st = {};
  assert.equal((await loginWithTotp(new Client(srv.base), 'audit-me', PW, st)).status, 200);
  const c = new Client(srv.base);
  assert.equal((await loginWithTotp(c, 'audit-me', PW, st)).status, 303);
  const rc = new Client(srv.base);
  await passwordLogin(rc, 'audit-me', PW);
  const page = await rc.get('/login/code');
  assert.equal((await rc.post('/login/code', { form: { csrf: Client.csrf(page.text_), code: st.recovery[3] } })).status, 303);
  const rec = audit(['--actor', 'audit-me']).filter((x) => x.action.startsWith('auth.login') || x.action === 'auth.password_ok');
  assert.deepEqual(rec.filter((x) => x.action === 'auth.login_failed'), [], 'no failed login was recorded');
  assert.equal(rec.filter((x) => x.action === 'auth.password_ok').length, 3);
  assert.ok(rec.filter((x) => x.action === 'auth.password_ok').every((x) => x.result === 'ok'));
  assert.equal(rec.filter((x) => x.action === 'auth.login').length, 1);
  assert.equal(rec.filter((x) => x.action === 'auth.login_recovery_code').length, 1);
});

async function register(email, password = 'Tsubame-Kaeru-2026', lang) {
  const c = new Client(srv.base);
  const headers = lang ? { 'accept-language': lang } : {};
  const pre = (await c.get('/resident/register', { headers })).text_.match(/name="pre" value="([^"]+)"/)[1];
  const r = await c.post('/resident/register', { form: { pre, email, password }, headers });
  return { c, r };
}

const main = (t) => t.match(/<main[\s\S]*<\/main>/)[0];
const cookieNames = (r) => r.headers.getSetCookie().map((x) => x.split('=')[0]).sort();

test('registration: a taken address is answered like a new one; its owner is told by mail; throttled per address', async () => {
  const email = 'kumin.touroku@example.jp';
  const fresh = await register(email);
  const taken = await register(email, 'Another-Pass-2026x');
  assert.equal(fresh.r.status, 200);
  assert.equal(taken.r.status, fresh.r.status);
  assert.equal(main(taken.r.text_), main(fresh.r.text_));
  assert.deepEqual(cookieNames(taken.r), cookieNames(fresh.r));
  assert.ok(!fresh.c.jar.has('mg_session'), 'no session for a new address either');
  assert.match(fresh.r.text_, /id="register-sent"/);
  // the new account works (log in), the taken one was not changed
  const pre = (await fresh.c.get('/resident/login')).text_.match(/name="pre" value="([^"]+)"/)[1];
  assert.equal((await fresh.c.post('/resident/login', { form: { pre, email, password: 'Tsubame-Kaeru-2026' } })).status, 303);
  // mail: a confirmation for the registration, word of the second attempt
  const to = mails().filter((m) => (m.to || m.recipient) === email);
  assert.equal(to.length, 2, JSON.stringify(to));
  assert.ok(to.some((m) => /メールアドレスの確認/.test(m.subject)));
  assert.ok(to.some((m) => /アカウント登録のお申し込みについて/.test(m.subject)));
  // a bad password is still a 400 for either
  assert.equal((await register('another.one@example.jp', 'short')).r.status, 400);
  assert.equal((await register(email, 'short')).r.status, 400);
  // per source address: 10 in ten minutes (4 used above: every attempt
  // counts), then 429
  for (let i = 0; i < 6; i++) assert.equal((await register(`many.${i}@example.jp`)).r.status, 200);
  const limited = await register('one.too.many@example.jp');
  assert.equal(limited.r.status, 429);
  assert.match(limited.r.text_, /登録のお申し込みが多すぎます/);
  const en = await register('one.too.many@example.jp', undefined, 'en');
  assert.equal(en.r.status, 429);
  assert.match(en.r.text_, /Too many registrations/);
  assert.doesNotMatch(userList(DEMO), /one\.too\.many/);
  assert.doesNotMatch(srv.log(), /kumin\.touroku|Tsubame-Kaeru/, 'no address or password in the log');
});
