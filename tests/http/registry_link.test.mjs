// registry_link.test.mjs -- issue 14 item 2: a resident links their account
// to the registry with a one-time code that staff issue (audited search and
// issue, code shown once, wrong codes throttled, a used code refused), and
// the household's children and contact details are prefilled with their
// source next to each field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, cli, DEMO, DEMO_USERS, loginWithTotp, registerAndLogin } from './lib.mjs';

let srv, staff;
before(async () => {
  srv = await startServer({
    setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', DEMO, 'data/procedures']),
  });
  staff = new Client(srv.base);
  await loginWithTotp(staff, ...DEMO_USERS.staff);
});
after(async () => { if (srv) await srv.stop(); });

const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const audit = () => cli(['audit', 'query', '--db', srv.db, '--tenant', DEMO, '--limit', '1000', '--json']);

async function issue(person, delivery = 'counter') {
  const page = await staff.get('/staff/registry?q=' + encodeURIComponent(person));
  assert.equal(page.status, 200);
  const r = await staff.post('/staff/registry/code', { form: { csrf: Client.csrf(page.text_), person, delivery } });
  assert.equal(r.status, 200);
  return r;
}
const codeOf = (r) => r.text_.match(/id="link-code"[^>]*><code>([A-Z2-9-]+)<\/code>/)[1];

async function redeem(c, code) {
  const page = await c.get('/mypage/registry');
  return c.post('/mypage/registry', { form: { csrf: Client.csrf(page.text_), code } });
}

test('staff find a person (audited) and issue a code shown once; a viewer may not', async () => {
  const found = await staff.get('/staff/registry?q=' + encodeURIComponent('わかば'));
  assert.equal(found.status, 200);
  assert.match(main(found.text_), /P0010/);
  assert.match(main(found.text_), /若葉 健/);
  assert.doesNotMatch(main(found.text_), /日之出/);
  const r = await issue('P0010');
  const code = codeOf(r);
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.match(r.headers.get('cache-control'), /no-store/);
  const log = audit();
  assert.match(log, /registry\.code\.issue/);
  assert.match(log, /registry\.person[^\n]*search|search[^\n]*registry\.person/);
  assert.ok(!log.includes(code) && !log.includes(code.replace(/-/g, '')), 'the code is never in the audit trail');
  // a member without personal.read/write is refused
  const viewer = new Client(srv.base);
  await loginWithTotp(viewer, ...DEMO_USERS.viewer);
  assert.equal((await viewer.get('/staff/registry?q=x')).status, 403);
  // a letter: the answer is the letter itself (a PDF), audited
  const letter = await issue('P0008', 'letter');
  assert.equal(letter.headers.get('content-type'), 'application/pdf');
  assert.match(audit(), /registry\.code\.letter/);
});

test('a resident links with the code; the code is single use; children are prefilled with their source', async () => {
  const code = codeOf(await issue('P0010'));
  const ken = await registerAndLogin(srv.base, 'wakaba-ken@example.jp', 'Wakaba-Kumin-2026-x');
  const before = await ken.get('/mypage/registry');
  assert.match(main(before.text_), /まだ住民情報と連携していません/);
  // the code with lowercase letters and without hyphens is the same code
  const ok = await redeem(ken, code.replace(/-/g, '').toLowerCase());
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/mypage/registry?linked=1');
  const after = main((await ken.get('/mypage/registry?linked=1')).text_);
  assert.match(after, /住民情報と連携しました/);
  assert.match(after, /若葉 大翔/);
  assert.match(after, /若葉 結衣/);
  assert.match(audit(), /registry\.link/);
  // used: another account cannot use it again
  const other = await registerAndLogin(srv.base, 'someone-else@example.jp', 'Tsubame-Kaeru-2026-q');
  const used = await redeem(other, code);
  assert.equal(used.status, 200);
  assert.match(main(used.text_), /有効期限が切れているか、すでに使われています/);
  assert.match(main(used.text_), /aria-invalid="true"/);

  // the children in the child allowance (group, oldest first) with their source
  const start = async (proc) => {
    const ov = await ken.get(`/procedures/${proc}`);
    const r = await ken.post(`/procedures/${proc}/start`, { form: { csrf: Client.csrf(ov.text_) } });
    assert.equal(r.status, 303, proc);
    return r.headers.get('location');
  };
  const draft = await start('jidou-teate-nintei');
  const id = draft.match(/\/drafts\/(\d+)/)[1];
  let allPages = '';
  for (let n = 0; n < 6; n++) {
    const pg = await ken.get(`/drafts/${id}/page/${n}`);
    if (pg.status !== 200) break;
    allPages += main(pg.text_);
  }
  assert.match(allPages, /value="大翔"/);
  assert.match(allPages, /value="結衣"/);
  assert.ok(allPages.indexOf('value="大翔"') < allPages.indexOf('value="結衣"'), 'in order of birth');
  assert.match(allPages, /住民基本台帳より（世帯の情報・変更できます）/);
  // the nursery: the youngest child
  const d2 = await start('hoikusho-riyou');
  const id2 = d2.match(/\/drafts\/(\d+)/)[1];
  let nursery = '';
  for (let n = 0; n < 6; n++) {
    const pg = await ken.get(`/drafts/${id2}/page/${n}`);
    if (pg.status !== 200) break;
    nursery += main(pg.text_);
  }
  assert.match(nursery, /value="結衣"/);
  assert.match(nursery, /value="2017-12-01"|2017/);
  // the e-mail from the account, with its source
  assert.match(nursery, /value="wakaba-ken@example.jp"/);
  assert.match(nursery, /アカウントの登録内容より/);
});

test('wrong codes are throttled', async () => {
  const c = await registerAndLogin(srv.base, 'guesser@example.jp', 'Hotaru-Mori-2026-z');
  for (let i = 0; i < 5; i++) {
    const r = await redeem(c, 'AAAA-BBBB-CCCC');
    assert.equal(r.status, 200);
    assert.match(main(r.text_), /連携コードが正しくありません/);
  }
  // the sixth try is refused before the code is looked at, even a good one
  const good = codeOf(await issue('P0015'));
  const r = await redeem(c, good);
  assert.equal(r.status, 429);
  assert.match(main(r.text_), /入力の回数が多すぎます/);
  assert.match(main((await c.get('/mypage/registry')).text_), /まだ住民情報と連携していません/);
});

test('madoguchi registry code: the operator issues a code, audited, that links once', async () => {
  const out = cli(['registry', 'code', '--db', srv.db, '--tenant', DEMO, '--person', 'P0005']);
  const [person, code] = out.trim().split('\t');
  assert.equal(person, 'P0005');
  assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  assert.match(audit(), /registry\.code\.issue/);
  assert.ok(!audit().includes(code));
  const c = await registerAndLogin(srv.base, 'momiji-ichiro@example.jp', 'Kawasemi-Ike-2026-p');
  assert.equal((await redeem(c, code)).status, 303);
  assert.match(main((await c.get('/mypage/registry')).text_), /紅葉 一郎/);
  // an unknown person: refused, exit 1
  assert.throws(() => cli(['registry', 'code', '--db', srv.db, '--tenant', DEMO, '--person', 'P9999']));
});

// the letter: POST by letter answers with the PDF (its bytes, not text)
async function letterPdf(person) {
  const page = await staff.get('/staff/registry?q=' + encodeURIComponent(person));
  assert.match(page.text_, /id="reg-letter-hint"/, 'the page says what 郵送する does');
  const body = new URLSearchParams({ csrf: Client.csrf(page.text_), person, delivery: 'letter' }).toString();
  const r = await fetch(srv.base + '/staff/registry/code', { method: 'POST', redirect: 'manual',
    headers: { cookie: staff.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' }, body });
  return { r, bytes: Buffer.from(await r.arrayBuffer()) };
}
function pdfText(bytes) {
  const p = join(srv.dir, `letter-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(p, bytes);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', p, '-'], { encoding: 'utf8' });
}
const codeIn = (text) => text.match(/\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b/)[1];

test('by letter: a PDF for a window envelope with the code, which links the account once; nothing serves it again', async () => {
  const rec = JSON.parse(cli(['registry', 'show', '--db', srv.db, '--tenant', DEMO, '--person', 'P0008']));
  const { r, bytes } = await letterPdf('P0008');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="registry-letter-P0008\.pdf"$/);
  assert.match(r.headers.get('cache-control'), /no-store/);
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const text = pdfText(bytes);
  if (process.env.LETTER_OUT) writeFileSync(process.env.LETTER_OUT, bytes);
  assert.equal(text.split('\f').length - 1, 1, 'one page: ' + text.split('\f')[1]);
  const flat = text.replace(/\n/g, '');
  // the window: 〒 and the registered address and name, first on the page
  const postal = rec.address.postal_code;
  assert.ok(text.indexOf(`〒${postal}`) >= 0 && text.indexOf(`〒${postal}`) < 20, 'the address block opens the letter');
  assert.match(text, new RegExp(`${rec.name.family}\\s*${rec.name.given || ''}\\s*様`));
  assert.match(text, new RegExp(rec.address.street.slice(0, 4)));
  // the ward, how to use it, the expiry in 和暦 (JST), the phone warning
  assert.match(flat, /デモ区 区民課/);
  assert.match(flat, /住民情報と連携/);
  assert.match(text, /\/mypage\/registry/);
  assert.match(flat, /有効期限：令和\d+年\d+月\d+日（\d{4}-\d\d-\d\d）\d\d:\d\d まで/);
  const exp = text.match(/（(\d{4})-(\d\d)-(\d\d)）(\d\d):(\d\d) まで/);
  const shown = Date.UTC(+exp[1], +exp[2] - 1, +exp[3], +exp[4], +exp[5]) - 9 * 3600e3;
  assert.ok(Math.abs(shown - (Date.now() + 14 * 86400e3)) < 3 * 60e3, 'expires 14 days from now, in JST');
  assert.match(flat, /電話・メール・訪問でこのコードをお尋ねすることは決してありません/);
  assert.match(flat, /never asks for this code by phone/);
  const code = codeIn(text);
  // printed and audited, never the code
  const log = audit();
  assert.match(log, /registry\.letter\.pdf/);
  assert.ok(!log.includes(code) && !log.includes(code.replace(/-/g, '')));
  assert.ok(!srv.log().includes(code), 'not in the log');
  // the code in the letter links the account at /mypage/registry
  const res = await registerAndLogin(srv.base, 'letter-reader@example.jp', 'Sazanka-Michi-2026-k');
  const ok = await redeem(res, code);
  assert.equal(ok.status, 303);
  assert.match(main((await res.get('/mypage/registry')).text_), /住民基本台帳と連携しています/);
  // once: the same code again is refused
  const other = await registerAndLogin(srv.base, 'letter-other@example.jp', 'Sazanka-Michi-2026-m');
  assert.match(main((await redeem(other, code)).text_), /すでに使われています/);
  // nothing keeps the letter: no page or link serves it again (the answer
  // was the only copy), and a second letter carries a new code
  const issued = await staff.get('/staff/registry?q=P0008');
  assert.ok(!issued.text_.includes(code));
  assert.equal((await staff.get('/staff/registry/code')).status === 200, false);
  const again = pdfText((await letterPdf('P0008')).bytes);
  assert.notEqual(codeIn(again), code, 'each letter its own code');
});

test('a newer letter withdraws the earlier letter\'s code', async () => {
  const first = codeIn(pdfText((await letterPdf('P0016')).bytes));
  const second = codeIn(pdfText((await letterPdf('P0016')).bytes));
  const c = await registerAndLogin(srv.base, 'two-letters@example.jp', 'Kikyou-Hana-2026-r');
  assert.match(main((await redeem(c, first)).text_), /有効期限が切れているか/);
  assert.equal((await redeem(c, second)).status, 303);
});
