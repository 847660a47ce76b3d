// registry_link.test.mjs -- issue 14 item 2: a resident links their account
// to the registry with a one-time code that staff issue (audited search and
// issue, code shown once, wrong codes throttled, a used code refused), and
// the household's children and contact details are prefilled with their
// source next to each field.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
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
  // a letter: queued, with the registered address
  const letter = await issue('P0008', 'letter');
  assert.match(main(letter.text_), /139-998\d/);
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
