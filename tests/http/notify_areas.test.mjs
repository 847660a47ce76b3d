// notify_areas.test.mjs -- the areas (地区) of disaster alerts (issue 20,
// item 7: "disaster alerts for their area"), from the browser's side of
// the server: staff with notify.send keep the list at /staff/notify/areas
// (add, rename, remove; every refusal answered on the page with what was
// typed, nothing stored), a resident chooses one of them on My page (an
// area the ward does not have is refused), an area someone subscribes to
// cannot be removed, and the changes are audited.  Many areas come from a
// CSV file (UTF-8 or CP932, all or none, a refusal names its line) and the
// list goes out as one.  Residents' addresses
// are confirmed through a real SMTP conversation (tests/smtp_sink.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { startServer, DEMO, DEMO_USERS, loginWithTotp, startSmtpSink, Client, BIN, ROOT, multipartBody, confirmedResident } from './lib.mjs';

const cli = (args) => spawnSync(BIN, args, { cwd: ROOT, encoding: 'utf8' });
let sink, srv, dir, admin, resident;

// the rows of the areas table: [code, name, English name, subscribers]
async function rows() {
  const p = await admin.get('/staff/notify/areas');
  assert.equal(p.status, 200);
  return [...p.text_.matchAll(/<tr><td><code>([a-z0-9_]+)<\/code><\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>(\d+)<\/td>/g)]
    .map((m) => [m[1], m[2], m[3], Number(m[4])]);
}

// the options of My page's area select
async function myAreas(c) {
  const p = await c.get('/mypage/notifications');
  const sel = p.text_.match(/<select[^>]*name="area"[^>]*>([\s\S]*?)<\/select>/);
  return sel ? [...sel[1].matchAll(/<option value="([a-z0-9_]+)"[^>]*>([^<]*)</g)].map((m) => [m[1], m[2]]) : null;
}

before(async () => {
  sink = await startSmtpSink();
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-areas-'));
  srv = await startServer({
    db: process.env.MADOGUCHI_HTTP_DB || undefined, dir,
    extraArgs: ['--smtp-url', sink.url, '--mail-from', 'noreply@demo-ku.example.jp', '--smtp-starttls', 'none'],
  });
  admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin, {});
  resident = await confirmedResident(srv.base, sink, 'chiku.taro@example.jp', 'Chiku-Bosai-2026');
});

after(async () => {
  await srv?.stop();
  await sink?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the demo ward has four areas; staff add one and rename it; refusals keep what was typed', async () => {
  assert.deepEqual(await rows(), [['chuo', '中央地区', 'Central', 0], ['kita', '北地区', 'North', 0],
    ['minami', '南地区', 'South', 0], ['higashi', '東地区', 'East', 0]]);
  const csrf = Client.csrf((await admin.get('/staff/notify/areas')).text_);
  const add = await admin.post('/staff/notify/areas', { form: { csrf, code: 'nishi', name_ja: '西地区', name_en: '' } });
  assert.equal(add.status, 303);
  assert.equal(add.headers.get('location'), '/staff/notify/areas?done=saved');
  assert.match((await admin.get('/staff/notify/areas?done=saved')).text_, /id="areas-notice">地区を保存しました/);
  assert.deepEqual((await rows()).at(-1), ['nishi', '西地区', '—', 0]);
  // the same code renames it, in place
  assert.equal((await admin.post('/staff/notify/areas',
    { form: { csrf, code: 'nishi', name_ja: '西部地区', name_en: 'West' } })).status, 303);
  assert.deepEqual((await rows()).at(-1), ['nishi', '西部地区', 'West', 0]);
  for (const [form, field, message] of [
    [{ code: 'Nishi Ku', name_ja: '西' }, 'code', /地区のコードを、半角の英小文字/],
    [{ code: '', name_ja: '西' }, 'code', /地区のコードを、半角の英小文字/],
    [{ code: 'a'.repeat(33), name_ja: '西' }, 'code', /地区のコードを、半角の英小文字/],
    [{ code: 'kouen', name_ja: '' }, 'name_ja', /地区の名前を、改行なしで40文字まで/],
    [{ code: 'kouen', name_ja: 'あ'.repeat(41) }, 'name_ja', /地区の名前を、改行なしで40文字まで/],
    [{ code: 'kouen', name_ja: '公園地区', name_en: 'P'.repeat(121) }, 'name_en', /英語の名前は/],
  ]) {
    const r = await admin.post('/staff/notify/areas', { form: { csrf, ...form } });
    assert.equal(r.status, 400, JSON.stringify(form));
    assert.match(r.text_, message);
    assert.match(r.text_, new RegExp(`href="#f-${field}"`));   // the summary links the field
    if (form.name_ja) assert.match(r.text_, new RegExp(`value="${form.name_ja}"`));   // kept
  }
  assert.equal((await rows()).length, 5);
  // without notify.send: refused
  const viewer = new Client(srv.base);
  await loginWithTotp(viewer, ...DEMO_USERS.viewer, {});
  assert.equal((await viewer.get('/staff/notify/areas')).status, 403);
  assert.equal((await viewer.post('/staff/notify/areas',
    { form: { csrf: Client.csrf((await viewer.get('/staff')).text_), code: 'x', name_ja: 'x' } })).status, 403);
  assert.equal((await rows()).length, 5);
});

test('a resident chooses an area from the list; an area with a subscriber is not removed, then is', async () => {
  assert.deepEqual((await myAreas(resident)).map((a) => a[0]), ['chuo', 'kita', 'minami', 'higashi', 'nishi']);
  let csrf = Client.csrf((await resident.get('/mypage/notifications')).text_);
  // an area the ward does not have: refused, nothing saved
  const bad = await resident.post('/mypage/notifications', { form: { csrf, disaster: '1', area: 'tokyo' } });
  assert.equal(bad.status, 400);
  assert.match(bad.text_, /災害のお知らせを受け取る地区を、一覧から選んでください/);
  assert.equal((await resident.post('/mypage/notifications', { form: { csrf, disaster: '1', area: 'nishi' } })).status, 303);
  assert.match((await resident.get('/mypage/notifications')).text_, /<option value="nishi" selected>西部地区</);
  assert.deepEqual((await rows()).at(-1), ['nishi', '西部地区', 'West', 1]);
  // staff cannot remove it now: the page says how many, nothing changes
  const page = await admin.get('/staff/notify/areas');
  assert.doesNotMatch(page.text_, /action="\/staff\/notify\/areas\/nishi\/remove"/);
  const staffCsrf = Client.csrf(page.text_);
  const refused = await admin.post('/staff/notify/areas/nishi/remove', { form: { csrf: staffCsrf } });
  assert.equal(refused.status, 409);
  assert.match(refused.text_, /この地区は 1 人が受け取っているため削除できません/);
  assert.equal((await rows()).length, 5);
  // the resident moves to 中央地区: nishi can go
  csrf = Client.csrf((await resident.get('/mypage/notifications')).text_);
  assert.equal((await resident.post('/mypage/notifications', { form: { csrf, disaster: '1', area: 'chuo' } })).status, 303);
  assert.match((await admin.get('/staff/notify/areas')).text_, /action="\/staff\/notify\/areas\/nishi\/remove"/);
  const gone = await admin.post('/staff/notify/areas/nishi/remove', { form: { csrf: staffCsrf } });
  assert.equal(gone.status, 303);
  assert.equal(gone.headers.get('location'), '/staff/notify/areas?done=removed');
  assert.deepEqual((await rows()).map((a) => a[0]), ['chuo', 'kita', 'minami', 'higashi']);
  assert.deepEqual((await myAreas(resident)).map((a) => a[0]), ['chuo', 'kita', 'minami', 'higashi']);
  assert.equal((await admin.post('/staff/notify/areas/nishi/remove', { form: { csrf: staffCsrf } })).status, 404);
  // audited: each change, with the area's code
  const audit = cli(['audit', 'query', '--db', srv.db, '--object', 'notify.area', '--json']);
  assert.equal(audit.status, 0, audit.stderr);
  const lines = audit.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(lines.filter((l) => l.object_id === 'nishi' && l.result === 'ok').length >= 3);   // add, rename, remove
  assert.ok(lines.some((l) => l.object_id === 'nishi' && l.result === 'denied'));            // the refused removal
});

test('many areas from a CSV file (UTF-8 with BOM, CP932), all or none; the list as CSV', async () => {
  const page = await admin.get('/staff/notify/areas');
  const csrf = Client.csrf(page.text_);
  assert.match(page.text_, /enctype="multipart\/form-data"/);
  const upload = (data, name = 'areas.csv') => admin.req('POST', '/staff/notify/areas/import',
    multipartBody({ csrf }, { name: 'file', filename: name, type: 'text/csv', data }));
  // a refusal: its line and why, and nothing of the file saved
  const before = await rows();
  let r = await upload(Buffer.from('code,name_ja,name_en\r\nhigashi,東部地区,East\r\nBad Code,西\r\n'));
  assert.equal(r.status, 422);
  assert.match(r.text_, /3行目: 地区のコードは、半角の英小文字・数字・_ で32文字までです。 何も登録していません。/);
  assert.match(r.text_, /href="#f-file"/);
  assert.deepEqual(await rows(), before);   // 東地区 not renamed
  r = await upload(Buffer.from('code,name_ja\r\n'));
  assert.equal(r.status, 422);
  assert.match(r.text_, /地区が1行もありません/);
  r = await admin.req('POST', '/staff/notify/areas/import', multipartBody({ csrf }));
  assert.equal(r.status, 422);
  assert.match(r.text_, /CSVファイルを選んでください/);
  // UTF-8 with BOM: one renamed, two added
  r = await upload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from('code,name_ja,name_en\r\nhigashi,東部地区,East\r\nhinode1,日之出町1丁目,Hinode 1\r\n"hinode2","日之出町2丁目"\r\n')]));
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/staff/notify/areas?done=imported&added=2&renamed=1');
  assert.match((await admin.get(r.headers.get('location'))).text_, /CSVファイルを読み込みました：追加 2、名前の変更 1。/);
  // CP932 (Excel's CSV), converted by iconv here as a ward's PC would write it
  const sjis = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'CP932'], { input: 'コード,地区名\r\nsakuragi1,桜木坂1丁目\r\n' });
  r = await upload(sjis);
  assert.equal(r.status, 303);
  const after = await rows();
  assert.deepEqual(after.slice(-3).map((a) => [a[0], a[1]]),
    [['hinode1', '日之出町1丁目'], ['hinode2', '日之出町2丁目'], ['sakuragi1', '桜木坂1丁目']]);
  assert.deepEqual(after.find((a) => a[0] === 'higashi'), ['higashi', '東部地区', 'East', 0]);
  // residents choose among them at once
  assert.ok((await myAreas(resident)).some(([code, name]) => code === 'sakuragi1' && name === '桜木坂1丁目'));
  // the list as CSV: UTF-8 with BOM, the header import reads, every area
  const csv = await admin.get('/staff/notify/areas.csv');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /^text\/csv/);
  assert.match(csv.headers.get('content-disposition'), /attachment; filename="areas.csv"/);
  assert.ok(csv.text_.startsWith('\ufeffcode,name_ja,name_en\r\n'));
  assert.match(csv.text_, /\r\nhinode1,日之出町1丁目,Hinode 1\r\n/);
  assert.equal(csv.text_.trim().split('\r\n').length, after.length + 1);
  // and read back unchanged: every line a rename
  r = await upload(Buffer.from(csv.text_.replace(/^\ufeff/, ''), 'utf8'));
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/staff/notify/areas?done=imported&added=0&renamed=${after.length}`);
  assert.deepEqual(await rows(), after);
  // the viewer may not
  const viewer = new Client(srv.base);
  await loginWithTotp(viewer, ...DEMO_USERS.viewer, {});
  assert.equal((await viewer.get('/staff/notify/areas.csv')).status, 403);
});
