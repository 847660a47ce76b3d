// lifeevent_check.test.mjs -- issue 14, item 4, over HTTP with the demo
// ward:
//   - a question the interview page's own choice brings up is in the page,
//     hidden, for the script to reveal in place; without the script (its
//     id not in "_shown") the server asks it after "next", as before; with
//     the script (its id in "_shown") it is checked at once like any
//     question shown (an unanswered one is an error, not a notice);
//   - 「変更」 on a draft's check page comes back to the check page once the
//     change is saved, instead of walking through the later pages again
//     (a change that needs more answers goes on to them first, still on
//     the way back: page_apply.c); a page opened otherwise goes on to the
//     next page as before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, cli } from './lib.mjs';

let srv;
before(async () => {
  srv = await startServer({ setup: ({ db }) => cli(['procedure', 'load', '--db', db, '--tenant', '139998', 'data/procedures']) });
});
after(async () => { await srv.stop(); });

const SAKURA = ['demo-sakura@example.jp', 'Minato-Kumin-2026'];
const shownOf = (html) => html.match(/name="_shown" value="([^"]*)"/)[1].split(' ');
const state = (html) => html.match(/name="_state" value="([^"]*)"/)[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&');

function jstDate(n = 0) {
  return new Date(Date.now() + 9 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);
}

test('a follow-up question: hidden in the page, asked after "next" without the script', async () => {
  const c = new Client(srv.base);
  const p0 = await c.get('/life-events/move_in');
  assert.equal(p0.status, 200);
  assert.match(p0.text_, /<link rel="stylesheet" href="\/assets\/apply\.css">/, 'the procedure forms\' styles');
  assert.match(p0.text_, /<fieldset class="fieldset"/);
  for (const id of ['wants_nursery', 'wants_school_aid']) {
    const block = p0.text_.match(new RegExp(`<div class="reveal" id="reveal-${id}" hidden data-reveal-by="f\\.with_children" data-reveal-values="yes" data-reveal-id="${id}">([\\s\\S]*?)</fieldset></div></div>`));
    assert.ok(block, `${id} is written hidden`);
    assert.match(block[1], new RegExp(`name="f\\.${id}" value="yes"`));
  }
  // questions not brought up by a choice of this page are not written
  assert.doesNotMatch(p0.text_, /name="f\.applicant_phone"/);
  const shown = shownOf(p0.text_);
  assert.deepEqual(shown, ['with_children', 'health_insurance', 'has_dog', 'parks_bicycle']);

  const answers = { _page: '0', _state: '{}', 'f.with_children': 'yes', 'f.health_insurance': 'employee',
    'f.has_dog': 'no', 'f.parks_bicycle': 'no' };
  // no script: "_shown" as written; the questions come after "next"
  const nojs = await c.post('/life-events/move_in', { form: { ...answers, _shown: shown.join(' ') } });
  assert.equal(nojs.status, 200);
  assert.match(nojs.text_, /質問が追加されました/);
  assert.doesNotMatch(nojs.text_, /class="error-summary"/);
  assert.doesNotMatch(nojs.text_, /id="reveal-wants_nursery"/, 'now shown, not hidden');
  assert.ok(shownOf(nojs.text_).includes('wants_nursery'));
  // the script revealed them (their ids added to "_shown") and they were
  // left unanswered: errors at once
  const js = await c.post('/life-events/move_in', { form: { ...answers,
    _shown: [...shown, 'wants_nursery', 'wants_school_aid'].join(' ') } });
  assert.equal(js.status, 400);
  assert.match(js.text_, /href="#f-wants_nursery/);
  // answered in place: on to the next page in one step
  const ok = await c.post('/life-events/move_in', { form: { ...answers, 'f.wants_nursery': 'yes', 'f.wants_school_aid': 'no',
    _shown: [...shown, 'wants_nursery', 'wants_school_aid'].join(' ') } });
  assert.equal(ok.status, 200);
  assert.match(ok.text_, /name="f\.applicant_phone"/);
  const st = JSON.parse(state(ok.text_));
  assert.equal(st.wants_nursery, true);
  // "no" children: a revealed answer sent anyway is dropped by the server
  const no = await c.post('/life-events/move_in', { form: { ...answers, 'f.with_children': 'no', 'f.wants_nursery': 'yes',
    _shown: shown.join(' ') } });
  assert.equal(no.status, 200);
  assert.equal(JSON.parse(state(no.text_)).wants_nursery, undefined);
});

test('「変更」 on the check page comes back to the check page', async () => {
  const a = new Client(srv.base);
  const form = await a.get('/resident/login');
  const pre = form.text_.match(/name="pre" value="([^"]+)"/)[1];
  assert.equal((await a.post('/resident/login', { form: { pre, email: SAKURA[0], password: SAKURA[1] } })).status, 303);
  // the birth interview, then a bundle with 新生児訪問
  const p1 = await a.post('/life-events/birth', { form: { _page: '0', _state: '{}', _shown: 'child_name child_birth wants_nursery',
    'f.child_name.family': '港', 'f.child_name.given': 'みらい', 'f.child_name.family_kana': 'ミナト',
    'f.child_name.given_kana': 'ミライ', 'f.child_birth': jstDate(-5), 'f.wants_nursery': 'no' } });
  const result = await a.post('/life-events/birth', { form: { _page: '1', _state: state(p1.text_), _shown: 'applicant_phone applicant_email',
    'f.applicant_phone': '03-5555-0101', 'f.applicant_email': 'sakura@example.jp' } });
  assert.equal(result.status, 200);
  assert.match(result.text_, /<link rel="stylesheet" href="\/assets\/apply\.css">/);
  const start = await a.req('POST', '/life-events/birth/start', {
    body: new URLSearchParams([['csrf', Client.csrf(result.text_)], ['_state', state(result.text_)],
      ['procedure', 'shinseiji-houmon']]).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(start.status, 303);
  const b = await a.get(start.headers.get('location'));
  const id = b.text_.match(/href="\/drafts\/(\d+)\/page\/\d+"/)[1];
  const v0 = await a.get(`/drafts/${id}/page/0`);
  const csrf = Client.csrf(v0.text_);
  const page0 = { csrf, _shown: 'baby_name baby_birth birth_weight weeks',
    'f.baby_name.family': '港', 'f.baby_name.given': 'みらい', 'f.baby_name.family_kana': 'ミナト',
    'f.baby_name.given_kana': 'ミライ', 'f.baby_birth': jstDate(-5), 'f.birth_weight': '3100', 'f.weeks': '39', _action: 'next' };
  let r = await a.post(`/drafts/${id}/page/0`, { form: page0 });
  assert.equal(r.headers.get('location'), `/drafts/${id}/page/1`, 'the first time: on to the next page');
  r = await a.post(`/drafts/${id}/page/1`, { form: { csrf, _shown: 'mother_name visit_address phone wish_period',
    'f.mother_name.family': '港', 'f.mother_name.family_kana': 'ミナト',
    'f.visit_address.postal_code': '1668570', 'f.visit_address.pref': '東京都', 'f.visit_address.city': 'デモ区',
    'f.visit_address.street': '１－２－３', 'f.phone': '03-5555-0101', 'f.wish_period': 'asap', _action: 'next' } });
  assert.equal(r.headers.get('location'), `/drafts/${id}/confirm`);

  // the check page's 「変更」 for the first page
  const check = await a.get(`/drafts/${id}/confirm`);
  assert.equal(check.status, 200);
  const change = check.text_.match(new RegExp(`href="(/drafts/${id}/page/0\\?from=check)">変更`));
  assert.ok(change, '変更 says where it came from');
  const edit = await a.get(change[1]);
  assert.equal(edit.status, 200);
  assert.match(edit.text_, new RegExp(`<form method="post" action="/drafts/${id}/page/0\\?from=check"`));
  // the change saved: straight back to the check page, showing it
  r = await a.post(change[1], { form: { ...page0, 'f.birth_weight': '3250' } });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/drafts/${id}/confirm`);
  assert.match((await a.get(`/drafts/${id}/confirm`)).text_, /3250/);
  // the last page, changed from the check page, comes back too
  r = await a.post(`/drafts/${id}/page/1?from=check`, { form: { csrf, _shown: 'mother_name visit_address phone wish_period',
    'f.mother_name.family': '港', 'f.mother_name.family_kana': 'ミナト',
    'f.visit_address.postal_code': '1668570', 'f.visit_address.pref': '東京都', 'f.visit_address.city': 'デモ区',
    'f.visit_address.street': '１－２－３', 'f.phone': '03-5555-0101', 'f.wish_period': 'asap', _action: 'next' } });
  assert.equal(r.headers.get('location'), `/drafts/${id}/confirm`);
  // opened without from=check: the walk goes on as before
  r = await a.post(`/drafts/${id}/page/0`, { form: { ...page0, 'f.birth_weight': '3300' } });
  assert.equal(r.headers.get('location'), `/drafts/${id}/page/1`);
  // anything else in "from" is refused
  assert.equal((await a.get(`/drafts/${id}/page/0?from=elsewhere`)).status, 400);
});
