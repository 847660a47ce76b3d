// audit_withhold.test.mjs -- a page that reads personal data is not shown
// when its audit record cannot be written (fail closed): the answer is a
// 503 in Japanese and English, with nothing of the page; once the audit
// trail takes records again, the same page is shown and its read recorded.
// The audit trail is made to refuse records of reads by a trigger the
// test adds to the server's database (SQLite, or PostgreSQL with
// MADOGUCHI_HTTP_DB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Client } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ db: process.env.MADOGUCHI_HTTP_DB || undefined }); });
after(async () => { if (srv) await srv.stop(); });

const pg = () => srv.db.startsWith('postgresql:');
const sql = (q) => (pg()
  ? execFileSync('psql', [srv.db, '-qAtc', q], { encoding: 'utf8' })
  : execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' })).trim();

function refuseReads() {
  if (pg()) {
    sql(`CREATE FUNCTION test_refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN IF NEW.action = 'data.read' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER test_refuse_reads BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION test_refuse_reads();`);
  } else {
    sql(`CREATE TRIGGER test_refuse_reads BEFORE INSERT ON audit_records WHEN NEW.action = 'data.read'
         BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;`);
  }
}
function acceptReads() {
  sql(pg() ? 'DROP TRIGGER test_refuse_reads ON audit_records; DROP FUNCTION test_refuse_reads();'
    : 'DROP TRIGGER test_refuse_reads;');
}

async function taro() {
  const c = new Client(srv.base);
  const pre = (await c.get('/resident/login')).text_.match(/name="pre" value="([^"]+)"/)[1];
  const l = await c.post('/resident/login', { form: { pre, email: 'demo-taro@example.jp', password: 'Hinode-Kumin-2026' } });
  assert.equal(l.status, 303);
  return c;
}

const reads = () => Number(sql("SELECT count(*) FROM audit_records WHERE action = 'data.read' AND object_type = 'booking.booking'"));

test('a read whose audit record fails is answered 503 without the page, and shown once the trail takes records again', async () => {
  const c = await taro();
  const ok = await c.get('/mypage/facilities');
  assert.equal(ok.status, 200);
  assert.match(ok.text_, /id="mine-h"/);            // the bookings' section of the page
  const before = reads();
  assert.ok(before >= 1, 'the read was recorded');

  refuseReads();
  try {
    const r = await c.get('/mypage/facilities');
    assert.equal(r.status, 503);
    assert.doesNotMatch(r.text_, /id="mine-h"/, 'nothing of the page');
    assert.match(r.text_, /[ぁ-んァ-ン一-龠]/, 'a Japanese message');
    assert.match(r.text_, /lang="en"/, 'and an English one');
    assert.equal(reads(), before, 'no record, and no page');
    // a page with no read of personal data is not affected
    assert.equal((await c.get('/facilities')).status, 200);
  } finally {
    acceptReads();
  }
  const again = await c.get('/mypage/facilities');
  assert.equal(again.status, 200);
  assert.match(again.text_, /id="mine-h"/);
  assert.equal(reads(), before + 1);
});
