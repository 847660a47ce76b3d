// lib.mjs -- what the browser tests share: Debian's Chromium launched
// through playwright-core, and the axe-core check (WCAG 2.0 A and AA).
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

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
  await target.evaluate(AXE);
  const res = await target.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  const over = await target.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (tmp) await tmp.close();
  assert.deepEqual(res, [], `axe violations on ${label}`);
  if (overflow) assert.ok(over <= 0, `horizontal overflow ${over}px on ${label}`);
}
