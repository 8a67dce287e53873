// The first hour of a newcomer (issue 16), in the browser: the editor never loses unsaved work on a
// view switch, a crash or a reload; in-app navigation asks before leaving unsaved edits. Own server
// and browser, so it does not depend on the order of run.mjs.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { startServer } from './server.mjs';

const EMAIL = 'first@example.com';
const PASSWORD = 'correct-horse-42';

let server, browser, page;
const consoleLines = [];
const state = {};
const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'firsthour-');
const waitFor = (f, what, ms = 15_000) => waitForOn(page, f, what, ms);
const yamlText = () => page.evaluate(() => window.__nextraYaml?.getValue());
const nodeIds = () => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')).sort());
const dropFromPalette = (kind, x, y) => page.dragAndDrop(`[data-testid=palette-${kind}]`, '[data-testid=canvas]', { targetPosition: { x, y } });
const crashed = () => page.locator('text=Something went wrong').count();

/** Calls the API from the page (cookie session + CSRF). */
const apiCall = (method, url, body) => page.evaluate(async ([m, u, b]) => {
  const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
  const r = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf }, body: b === undefined ? undefined : JSON.stringify(b) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}, [method, url, body]);

describe('the first hour', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    ({ browser, page } = await launchPage(consoleLines));
    await page.goto(server.setupLink);
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  scenario('dropping Output then switching canvas → YAML → canvas → split keeps the unsaved node, no crash', async () => {
    await page.fill('[data-testid=new-flow-name]', 'Views');
    await page.click('[data-testid=create-flow]');
    await page.waitForURL(/\/flow\/[^/]+$/);
    state.flowUrl = page.url();
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await waitFor(async () => (await nodeIds()).length === 2, 'the new flow\'s two nodes');
    await dropFromPalette('output', 500, 300);
    await waitFor(async () => (await nodeIds()).includes('l:output'), 'the dropped output node');
    for (let i = 0; i < 3; i++) {
      await page.click('[data-testid=view-yaml]');
      await waitFor(async () => (await yamlText())?.includes('name: output'), 'the output node in the YAML');
      await page.click('[data-testid=view-canvas]');
      await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
      await page.waitForTimeout(300);
      assert.equal(await crashed(), 0, 'the editor crashed going back to the canvas');
      assert.ok((await nodeIds()).includes('l:output'), 'the unsaved node is still on the canvas');
      await page.click('[data-testid=view-split]');
      await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
      await page.waitForTimeout(300);
      assert.equal(await crashed(), 0, 'the editor crashed in split view');
    }
    assert.ok((await nodeIds()).includes('l:output'));
    assert.match(await page.locator('[data-testid=save-status]').innerText(), /unsaved/i);
  });

  scenario('an unsaved draft survives a reload and is offered back', async () => {
    await page.click('[data-testid=view-yaml]');
    await waitFor(async () => (await yamlText())?.includes('name: output'), 'the unsaved node in the editor before reload');
    await page.waitForTimeout(500); // the draft is written 250 ms after the last edit
    await page.reload();
    await page.waitForSelector('[data-testid=draft-restore]');
    await page.click('[data-testid=draft-restore]');
    await waitFor(async () => (await yamlText())?.includes('name: output'), 'the restored draft in the YAML');
    assert.match(await page.locator('[data-testid=save-status]').innerText(), /unsaved/i);
  });

  scenario('in-app navigation away from unsaved edits asks first; declining stays', async () => {
    page.removeAllListeners('dialog');
    const asked = [];
    page.on('dialog', (d) => { asked.push(d.message()); d.dismiss().catch(() => {}); });
    await page.click('a[href="/dashboard"]');
    await page.waitForTimeout(300);
    assert.equal(asked.length, 1, 'a confirm was shown');
    assert.match(asked[0], /unsaved/i);
    assert.match(page.url(), /\/flow\//);
    page.removeAllListeners('dialog');
    page.on('dialog', (d) => d.accept().catch(() => {}));
    await page.click('[data-testid=save]');
    await page.waitForSelector('[data-testid=save-status].save-saved', { timeout: 15_000 });
    await page.click('a[href="/dashboard"]');
    await page.waitForURL('**/dashboard');
  });

  scenario('a crash inside the editor keeps the document text and the draft', async () => {
    await page.goto(state.flowUrl.replace(/\/(split|yaml)$/, ''));
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await dropFromPalette('http', 400, 420);
    await waitFor(async () => (await nodeIds()).includes('l:http'), 'the dropped http node');
    await page.evaluate(() => window.__nextraCrash?.());
    await page.waitForSelector('[data-testid=editor-crash]');
    const kept = await page.locator('[data-testid=editor-crash-text]').inputValue();
    assert.match(kept, /name: http/);
    await page.click('[data-testid=editor-crash-retry]');
    await page.waitForSelector('[data-testid=draft-restore]');
    await page.click('[data-testid=draft-restore]');
    await waitFor(async () => (await nodeIds()).includes('l:http'), 'the http node back from the draft');
  });
});
