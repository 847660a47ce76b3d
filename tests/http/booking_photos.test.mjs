// booking_photos.test.mjs -- facility photos (src/svc/booking/photo.c,
// web/page_staff_photos.c, web/page_photos.c) over HTTP, on the real server
// with the demo ward (demo-kumin holds booking.master):
//   - a JPEG with EXIF GPS and orientation 6 (tests/data/image/) uploaded
//     with its two texts: listed on the staff page; the facility's page
//     shows it (img with the text of the page's language as alt, width and
//     height, loading=lazy); the bytes served as image/jpeg, cached for a
//     day, upright (48 x 96), with no "Exif" left; the table holds no
//     byte of the upload's metadata;
//   - a PNG too, served as image/png;
//   - refused with the reason at the field, in Japanese and in English: a
//     GIF named .jpg, a file over the bytes limit, a PNG header claiming
//     30,000 x 30,000 px, a truncated JPEG, a missing English text;
//   - the photo's path takes digits only (no traversal), another facility's
//     path does not find it;
//   - removed: gone from both pages, its bytes 404;
//   - every upload and removal audited; a member without booking.master
//     gets 403.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { deflateSync, crc32 } from 'node:zlib';
import { startServer, Client, DEMO_USERS, loginWithTotp, multipartBody } from './lib.mjs';

let srv, k;
const KUMIN = ['demo-kumin', 'Kusunoki-Kumin-2026'];
const FAC = 'hinode-kaikan';
const JPEG = readFileSync(new URL('../data/image/gps-orient6.jpg', import.meta.url));

before(async () => {
  srv = await startServer({});
  k = new Client(srv.base);
  const r = await loginWithTotp(k, ...KUMIN);
  assert.ok([200, 303].includes(r.status), `demo-kumin logs in: ${r.status}`);
});
after(async () => { if (srv) await srv.stop(); });

const sql = (q) => execFileSync('sqlite3', [srv.db.replace(/^sqlite:/, ''), q], { encoding: 'utf8' }).trim();
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const audits = (result) => Number(sql(`SELECT count(*) FROM audit_records WHERE action = 'data.write' AND object_type = 'booking.photo' AND result = '${result}'`));
const raw = async (path, headers = {}) => {
  const r = await fetch(srv.base + path, { headers });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
};

async function upload(file, texts = { alt_ja: '第1集会室。長机と椅子', alt_en: 'Meeting room 1: long tables and chairs' }, c = k) {
  const page = await c.get(`/staff/facilities/${FAC}/photos`);
  assert.equal(page.status, 200);
  const mp = multipartBody({ csrf: Client.csrf(page.text_), ...texts }, { name: 'photo', ...file });
  return c.req('POST', `/staff/facilities/${FAC}/photos`, mp);
}

// a PNG of the given header and pixels (RGB rows, filter 0); a header
// over a million pixels gets 64 short rows only (a bomb: never decoded)
function png(w, h, pixel = () => [40, 120, 200]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0); ihdr.writeUInt32BE(h, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = [];
  const bomb = w * h > 1e6;
  for (let y = 0; y < (bomb ? 64 : h); y++) {
    rows.push(0);
    for (let x = 0; x < (bomb ? 64 : w); x++) rows.push(...pixel(x, y));
  }
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))), chunk('IEND', Buffer.alloc(0))]);
}

let id;

test('a JPEG with GPS and orientation: stored upright without its metadata, shown with its text', async () => {
  assert.ok(JPEG.includes(Buffer.from('Exif')), 'the fixture carries EXIF');
  const ok0 = audits('ok');
  const r = await upload({ filename: 'room1.jpg', type: 'image/jpeg', data: JPEG });
  assert.equal(r.status, 303, r.text_.slice(0, 600));
  assert.equal(r.headers.get('location'), `/staff/facilities/${FAC}/photos?done=added`);
  assert.equal(audits('ok'), ok0 + 1, 'the upload is audited');
  id = sql(`SELECT max(id) FROM booking_photos WHERE facility = '${FAC}'`);
  assert.match(id, /^\d+$/);
  assert.equal(sql(`SELECT width || 'x' || height || ' ' || mime FROM booking_photos WHERE id = ${id}`), '48x96 image/jpeg');
  // no byte of the upload's metadata in either copy
  assert.equal(sql(`SELECT instr(large, CAST('Exif' AS BLOB)) + instr(small, CAST('Exif' AS BLOB)) + instr(large, CAST('madoguchi test' AS BLOB)) FROM booking_photos WHERE id = ${id}`), '0');

  const staff = await k.get(`/staff/facilities/${FAC}/photos?done=added`);
  assert.match(main(staff.text_), /写真を追加しました/);
  assert.match(main(staff.text_), new RegExp(`data-photo="${id}"`));

  // the facility's page, in Japanese then in English
  const pub = new Client(srv.base);
  const ja = await pub.get(`/facilities/${FAC}`);
  assert.equal(ja.status, 200);
  const img = main(ja.text_).match(new RegExp(`<img src="/facilities/${FAC}/photos/${id}\\?size=s"[^>]*>`));
  assert.ok(img, 'the photo is on the facility page');
  assert.match(img[0], /alt="第1集会室。長机と椅子"/);
  assert.match(img[0], /width="48" height="96"/);
  assert.match(img[0], /loading="lazy"/);
  assert.match(img[0], new RegExp(`srcset="/facilities/${FAC}/photos/${id}\\?size=s 48w, /facilities/${FAC}/photos/${id} 48w"`));
  pub.jar.set('mg_lang', 'en');
  const en = await pub.get(`/facilities/${FAC}`);
  assert.match(main(en.text_), /alt="Meeting room 1: long tables and chairs"/);

  // the bytes: a JPEG, upright, cached for a day, no EXIF
  for (const q of ['', '?size=s']) {
    const b = await raw(`/facilities/${FAC}/photos/${id}${q}`);
    assert.equal(b.status, 200);
    assert.equal(b.headers.get('content-type'), 'image/jpeg');
    // a day in shared caches: a photo removed leaves them soon
    assert.equal(b.headers.get('cache-control'), 'public, max-age=86400');
    assert.equal(b.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual([...b.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff]);
    assert.ok(!b.bytes.includes(Buffer.from('Exif')), 'no EXIF served');
    // the frame header: height 96, width 48 (turned by the orientation)
    const sof = b.bytes.indexOf(Buffer.from([0xff, 0xc0]));
    assert.ok(sof > 0);
    assert.equal(b.bytes.readUInt16BE(sof + 5), 96);
    assert.equal(b.bytes.readUInt16BE(sof + 7), 48);
  }
});

test('a PNG: stored and served as image/png', async () => {
  const r = await upload({ filename: 'hall.png', type: 'image/png', data: png(300, 120) },
    { alt_ja: 'ホールの舞台', alt_en: 'The hall\'s stage' });
  assert.equal(r.status, 303, r.text_.slice(0, 600));
  const pid = sql(`SELECT max(id) FROM booking_photos WHERE facility = '${FAC}'`);
  assert.notEqual(pid, id);
  const b = await raw(`/facilities/${FAC}/photos/${pid}`);
  assert.equal(b.status, 200);
  assert.equal(b.headers.get('content-type'), 'image/png');
  assert.equal(b.bytes.readUInt32BE(16), 300);
  const s = await raw(`/facilities/${FAC}/photos/${pid}?size=s`);
  assert.equal(s.bytes.readUInt32BE(16), 300, 'smaller than the small edge: kept');
});

test('refused with the reason at the field, in Japanese and English', async () => {
  const failed0 = audits('failed');
  const n0 = sql(`SELECT count(*) FROM booking_photos`);
  // a GIF named .jpg and sent as image/jpeg: known by its bytes
  const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;', 'latin1');
  let r = await upload({ filename: 'room.jpg', type: 'image/jpeg', data: gif });
  assert.equal(r.status, 415);
  assert.match(main(r.text_), /JPEG または PNG の写真を選んでください/);
  assert.match(main(r.text_), /id="f-photo"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="f-photo"/);
  assert.match(main(r.text_), /value="第1集会室。長机と椅子"/, 'the texts typed are kept');
  const en = new Client(srv.base);
  en.jar = new Map(k.jar);
  en.jar.set('mg_lang', 'en');
  r = await upload({ filename: 'room.jpg', type: 'image/jpeg', data: gif }, undefined, en);
  assert.equal(r.status, 415);
  assert.match(main(r.text_), /Choose a JPEG or PNG photo/);
  // over the bytes limit (15 MB)
  const big = Buffer.alloc(16 << 20, 0x20);
  JPEG.copy(big, 0, 0, 64);
  r = await upload({ filename: 'big.jpg', type: 'image/jpeg', data: big });
  assert.equal(r.status, 413);
  assert.match(main(r.text_), /写真が大きすぎます/);
  r = await upload({ filename: 'big.jpg', type: 'image/jpeg', data: big }, undefined, en);
  assert.match(main(r.text_), /The photo is too large/);
  // a few hundred bytes claiming 30,000 x 30,000 pixels: refused from its header
  r = await upload({ filename: 'bomb.png', type: 'image/png', data: png(30000, 30000) });
  assert.equal(r.status, 413);
  assert.match(main(r.text_), /写真が大きすぎます/);
  // cut short
  r = await upload({ filename: 'cut.jpg', type: 'image/jpeg', data: JPEG.subarray(0, Math.floor(JPEG.length * 3 / 4)) });
  assert.equal(r.status, 422);
  assert.match(main(r.text_), /写真を読み取れません/);
  // the English text missing (the alternative text is required)
  r = await upload({ filename: 'room1.jpg', type: 'image/jpeg', data: JPEG }, { alt_ja: '会議室', alt_en: ' ' });
  assert.equal(r.status, 422);
  assert.match(main(r.text_), /写真の説明を英語で入力してください/);
  // no file
  r = await upload({ filename: '', type: 'application/octet-stream', data: Buffer.alloc(0) });
  assert.equal(r.status, 422);
  assert.match(main(r.text_), /写真のファイルを選んでください/);
  assert.equal(sql(`SELECT count(*) FROM booking_photos`), n0, 'nothing stored');
  assert.equal(audits('failed'), failed0 + 6, 'each refused image is audited (not the form\'s own errors)');
});

test('the path: digits only, the facility\'s own photos only', async () => {
  for (const p of [`/facilities/${FAC}/photos/..%2F..%2Fetc%2Fpasswd`, `/facilities/${FAC}/photos/${id}%2F..`,
    `/facilities/${FAC}/photos/-1`, `/facilities/${FAC}/photos/${id}?size=x`]) {
    const r = await raw(p);
    assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
    assert.doesNotMatch(r.bytes.toString(), /root:/);
  }
  const other = sql(`SELECT code FROM booking_facilities WHERE code <> '${FAC}' LIMIT 1`);
  assert.ok(other);
  assert.equal((await raw(`/facilities/${other}/photos/${id}`)).status, 404);
  assert.equal((await raw(`/facilities/${FAC}/photos/999999`)).status, 404);
});

test('removed: gone from both pages, its bytes 404', async () => {
  const page = await k.get(`/staff/facilities/${FAC}/photos`);
  const ok0 = audits('ok');
  const r = await k.post(`/staff/facilities/${FAC}/photos/${id}/remove`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/staff/facilities/${FAC}/photos?done=removed`);
  assert.equal(audits('ok'), ok0 + 1);
  assert.doesNotMatch(main((await k.get(`/staff/facilities/${FAC}/photos`)).text_), new RegExp(`data-photo="${id}"`));
  assert.doesNotMatch((await new Client(srv.base).get(`/facilities/${FAC}`)).text_, new RegExp(`/photos/${id}\\?`));
  assert.equal((await raw(`/facilities/${FAC}/photos/${id}`)).status, 404);
  // again: not found
  const again = await k.post(`/staff/facilities/${FAC}/photos/${id}/remove`, { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(again.status, 404);
});

test('only booking.master uploads and removes', async () => {
  const anon = new Client(srv.base);
  const r = await anon.get(`/staff/facilities/${FAC}/photos`);
  assert.ok([302, 303, 401].includes(r.status), `anonymous: ${r.status}`);
  const s = new Client(srv.base);
  const l = await loginWithTotp(s, ...DEMO_USERS.staff);
  assert.ok([200, 303].includes(l.status));
  assert.equal((await s.get(`/staff/facilities/${FAC}/photos`)).status, 403);
  const csrf = Client.csrf((await s.get('/account')).text_);
  const mp = multipartBody({ csrf, alt_ja: 'x', alt_en: 'x' }, { name: 'photo', filename: 'a.jpg', type: 'image/jpeg', data: JPEG });
  assert.equal((await s.req('POST', `/staff/facilities/${FAC}/photos`, mp)).status, 403);
  const pid = sql(`SELECT max(id) FROM booking_photos WHERE facility = '${FAC}'`);
  assert.equal((await s.post(`/staff/facilities/${FAC}/photos/${pid}/remove`, { form: { csrf } })).status, 403);
  assert.equal(sql(`SELECT count(*) FROM booking_photos WHERE id = ${pid}`), '1');
});
