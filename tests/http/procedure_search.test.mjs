// procedure_search.test.mjs -- residents find procedures with the Japanese
// full-text search (src/core/search, collection "procedure", filled by
// `madoguchi procedure load`): one kanji finds its procedure, a word that
// is only in a description or a field label finds it too (a title match
// could not), English and やさしい日本語 titles work, matches are marked,
// and ranking puts the title match first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli } from './lib.mjs';

const ids = (html) => [...html.matchAll(/<li><a href="\/procedures\/([a-z0-9-]+)"/g)].map((m) => m[1]);

test('procedure search through the full-text index', async () => {
  const srv = await startServer({ setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']) });
  try {
    const c = new Client(srv.base);
    const q = async (s) => (await c.get('/procedures?q=' + encodeURIComponent(s))).text_;

    const dog = await q('犬');
    assert.equal(ids(dog)[0], 'inu-touroku', 'one kanji, the title match first');
    assert.match(dog, /<mark>犬<\/mark>/);

    // only in the description of 犬の登録: 狂犬病予防注射
    const rabies = await q('狂犬病');
    assert.ok(ids(rabies).includes('inu-touroku'));
    assert.ok(!ids(rabies).includes('gan-kenshin'));

    // only in a field label of 国民健康保険の加入・脱退 and others: 個人番号
    const mynumber = ids(await q('個人番号'));
    assert.ok(mynumber.length >= 3, `several procedures ask for the My Number: ${mynumber}`);
    assert.ok(!mynumber.includes('gairotou-koshou'), 'a streetlight report does not');

    assert.ok(ids(await q('dog')).includes('inu-touroku'), 'English title');
    assert.ok(ids(await q('保育')).includes('hoikusho-riyou'), 'two characters');
    assert.ok(ids(await q('保育 利用')).includes('hoikusho-riyou'), 'two words, AND');
    assert.deepEqual(ids(await q('存在しない手続のことば')), [], 'nothing found');
    assert.match(await q('存在しない手続のことば'), /class="procedure-list"><\/ul>/);

    // a second load changes nothing and the search still answers once
    cli(['procedure', 'load', '--db', srv.db, '--tenant', '139998', 'data/procedures']);
    assert.equal(ids(await q('犬')).filter((x) => x === 'inu-touroku').length, 1);
  } finally {
    await srv.stop();
  }
});
