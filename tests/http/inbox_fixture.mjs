// inbox_fixture.mjs -- a demo ward with published procedures, staff of two
// departments, a staff member without applications.*, the admin, residents
// with submissions in both departments, and a second municipality; shared
// by apply_security.test.mjs, inbox*.test.mjs and the browser inbox tests.
//
// Departments (madoguchi demo): role kosodate = dept.kosodate_teate +
// dept.hoiku (demo-staff), role kuminka = dept.kuminka.  Submissions are
// entered with `madoguchi submission submit` (the CLI calls src/svc/apply as
// the resident pages do).
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, Client, DEMO, DEMO_USERS, cli, loginWithTotp, passwordLogin, registerAndLogin } from './lib.mjs';

export const OTHER = '139980';
export const OTHER_HOST = 'other.localhost';

// a tiny valid PNG (1x1), and a PDF
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

const person = {
  applicant_name: { family: '区民', given: '花子', family_kana: 'クミン', given_kana: 'ハナコ' },
  applicant_birth: '1985-04-01',
  applicant_address: { postal_code: '100-0001', pref: '東京都', city: 'デモ区', street: '1丁目2-3', building: '' },
  applicant_phone: '03-1234-5678',
};

// a second resident, and their 保育所 application (department hoiku)
export const R2 = 'kumin.jiro@example.jp';

export function hoikuAnswers() {
  return {
    applicant_name: { family: '区民', given: '次郎', family_kana: 'クミン', given_kana: 'ジロウ' },
    applicant_birth: '1980-02-02',
    applicant_address: { postal_code: '100-0001', pref: '東京都', city: 'デモ区', street: '2丁目3-4', building: '' },
    applicant_phone: '03-2345-6789',
    child_name: { family: '区民', given: '三郎', family_kana: 'クミン', given_kana: 'サブロウ' },
    child_birth: '2024-06-01', allergy: false, reason: 'pregnancy',
    wishes: [{ facility: 'デモ保育園' }], start_date: '2027-04-01', sibling_enrolled: false, declaration: true,
  };
}

// raw bytes of a GET as the client c (a CP932 body must not go through a string)
export function getRaw(c, path) {
  const u = new URL(c.base + path);
  return new Promise((resolve, reject) => {
    http.get({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { cookie: c.cookieHeader() } }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

export function inkanAnswers(extra = {}) {
  return { ...person, card_number: '1234567', copies: 1, pickup_place: 'main', pickup_date: '2026-12-01', ...extra };
}

export function iryoshoAnswers(extra = {}) {
  return {
    ...person, applicant_my_number: '123456789018',
    child_name: { family: '区民', given: '一郎', family_kana: 'クミン', given_kana: 'イチロウ' },
    child_birth: '2020-05-05', insurance: 'kenpo', ...extra,
  };
}

export function registerResident(base, email, password = 'Tsubame-Kaeru-2026') {
  return registerAndLogin(base, email, password);
}

// submit through the CLI; returns {id, receipt, status, department, duplicate_of}
export function submit(srv, procedure, answers, email, { files = {}, receivedOn, sources } = {}) {
  const f = join(srv.dir, `answers-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(sources ? { answers, sources } : answers));
  const args = ['submission', 'submit', '--db', srv.db, '--tenant', DEMO, '--procedure', procedure,
    '--resident-email', email, '--json'];
  if (receivedOn) args.push('--received-on', receivedOn);
  args.push(f);
  for (const [field, bytes] of Object.entries(files)) {
    const p = join(srv.dir, `${field}-${Math.random().toString(16).slice(2)}.png`);
    writeFileSync(p, bytes);
    args.push(`${field}=${p}`);
  }
  return JSON.parse(cli(args));
}

export function addStaff(srv, tenant, login, role, password) {
  cli(['user', 'add', '--db', srv.db, '--tenant', tenant, '--login', login, '--name', `テスト ${login}`,
    '--role', role, '--password-stdin'], { input: `${password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

// the whole fixture; every staff session is logged in once
// MADOGUCHI_INBOX_PG=1 with the suite's MADOGUCHI_PG_URL runs on a fresh
// PostgreSQL schema instead of SQLite
function database() {
  const url = process.env.MADOGUCHI_PG_URL;
  if (process.env.MADOGUCHI_INBOX_PG !== '1' || !url) return undefined;
  const schema = `mg_inbox_${process.pid}_${Date.now()}`;
  execFileSync('psql', [url, '-qc', `CREATE SCHEMA ${schema}`]);
  return `${url}${url.includes('?') ? '&' : '?'}options=-csearch_path%3D${schema}`;
}

export async function inboxFixture({ extraArgs = [] } = {}) {
  const srv = await startServer({
    db: database(),
    extraArgs,
    setup: ({ db, keys }) => {
      cli(['procedure', 'load', '--db', db, '--tenant', DEMO, 'data/procedures']);
      cli(['init', '--db', db, '--key-dir', keys, '--code', OTHER, '--name-ja', 'テスト町',
        '--name-en', 'Test Town', '--host', OTHER_HOST]);
    },
  });
  const pw = 'Kawasemi-Hashi-2026';
  addStaff(srv, DEMO, 'kumin-b', 'kuminka', pw);
  addStaff(srv, DEMO, 'kosodate-2', 'kosodate', pw);
  addStaff(srv, OTHER, 'other-admin', 'admin', pw);
  const fx = { srv, pw, clients: {}, subs: {} };
  // staff sessions (two-factor enrolment at first login)
  const login = async (name, user, password, host) => {
    const c = new Client(srv.base, host);
    const st = {};
    const r = await loginWithTotp(c, user, password, st);
    if (r.status !== 200 && r.status !== 303) throw new Error(`login ${user}: ${r.status}`);
    fx.clients[name] = c;
    c.state = st;
    return c;
  };
  await login('deptA', DEMO_USERS.staff[0], DEMO_USERS.staff[1]);
  await login('deptA2', 'kosodate-2', pw);
  await login('deptB', 'kumin-b', pw);
  await login('admin', DEMO_USERS.admin[0], DEMO_USERS.admin[1]);
  const viewer = new Client(srv.base);
  await passwordLogin(viewer, ...DEMO_USERS.viewer);
  fx.clients.noapps = viewer;
  // residents
  fx.residentEmail = 'kumin.hanako@example.jp';
  fx.clients.resident = await registerResident(srv.base, fx.residentEmail);
  fx.clients.resident2 = await registerResident(srv.base, 'kumin.jiro@example.jp');
  // the other municipality: an admin who gives themself every department
  const oa = await login('otherAll', 'other-admin', pw, OTHER_HOST);
  const roles = await oa.get('/staff/roles');
  const csrf = Client.csrf(roles.text_);
  await oa.post('/staff/roles', { form: { csrf, name: 'all', description: 'every department', needs_mfa: '1' } });
  for (const permission of ['applications.read', 'applications.write', 'dept.all'])
    await oa.post('/staff/roles/permissions', { form: { csrf, role: 'all', permission } });
  const users = await oa.get('/staff/users');
  const oid = users.text_.match(/<tr><td>other-admin<\/td>[\s\S]*?action="\/staff\/users\/(\d+)\/roles"/)[1];
  await oa.post(`/staff/users/${oid}/roles`, { form: { csrf, role: 'all' } });
  // submissions: department A (kosodate-teate, hoiku), department B (kuminka)
  fx.subs.a = submit(srv, 'kodomo-iryosho', iryoshoAnswers(), fx.residentEmail,
    { files: { insurance_card: PNG }, sources: { applicant_name: 'juki', applicant_my_number: 'juki' } });
  fx.subs.b = submit(srv, 'inkan-shomei', inkanAnswers(), fx.residentEmail);
  return fx;
}

// the CSRF token a client's pages carry
export async function csrfOf(c) {
  return Client.csrf((await c.get('/staff')).text_);
}
