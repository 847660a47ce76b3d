// reliability.test.mjs -- what must survive a bad day:
//  - SIGKILL during a write load, several rounds: every write the server
//    acknowledged is there after restart, and the audit chain verifies;
//  - PostgreSQL restarted under load: madoguchi answers 503 meanwhile and
//    recovers by itself (needs the suite's PostgreSQL: MADOGUCHI_PG_URL/DIR);
//  - a full disk: a clear 507 in both languages, the database intact, and
//    service back when space is freed (a small tmpfs; needs root).
// MADOGUCHI_LONG=1 runs many more kill rounds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, DEMO_USERS, passwordLogin, loginWithTotp, cli, ROOT, BIN } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('SIGKILL during writes loses no acknowledged write', async () => {
  const rounds = process.env.MADOGUCHI_LONG ? 25 : 3;
  const srv = await startServer();
  try {
    const c = new Client(srv.base);
    const r = await loginWithTotp(c, ...DEMO_USERS.admin, {});
    assert.equal(r.status, 200);
    const csrf = Client.csrf((await c.get('/staff/users')).text_);
    const acked = [];
    let attempted = 0;
    for (let round = 0; round < rounds; round++) {
      let stop = false;
      const writer = async (w) => {
        for (let i = 0; !stop; i++) {
          const login = `k${round}-${w}-${i}`;
          attempted++;
          try {
            const res = await c.post('/staff/users', { form: { csrf, login, display_name: `負荷 ${login}`, role: 'viewer' } });
            if (res.status === 201) acked.push(login);
            else if (res.status !== 503) assert.fail(`unexpected ${res.status} for ${login}`);
          } catch { return; /* the connection died with the server */ }
        }
      };
      const before = acked.length;
      const writers = [0, 1, 2].map(writer);
      // kill only once this round has an acknowledged write (a sanitizer
      // build hashes slowly), then at a varying moment during the load
      for (let t = 0; acked.length === before && t < 600; t++) await sleep(50);
      await sleep(150 + 200 * (round % 3));
      srv.proc.kill('SIGKILL');
      stop = true;
      await Promise.all(writers);
      await srv.exited;
      await srv.restart();
    }
    assert.ok(acked.length >= rounds, `some writes were acknowledged (${acked.length} of ${attempted})`);
    const list = cli(['user', 'list', '--db', srv.db, '--tenant', '139998']);
    const missing = acked.filter((l) => !list.includes(l));
    assert.deepEqual(missing, [], 'acknowledged writes missing after SIGKILL');
    // the audit trail written in the same transactions is intact
    const v = cli(['audit', 'verify', '--db', srv.db, '--key-file', join(srv.keys, 'audit.key')]);
    assert.match(v, /\d+/);
  } finally {
    await srv.stop();
  }
});

test('PostgreSQL restarted under load: 503 meanwhile, then recovery', { skip: !process.env.MADOGUCHI_PG_DIR && 'needs the suite PostgreSQL' }, async () => {
  const base = process.env.MADOGUCHI_PG_URL;
  const schema = `mg_reliab_${process.pid}_${Date.now()}`;
  execFileSync('psql', [base, '-qc', `CREATE SCHEMA ${schema}`]);
  const srv = await startServer({ db: `${base}?options=-csearch_path%3D${schema}` });
  try {
    const statuses = [];
    let stop = false;
    const load = (async () => {
      while (!stop) {
        try { statuses.push((await fetch(`${srv.base}/api/v1/municipality`)).status); } catch { statuses.push(0); }
      }
    })();
    await sleep(300);
    // asynchronously, so that the load goes on while the database is away
    await new Promise((resolve, reject) => execFile(join(ROOT, 'tests/pg.sh'),
      ['restart', process.env.MADOGUCHI_PG_DIR], (err) => (err ? reject(err) : resolve())));
    // recovery by itself: 200 again within 15 s, with no help
    const t0 = Date.now();
    let ok = false;
    while (Date.now() - t0 < 15000) {
      const s = (await fetch(`${srv.base}/readyz`)).status;
      if (s === 200) { ok = true; break; }
      await sleep(100);
    }
    await sleep(300);
    stop = true;
    await load;
    assert.ok(ok, 'ready again after the restart');
    const counts = statuses.reduce((m, s) => ({ ...m, [s]: (m[s] || 0) + 1 }), {});
    assert.deepEqual(Object.keys(counts).filter((s) => s !== '200' && s !== '503'), [], `only 200 and 503: ${JSON.stringify(counts)}`);
    assert.ok(counts[503] > 0, `503 answered while the database was away: ${JSON.stringify(counts)}`);
    assert.equal(statuses.at(-1), 200);
    assert.equal(srv.proc.exitCode, null, 'the server kept running');
  } finally {
    await srv.stop();
  }
});

test('a full disk: 507 with a clear message, database intact, service back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'madoguchi-full-'));
  const mnt = join(dir, 'disk');
  mkdirSync(mnt);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32m', 'tmpfs', mnt]);
  let srv;
  try {
    const db = `sqlite:${join(mnt, 'db.sqlite')}`;
    srv = await startServer({ db, dir });
    const c = new Client(srv.base);
    assert.equal((await passwordLogin(c, ...DEMO_USERS.viewer)).status, 303);
    // fill the disk to the last byte
    try { execFileSync('dd', ['if=/dev/zero', `of=${join(mnt, 'filler')}`, 'bs=4k'], { stdio: 'ignore' }); } catch { /* ENOSPC ends dd */ }
    let full = null;
    for (let i = 0; i < 200 && !full; i++) {
      const r = await passwordLogin(new Client(srv.base), 'demo-staff', `Wrong-Password-${i}x`);
      if (r.status === 507) full = r;
      else assert.equal(r.status, 401);
    }
    assert.ok(full, 'a write on the full disk was answered 507');
    assert.match(full.text_, /保存領域が不足/);
    assert.match(full.text_, /Storage is full/);
    assert.match(srv.log(), /level=error.*code="full"/);
    // reads still work
    assert.equal((await c.get('/api/v1/me')).status, 200);
    // space back: writes work again, without a restart
    rmSync(join(mnt, 'filler'));
    const again = await passwordLogin(new Client(srv.base), ...DEMO_USERS.viewer);
    assert.equal(again.status, 303);
    await srv.stop();
    srv = null;
    assert.equal(execFileSync('sqlite3', [join(mnt, 'db.sqlite'), 'PRAGMA integrity_check']).toString().trim(), 'ok');
    assert.match(cli(['audit', 'verify', '--db', db, '--key-file', join(dir, 'keys', 'audit.key')]), /\d+/);
  } finally {
    if (srv) await srv.stop();
    execFileSync('umount', [mnt]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second server on a port already served refuses to start (no silent sharing of connections)', async () => {
  // with SO_REUSEPORT a second process of the same user would take a
  // share of the connections and answer them from its own database; the
  // one listening socket has no SO_REUSEPORT, so its bind fails
  const srv = await startServer();
  try {
    const other = mkdtempSync(join(tmpdir(), 'madoguchi-second-'));
    try {
      const db = `sqlite:${join(other, 'db.sqlite')}`;
      cli(['demo', '--db', db, '--key-dir', join(other, 'keys')]);
      const r = await new Promise((resolve) => {
        execFile(BIN, ['serve', '--db', db, '--key-dir', join(other, 'keys'), '--listen', `127.0.0.1:${srv.port}`],
          { timeout: 20000 }, (err, stdout, stderr) => resolve({ code: err ? err.code : 0, stderr }));
      });
      assert.notEqual(r.code, 0, 'the second server must exit with an error');
      assert.match(r.stderr, /サーバーを起動できませんでした/);
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${srv.port}: .*another server is listening there`));
      // the first server still answers every connection
      for (let i = 0; i < 20; i++) assert.equal((await fetch(`${srv.base}/healthz`)).status, 200);
    } finally { rmSync(other, { recursive: true, force: true }); }
  } finally { await srv.stop(); }
});

test('connections are spread evenly over the worker threads (least connections first)', async () => {
  // a handler may block its loop (a group commit waits for the disk), so
  // a loop holding several connections makes all of them wait; the
  // kernel's SO_REUSEPORT hashing used to leave some loops with three
  // or four of 64 connections and others with none
  const srv = await startServer({ extraArgs: ['--threads', '4'] });
  const socks = [];
  try {
    for (let i = 0; i < 8; i++) {
      socks.push(await new Promise((resolve, reject) => {
        const s = connect(srv.port, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      }));
    }
    const gauge = (text, name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)[1]);
    // the 8 idle connections and the one asking (a new one each time;
    // the earlier askers are closed and counted down within moments)
    let m = '';
    for (let tries = 0; tries < 100; tries++) {
      m = await (await fetch(`${srv.base}/metrics`, { headers: { connection: 'close' } })).text();
      if (gauge(m, 'madoguchi_http_open_connections') === 9) break;
      await sleep(50);
    }
    assert.equal(gauge(m, 'madoguchi_http_open_connections'), 9, m);
    assert.equal(gauge(m, 'madoguchi_http_worker_connections_min'), 2);
    assert.equal(gauge(m, 'madoguchi_http_worker_connections_max'), 3);
    // closed connections are counted down
    for (const s of socks) s.destroy();
    for (let tries = 0; tries < 100; tries++) {
      m = await (await fetch(`${srv.base}/metrics`, { headers: { connection: 'close' } })).text();
      if (gauge(m, 'madoguchi_http_open_connections') === 1) break;
      await sleep(50);
    }
    assert.equal(gauge(m, 'madoguchi_http_open_connections'), 1);
    assert.equal(gauge(m, 'madoguchi_http_worker_connections_max'), 1);
  } finally {
    for (const s of socks) s.destroy();
    await srv.stop();
  }
});

// SIGTERM must reach the thread that finishes the requests in flight: a
// process-directed signal goes to any thread that does not block it, and
// a job-runner thread that left it unblocked died of it now and then
// ("server did not exit cleanly: SIGTERM").  Every thread of a running
// server but the main one blocks SIGTERM and SIGINT (the main thread
// takes them with sigtimedwait), read from /proc; then a SIGTERM ends it
// cleanly.
test('every thread of the server blocks SIGTERM and SIGINT; SIGTERM is a clean stop', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const srv = await startServer();
  try {
    // the job runner and the mail sender are running by now
    await new Client(srv.base).get('/');
    const tasks = readdirSync(`/proc/${srv.proc.pid}/task`);
    assert.ok(tasks.length >= 4, `${tasks.length} threads`);
    const TERM = 1n << 14n, INT = 1n << 1n;   // signal n is bit n-1 of SigBlk
    // the main thread waits in sigtimedwait, which unblocks them while it
    // waits: it is the one meant to take them; every other thread blocks
    for (const t of tasks.filter((x) => x !== String(srv.proc.pid))) {
      const st = readFileSync(`/proc/${srv.proc.pid}/task/${t}/status`, 'utf8');
      const name = st.match(/^Name:\s*(.*)$/m)[1];
      const blk = BigInt(`0x${st.match(/^SigBlk:\s*([0-9a-f]+)$/m)[1]}`);
      assert.ok((blk & TERM) && (blk & INT), `thread ${t} (${name}) does not block SIGTERM and SIGINT: SigBlk ${blk.toString(16)}`);
    }
  } finally {
    await srv.stop();   // throws unless the exit is clean (code 0, no signal)
  }
});
