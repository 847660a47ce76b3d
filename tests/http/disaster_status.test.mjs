// disaster_status.test.mjs -- a shelter's live status over HTTP, on SQLite
// and (MADOGUCHI_HTTP_DB) PostgreSQL:
//   - 50 concurrent writers on one shelter, each reading the staff page for
//     the version, then saving from it, again until its own change is
//     accepted: every accepted save carries a distinct version, exactly one
//     per version; the refused ones are 409 with the message naming both
//     versions; the history grows by exactly the accepted saves and the
//     version by as many (no lost update, no last-writer-wins);
//   - a save from an old version in English says so in English, the form
//     keeps what was typed and shows the current status;
//   - bad values (people, state) are 422 with the field's message;
//   - the public pages show the new status, and flag it stale once it is
//     older than the limit (the row's time moved back in the database);
//   - each accepted save is audited (disaster.status).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client, loginWithTotp } from './lib.mjs';

let srv, machi;
const KEY = 'E13999000031';   // あじさい公園 (demo)

before(async () => {
  srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined });
  machi = new Client(srv.base);
  const r = await loginWithTotp(machi, 'demo-machi', 'Keyaki-Machi-2026');
  assert.ok([200, 303].includes(r.status), `demo-machi logs in: ${r.status}`);
});
after(async () => { if (srv) await srv.stop(); });

const sql = (q) => (srv.db.startsWith('sqlite:')
  ? execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' })
  : execFileSync('psql', [srv.db, '-qAtc', q], { encoding: 'utf8' })).trim();
const history = () => Number(sql(`SELECT count(*) FROM disaster_status_history h JOIN disaster_shelters d ON d.id = h.shelter_id WHERE d.tenant = '139998' AND d.key = '${KEY}'`));
const version = () => Number(sql(`SELECT t.version FROM disaster_status t JOIN disaster_shelters d ON d.id = t.shelter_id WHERE d.tenant = '139998' AND d.key = '${KEY}'`));
const hidden = (html, name) => (html.match(new RegExp(`name="${name}" value="([^"]*)"`)) || [])[1];

async function readForm(c = machi, headers = {}) {
  const p = await c.get(`/staff/disaster/shelters/${KEY}`, { headers });
  assert.equal(p.status, 200);
  return { csrf: Client.csrf(p.text_), version: hidden(p.text_, 'version'), html: p.text_ };
}

function save(f, fields, headers = {}) {
  return machi.post(`/staff/disaster/shelters/${KEY}/status`, {
    form: { csrf: f.csrf, version: f.version, state: 'open', people: '1', ...fields }, headers,
  });
}

test('50 concurrent writers: one accepted per version, none lost', async () => {
  const h0 = history(), v0 = version();
  const accepted = [];
  let refused = 0;
  async function writer(i) {
    for (let attempt = 0; attempt < 500; attempt++) {
      const f = await readForm();
      const r = await save(f, { people: String(100 + i), note: `writer ${i}` });
      if (r.status === 303) {
        accepted.push({ i, from: Number(f.version), to: Number(r.headers.get('location').match(/saved=(\d+)/)[1]) });
        return;
      }
      assert.equal(r.status, 409, `writer ${i}: ${r.status}`);
      assert.match(r.text_, new RegExp(`版 ${f.version} → 版 \\d+`));
      refused++;
    }
    throw new Error(`writer ${i} never got through`);
  }
  await Promise.all(Array.from({ length: 50 }, (_, i) => writer(i)));
  assert.equal(accepted.length, 50);
  // one accepted save per version, each from the one before
  const froms = accepted.map((a) => a.from).sort((a, b) => a - b);
  assert.deepEqual(froms, Array.from({ length: 50 }, (_, k) => v0 + k));
  for (const a of accepted) assert.equal(a.to, a.from + 1);
  assert.equal(history() - h0, 50, 'a history row per accepted save');
  assert.equal(version() - v0, 50);
  // the writer of the last version is the one whose note is current
  const last = accepted.find((a) => a.to === v0 + 50);
  assert.equal(sql(`SELECT t.note FROM disaster_status t JOIN disaster_shelters d ON d.id = t.shelter_id WHERE d.tenant = '139998' AND d.key = '${KEY}'`), `writer ${last.i}`);
  const page = await readForm();
  assert.match(page.html, new RegExp(`id="history-count">${history()} 件`));
  assert.ok(Number(sql("SELECT count(*) FROM audit_records WHERE action = 'disaster.status'")) >= 50);
  console.log(`# 50 writers: ${refused} saves refused as out of date`);
});

test('an old version refused in English; bad values; the public pages and the stale flag', async () => {
  const en = { 'accept-language': 'en' };
  const f = await readForm(machi, en);
  const first = await save(f, { state: 'full', people: '250', need_water: '1', note: 'first' });
  assert.equal(first.status, 303);
  const stale = await save(f, { state: 'closed', people: '3', note: 'second' }, en);
  assert.equal(stale.status, 409);
  assert.match(stale.text_, /Not saved: another member of staff updated this shelter/);
  assert.match(stale.text_, /name="note"[^>]*value="second"|value="second"[^>]*name="note"/);   // what was typed
  assert.equal(hidden(stale.text_, 'version'), String(Number(f.version) + 1));        // the next save builds on theirs
  const g = await readForm();
  let r = await save(g, { people: 'many' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /避難者数は 0 から 100000/);
  r = await save(g, { state: 'burning' });
  assert.equal(r.status, 422);
  r = await save(g, { people: '100001' });
  assert.equal(r.status, 422);
  const pub = await new Client(srv.base).get(`/disaster/shelters/${KEY}`);
  assert.match(pub.text_, /state-full">満員/);
  assert.match(pub.text_, /<dd>250<\/dd>/);
  assert.match(pub.text_, /<dd>水<\/dd>/);
  assert.ok(!pub.text_.includes('shelter-stale'));
  assert.ok(!pub.text_.includes('デモ 職員') && !pub.text_.includes('demo-machi'), 'no staff name on public pages');
  // four hours ago: older than the default limit (3 hours)
  sql(`UPDATE disaster_status SET updated_at = updated_at - 4 * 3600 WHERE shelter_id = (SELECT id FROM disaster_shelters WHERE tenant = '139998' AND key = '${KEY}')`);
  const old = await new Client(srv.base).get(`/disaster/shelters/${KEY}`);
  assert.match(old.text_, /shelter-stale/);
  const list = await new Client(srv.base).get('/disaster?state=full');
  assert.match(list.text_, /shelter-stale/);
  const fc = JSON.parse((await new Client(srv.base).get('/disaster/shelters.geojson')).text_);
  assert.equal(fc.features.find((x) => x.properties.key === KEY).properties.stale, true);
});
