// The marketplace in the browser (issue 14): a fresh install shows the starter catalogue; search, open a template, see
// its inputs, use it (a stopped flow in the editor); open a tool, see its permissions in plain words in the consent
// dialog, install it, and run it in a flow; a template flow with unbound secrets is marked and refused until they are set;
// a module is published from the Modules page (checks, submission state, a refused import), the publisher's stats, a report;
// the search filters, a version's own page, signing keys, and the publisher's reply to a review.
// Own server and browser.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
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

const deskFlow = (description) => `organism: {name: desk}
payloads:
  Text: {fields: {Text: string}}
listeners:
  - name: a
    description: "${description}"
    payload_class: Text
    handler: output
`;

const yamlText = () => page.evaluate(() => window.__nextraYaml?.getValue());

const echoWat = `(module
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $p i32) (param $l i32) (result i64)
    (i64.or (i64.shl (i64.extend_i32_u (local.get $p)) (i64.const 32)) (i64.extend_i32_u (local.get $l)))))`;

const fetchWat = `(module
  (import "nextra" "http_fetch" (func $fetch (param i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "alloc") (param i32) (result i32) (i32.const 1024))
  (func (export "handle") (param $p i32) (param $l i32) (result i64) (call $fetch (local.get $p) (local.get $l))))`;

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

  scenario('publish a template from the editor: a literal key is refused with its line, a clean flow shows its checks and sanitized YAML', async () => {
    const leaky = await apiCall('POST', '/api/flows', { name: 'Leaky desk', organismYaml: deskFlow('calls with sk-live0123456789abcdefghijkl') });
    assert.equal(leaky.status, 201, JSON.stringify(leaky.body));
    await page.goto(`${server.base}/flow/${leaky.body.id}/split`);
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await page.click('[data-testid=publish]');
    await page.waitForSelector('[data-testid=publish-dialog]');
    assert.equal(await page.inputValue('[data-testid=publish-name]'), 'leaky-desk');
    await page.fill('[data-testid=publish-summary]', 'Leaks a key');
    await page.click('[data-testid=publish-submit]');
    await page.waitForSelector('[data-testid=publish-refused]');
    assert.match(await page.locator('[data-testid=publish-error]').innerText(), /line 6, col \d+/);
    assert.equal(await page.locator('[data-testid=publish-refused] [data-check=secret_scan]').getAttribute('data-ok'), 'false');

    const clean = await apiCall('POST', '/api/flows', { name: 'Front desk', organismYaml: deskFlow('${{ inputs.label }}') });
    assert.equal(clean.status, 201, JSON.stringify(clean.body));
    await page.goto(`${server.base}/flow/${clean.body.id}/split`);
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await page.click('[data-testid=publish]');
    await page.waitForSelector('[data-testid=publish-dialog]');
    assert.equal(await page.inputValue('[data-testid=publish-inputs]'), 'label');
    await page.fill('[data-testid=publish-summary]', 'Answers tickets at the front desk');
    await page.fill('[data-testid=publish-readme]', '# Front desk\n<script>alert(1)</script>Routes tickets.');
    await page.click('[data-testid=publish-submit]');
    await page.waitForSelector('[data-testid=submission]');
    assert.equal(await page.locator('[data-testid=submission-state]').innerText(), 'published');
    for (const check of ['schema', 'namespace', 'secret_scan', 'private_modules', 'signature', 'review']) {
      assert.equal(await page.locator(`[data-testid=publish-checks] [data-check=${check}]`).getAttribute('data-ok'), 'true', check);
    }
    assert.match(await page.locator('[data-testid=sanitized-yaml] pre').innerText(), /inputs\.label/);
    await page.click('[data-testid=submission-listing]');
    await page.waitForSelector('[data-testid=readme] h1');
    assert.equal(await page.locator('[data-testid=readme] script').count(), 0);
    assert.match(await page.locator('[data-testid=listing]').innerText(), /label/);
  });

  scenario('a template with a secret: incomplete on the dashboard and in the editor, start refused until the secret is set there', async () => {
    await page.goto(`${server.base}/marketplace`);
    await page.fill('[data-testid=market-q]', 'failure queue');
    await page.press('[data-testid=market-q]', 'Enter');
    await page.waitForSelector('[data-testid="listing-nextra/api-call-failure-queue"]');
    await page.click('[data-testid="listing-nextra/api-call-failure-queue"]');
    await page.click('[data-testid=use-template]');
    await page.waitForSelector('[data-testid=consent-dialog]');
    await page.fill('[data-testid=input-api_url]', 'https://api.example.com/orders');
    await page.fill('[data-testid=template-name]', 'Orders with a token');
    await page.click('[data-testid=consent-confirm]');
    await page.waitForURL(/\/flow\/[^/]+\/split$/);
    const id = page.url().split('/flow/')[1].split('/')[0];
    await page.waitForSelector('[data-testid=template-setup]');
    assert.match(await page.locator('[data-testid=template-setup]').innerText(), /nextra\/api-call-failure-queue@1\.0\.0[\s\S]*API_TOKEN/);
    const refused = await apiCall('POST', `/api/flows/${id}/start`, {});
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'secrets_unbound');
    assert.deepEqual(refused.body.secrets, ['API_TOKEN']);

    await page.goto(`${server.base}/dashboard`);
    const row = page.locator('[data-testid=flow-row]', { hasText: 'Orders with a token' });
    await row.locator('[data-testid=flow-setup-incomplete]').waitFor();
    assert.match(await row.locator('[data-testid=flow-setup-incomplete]').innerText(), /Needs secrets: API_TOKEN/);

    await row.locator('[data-testid=flow-setup-incomplete] a').click();
    await page.waitForSelector('[data-testid=setup-secret-API_TOKEN]');
    await page.fill('[data-testid=setup-secret-API_TOKEN]', 'token-from-the-editor');
    await page.click('[data-testid=setup-save-API_TOKEN]');
    await waitFor(async () => (await page.locator('[data-testid=template-setup]').count()) === 0, 'the setup banner gone');
    const started = await apiCall('POST', `/api/flows/${id}/start`, {});
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.status, 'running');
    await apiCall('POST', `/api/flows/${id}/stop`, {});
    await page.goto(`${server.base}/dashboard`);
    await page.locator('[data-testid=flow-row]', { hasText: 'Orders with a token' }).waitFor();
    assert.equal(await page.locator('[data-testid=flow-row]', { hasText: 'Orders with a token' }).locator('[data-testid=flow-setup-incomplete]').count(), 0);
  });

  scenario('publish a module from the Modules page: checks and submission state; an ungranted import is refused; stats and a report', async () => {
    const module = await apiCall('POST', '/api/modules', { name: 'e2e_echo', kind: 'wat', content: echoWat });
    assert.equal(module.status, 201, JSON.stringify(module.body));
    const sneaky = await apiCall('POST', '/api/modules', { name: 'e2e_fetch', kind: 'wat', content: fetchWat });
    assert.equal(sneaky.status, 201, JSON.stringify(sneaky.body));
    await page.goto(`${server.base}/modules`);
    await page.click('[data-testid=module-row][data-module^="e2e_echo@"] [data-testid=module-publish]');
    await page.waitForSelector('[data-testid=publish-dialog]');
    assert.equal(await page.inputValue('[data-testid=publish-name]'), 'e2e-echo');
    await page.fill('[data-testid=publish-summary]', 'Answers with its input');
    await page.fill('[data-testid=publish-readme]', '# Echo\nAnswers with its input.');
    await page.click('[data-testid=publish-submit]');
    await page.waitForSelector('[data-testid=submission]');
    assert.equal(await page.locator('[data-testid=submission-state]').innerText(), 'published');
    for (const check of ['schema', 'namespace', 'hosts', 'secrets', 'imports', 'signature', 'review']) {
      assert.equal(await page.locator(`[data-testid=publish-checks] [data-check=${check}]`).getAttribute('data-ok'), 'true', check);
    }
    assert.match(await page.locator('[data-testid=submission-listing]').innerText(), /\/e2e-echo/);
    await page.click('[data-testid=publish-dialog] .dialog-actions button.primary');

    await page.click('[data-testid=module-row][data-module^="e2e_fetch@"] [data-testid=module-publish]');
    await page.waitForSelector('[data-testid=publish-dialog]');
    await page.fill('[data-testid=publish-summary]', 'Fetches without asking');
    await page.click('[data-testid=publish-submit]');
    await page.waitForSelector('[data-testid=publish-refused]');
    assert.equal(await page.locator('[data-testid=publish-refused] [data-check=imports]').getAttribute('data-ok'), 'false');
    assert.match(await page.locator('[data-testid=publish-error]').innerText(), /http_fetch/);
    await page.click('[data-testid=publish-dialog] .dialog-actions button[type=button]');

    await page.goto(`${server.base}/marketplace?tab=mine`);
    await page.waitForSelector('[data-testid=publisher-stats]');
    const stat = page.locator('[data-testid=publisher-stat]', { hasText: 'e2e-echo' });
    await stat.waitFor();
    assert.equal(await stat.locator('[data-testid=stat-installs]').innerText(), '0');
    assert.equal(await stat.locator('[data-testid=stat-reports]').innerText(), '0');

    await page.goto(`${server.base}/marketplace?tab=tools&listing=${encodeURIComponent('nextra/json-path-pick')}`);
    await page.click('[data-testid=report]');
    await page.selectOption('[data-testid=report-reason]', 'broken');
    await page.fill('[data-testid=report-text]', 'returns nothing for arrays');
    await page.click('[data-testid=report-submit]');
    await page.waitForSelector('[data-testid=listing-info]');
    assert.match(await page.locator('[data-testid=listing-info]').innerText(), /Reported/);
  });

  scenario('search filters, a version\'s own page, signing keys, and the publisher\'s reply to a review', async () => {
    // Filters: no network, review level, installed (json-path-pick was installed above).
    await page.goto(`${server.base}/marketplace?tab=tools`);
    await page.waitForSelector('[data-testid="listing-nextra/json-path-pick"]');
    await page.check('[data-testid=market-offline]');
    await page.selectOption('[data-testid=market-review]', 'official');
    await waitFor(async () => {
      const ids = await page.locator('.market-card').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-testid')));
      return ids.length > 0 && ids.every((i) => i.startsWith('listing-nextra/'));
    }, 'only official tools');
    await page.check('[data-testid=market-installed]');
    await waitFor(async () => (await page.locator('.market-card').count()) === 1, 'only the installed tool');
    assert.equal(await page.locator('.market-card').getAttribute('data-testid'), 'listing-nextra/json-path-pick');

    // A version's own page: signatures and review level.
    await page.click('[data-testid="listing-nextra/json-path-pick"]');
    await page.click('[data-testid="version-1.0.0"]');
    await page.waitForSelector('[data-testid=version-detail]');
    assert.match(await page.locator('[data-testid=version-detail]').innerText(), /official[\s\S]*Countersigned by/);

    // Signing keys: register one, then revoke it.
    const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
    await page.goto(`${server.base}/marketplace?tab=mine`);
    await page.waitForSelector('[data-testid=publisher-keys]');
    await page.fill('[data-testid=publisher-key-input]', raw);
    await page.fill('[data-testid=publisher-key-name]', 'laptop');
    await page.click('[data-testid=publisher-key-add]');
    const row = page.locator('[data-testid=publisher-key]', { hasText: 'laptop' });
    await row.waitFor();
    assert.match(await row.innerText(), /active/);
    await row.locator('[data-testid=publisher-key-revoke]').click();
    await waitFor(async () => /revoked/.test(await row.innerText()), 'the key revoked');
    const keys = await apiCall('GET', '/api/marketplace/publisher/keys');
    assert.ok(keys.body.some((k) => k.name === 'laptop' && k.revokedAt), JSON.stringify(keys.body));

    // A review of the tenant's own e2e-echo (after using it) and the publisher's reply under it.
    const handle = (await apiCall('GET', '/api/marketplace/publisher')).body.handle;
    const id = `${handle}/e2e-echo`;
    assert.equal((await apiCall('POST', '/api/marketplace/installs', { id, acceptPermissions: true })).status, 201);
    const echoFlow = `organism: {name: echo}\npayloads:\n  Text: {fields: {Text: string}}\nlisteners:\n  - {name: a, description: echo, payload_class: Text, handler: code, config: {module: "${id}@1"}}\n`;
    const created = await apiCall('POST', '/api/flows', { name: 'Echo with my tool', organismYaml: echoFlow });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const ran = await apiCall('POST', `/api/triggers/${created.body.id}/inject?wait=30`, { payload: { text: 'hi' }, target: 'a', payloadClass: 'Text' });
    assert.equal(ran.body.status, 'succeeded', JSON.stringify(ran.body));
    const vote = await apiCall('POST', `/api/marketplace/tools/${id}/votes`, { up: true, text: 'does what it says' });
    assert.equal(vote.status, 200, JSON.stringify(vote.body));
    await page.goto(`${server.base}/marketplace?tab=tools&listing=${encodeURIComponent(id)}`);
    await page.waitForSelector('[data-testid=review]');
    await page.click('[data-testid=reply-review]');
    await page.fill('[data-testid=reply-text]', 'Thanks for trying it');
    await page.click('[data-testid=reply-submit]');
    await page.waitForSelector('[data-testid=review-reply]');
    assert.match(await page.locator('[data-testid=review-reply]').innerText(), /replied: Thanks for trying it/);
    await page.reload();
    await page.waitForSelector('[data-testid=review-reply]');
    assert.equal(await page.locator('[data-testid=reply-review]').count(), 0);
  });

  scenario('the palette\'s Marketplace tab lists the installed tool and drags it in as publisher/name@MAJOR', async () => {
    const created = await apiCall('POST', '/api/flows', { name: 'Drag a tool', organismYaml: deskFlow('start') });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await page.goto(`${server.base}/flow/${created.body.id}/split`);
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await page.waitForSelector('.monaco-editor');
    await page.click('[data-testid=palette-tab-market]');
    const item = '[data-testid="palette-tool-nextra/json-path-pick"]';
    await page.waitForSelector(item);
    assert.match(await page.locator(item).innerText(), /nextra\/json-path-pick@1/);
    await page.dragAndDrop(item, '[data-testid=canvas]', { targetPosition: { x: 220, y: 320 } });
    const y = await waitFor(async () => ((await yamlText())?.includes('name: json-path-pick') ? yamlText() : null), 'tool node in the YAML');
    assert.match(y, /- name: json-path-pick\n[\s\S]*handler: code\n {4}config: \{module: "?nextra\/json-path-pick@1"?\}/);
    assert.match(await page.locator('[data-testid=insp-module]').innerText(), /installed marketplace tool nextra\/json-path-pick@1/);
    await page.click('[data-testid=save]');
    await waitFor(async () => (await page.locator('[data-testid=save-status]').innerText()).includes('Saved'), 'saved');
    const saved = await apiCall('GET', `/api/flows/${created.body.id}`);
    assert.match(saved.body.organismYaml, /nextra\/json-path-pick@1/);
  });
});
