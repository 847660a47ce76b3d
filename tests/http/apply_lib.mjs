// apply_lib.mjs -- shared by the applications API tests: load the test
// procedures, make staff with department-scoped roles (through the real
// role pages as the demo administrator and the real CLI), register
// residents, and a small JSON API client over lib.mjs's Client that sends
// the session's CSRF header on writes (or a Bearer token instead).
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client, DEMO, DEMO_USERS, loginWithTotp, cli, BIN, ROOT, registerAndLogin } from './lib.mjs';

export const FIXTURES = join(ROOT, 'tests/http/fixtures/api');

export function loadProcedures({ db }, dir = FIXTURES) {
  cli(['procedure', 'load', '--db', db, '--tenant', DEMO, dir]);
}

export const sha256 = (b) => createHash('sha256').update(b).digest('hex');

// a file whose content is a PNG (signature and IHDR), n bytes long
export function png(n = 2048) {
  const head = Buffer.from('89504e470d0a1a0a0000000d4948445200000010000000100806000000', 'hex');
  return Buffer.concat([head, randomBytes(Math.max(0, n - head.length))]);
}

// the JSON API as one client: cookie session (with X-CSRF-Token on writes)
// or Bearer token (no cookie, no CSRF)
export class Api {
  constructor(base, { client, bearer } = {}) {
    this.c = client || new Client(base);
    this.base = base;
    this.bearer = bearer;
    this.csrf = null;
  }
  async req(method, path, { json, body, headers = {}, csrf = true } = {}) {
    const h = { ...headers };
    let c = this.c;
    if (this.bearer) {
      c = new Client(this.base);
      h.authorization = `Bearer ${this.bearer}`;
    } else if (csrf && method !== 'GET') {
      if (!this.csrf) await this.req('GET', '/api/v1/my/submissions').catch(() => {});
      if (this.csrf) h['x-csrf-token'] = this.csrf;
    }
    const r = await c.req(method, path, { json, body, headers: h });
    const tok = r.headers.get('x-csrf-token');
    if (tok) this.csrf = tok;
    try { r.json = JSON.parse(r.text_); } catch { r.json = undefined; }
    return r;
  }
  get(p, o) { return this.req('GET', p, o); }
  post(p, o) { return this.req('POST', p, o); }
  put(p, o) { return this.req('PUT', p, o); }
  token() { return this.c.jar.get('mg_session'); }
  // a binary answer (an attachment): status, headers and the raw bytes
  async bytes(path) {
    const headers = this.bearer ? { authorization: `Bearer ${this.bearer}` } : { cookie: this.c.cookieHeader() };
    const r = await fetch(this.base + path, { headers });
    return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
  }
}

export async function registerResident(base, email, password = 'Kinmokusei-Sora-2026') {
  const c = await registerAndLogin(base, email, password);
  const api = new Api(base, { client: c });
  await api.get('/api/v1/my/submissions');
  return api;
}

// roles through the real pages, as the demo administrator (logged in once)
export async function adminClient(base) {
  const c = new Client(base);
  const r = await loginWithTotp(c, ...DEMO_USERS.admin, {});
  if (r.status !== 200 && r.status !== 303) throw new Error(`admin login ${r.status}`);
  return c;
}

export async function makeRole(admin, name, perms) {
  const page = await admin.get('/staff/roles');
  const csrf = Client.csrf(page.text_);
  let r = await admin.post('/staff/roles', { form: { csrf, name, description: `テスト ${name}`, needs_mfa: '1' } });
  if (r.status >= 400) throw new Error(`role ${name}: ${r.status}`);
  for (const permission of perms) {
    r = await admin.post('/staff/roles/permissions', { form: { csrf, role: name, permission } });
    if (r.status >= 400) throw new Error(`permission ${permission}: ${r.status}`);
  }
}

// a member of staff with that role, logged in with two factors
export async function makeStaff(srv, login, role) {
  const password = `Tsukimi-Hanabi-${login.length}${login.charCodeAt(0)}-2026x`;
  execFileSync(BIN, ['user', 'add', '--db', srv.db, '--tenant', DEMO, '--login', login, '--name', `職員 ${login}`,
    '--role', role, '--password-stdin'], { cwd: ROOT, input: `${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
  const c = new Client(srv.base);
  const r = await loginWithTotp(c, login, password, {});
  if (r.status !== 200 && r.status !== 303) throw new Error(`staff login ${login}: ${r.status}`);
  const api = new Api(srv.base, { client: c });
  await api.get('/api/v1/me');
  return api;
}

// ---- fees paid before submission (fee.timing before_submit) ----
//
// A procedure such as api-kazei (300円) or 犬の登録 is refused at
// submission until its fee is paid.  Tests pay the honest way: the
// resident's pay step asks for the payment (POST /drafts/{id}/pay, the
// confirmation page's button), then the ward's cashier (demo-kaikei,
// payments.staff) marks it paid at the counter
// (POST /staff/payments/{number}/counter, audited), as a resident who pays
// in cash at the ward office would.

export const CASHIER = ['demo-kaikei', 'Sazanka-Kaikei-2026'];
const cashiers = new Map();

// the demo cashier, logged in once per server
export async function cashierClient(base) {
  if (!cashiers.has(base)) {
    const c = new Client(base);
    const r = await loginWithTotp(c, ...CASHIER, {});
    if (r.status !== 200 && r.status !== 303) throw new Error(`cashier login ${r.status}`);
    cashiers.set(base, c);
  }
  return cashiers.get(base);
}

// the pay step of a draft (resident: an Api with a cookie session, or a
// Client); the payment's number, or null when there is nothing to pay
export async function askPayment(resident, draftId) {
  const c = resident.c || resident;
  const page = await c.get(`/drafts/${draftId}/confirm`);
  if (page.status !== 200) throw new Error(`confirm ${draftId}: ${page.status}`);
  const r = await c.post(`/drafts/${draftId}/pay`, { form: { csrf: Client.csrf(page.text_) } });
  if (r.status !== 303) throw new Error(`pay ${draftId}: ${r.status} ${r.text_}`);
  const m = /\/pay\/(\d{14})$/.exec(r.headers.get('location') || '');
  return m ? m[1] : null;
}

// staff take a payment at the counter
export async function payAtCounter(base, number) {
  const k = await cashierClient(base);
  const page = await k.get(`/staff/payments/${number}`);
  if (page.status !== 200) throw new Error(`payment ${number}: ${page.status}`);
  const r = await k.post(`/staff/payments/${number}/counter`, { form: { csrf: Client.csrf(page.text_), via: 'cash' } });
  if (r.status !== 303) throw new Error(`counter ${number}: ${r.status}`);
}

// both: the draft's fee paid; its payment's number (null: nothing due)
export async function payDraft(resident, draftId) {
  const number = await askPayment(resident, draftId);
  if (number) await payAtCounter((resident.c || resident).base, number);
  return number;
}

// create, upload, answer, pay, submit one api-kazei application; the
// receipt.  payer: the resident's cookie session when api holds a
// bearer token only
export async function submitKazei(api, file = png(4096), purpose = '児童手当の申請に使用', payer = api) {
  const d = await api.post('/api/v1/drafts', { json: { procedure: 'api-kazei' } });
  if (d.status !== 201) throw new Error(`draft ${d.status} ${d.text_}`);
  const up = await api.put(`/api/v1/drafts/${d.json.id}/files/id_document?name=menkyo.png`,
    { body: file, headers: { 'content-type': 'image/png' } });
  if (up.status !== 201) throw new Error(`upload ${up.status} ${up.text_}`);
  const s = await api.put(`/api/v1/drafts/${d.json.id}`, { json: { answers: { purpose, copies: 2, id_document: up.json.file }, page: 0 } });
  if (s.status !== 200) throw new Error(`save ${s.status} ${s.text_}`);
  await payDraft(payer, d.json.id);
  const sub = await api.post(`/api/v1/drafts/${d.json.id}/submit`, { json: {} });
  if (sub.status !== 201) throw new Error(`submit ${sub.status} ${sub.text_}`);
  return { receipt: sub.json.receipt, file, meta: up.json.file, draft: d.json.id, submission: sub.json };
}
