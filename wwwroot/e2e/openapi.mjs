// The /openapi reference page (issue 16 item 8): works offline (every request stays on loopback: no CDN fonts,
// scripts or telemetry), shows no vendor buttons ("Deploy", "Ask AI", "Generate SDK"), and its introduction says
// what Nextra is and how to authenticate.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { startServer } from './server.mjs';

let server, browser, page;
const consoleLines = [];
const requests = [];

const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'openapi-');
const waitFor = (f, what, ms = 30_000) => waitForOn(page, f, what, ms);
const loopback = (url) => /^(data|blob|about):/.test(url) || ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

describe('the OpenAPI reference page', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    ({ browser, page } = await launchPage(consoleLines));
    // Anything leaving loopback is recorded and refused, so a page that needs the network shows it here.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      requests.push(url);
      return loopback(url) ? route.continue() : route.abort();
    });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  scenario('renders offline with the introduction and without vendor buttons', async () => {
    await page.goto(`${server.base}/openapi`, { waitUntil: 'networkidle' });
    const text = () => page.evaluate(() => document.body.innerText);
    await waitFor(async () => (await text()).includes('Nextra runs flows'), 'the introduction');
    // The operations rendered (the document loaded from the same server): open a tag and see its description.
    await page.locator('text=Triggers').first().click();
    await waitFor(async () => /Webhooks, inject and a flow's triggers/.test(await text()), 'the Triggers tag description');
    await page.waitForTimeout(1000); // late loads (fonts, telemetry) would come now
    const body = await text();
    assert.match(body, /Authorization: Bearer/, 'the introduction says how to authenticate with an API key');
    assert.match(body, /X-Nextra-Csrf/, 'the introduction names the CSRF header');
    for (const vendor of [/\bDeploy\b/, /Ask AI/i, /Generate SDKs?/i, /Powered by/i]) {
      assert.doesNotMatch(body, vendor, `vendor text ${vendor} on the page`);
    }
    const buttons = await page.locator('button, a').evaluateAll((els) => els.filter((e) => e.checkVisibility()).map((e) => (e.textContent ?? '').trim()).filter(Boolean));
    assert.deepEqual(buttons.filter((b) => /deploy|ask ai|generate sdk|generate mcp|open in|powered by/i.test(b)), [], 'vendor buttons');
    const external = requests.filter((u) => !loopback(u));
    assert.deepEqual(external, [], 'requests that left loopback');
    assert.ok(requests.some((u) => u.endsWith('/openapi/v1.json')), `the document was loaded (${requests.length} requests)`);
  });
});
