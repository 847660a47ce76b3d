// lib.mjs -- what the browser tests share: Debian's Chromium launched
// through playwright-core (its version said once per test file, as the
// TAP comment "# chromium <version>", which tests/run.sh repeats in its
// summary), the wait for a page to be stable before it is measured, and
// the axe-core check (WCAG 2.0 A and AA).
//
// Stable means a state, never a fixed time: the load event, the fonts
// (document.fonts.ready: a late font changes widths), and every finite
// animation or transition of the page finished (a fade, a map's pan).
//
// axe-core is injected through the DevTools protocol (contexts made with
// bypassCSP), since the pages' own CSP rightly forbids inline script.  A
// page opened with JavaScript off (mark it page.__nojs = true) never
// returns from evaluate(), so it is checked in a second, scripted context
// on the same HTML, its style sheets reached through a <base>.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { ROOT } from '../http/lib.mjs';

const AXE = readFileSync(`${ROOT}/node_modules/axe-core/axe.min.js`, 'utf8');

let versionSaid = false;

export async function launch() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  if (!versionSaid) {
    versionSaid = true;
    // the runner turns a test file's output line into a TAP comment
    console.log(`chromium ${browser.version()}`);
  }
  return browser;
}

// wait until the page is stable (see above); a page opened with
// JavaScript off cannot evaluate, and has no script to animate it
export async function settle(page) {
  await page.waitForLoadState('load');
  if (page.__nojs) return;
  await page.evaluate(async () => {
    await document.fonts.ready;
    const finite = document.getAnimations()
      .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime));
    await Promise.all(finite.map((a) => a.finished.catch(() => {})));
    await document.fonts.ready;
  });
}

// how far the page scrolls sideways (0 or less: not at all), once stable
export async function overflowPx(page) {
  await settle(page);
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

// axe-core's WCAG 2.0 A/AA violations on a stable page, as one line each
export async function axeViolations(page) {
  await settle(page);
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
}

// axe violations on the page (none expected), and no horizontal scrolling
// unless overflow is false
export async function axe(browser, page, label, { overflow = true } = {}) {
  let target = page, tmp = null;
  if (page.__nojs) {
    const vp = page.viewportSize() || { width: 360, height: 800 };
    tmp = await browser.newContext({ bypassCSP: true, viewport: vp });
    target = await tmp.newPage();
    const html = (await page.content()).replace('<head>', `<head><base href="${page.url()}">`);
    await target.setContent(html, { waitUntil: 'load' });
  }
  const res = await axeViolations(target);
  const over = await overflowPx(target);
  if (tmp) await tmp.close();
  assert.deepEqual(res, [], `axe violations on ${label}`);
  if (overflow) assert.ok(over <= 0, `horizontal overflow ${over}px on ${label}`);
}
