// staff_tables.test.mjs -- issue 14 in Chromium on a 360 px phone with
// JavaScript on and off: the staff tables (/staff/users, /staff/roles,
// /staff/jobs, /staff/registry's results) fit the screen (no sideways
// scrolling of the page), and sending a registry link code by letter
// (/staff/registry, 郵送する) downloads the letter, a PDF with the code.
// axe-core (WCAG 2.0 A and AA) on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, axe as axeCheck, settle } from './lib.mjs';
import { startServer, Client, DEMO_USERS, loginWithTotp } from '../http/lib.mjs';

let srv, browser, admin, staff;

before(async () => {
  srv = await startServer();
  browser = await launch();
  admin = new Client(srv.base);
  await loginWithTotp(admin, ...DEMO_USERS.admin);
  staff = new Client(srv.base);
  await loginWithTotp(staff, ...DEMO_USERS.staff);
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

const axe = (page, label) => axeCheck(browser, page, label);

// a 360 px page logged in with the client's session cookies
async function pageAs(c, js, locale = 'ja-JP') {
  const ctx = await browser.newContext({ bypassCSP: true, javaScriptEnabled: js, acceptDownloads: true,
    viewport: { width: 360, height: 800 }, locale });
  ctx.setDefaultTimeout(60000);
  await ctx.addCookies([...c.jar].map(([name, value]) => ({ name, value, url: srv.base })));
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page };
}

// the page's own width at 360 px (read in a scripted copy when JS is off)
async function scrollWidth(page) {
  if (!page.__nojs) {
    await settle(page);
    return page.evaluate(() => document.documentElement.scrollWidth);
  }
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 360, height: 800 } });
  const p = await ctx.newPage();
  await p.setContent((await page.content()).replace('<head>', `<head><base href="${page.url()}">`), { waitUntil: 'load' });
  await settle(p);
  const w = await p.evaluate(() => document.documentElement.scrollWidth);
  await ctx.close();
  return w;
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  // in Japanese, and in English (longer words, wider before the fix)
  test(`staff tables fit a 360 px screen (${label})`, async () => {
    for (const locale of js ? ['ja-JP', 'en-US'] : ['ja-JP']) {
      const { ctx, page } = await pageAs(admin, js, locale);
      for (const path of ['/staff/users', '/staff/roles', '/staff/jobs']) {
        await page.goto(srv.base + path);
        assert.ok(await page.locator('table').count() > 0, `a table on ${path}`);
        const w = await scrollWidth(page);
        assert.ok(w <= 360, `${path} is ${w} px wide at 360 px (${label}, ${locale})`);
        await axe(page, `${path} (${label}, ${locale})`);
      }
      await ctx.close();
    }
  });

  test(`sending a link code by letter downloads the letter (${label})`, async () => {
    const { ctx, page } = await pageAs(staff, js);
    await page.goto(`${srv.base}/staff/registry`);
    await page.getByLabel('氏名・フリガナ・住民コード').fill('P0012');
    await page.getByRole('button', { name: '検索' }).click();
    await page.waitForURL(/\/staff\/registry\?q=P0012/);
    const w = await scrollWidth(page);
    assert.ok(w <= 360, `the results are ${w} px wide at 360 px (${label})`);
    await axe(page, `registry results (${label})`);
    assert.match(await page.locator('#reg-letter-hint').innerText(), /PDF/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '郵送する' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'registry-letter-P0012.pdf');
    const file = join(srv.dir, `letter-${label.replace(' ', '')}.pdf`);
    await download.saveAs(file);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
    assert.match(text, /〒139-998\d/);
    assert.match(text, /\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b/);
    // the page stays where it was: nothing shows the code
    assert.match(page.url(), /\/staff\/registry\?q=P0012/);
    await ctx.close();
  });
}
