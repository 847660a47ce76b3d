// booking_rush.mjs -- helper of bench/booking.sh: the キャンセル枠 opening
// of facility reservations (issue 16) THROUGH HTTP, against a running
// `madoguchi serve` whose rules put the sports キャンセル枠 opening at
// OPENING (Unix s, a whole minute JST, a minute or so ahead: the server
// runs on the real clock, it has no fake one).
//
//   node bench/booking_rush.mjs BASE DB_URL OPENING DAY CLIENTS WINDOW_S POOL_S
//
// Before the opening:
//   - CLIENTS + 1 residents and their sessions are written into the
//     database (SQL through sqlite3 or psql; see "Sessions" below);
//   - the setup resident holds, confirms and cancels the 40 slots of
//     DAY of the facility `courts` (10 courts x 4 bands) through the
//     pages, so that each is given up and waits for the opening;
//   - the grid is read once: none of the 40 may be free yet.
// The rush: each client arrives at OPENING + a random offset in
// [0, WINDOW_S) and does what the browser does, on its own keep-alive
// connection(s): reads the day's grid (GET /facilities/courts?day=DAY),
// picks a free slot at random, reads the hold form (its CSRF token and
// one-time key), posts it; every tenth client posts it twice at once
// under the same key (a double click), and both answers must be the same.
//   303 ?held=1    -> reads its booking (the page the redirect leads to)
//                     and confirms it (POST .../confirm; double clickers
//                     twice): a winner when the page says booked;
//   303 ?queued=1  -> reads the page (queued), reads it again at the
//                     decision (OPENING + POOL_S, plus up to 300 ms of a
//                     person's delay): held -> confirm; refused -> back
//                     to the grid and a free slot, as after a 409;
//   409 (taken)    -> the answer is the grid with a notice: picks another
//                     free slot from it (at most 5 tries in all); none
//                     free: it stops.
// Kinds of answers: 200, 303 and the 409 of a taken slot (or of the one
// slot per person an opening) are expected; an error page (the layout of
// app_error_page, its 受付番号), a 5xx or a connection error is an
// error; any other refusal page is counted apart (`refused_other`).
//
// After the rush, by SQL: bookings in force meeting one slot (overlaps),
// accounts holding more than one キャンセル枠 booking in force (the rule:
// one per person an opening), bookings in force no client knows (lost)
// and holds left unconfirmed.  Then the peer, in the same run through the
// same client: CONC connections each as fast as the server answers, for
// BASE_SECONDS (default 3) each: the core's database read
// (GET /api/v1/municipality), the day's grid (the request every client
// makes first), and a hold posted on a slot now taken (409 with the
// grid): booking_http_rps is the hold's rate over the read's,
// booking_http_grid_rps the grid's.
//
// Sessions: a resident account and a session row for each client are
// inserted directly (the session token's SHA-256 as the server stores
// it, a random CSRF secret): registering 2,000 residents through the
// pages would meet the per-address registration throttle and 2,000
// confirmation mails.  The accounts have no usable password.
//
// Prints `# ...` notes and `figure NAME VALUE UNIT` lines; exit 1 when a
// goal is missed (winners != 40, errors, overlaps, once violations, lost
// or mismatched answers).
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const [base, db, openingS, DAY, nArg = '2000', winArg = '5', poolArg = '1'] = process.argv.slice(2);
const OPENING = Number(openingS);
const N = Number(nArg), WINDOW_MS = Number(winArg) * 1000, POOL_S = Number(poolArg);
const TENANT = '139998', FAC = 'courts', SLOTS = 40, TRIES = 5;
const CONC = Number(process.env.CONC || 50), BASE_S = Number(process.env.BASE_SECONDS || 3);
if (!base || !db || !OPENING || !/^\d{4}-\d\d-\d\d$/.test(DAY ?? '') || !(N > 0))
  throw new Error('usage: booking_rush.mjs BASE DB_URL OPENING DAY [CLIENTS] [WINDOW_S] [POOL_S]');
const u = new URL(base);

// ---- SQL on the server's database ----
function sql(text) {
  if (db.startsWith('postgresql:'))
    return execFileSync('psql', [db, '-qAtX', '-v', 'ON_ERROR_STOP=1'], { input: text, encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
  return execFileSync('sqlite3', [db.replace(/^sqlite:/, '')], { input: `.timeout 10000\n${text}`, encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
}
const pg = db.startsWith('postgresql:');

// ---- residents and sessions ----
function makeSessions(n) {
  const now = Math.floor(Date.now() / 1000);
  const tokens = [];
  const lines = ['BEGIN;'];
  for (let i = 0; i < n; i++) {
    const token = randomBytes(32).toString('base64url');   // 43 characters, as auth_session_create
    const hash = createHash('sha256').update(token).digest('hex');
    const email = `bench-rush-${String(i).padStart(5, '0')}@example.jp`;
    tokens.push(token);
    const secret = pg ? `decode('${randomBytes(32).toString('hex')}', 'hex')` : `X'${randomBytes(32).toString('hex')}'`;
    lines.push(`INSERT INTO residents (tenant, email, password_hash, password_changed_at, created_at) VALUES ('${TENANT}', '${email}', '!bench: no password', ${now}, ${now});`);
    lines.push(`INSERT INTO sessions (tenant, token_hash, kind, account_id, stage, mfa_ok, created_at, last_seen, idle_timeout, absolute_timeout, csrf_secret) SELECT '${TENANT}', '${hash}', 'resident', id, 1, 0, ${now}, ${now}, 3600, 43200, ${secret} FROM residents WHERE tenant = '${TENANT}' AND email = '${email}';`);
  }
  lines.push('COMMIT;');
  sql(lines.join('\n'));
  return tokens;
}

// ---- the HTTP client: one cookie, one keep-alive agent a resident ----
const stats = { reqs: [], kinds: {}, errors: 0, errorWhat: {}, refusedOther: 0, refusedWhat: {} };
const isErrorPage = (body) => /<p>(受付番号|Reference|うけつけ ばんごう): <code>/.test(body);
class Resident {
  constructor(token) {
    this.cookie = `mg_session=${token}`;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  }
  req(method, path, form, record = true) {
    const headers = { cookie: this.cookie };
    let body;
    if (form) {
      body = new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const t0 = performance.now();
    return new Promise((resolve) => {
      const q = http.request({ host: u.hostname, port: u.port, path, method, headers, agent: this.agent }, (res) => {
        const chunks = [];
        res.on('data', (d) => chunks.push(d));
        res.on('end', () => {
          const r = { status: res.statusCode, location: res.headers.location || '', body: Buffer.concat(chunks).toString(),
            ms: performance.now() - t0 };
          if (record) {
            stats.reqs.push(r.ms);
            const kind = `${method} ${path.split('?')[0].replace(/\d{10}/, 'N')}`;
            stats.kinds[kind] = (stats.kinds[kind] || 0) + 1;
            if (r.status >= 500 || isErrorPage(r.body)) {
              stats.errors++;
              const k = `${method} ${path.split('?')[0].replace(/\d{10}/, 'N')} ${r.status}`;
              stats.errorWhat[k] = (stats.errorWhat[k] || 0) + 1;
            }
          }
          resolve(r);
        });
        res.on('error', (err) => resolve(this.connError(method, path, t0, record, err)));
      });
      q.on('error', (err) => resolve(this.connError(method, path, t0, record, err)));
      if (body !== undefined) q.write(body);
      q.end();
    });
  }
  connError(method, path, t0, record, err) {
    if (record) {
      stats.errors++;
      const k = `${method} ${path.split('?')[0].replace(/\d{10}/, 'N')} connection ${err?.code || err?.message || ''} after ${((performance.now() - t0) / 1000).toFixed(1)} s`;
      stats.errorWhat[k] = (stats.errorWhat[k] || 0) + 1;
    }
    return { status: 0, location: '', body: '', ms: performance.now() - t0 };
  }
  close() { this.agent.destroy(); }
}
const unescape = (s) => s.replace(/&amp;/g, '&');
const freeCells = (html) => [...html.matchAll(/data-state="free"[^>]*>[\s\S]*?href="([^"]+)"/g)].map((m) => unescape(m[1]));
const hidden = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];
const stateOf = (html) => (html.match(/id="booking-state" data-state="([a-z_]+)"/) || [])[1];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (t) => { for (let d = t - Date.now(); d > 0; d = t - Date.now()) await sleep(d); };
const refusedOther = (r, what) => {
  stats.refusedOther++;
  const k = `${what} ${r.status}`;
  stats.refusedWhat[k] = (stats.refusedWhat[k] || 0) + 1;
};

const form = (html, unit, band, key) => ({ csrf: hidden(html, 'csrf'), unit, band, day: DAY, key: key ?? hidden(html, 'key'),
  resident: '1', people: '4', purpose: 'テニスの練習' });

// ---- setup: the 40 slots booked, then given up ----
async function setup(token) {
  const c = new Resident(token);
  for (let k = 1; k <= 10; k++) {
    for (const band of ['h09', 'h11', 'h13', 'h15']) {
      const unit = `court${k}`;
      const f = await c.req('GET', `/facilities/${FAC}/hold?day=${DAY}&unit=${unit}&band=${band}`, null, false);
      const h = await c.req('POST', `/facilities/${FAC}/hold`, form(f.body, unit, band), false);
      if (h.status !== 303) throw new Error(`setup hold ${unit} ${band}: ${h.status} ${h.body.slice(0, 300)}`);
      const number = h.location.match(/\/mypage\/facilities\/(\d{10})/)[1];
      const p = await c.req('GET', h.location, null, false);
      const cf = await c.req('POST', `/mypage/facilities/${number}/confirm`, { csrf: hidden(p.body, 'csrf') }, false);
      if (stateOf(cf.body) !== 'booked') throw new Error(`setup confirm ${number}: ${cf.status}`);
      const x = await c.req('POST', `/mypage/facilities/${number}/cancel`, { csrf: hidden(p.body, 'csrf'), confirm: '1' }, false);
      if (stateOf(x.body) !== 'cancelled') throw new Error(`setup cancel ${number}: ${x.status}`);
    }
  }
  const g = await c.req('GET', `/facilities/${FAC}?day=${DAY}`, null, false);
  c.close();
  return freeCells(g.body).length;
}

// ---- one client of the rush ----
const clients = [], mismatchWhat = [];
async function client(i, token, offset) {
  const me = { i, won: false, number: '', first: 0, final: 0, queued: false, tries: 0, mismatch: 0, numbers: new Set() };
  clients.push(me);
  await until(OPENING * 1000 + offset);
  const c = new Resident(token);
  const t0 = performance.now();
  const stamp = () => performance.now() - t0;
  const dbl = i % 10 === 3;
  let grid = await c.req('GET', `/facilities/${FAC}?day=${DAY}`);
  for (;;) {
    const free = freeCells(grid.body);
    if (grid.status === 0 || !free.length || me.tries >= TRIES) break;
    me.tries++;
    const href = free[Math.floor(Math.random() * free.length)];
    const q = new URL(href, base).searchParams;
    const unit = q.get('unit'), band = q.get('band');
    const f = await c.req('GET', href);
    if (f.status !== 200) { if (f.status >= 400 && f.status < 500 && !isErrorPage(f.body)) refusedOther(f, 'hold form'); break; }
    const fm = form(f.body, unit, band);
    let h;
    if (dbl) {
      const [a, b] = await Promise.all([c.req('POST', `/facilities/${FAC}/hold`, fm), c.req('POST', `/facilities/${FAC}/hold`, fm)]);
      // the same booking (its state may have moved on between the two
      // answers: queued, then held once decided), or both refused
      const num = (x) => (x.location.match(/\/mypage\/facilities\/(\d{10})/) || [])[1];
      if (a.status !== b.status || num(a) !== num(b)) {
        me.mismatch++;
        mismatchWhat.push(`hold: ${a.status} ${a.location || (a.body.match(/id="booking-notice"[^>]*>([^<]*)/) || [])[1] || ''} / ${b.status} ${b.location || (b.body.match(/id="booking-notice"[^>]*>([^<]*)/) || [])[1] || ''}`);
      }
      h = a.status === 303 ? a : b;
    } else {
      h = await c.req('POST', `/facilities/${FAC}/hold`, fm);
    }
    if (!me.first) me.first = stamp();
    if (h.status === 409 && /id="booking-grid"/.test(h.body)) { grid = h; continue; }   // taken: the grid again
    if (h.status !== 303) {
      if (h.status >= 400 && h.status < 500 && !isErrorPage(h.body)) refusedOther(h, `hold ${(h.body.match(/id="([a-z-]+)-error"/) || [])[1] || ''}`);
      break;
    }
    const number = h.location.match(/\/mypage\/facilities\/(\d{10})/)[1];
    me.numbers.add(number);
    let page = await c.req('GET', h.location);
    if (/[?&]queued=1/.test(h.location)) {
      me.queued = true;
      // look again at the decision, as a person would a moment after it
      await until((OPENING + POOL_S) * 1000 + Math.random() * 300);
      for (let k = 0; k < 50; k++) {
        page = await c.req('GET', `/mypage/facilities/${number}`);
        if (stateOf(page.body) !== 'queued' || page.status !== 200) break;
        await sleep(100);
      }
    }
    const st = stateOf(page.body);
    if (st === 'refused') { grid = await c.req('GET', `/facilities/${FAC}?day=${DAY}`); continue; }
    if (st !== 'held') { if (page.status !== 0 && !isErrorPage(page.body)) refusedOther(page, `booking page state ${st}`); break; }
    const cf = { csrf: hidden(page.body, 'csrf') };
    let r;
    if (dbl) {
      const [a, b] = await Promise.all([c.req('POST', `/mypage/facilities/${number}/confirm`, cf),
        c.req('POST', `/mypage/facilities/${number}/confirm`, cf)]);
      if (stateOf(a.body) !== stateOf(b.body) || a.status !== b.status) {
        me.mismatch++;
        mismatchWhat.push(`confirm: ${a.status} ${stateOf(a.body)} / ${b.status} ${stateOf(b.body)}`);
      }
      r = a.status === 200 ? a : b;
    } else {
      r = await c.req('POST', `/mypage/facilities/${number}/confirm`, cf);
    }
    if (stateOf(r.body) === 'booked') { me.won = true; me.number = number; }
    else if (r.status !== 0 && !isErrorPage(r.body)) refusedOther(r, `confirm state ${stateOf(r.body)}`);
    break;
  }
  me.final = stamp();
  if (!me.first) me.first = me.final;
  c.close();
}

// ---- closed loop: conc connections as fast as the server answers ----
async function closedLoop(residents, seconds, one) {
  const end = performance.now() + seconds * 1000;
  let n = 0, bad = 0;
  await Promise.all(residents.map(async (c, k) => {
    while (performance.now() < end) {
      if (await one(c, k)) n++; else bad++;
    }
  }));
  return { perS: n / seconds, bad };
}

const pct = (a, p) => (a.length ? a[Math.min(a.length - 1, Math.floor(a.length * p))] : 0);
const sorted = (a) => [...a].sort((x, y) => x - y);

// ==== run ====
// the shared commits of audit records of reads, from /metrics (loopback)
async function auditShared() {
  const text = await (await fetch(new URL('/metrics', base))).text();
  const v = (name) => Number((text.match(new RegExp(`^${name} (\\S+)`, 'm')) || [])[1] || NaN);
  return { commits: v('madoguchi_audit_shared_commits_total'), records: v('madoguchi_audit_shared_records_total') };
}
const tokens = makeSessions(N + 1);
const freeBefore = await setup(tokens[N]);
console.log(`# opening ${new Date(OPENING * 1000).toISOString()} (JST ${new Date((OPENING + 9 * 3600) * 1000).toISOString().slice(11, 19)}), day of use ${DAY}, ${N} clients within ${WINDOW_MS / 1000} s, fair pool ${POOL_S} s; free before the opening: ${freeBefore}`);
if (freeBefore !== 0) throw new Error(`the slots given up were free before the opening (${freeBefore})`);
if (Date.now() > OPENING * 1000 - 1000) throw new Error('the setup ran past the opening: start earlier');
let seed = 20270114;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const shared0 = await auditShared();
await Promise.all(tokens.slice(0, N).map((t, i) => client(i, t, rnd() * WINDOW_MS)));
const rushS = (Date.now() - OPENING * 1000) / 1000;
lag.disable();
const loadRush = (await import('node:os')).loadavg()[0];
const shared1 = await auditShared();

// ---- the checks by SQL ----
const IN_FORCE = "('held', 'won', 'booked')";
const overlaps = Number(sql(`SELECT count(*) FROM booking_bookings a JOIN booking_bookings b ON a.tenant = b.tenant AND a.facility = b.facility AND a.unit = b.unit AND a.day = b.day AND a.band = b.band AND a.id < b.id WHERE a.tenant = '${TENANT}' AND a.state IN ${IN_FORCE} AND b.state IN ${IN_FORCE};`));
const onceExcess = Number(sql(`SELECT count(*) FROM (SELECT account FROM booking_bookings WHERE tenant = '${TENANT}' AND facility = '${FAC}' AND state IN ${IN_FORCE} GROUP BY account, grp HAVING count(*) > 1) x;`));
const inForce = sql(`SELECT number || ' ' || state FROM booking_bookings WHERE tenant = '${TENANT}' AND facility = '${FAC}' AND state IN ${IN_FORCE} ORDER BY number;`).split('\n').filter(Boolean).map((l) => l.split(' '));
const byState = sql(`SELECT state || ' ' || count(*) FROM booking_bookings WHERE tenant = '${TENANT}' AND facility = '${FAC}' AND created_at >= ${OPENING} GROUP BY state ORDER BY state;`).replace(/\n/g, ', ');
const audited = Number(sql(`SELECT count(*) FROM audit_records WHERE ts >= ${OPENING * 1000} AND ts < ${OPENING * 1000 + Math.round(rushS * 1000)};`));
const known = new Set(clients.filter((c) => c.won).map((c) => c.number));
const lost = inForce.filter(([n]) => !known.has(n)).length;
const unconfirmed = inForce.filter(([, s]) => s !== 'booked').length;
const winners = clients.filter((c) => c.won).length;
const mismatches = clients.reduce((s, c) => s + c.mismatch, 0);

// ---- the peer: the core's read against the rush's commonest request ----
const losers = clients.filter((c) => !c.won).slice(0, CONC).map((c) => new Resident(tokens[c.i]));
const read = await closedLoop(losers, BASE_S, async (c) => (await c.req('GET', '/api/v1/municipality', null, false)).status === 200);
const grids = await closedLoop(losers, BASE_S, async (c) => {
  const r = await c.req('GET', `/facilities/${FAC}?day=${DAY}`, null, false);
  return r.status === 200 && /id="booking-grid"/.test(r.body);
});
const forms = await Promise.all(losers.map((c) => c.req('GET', `/facilities/${FAC}/hold?day=${DAY}&unit=court1&band=h09`, null, false)));
const holds = await closedLoop(losers, BASE_S, async (c, k) => {
  const r = await c.req('POST', `/facilities/${FAC}/hold`, form(forms[k].body, 'court1', 'h09', randomBytes(16).toString('hex')), false);
  return r.status === 409 && /id="booking-grid"/.test(r.body);
});
for (const c of losers) c.close();

const first = sorted(clients.map((c) => c.first)), final = sorted(clients.map((c) => c.final)), reqs = sorted(stats.reqs);
console.log(`# rush: ${stats.reqs.length} requests in ${rushS.toFixed(1)} s from the opening, ${clients.filter((c) => c.queued).length} clients queued, ${clients.filter((c) => c.i % 10 === 3).length} double submitters; load average ${loadRush.toFixed(1)}; the client's event-loop delay p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms, max ${(lag.max / 1e6).toFixed(1)} ms`);
console.log(`# requests of the rush: ${Object.entries(stats.kinds).map(([k, v]) => `${k} ${v}`).join(', ')}`);
console.log(`# audit records written during the rush: ${audited} (${(audited / rushS).toFixed(0)}/s); those of reads and refusals went through ${shared1.commits - shared0.commits} shared commits carrying ${shared1.records - shared0.records} (the rest in their request's own transaction)`);
console.log(`# bookings of the rush by state: ${byState}; in force ${inForce.length}, unconfirmed ${unconfirmed}`);
if (stats.errors) console.log(`# errors: ${JSON.stringify(stats.errorWhat)}`);
if (mismatchWhat.length) console.log(`# double submits answered differently: ${mismatchWhat.slice(0, 5).join('; ')}`);
if (stats.refusedOther) console.log(`# other refusals: ${JSON.stringify(stats.refusedWhat)}`);
console.log(`# peer: core read ${read.perS.toFixed(0)}/s (${read.bad} not 200), the day's grid ${grids.perS.toFixed(0)}/s (${grids.bad} not 200), hold on a taken slot ${holds.perS.toFixed(0)}/s (${holds.bad} not the 409 grid), ${CONC} connections, ${BASE_S} s each`);
console.log(`figure booking_rush_http_p50 ${pct(first, 0.5).toFixed(1)} ms`);
console.log(`figure booking_rush_http_p95 ${pct(first, 0.95).toFixed(1)} ms`);
console.log(`figure booking_rush_http_decided_p95 ${pct(final, 0.95).toFixed(1)} ms`);
console.log(`figure booking_rush_http_request_p95 ${pct(reqs, 0.95).toFixed(1)} ms`);
console.log(`figure booking_rush_http_winners ${winners} count`);
console.log(`figure booking_rush_http_errors ${stats.errors} count`);
console.log(`figure booking_rush_http_refused_other ${stats.refusedOther} count`);
console.log(`figure booking_rush_http_double_mismatch ${mismatches} count`);
console.log(`figure booking_rush_http_overlaps ${overlaps} count`);
console.log(`figure booking_rush_http_once_excess ${onceExcess} count`);
console.log(`figure booking_rush_http_lost ${lost} count`);
console.log(`figure booking_http_rps ${(read.perS ? holds.perS / read.perS : 0).toFixed(4)} ratio`);
console.log(`figure booking_http_grid_rps ${(read.perS ? grids.perS / read.perS : 0).toFixed(4)} ratio`);
process.exit(winners === SLOTS && !stats.errors && !stats.refusedOther && !mismatches && !overlaps && !onceExcess && !lost && !unconfirmed ? 0 : 1);
