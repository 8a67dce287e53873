// What every browser test file shares: where Chromium is (Debian's; nothing is downloaded), the
// artifacts folder, launching a page that records its console, the scenario wrapper (screenshot
// always, console and server log on failure) and an event-free polling wait.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

export const artifacts = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
export const chromiumPath = process.env.NEXTRA_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const skipReason = existsSync(chromiumPath) ? null : `chromium not found at ${chromiumPath} (apt-get install -y chromium)`;

/** Headless Chromium with one 1280×720 page whose console, errors and API answers go to consoleLines. */
export async function launchPage(consoleLines) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLines.push(`[pageerror] ${e.stack ?? e.message}`));
  page.on('response', (r) => r.url().includes('/api/') && consoleLines.push(`[response] ${r.request().method()} ${r.url()} ${r.status()}`));
  page.on('dialog', (d) => d.accept().catch(() => {}));
  page.on('requestfailed', (r) => consoleLines.push(`[requestfailed] ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  return { browser, page };
}

/**
 * A test that always saves a screenshot and, on failure, the page's console and the server's output.
 * `context()` gives the current {page, server, consoleLines}; `prefix` keeps artifact names apart per file.
 */
export function scenarioFor(context, prefix = '') {
  return (name, body) => test(name, { skip: skipReason ?? false }, async (t) => {
    const { page, server, consoleLines } = context();
    const file = prefix + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    const mark = consoleLines.length;
    try {
      await body(t);
      const errors = consoleLines.slice(mark).filter((l) => l.startsWith('[pageerror]'));
      assert.deepEqual(errors, [], 'uncaught errors in the page');
    } catch (e) {
      writeFileSync(path.join(artifacts, `${file}.console.log`), [...consoleLines.slice(mark), '--- server output ---', ...(server?.output ?? [])].join('\n'));
      throw e;
    } finally {
      await context().page?.screenshot({ path: path.join(artifacts, `${file}.png`) }).catch(() => {});
    }
  });
}

/** Polls f until it returns something truthy (and returns that), or fails naming what it waited for. */
export async function waitForOn(page, f, what, ms) {
  const until = Date.now() + ms;
  let last;
  while (Date.now() < until) {
    last = await f();
    if (last) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}
