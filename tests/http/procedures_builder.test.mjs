// procedures_builder.test.mjs -- the procedure builder over real HTTP
// (page_builder.c): a new procedure made from forms (no JSON), pages and
// fields added, edited, moved and deleted (after a confirmation), a
// condition from the pickers, refusals shown next to their control in
// Japanese and in English, the review: the submitter cannot approve
// (refused and audited), a member without procedures.manage cannot reach
// it, a member with procedures.manage but not procedures.approve cannot
// approve or send back (403, no button), a second member with
// procedures.approve approves and that publishes version 1; the diff in
// words; unpublish hides the procedure from residents' list.  The preview
// (POST .../builder/preview): the unsaved change shown, nothing saved, a
// refusal shown instead of a preview; English and やさしい日本語 texts
// edited in the builder and the preview in that language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_USERS, passwordLogin, loginWithTotp, cli } from './lib.mjs';

const PW = 'Kuchinashi-Hana-2026';
const LANG_COOKIE = 'mg_lang';   // APP_LANG_COOKIE (src/web/app.h)
let srv, admin, second, third;

before(async () => {
  srv = await startServer();
  admin = new Client(srv.base);
  assert.ok((await loginWithTotp(admin, ...DEMO_USERS.admin)).status < 400);
  // the approver: the demo ward's role with procedures.approve (cli_setup.c)
  cli(['user', 'add', '--db', srv.db, '--tenant', '139998', '--login', 'builder-2', '--name', 'テスト 承認者',
    '--role', 'admin', '--role', 'tetsuzuki-shounin', '--password-stdin'], { input: `${PW}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  second = new Client(srv.base);
  assert.ok((await loginWithTotp(second, 'builder-2', PW)).status < 400);
  // procedures.manage (admin in the demo) but not procedures.approve
  cli(['user', 'add', '--db', srv.db, '--tenant', '139998', '--login', 'builder-3', '--name', 'テスト 作成者',
    '--role', 'admin', '--password-stdin'], { input: `${PW}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
  third = new Client(srv.base);
  assert.ok((await loginWithTotp(third, 'builder-3', PW)).status < 400);
});

after(async () => { await srv.stop(); });

const B = '/staff/procedures/kyoka-test/builder';

async function edit(c, form) {
  const page = await c.get(B);
  assert.equal(page.status, 200);
  return c.post(B, { form: { csrf: Client.csrf(page.text_), ...form } });
}

function audit() {
  return cli(['audit', 'query', '--db', srv.db, '--json']).trim().split('\n').filter(Boolean)
    .map((l) => JSON.parse(l));
}

test('build a procedure from forms: pages, fields, condition, move, delete', async () => {
  const np = await admin.get('/staff/procedures/new');
  assert.equal(np.status, 200);
  // refused: a bad code, with the message next to the control
  let r = await admin.post('/staff/procedures/create', { form: { csrf: Client.csrf(np.text_), code: 'Bad Code',
    label_ja: '試験', label_en: 'Test', department: 'kuminka' } });
  assert.equal(r.status, 422);
  assert.match(r.text_, /手続コードは英小文字で始め/);
  assert.match(r.text_, /href="#new-code"/);
  r = await admin.post('/staff/procedures/create', { form: { csrf: Client.csrf(np.text_), code: 'kyoka-test',
    label_ja: '許可の試験', label_en: 'Permit test', department: 'kuminka' } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), B);

  // field A (text) and field B (text) on the first page
  r = await edit(admin, { op: 'add_field', page: 'page_1', type: 'text', id: 'pet_name', label_ja: 'ペットの名前', label_en: 'Pet name', required: '1' });
  assert.equal(r.status, 303);
  r = await edit(admin, { op: 'add_field', page: 'page_1', type: 'text', id: 'pet_breed', label_ja: '品種', label_en: 'Breed' });
  assert.equal(r.status, 303);
  // the id is taken: refused, in Japanese, at the id control
  r = await edit(admin, { op: 'add_field', page: 'page_1', type: 'text', id: 'pet_name', label_ja: 'x', label_en: 'x' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /その記号はこの手続ですでに使われています/);
  assert.match(r.text_, /id="fm-add_field-page_1-id"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="fm-add_field-page_1-id"/);
  // the same refusal in English
  const en = new Client(srv.base);
  en.jar = new Map(admin.jar);
  en.jar.set(LANG_COOKIE, 'en');
  const enPage = await en.get(B);
  assert.match(enPage.text_, /<html lang="en"/);
  r = await en.post(B, { form: { csrf: Client.csrf(enPage.text_), op: 'add_field', page: 'page_1', type: 'text',
    id: 'pet_name', label_ja: 'x', label_en: 'x' } });
  assert.equal(r.status, 422);
  assert.match(r.text_, /That code is already used in this procedure/);
  assert.doesNotMatch(r.text_, /その記号はこの手続ですでに使われています/);

  // the condition: pet_breed only when pet_name has a value; a later field is refused
  r = await edit(admin, { op: 'condition', field: 'pet_name', cond_field: 'pet_breed', cond_op: 'filled' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /この項目より前に回答する項目だけ/);
  r = await edit(admin, { op: 'condition', field: 'pet_breed', cond_field: 'pet_name', cond_op: 'filled' });
  assert.equal(r.status, 303);
  let page = await admin.get(B);
  assert.match(page.text_, /表示の条件: 「ペットの名前」 が入力されている/);
  // the preview renders the draft with the resident's renderer
  assert.match(page.text_, /class="phone-frame"[\s\S]*ペットの名前/);

  // edit a label and a hint; half a hint is refused
  r = await edit(admin, { op: 'field', field: 'pet_breed', label_ja: '犬種', label_en: 'Breed', hint_ja: '説明' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /説明は日本語と英語の両方/);
  r = await edit(admin, { op: 'field', field: 'pet_breed', label_ja: '犬種', label_en: 'Breed', hint_ja: '例: 柴', hint_en: 'e.g. Shiba' });
  assert.equal(r.status, 303);

  // a choice field with options; then move it up and delete it after a confirmation
  r = await edit(admin, { op: 'add_field', page: 'page_1', type: 'radio', id: 'kind', label_ja: '種類', label_en: 'Kind',
    options: 'dog: 犬 / Dog\ncat: 猫 / Cat' });
  assert.equal(r.status, 303);
  r = await edit(admin, { op: 'move_up', field: 'kind' });
  assert.equal(r.status, 303);
  page = await admin.get(B);
  const order = [...page.text_.matchAll(/<li class="builder-field" id="bf-([a-z_]+)"/g)].map((m) => m[1]);
  assert.deepEqual(order, ['pet_name', 'kind', 'pet_breed']);
  r = await edit(admin, { op: 'delete', field: 'kind' });
  assert.equal(r.status, 200, 'a confirmation first');
  assert.match(r.text_, /削除します。よろしいですか/);
  page = await admin.get(B);
  assert.match(page.text_, /id="bf-kind"/, 'not deleted before the confirmation');
  r = await edit(admin, { op: 'delete', field: 'kind', confirm: '1' });
  assert.equal(r.status, 303);
  page = await admin.get(B);
  assert.doesNotMatch(page.text_, /id="bf-kind"/);

  // a second page
  r = await edit(admin, { op: 'add_page', label_ja: '確認', label_en: 'Confirmation' });
  assert.equal(r.status, 303);
  page = await admin.get(B);
  assert.match(page.text_, /ページ 2: 確認/);

  // every change audited
  const edits = audit().filter((a) => a.action === 'procedure.draft.edit' && a.object_id === 'kyoka-test');
  assert.ok(edits.filter((a) => a.result === 'ok').length >= 7, 'successful edits audited');
  assert.ok(edits.some((a) => a.result === 'failed'), 'refused edits audited');
});

test('preview: the unsaved change is shown and nothing is saved; a refusal is shown, not a preview', async () => {
  const edits = () => audit().filter((a) => a.action === 'procedure.draft.edit' && a.object_id === 'kyoka-test').length;
  const before = edits();
  let page = await admin.get(B);
  const frame = (t) => (t.match(/<div class="phone-frame"[\s\S]*?<p class="phone-note">/) || [''])[0];
  assert.match(frame(page.text_), /ペットの名前/);
  // the 「プレビュー」 button posts the same form to .../builder/preview
  assert.match(page.text_, /formaction="\/staff\/procedures\/kyoka-test\/builder\/preview"/);
  let r = await admin.post(`${B}/preview`, { form: { csrf: Client.csrf(page.text_), op: 'field', field: 'pet_name',
    label_ja: '飼っている動物の名前', label_en: 'Pet name', required: '1' } });
  assert.equal(r.status, 200);
  assert.match(frame(r.text_), /飼っている動物の名前/);
  assert.doesNotMatch(frame(r.text_), /ペットの名前/);
  assert.match(r.text_, /この変更はまだ保存していません/);
  assert.match(r.text_, /<h4>ペットの名前 /, 'the editor still says what is saved');
  assert.match(r.text_, /value="飼っている動物の名前"/, 'the form keeps what was typed, to be saved');
  // nothing saved, nothing audited
  page = await admin.get(B);
  assert.doesNotMatch(page.text_, /飼っている動物の名前/);
  assert.equal(edits(), before);
  // a change forms_edit refuses: the refusal at its control; the preview is the saved draft
  r = await admin.post(`${B}/preview`, { form: { csrf: Client.csrf(page.text_), op: 'field', field: 'pet_name',
    label_ja: '名前', label_en: 'Name', hint_ja: '日本語だけ' } });
  assert.equal(r.status, 422);
  assert.match(r.text_, /説明は日本語と英語の両方/);
  assert.match(frame(r.text_), /ペットの名前/);
  assert.equal(edits(), before);
  // a preview needs the token like any POST
  r = await admin.post(`${B}/preview`, { form: { op: 'field', field: 'pet_name', label_ja: 'x', label_en: 'x' } });
  assert.ok(r.status === 403 || r.status === 400, String(r.status));
});

test('English and やさしい日本語 texts edited in the builder; the preview in each language', async () => {
  let page = await admin.get(B);
  assert.match(page.text_, /name="label_easy"/);
  assert.match(page.text_, /name="hint_easy"/);
  let r = await edit(admin, { op: 'field', field: 'pet_name', label_ja: 'ペットの名前', label_en: 'Name of the pet',
    label_easy: 'ペットの なまえ', hint_ja: '呼び名', hint_en: 'What you call it', hint_easy: 'よんでいる なまえ', required: '1' });
  assert.equal(r.status, 303);
  r = await edit(admin, { op: 'page_title', page: 'page_1', label_ja: '申請の内容', label_en: 'About the pet', label_easy: 'もうしこみ の ないよう' });
  assert.equal(r.status, 303);
  const frame = (t) => (t.match(/<div class="phone-frame"[\s\S]*?<p class="phone-note">/) || [''])[0];
  page = await admin.get(`${B}?plang=ja-easy`);
  assert.equal(page.status, 200);
  assert.match(frame(page.text_), /ペットの なまえ/);
  assert.match(frame(page.text_), /よんでいる なまえ/);
  assert.match(frame(page.text_), /もうしこみ の ないよう/);
  page = await admin.get(`${B}?plang=en`);
  assert.match(frame(page.text_), /^<div class="phone-frame" id="phone-frame" lang="en"/);
  assert.match(frame(page.text_), /Name of the pet/);
  assert.match(frame(page.text_), /About the pet/);
  assert.doesNotMatch(frame(page.text_), /ペットの名前/);
  assert.equal((await admin.get(`${B}?plang=fr`)).status, 400);
  // an unsaved English label, previewed in English
  r = await admin.post(`${B}/preview`, { form: { csrf: Client.csrf(page.text_), op: 'field', field: 'pet_name', plang: 'en',
    label_ja: 'ペットの名前', label_en: 'Pet called', label_easy: 'ペットの なまえ', required: '1' } });
  assert.equal(r.status, 200);
  assert.match(frame(r.text_), /Pet called/);
  // saved: in the draft's JSON, the ja-easy texts
  const json = await admin.get('/staff/procedures/kyoka-test/edit');
  assert.match(json.text_, /ペットの なまえ/);
  page = await admin.get(B);
  assert.doesNotMatch(page.text_, /Pet called/);
});

test('page routes from pickers: added, refused with the reason at its control, deleted', async () => {
  let page = await admin.get(B);
  assert.match(page.text_, /順路はありません。ページは順番に進みます。/);
  assert.match(page.text_, /<select[^>]*name="go"[\s\S]*?<option value="end">最後（申請内容の確認）へ/);
  // a field on the second page, to be read too late
  let r = await edit(admin, { op: 'add_field', page: 'page_2', type: 'text', id: 'memo', label_ja: '備考', label_en: 'Notes' });
  assert.equal(r.status, 303);
  // to its own page: a loop
  r = await edit(admin, { op: 'add_route', page: 'page_1', go: 'page_1' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /ページの分岐が循環します/);
  assert.match(r.text_, /id="fm-add_route-x-go"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="fm-add_route-x-go"/);
  // a condition on an answer given after the page: refused by the schema check
  r = await edit(admin, { op: 'add_route', page: 'page_1', go: 'end', cond_field: 'memo', cond_op: 'filled' });
  assert.equal(r.status, 422);
  assert.match(r.text_, /この項目より前に回答する項目だけ/);
  // after page 1, when the breed is 柴, straight to the end
  r = await edit(admin, { op: 'add_route', page: 'page_1', go: 'end', cond_field: 'pet_breed', cond_op: 'eq', cond_value: '柴' });
  assert.equal(r.status, 303);
  assert.match(r.headers.get('location'), /#b-routes$/);
  page = await admin.get(B);
  assert.match(page.text_, /ページ 1: 申請の内容 → 最後（申請内容の確認）へ <span class="builder-route-when">\(条件: 「犬種」 が次と等しい 「柴」\)/);
  const json = await admin.get('/staff/procedures/kyoka-test/edit');
  assert.match(json.text_, /&quot;routes&quot;|"routes"/);
  // and deleted again
  r = await edit(admin, { op: 'delete_route', route: '0' });
  assert.equal(r.status, 303);
  page = await admin.get(B);
  assert.match(page.text_, /順路はありません/);
  r = await edit(admin, { op: 'delete_route', route: '5' });
  assert.equal(r.status, 422);
  assert.equal((await edit(admin, { op: 'add_route', page: 'page_1', go: 'Bad Id' })).status, 400);
});

test('review: self-approval refused, approval is its own permission, a second member approves; diff; unpublish', async () => {
  // the approver submits this time: the four-eyes rule (core/forms) refuses them
  let page = await second.get(B);
  let r = await second.post('/staff/procedures/kyoka-test/review', { form: { csrf: Client.csrf(page.text_), step: 'submit' } });
  assert.equal(r.status, 303);
  // locked while in review
  page = await second.get(B);
  assert.match(page.text_, /確認中の下書きは編集できません/);
  assert.match(page.text_, /確認を依頼した本人は承認できません/);
  r = await second.post(B, { form: { csrf: Client.csrf(page.text_), op: 'add_page', label_ja: 'x', label_en: 'x' } });
  assert.equal(r.status, 409);
  // the submitter cannot approve, even by posting the step
  r = await second.post('/staff/procedures/kyoka-test/approve', { form: { csrf: Client.csrf(page.text_), step: 'approve' } });
  assert.equal(r.status, 403);
  assert.match(r.text_, /確認を依頼した本人は承認できません/);
  assert.ok(audit().some((a) => a.action === 'procedure.review.approve' && a.result === 'denied'));
  // procedures.manage without procedures.approve: no button, and the route refuses
  for (const c of [admin, third]) {
    page = await c.get(B);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text_, /承認して公開する/);
    assert.doesNotMatch(page.text_, /action="\/staff\/procedures\/kyoka-test\/approve"/);
    assert.match(page.text_, /「手続の承認」の権限（procedures\.approve）が必要です/);
    r = await c.post('/staff/procedures/kyoka-test/approve', { form: { csrf: Client.csrf(page.text_), step: 'approve' } });
    assert.equal(r.status, 403);
    assert.doesNotMatch(r.text_, /新しい版を公開しました/);
    r = await c.post('/staff/procedures/kyoka-test/approve', { form: { csrf: Client.csrf(page.text_), step: 'return', comment: '戻します' } });
    assert.equal(r.status, 403);
    // the old way round is closed too: /review only submits
    r = await c.post('/staff/procedures/kyoka-test/review', { form: { csrf: Client.csrf(page.text_), step: 'approve' } });
    assert.equal(r.status, 400);
  }
  assert.equal((await new Client(srv.base).get('/procedures/kyoka-test')).status, 404, 'nothing published');
  page = await second.get(B);
  assert.match(page.text_, /確認待ち/, 'still in review');
  // without procedures.manage: refused by the route
  const viewer = new Client(srv.base);
  assert.equal((await passwordLogin(viewer, ...DEMO_USERS.viewer)).status, 303);
  const vcsrf = Client.csrf((await viewer.get('/account')).text_);
  r = await viewer.post('/staff/procedures/kyoka-test/approve', { form: { csrf: vcsrf, step: 'approve' } });
  assert.equal(r.status, 403);
  assert.equal((await viewer.get(B)).status, 403);
  // the role picker knows the new permission, with its description
  const roles = await admin.get('/staff/roles');
  assert.equal(roles.status, 200);
  assert.match(roles.text_, /<option value="procedures\.approve">[^<]*手続の承認（確認を依頼された下書き/);
  // sent back with a comment (a comment is needed)
  page = await second.get(B);
  r = await second.post('/staff/procedures/kyoka-test/approve', { form: { csrf: Client.csrf(page.text_), step: 'return', comment: '' } });
  assert.equal(r.status, 422);
  assert.match(r.text_, /差し戻しの理由を入力してください/);
  r = await second.post('/staff/procedures/kyoka-test/approve', { form: { csrf: Client.csrf(page.text_), step: 'return', comment: '英語の題名を見直してください' } });
  assert.equal(r.status, 303);
  page = await admin.get(B);
  assert.match(page.text_, /英語の題名を見直してください/);
  r = await admin.post('/staff/procedures/kyoka-test/review', { form: { csrf: Client.csrf(page.text_), step: 'submit' } });
  assert.equal(r.status, 303);
  // the second member approves: version 1 is published
  page = await second.get(B);
  assert.match(page.text_, /承認して公開する/);
  r = await second.post('/staff/procedures/kyoka-test/approve', { form: { csrf: Client.csrf(page.text_), step: 'approve' } });
  assert.equal(r.status, 200);
  assert.match(r.text_, /新しい版を公開しました/);
  assert.match(r.text_, /href="\/staff\/procedures\/kyoka-test\/versions\/1"/);
  const actions = audit().map((a) => a.action);
  for (const a of ['procedure.review.submit', 'procedure.review.return', 'procedure.review.approve', 'procedure.publish'])
    assert.ok(actions.includes(a), a);
  // residents see it
  const list = await new Client(srv.base).get('/procedures/kyoka-test');
  assert.equal(list.status, 200);
  assert.match(list.text_, /許可の試験/);

  // a change: a new draft, its diff against v1 in words
  r = await edit(admin, { op: 'field', field: 'pet_breed', label_ja: '犬の種類', label_en: 'Breed', hint_ja: '例: 柴', hint_en: 'e.g. Shiba' });
  assert.equal(r.status, 303);
  r = await edit(admin, { op: 'add_field', page: 'page_1', type: 'date', id: 'got_on', label_ja: '飼い始めた日', label_en: 'Since' });
  assert.equal(r.status, 303);
  const diff = await admin.get('/staff/procedures/kyoka-test/diff');
  assert.equal(diff.status, 200);
  assert.match(diff.text_, /追加<\/strong>: 項目 <code>got_on<\/code>/);
  assert.match(diff.text_, /変更<\/strong>: 項目 <code>pet_breed<\/code> \(ページ <code>page_1<\/code>\) — 項目名/);
  assert.doesNotMatch(diff.text_, /<code>pet_name<\/code>/, 'unchanged fields are not listed');

  // unpublish: gone from the residents' list, audited
  page = await admin.get(B);
  r = await admin.post('/staff/procedures/kyoka-test/unpublish', { form: { csrf: Client.csrf(page.text_) } });
  assert.equal(r.status, 200);
  assert.match(r.text_, /公開を停止しました/);
  assert.equal((await new Client(srv.base).get('/procedures/kyoka-test')).status, 404);
  assert.doesNotMatch((await new Client(srv.base).get('/procedures')).text_, /kyoka-test/);
  assert.ok(audit().some((a) => a.action === 'procedure.unpublish' && a.object_id === 'kyoka-test'));
  const staffList = await admin.get('/staff/procedures');
  assert.match(staffList.text_, /kyoka-test[\s\S]*公開停止中/);
});

test('the department is picked from the ward\'s list; approving a procedure whose department nobody reads is refused, saying why', async () => {
  const np = await admin.get('/staff/procedures/new');
  assert.match(np.text_, /<select[^>]*id="new-department"/);
  assert.match(np.text_, /<option value="kokuho-nenkin">[^<]*国保/);
  // a department kept in the list, but no role owns its inbox
  cli(['department', 'add', '--db', srv.db, '--tenant', '139998', '--code', 'mitei-ka', '--name-ja', '未定課']);
  const np2 = await admin.get('/staff/procedures/new');
  assert.match(np2.text_, /<option value="mitei-ka">/);
  let r = await admin.post('/staff/procedures/create', { form: { csrf: Client.csrf(np2.text_), code: 'nobody-test',
    label_ja: '誰にも届かない試験', label_en: 'Reaches nobody', department: 'mitei-ka' } });
  assert.equal(r.status, 303);
  const NB = '/staff/procedures/nobody-test/builder';
  let page = await admin.get(NB);
  r = await admin.post(NB, { form: { csrf: Client.csrf(page.text_), op: 'add_field', page: 'page_1', type: 'text', id: 'x',
    label_ja: '内容', label_en: 'What' } });
  assert.equal(r.status, 303);
  r = await admin.post('/staff/procedures/nobody-test/review', { form: { csrf: Client.csrf(page.text_), step: 'submit' } });
  assert.equal(r.status, 303);
  page = await second.get(NB);
  r = await second.post('/staff/procedures/nobody-test/approve', { form: { csrf: Client.csrf(page.text_), step: 'approve' } });
  assert.equal(r.status, 409);
  assert.match(r.text_, /担当課「mitei-ka」の申請を読める職員がいない/);
  assert.equal((await new Client(srv.base).get('/procedures/nobody-test')).status, 404, 'nothing published');
  assert.ok(audit().some((a) => a.action === 'procedure.review.approve' && a.object_id === 'nobody-test' && a.result === 'denied'));
});
