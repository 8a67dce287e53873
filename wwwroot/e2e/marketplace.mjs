// The marketplace in the browser (issue 14): a fresh install shows the starter catalogue; search, open a template, see
// its inputs, use it (a stopped flow in the editor); open a tool, see its permissions in plain words in the consent
// dialog, install it, and run it in a flow. Own server and browser.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { startServer } from './server.mjs';

let server, browser, page;
const consoleLines = [];
const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'marketplace-');
const waitFor = (f, what, ms = 15_000) => waitForOn(page, f, what, ms);

const apiCall = (method, url, body) => page.evaluate(async ([m, u, b]) => {
  const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
  const r = await fetch(u, { method: m, headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf }, body: b === undefined ? undefined : JSON.stringify(b) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}, [method, url, body]);

const pickFlow = `organism: {name: pick}
payloads:
  Pick: {fields: {json: string, path: string}}
  Picked: {fields: {value: string, found: bool}}
listeners:
  - name: pick
    description: picks one value with the installed marketplace tool
    payload_class: Pick
    handler: code
    config: {module: "nextra/json-path-pick@1", output: Picked}
`;

describe('the marketplace', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    ({ browser, page } = await launchPage(consoleLines));
    await page.goto(server.setupLink);
    await page.fill('input[name=email]', 'market@example.com');
    await page.fill('input[name=password]', 'correct-horse-42');
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  scenario('a fresh install lists the starter templates; search, open, use one with its inputs', async () => {
    await page.goto(`${server.base}/marketplace`);
    await page.waitForSelector('[data-testid=marketplace]');
    await waitFor(async () => (await page.locator('.market-card').count()) >= 10, 'at least ten starter templates');
    await page.fill('[data-testid=market-q]', 'moderation');
    await page.press('[data-testid=market-q]', 'Enter');
    await waitFor(async () => (await page.locator('.market-card').count()) === 1, 'one search hit');
    await page.click('[data-testid="listing-nextra/content-moderation"]');
    await page.waitForSelector('[data-testid=readme] h1');
    assert.match(await page.locator('.page-head').innerText(), /official/);
    await page.click('[data-testid=use-template]');
    await page.waitForSelector('[data-testid=consent-dialog]');
    assert.equal(await page.inputValue('[data-testid=input-blocked_word]'), 'spam');
    await page.fill('[data-testid=input-blocked_word]', 'casino');
    await page.fill('[data-testid=template-name]', 'Moderation from the marketplace');
    await page.click('[data-testid=consent-confirm]');
    await page.waitForURL(/\/flow\/[^/]+\/split$/);
    const id = page.url().split('/flow/')[1].split('/')[0];
    const flow = await apiCall('GET', `/api/flows/${id}`);
    assert.equal(flow.body.status, 'stopped');
    assert.equal(flow.body.name, 'Moderation from the marketplace');
    assert.match(flow.body.organismYaml, /casino/);
  });

  scenario('a tool shows its permissions before install; installed, it runs in a flow', async () => {
    await page.goto(`${server.base}/marketplace?tab=tools`);
    await page.fill('[data-testid=market-q]', 'json path');
    await page.press('[data-testid=market-q]', 'Enter');
    await page.waitForSelector('[data-testid="listing-nextra/json-path-pick"]');
    await page.click('[data-testid="listing-nextra/json-path-pick"]');
    await page.waitForSelector('[data-testid=permissions]');
    assert.match(await page.locator('[data-testid=permissions]').innerText(), /Makes no network requests/);
    await page.click('[data-testid=install]');
    await page.waitForSelector('[data-testid=consent-dialog]');
    const consent = await page.locator('[data-testid=consent-permissions]').innerText();
    assert.match(consent, /Makes no network requests/);
    assert.match(consent, /Up to 50M fuel/);
    await page.click('[data-testid=consent-confirm]');
    await page.waitForSelector('[data-testid=installed]');
    assert.match(await page.locator('[data-testid=listing-info]').innerText(), /nextra\/json-path-pick@1/);

    const created = await apiCall('POST', '/api/flows', { name: 'Pick with a tool', organismYaml: pickFlow });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const run = await apiCall('POST', `/api/triggers/${created.body.id}/inject?wait=30`,
      { payload: { json: '{"a":{"b":[1,{"c":"deep"}]}}', path: 'a.b.1.c' }, target: 'pick', payloadClass: 'Pick' });
    assert.equal(run.status, 200, JSON.stringify(run.body));
    assert.equal(run.body.status, 'succeeded', JSON.stringify(run.body));
    assert.equal(run.body.outputs[0].payload.value, 'deep');
    assert.equal(run.body.outputs[0].payload.found, true);
  });
});
