// waste.test.mjs -- the bulky-waste chatbot (src/svc/waste/web) over HTTP,
// on the real server with the demo ward's item master (data/waste/items.csv):
//   - a sentence with several items: each answer names the words read and
//     the item; accepted ones join the list with fee x count; the total is
//     the master's fees, computed by the server;
//   - a size that decides the fee is asked (the variants with their fees);
//     the resident's choice joins the list, the earlier list kept;
//   - a refused item is explained with its reason and guidance and no fee;
//     it never joins the list, even when asked for by id;
//   - a list the server did not make (an unknown id, a refused item, a
//     count out of range) is refused with 400; removing an entry;
//   - nothing found: a hint, no error;
//   - the JSON API gives the same answers, with the total;
//   - English and やさしい日本語 pages; the home page's tile links here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client } from './lib.mjs';

let srv, c;

before(async () => {
  srv = await startServer({});
  c = new Client(srv.base);
});
after(async () => { if (srv) await srv.stop(); });

const page = (params) => c.get('/waste?' + new URLSearchParams(params).toString());
const main = (html) => html.match(/<main[\s\S]*<\/main>/)[0];
const listOf = (html) => [...main(html).matchAll(/<tr data-item="([a-z0-9_]+)"><td lang="ja">[^<]*<\/td><td>(\d+)<\/td><td>([\d,]+)円<\/td>/g)]
  .map((m) => ({ id: m[1], count: Number(m[2]), fee: Number(m[3].replace(/,/g, '')) }));
const total = (html) => {
  const m = main(html).match(/手数料の合計：([\d,]+)円/);
  return m ? Number(m[1].replace(/,/g, '')) : null;
};
const hiddenList = (html) => main(html).match(/<form method="get" action="\/waste" class="form waste-form"><input type="hidden" name="list" value="([^"]*)">/)[1];

test('two size questions in one text: answering one keeps the other open', async () => {
  const r = await page({ q: '本棚とソファ2つ' });
  const forms = [...main(r.text_).matchAll(/<form method="get" action="\/waste" class="waste-answer waste-ask">([\s\S]*?)<\/form>/g)].map((m) => m[1]);
  assert.equal(forms.length, 2);
  const fields = (f) => Object.fromEntries([...f.matchAll(/<input type="hidden" name="([a-z]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]));
  const first = fields(forms[0]);
  assert.equal(first.q, 'ソファ2つ');
  const after = await page({ ...first, pick: 'bookshelf_h_le_100' });
  assert.equal(after.status, 200);
  assert.deepEqual(listOf(after.text_).map((e) => e.id), ['bookshelf_h_le_100']);
  const still = [...main(after.text_).matchAll(/class="waste-answer waste-ask"/g)];
  assert.equal(still.length, 1);
  assert.match(main(after.text_), /「ソファ」は大きさで手数料が変わります/);
  const second = fields(main(after.text_).match(/class="waste-answer waste-ask">([\s\S]*?)<\/form>/)[1]);
  assert.equal(second.n, '2');
  const done = await page({ ...second, pick: 'sofa_3seat_plus' });
  assert.equal(done.status, 200);
  assert.deepEqual(listOf(done.text_).map((e) => [e.id, e.count]), [['bookshelf_h_le_100', 1], ['sofa_3seat_plus', 2]]);
  assert.doesNotMatch(main(done.text_), /waste-ask/);
});

test('a sentence with several items: each read, the accepted ones listed with fee x count', async () => {
  const r = await page({ q: '3人掛けのソファと椅子2脚、それからテレビ' });
  assert.equal(r.status, 200);
  const m = main(r.text_);
  assert.match(m, /「ソファ」を「ソファ（3人掛け以上）」として読みました。/);
  assert.match(m, /「椅子」を「椅子」として読みました。/);
  assert.match(m, /手数料 400円 × 2点 = 800円/);
  assert.deepEqual(listOf(r.text_), [
    { id: 'sofa_3seat_plus', count: 1, fee: 2000 },
    { id: 'chair', count: 2, fee: 800 },
  ]);
  assert.equal(total(r.text_), 2800);
  // the refused one: reason and guidance, no fee in its block
  const not = m.match(/<div class="waste-answer waste-not">([\s\S]*?)<\/div>/)[1];
  assert.match(not, /「テレビ」（テレビ）は粗大ごみとして出せません。/);
  assert.match(not, /家電リサイクル/);
  assert.doesNotMatch(not, /円/);
});

test('a size question: the variants with fees; the choice joins the list kept so far', async () => {
  const first = await page({ q: '椅子' });
  const kept = hiddenList(first.text_);
  assert.equal(kept, 'chair*1');
  const r = await page({ q: '本棚を捨てたい', list: kept });
  const m = main(r.text_);
  assert.match(m, /<legend class="legend">「本棚」は大きさで手数料が変わります。高さはどれに当たりますか。<\/legend>/);
  const choices = [...m.matchAll(/<input type="radio" id="[^"]+" name="pick" value="([a-z0-9_]+)"><label[^>]*>([^<]*)<\/label>/g)].map((x) => [x[1], x[2]]);
  assert.deepEqual(choices, [['bookshelf_h_le_100', '本棚（高さ100cm以下）：600円'], ['bookshelf_h_gt_100', '本棚（高さ100cm超）：1,200円']]);
  assert.deepEqual(listOf(r.text_).map((e) => e.id), ['chair'], 'asked, not yet listed');
  const picked = await page({ list: 'chair*1', n: '1', pick: 'bookshelf_h_gt_100' });
  assert.deepEqual(listOf(picked.text_), [{ id: 'chair', count: 1, fee: 400 }, { id: 'bookshelf_h_gt_100', count: 1, fee: 1200 }]);
  assert.equal(total(picked.text_), 1600);
  // the same item again adds to its count
  const again = await page({ q: '椅子を3脚', list: 'chair*1' });
  assert.deepEqual(listOf(again.text_), [{ id: 'chair', count: 4, fee: 1600 }]);
});

test('a size the text gives decides without a question; a refused variant is explained, never listed', async () => {
  const r = await page({ q: '高さ180cmの本棚' });
  assert.doesNotMatch(main(r.text_), /name="pick"/);
  assert.deepEqual(listOf(r.text_).map((e) => e.id), ['bookshelf_h_gt_100']);
  const small = await page({ pick: 'speaker_le_30' });
  assert.equal(small.status, 200);
  assert.match(main(small.text_), /粗大ごみとして出せません/);
  assert.deepEqual(listOf(small.text_), []);
});

test('a list the server did not make is refused; removing an entry', async () => {
  for (const list of ['tv*1', 'nosuch*1', 'chair*0', 'chair*100', 'chair', 'chair*1,,', 'chair*1x'])
    assert.equal((await page({ list })).status, 400, list);
  assert.equal((await page({ pick: 'nosuch' })).status, 400);
  assert.equal((await page({ list: 'chair*1', drop: '5' })).status, 400);
  assert.equal((await page({ list: 'CHAIR*1' })).status, 400);
  const r = await page({ list: 'chair*2,futon*1', drop: '0' });
  assert.deepEqual(listOf(r.text_).map((e) => e.id), ['futon']);
  // the link that removes an entry carries the rest
  const two = await page({ list: 'chair*2,futon*1' });
  assert.match(main(two.text_), /<a href="\/waste\?list=futon\*1">取り消す/);
});

test('nothing found: a hint, not an error; a text over the limit is refused', async () => {
  const r = await page({ q: 'こんにちは' });
  assert.equal(r.status, 200);
  assert.match(main(r.text_), /品目が見つかりませんでした。/);
  assert.equal((await page({ q: 'あ'.repeat(200) })).status, 400);
});

test('the JSON API answers the same', async () => {
  const r = await c.get('/api/v1/waste/match?q=' + encodeURIComponent('ソファー、椅子2脚、冷蔵庫'));
  assert.equal(r.status, 200);
  const j = JSON.parse(r.text_);
  assert.deepEqual(j.answers.map((a) => a.kind), ['ask', 'item', 'not_accepted']);
  assert.equal(j.answers[0].ask_size, 'seats');
  assert.deepEqual(j.answers[0].choices.map((x) => x.id), ['sofa_1seat', 'sofa_2seat', 'sofa_3seat_plus']);
  assert.equal(j.answers[1].item.id, 'chair');
  assert.equal(j.answers[1].count, 2);
  assert.equal(j.answers[1].fee_yen, 800);
  assert.equal(j.answers[2].reason, 'kaden_recycle');
  assert.equal(j.answers[2].fee_yen, undefined);
  assert.equal(j.total_fee_yen, 800);
  assert.equal((await c.get('/api/v1/waste/match')).status, 400);
});

test('English and やさしい日本語; the home page links here', async () => {
  const en = new Client(srv.base);
  await en.get('/lang?to=en&next=/waste');
  const r = await en.get('/waste?q=' + encodeURIComponent('椅子2脚'));
  assert.match(main(r.text_), /<h1>Bulky waste: items and fees<\/h1>/);
  assert.match(main(r.text_), /Total fee: 800 yen/);
  const easy = new Client(srv.base);
  await easy.get('/lang?to=ja-easy&next=/waste');
  assert.match(main((await easy.get('/waste')).text_), /おおきな ごみ/);
  const home = await new Client(srv.base).get('/');
  assert.match(home.text_, /<a href="\/waste"[^>]*>/);
});
