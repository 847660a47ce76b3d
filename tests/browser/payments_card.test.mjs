// payments_card.test.mjs -- a fee paid by card in Chromium at 360 px,
// JavaScript on and off: the resident chooses card on /pay/{number}, the
// page that follows links to the provider's page (the test double,
// tests/doubles/card_psp.mjs, its own process), Pay there, and the
// resident is back on /pay/{number}, which says paid; a declined card
// comes back failed and card can be chosen again.  axe-core (WCAG 2.0
// A/AA) on madoguchi's pages (not on the double's); nothing wider than
// the screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, axe as axeCheck } from './lib.mjs';
import { startServer, registerAndLogin, cli, ROOT, DEMO } from '../http/lib.mjs';

let srv, browser, psp, dir, resident;

function startPsp() {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'tests/doubles/card_psp.mjs'), '--port', '0',
      '--secret-file', join(dir, 'secret'), '--key-file', join(dir, 'key')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+)\n/);
      if (m) resolve({ proc: p, base: `http://127.0.0.1:${m[1]}` });
    });
    p.on('exit', (code) => reject(new Error(`card_psp exited ${code}: ${out}`)));
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-card-b-'));
  writeFileSync(join(dir, 'key'), 'sk_test_browser_0001\n', { mode: 0o600 });
  writeFileSync(join(dir, 'secret'), 'whsec_browser_test_secret_0001\n', { mode: 0o600 });
  psp = await startPsp();
  srv = await startServer({
    extraArgs: ['--pay-card-url', psp.base, '--pay-card-key-file', join(dir, 'key'),
      '--pay-card-webhook-secret-file', join(dir, 'secret')],
  });
  await fetch(`${psp.base}/_control/notify`, { method: 'POST', body: JSON.stringify({ url: `${srv.base}/api/v1/payments/card/webhook` }) });
  resident = await registerAndLogin(srv.base, 'card-browser@example.org', 'Kado-Burauza-2026');
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
  if (psp) psp.proc.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const axe = (page, label) => axeCheck(browser, page, label);

async function context(js, { csp = false } = {}) {
  const ctx = await browser.newContext({ bypassCSP: !csp, javaScriptEnabled: js, viewport: { width: 360, height: 800 }, locale: 'ja-JP' });
  const u = new URL(srv.base);
  await ctx.addCookies([...resident.jar].map(([name, value]) =>
    ({ name, value, domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' })));
  ctx.setDefaultTimeout(60000);
  const page = await ctx.newPage();
  page.__nojs = !js;
  return { ctx, page };
}

let seq = 0;
function createPayment(amount) {
  const out = cli(['payments', 'create', '--db', srv.db, '--tenant', DEMO, '--service', 'demo', '--key',
    `card-b-${process.pid}-${++seq}`, '--amount', String(amount), '--reference', `B-${seq}`, '--description', '犬の登録手数料']);
  return out.match(/^(\d{14})\t/)[1];
}

// on /pay/{number}: choose card and go on; the page with the provider's link
async function chooseCard(page, number, label) {
  await page.goto(`${srv.base}/pay/${number}`);
  await page.locator('input[name="method"][value="card"]').check();
  await page.locator('#pay-go').click();
  await page.locator('#card-go').waitFor();
  assert.match(await page.locator('h1').innerText(), /カード決済のページへ進みます/);
  assert.match(await page.locator('#card-amount').innerText(), /3,000/);
  await axe(page, `the page before the provider (${label})`);
}

for (const js of [true, false]) {
  const label = js ? 'JS' : 'no JS';

  test(`a fee paid by card through the provider's page (${label})`, async () => {
    const number = createPayment(3000);
    const { ctx, page } = await context(js);
    await chooseCard(page, number, label);
    await page.locator('#card-go').click();
    await page.waitForURL((u) => u.href.startsWith(`${psp.base}/pay/`));
    await page.locator('#pay').click();
    await page.waitForURL(`${srv.base}/pay/${number}`);
    assert.equal((await page.locator('#pay-state').innerText()).trim(), '支払済み');
    await axe(page, `the payment page, paid (${label})`);
    await ctx.close();
  });

  test(`a declined card comes back failed, and card can be chosen again (${label})`, async () => {
    const number = createPayment(3000);
    const { ctx, page } = await context(js);
    await chooseCard(page, number, label);
    await page.locator('#card-go').click();
    await page.waitForURL((u) => u.href.startsWith(`${psp.base}/pay/`));
    await page.locator('#decline').click();
    await page.waitForURL(`${srv.base}/pay/${number}`);
    assert.equal((await page.locator('#pay-state').innerText()).trim(), 'お支払いできませんでした');
    await axe(page, `the payment page, failed (${label})`);
    await chooseCard(page, number, label);
    await page.locator('#card-go').click();
    await page.waitForURL((u) => u.href.startsWith(`${psp.base}/pay/`));
    await page.locator('#pay').click();
    await page.waitForURL(`${srv.base}/pay/${number}`);
    assert.equal((await page.locator('#pay-state').innerText()).trim(), '支払済み');
    await ctx.close();
  });
}

// the pages' own CSP (form-action 'self') in force, as in a resident's
// browser: the choice is a form posted to madoguchi, the way to the
// provider a link (a form's redirect to another origin would be blocked)
test('with the site\'s CSP in force, the way to the provider and back works', async () => {
  const number = createPayment(3000);
  const { ctx, page } = await context(true, { csp: true });
  const blocked = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
  await page.goto(`${srv.base}/pay/${number}`);
  await page.locator('input[name="method"][value="card"]').check();
  await page.locator('#pay-go').click();
  await page.locator('#card-go').click();
  await page.waitForURL((u) => u.href.startsWith(`${psp.base}/pay/`));
  await page.locator('#pay').click();
  await page.waitForURL(`${srv.base}/pay/${number}`);
  assert.equal((await page.locator('#pay-state').innerText()).trim(), '支払済み');
  assert.deepEqual(blocked, []);
  await ctx.close();
});
