// staff_menu.test.mjs -- the staff menu and the staff home page show a
// member of staff only the sections they may open (src/web/app.c:
// app_staff_may_open; the route's own permission decides, so the menu
// and the page cannot disagree):
//   - for each demo member (viewer, a department's staff, administrator),
//     every link of the staff menu and every tile of the staff home opens
//     with 200: none leads to a 403;
//   - the viewer (jobs.read only) sees 職員トップ, 処理状況 and
//     アカウント, and none of the sections that need another permission,
//     although those pages exist and refuse the viewer with 403;
//   - the administrator sees staff accounts and roles; the department
//     member sees the inbox and not the staff accounts;
//   - a permission the administrator gives the viewer's role appears in its menu at the
//     next page (read per request, nothing cached across requests).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, DEMO_USERS, passwordLogin, loginWithTotp } from './lib.mjs';

let srv;
const admin2fa = {};   // the administrator's second factor, enrolled at first login
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

// the hrefs of the staff menu and of the staff home's tiles
function menu(html) {
  const nav = html.match(/<nav class="staff-nav"[^>]*>([\s\S]*?)<\/nav>/);
  assert.ok(nav, 'a staff page has the staff menu');
  return [...nav[1].matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
}
function tiles(html) {
  const ul = html.match(/<ul class="service-tiles">([\s\S]*?)<\/ul>/);
  return ul ? [...ul[1].matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]) : [];
}

async function everyLinkOpens(c, who) {
  const home = await c.get('/staff');
  assert.equal(home.status, 200);
  const links = [...new Set([...menu(home.text_), ...tiles(home.text_)])];
  for (const href of links) {
    const r = await c.get(href);
    assert.equal(r.status, 200, `${who}: ${href} is offered and answers ${r.status}`);
  }
  return { menu: menu(home.text_), tiles: tiles(home.text_) };
}

test('the viewer is offered only what it may open; the other sections exist and refuse it', async () => {
  const c = new Client(srv.base);
  assert.equal((await passwordLogin(c, ...DEMO_USERS.viewer)).status, 303);
  const seen = await everyLinkOpens(c, 'viewer');
  assert.deepEqual(seen.menu, ['/staff', '/staff/jobs', '/account']);
  assert.deepEqual(seen.tiles, []);
  for (const href of ['/staff/users', '/staff/roles', '/staff/inbox', '/staff/procedures', '/staff/news']) {
    assert.equal((await c.get(href)).status, 403, `${href} refuses the viewer`);
  }
});

test('the administrator and a department member each see their own sections, and all open', async () => {
  const a = new Client(srv.base);
  assert.equal((await loginWithTotp(a, ...DEMO_USERS.admin, admin2fa)).status, 200);
  const admin = await everyLinkOpens(a, 'admin');
  for (const href of ['/staff/users', '/staff/roles', '/staff/jobs', '/staff/procedures'])
    assert.ok(admin.menu.includes(href), `admin's menu has ${href}: ${admin.menu}`);
  assert.ok(!admin.menu.includes('/staff/inbox'), 'the administrator reads no applications');

  const s = new Client(srv.base);
  assert.equal((await loginWithTotp(s, ...DEMO_USERS.staff)).status, 200);
  const staff = await everyLinkOpens(s, 'staff');
  assert.ok(staff.menu.includes('/staff/inbox'), `the department member's menu has the inbox: ${staff.menu}`);
  assert.ok(staff.tiles.includes('/staff/inbox'));
  assert.ok(!staff.menu.includes('/staff/users') && !staff.menu.includes('/staff/roles'));
});

test('a permission the administrator gives the viewer role shows its section at the next page', async () => {
  const c = new Client(srv.base);
  assert.equal((await passwordLogin(c, ...DEMO_USERS.viewer)).status, 303);
  assert.ok(!menu((await c.get('/staff')).text_).includes('/staff/opendata'));
  const a = new Client(srv.base);
  // the second factor was enrolled by the test before: the code step now
  assert.equal((await loginWithTotp(a, ...DEMO_USERS.admin, admin2fa)).status, 303);
  const roles = await a.get('/staff/roles');
  const res = await a.post('/staff/roles/permissions',
    { form: { csrf: Client.csrf(roles.text_), role: 'viewer', permission: 'opendata.publish' } });
  assert.equal(res.status, 303);
  const after = await everyLinkOpens(c, 'viewer with opendata.publish');
  assert.ok(after.menu.includes('/staff/opendata'), `${after.menu}`);
  assert.ok(after.tiles.includes('/staff/opendata'));
});
