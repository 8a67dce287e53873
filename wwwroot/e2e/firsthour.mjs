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

const twoPeers = `organism: {name: edges}
payloads:
  Note: {fields: {text: string}}
triggers:
  - {name: start, type: manual, target: echo, payload: Note}
listeners:
  - name: echo
    description: echoes
    payload_class: Note
    handler: code
    peers: [a, b]
    config:
      wat: |
        (module
          (memory (export "memory") 1)
          (global $bump (mut i32) (i32.const 1024))
          (func (export "alloc") (param $len i32) (result i32) (local $p i32)
            (local.set $p (global.get $bump)) (global.set $bump (i32.add (local.get $p) (local.get $len))) (local.get $p))
          (func (export "handle") (param $in i32) (param $len i32) (result i64)
            (i64.or (i64.shl (i64.extend_i32_u (local.get $in)) (i64.const 32)) (i64.extend_i32_u (local.get $len)))))
  - {name: a, description: one, payload_class: Note, handler: output}
  - {name: b, description: two, payload_class: Note, handler: output}
`;

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

  // Issue 16 item 2: an edge means data flows there.
  scenario('a code block with two peers and no _to: a warning with its line in the editor, a "went nowhere" mark in the run', async () => {
    const created = await apiCall('POST', '/api/flows', { name: 'Edges', description: '', organismYaml: twoPeers, canvasState: { positions: {} } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    await page.goto(`${server.base}/flow/${id}`);
    const warning = await page.waitForSelector('[data-testid=warning]', { timeout: 15_000 });
    assert.match(await warning.innerText(), /line 7: code block 'echo' has 2 peers/);
    assert.equal((await apiCall('POST', `/api/flows/${id}/start`)).status, 200);
    const run = await apiCall('POST', `/api/triggers/${id}/inject`, { payload: { text: 'hi' } });
    assert.ok(run.status === 200 || run.status === 202, JSON.stringify(run));
    await page.goto(`${server.base}/runs/${run.body.runId}`);
    await page.waitForSelector('[data-testid=step-not-forwarded]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid=run-not-forwarded]');
  });

  scenario('the same block with one peer forwards to it: the output step runs', async () => {
    const created = await apiCall('POST', '/api/flows', { name: 'One edge', description: '', organismYaml: twoPeers.replace('peers: [a, b]', 'peers: [a]'), canvasState: { positions: {} } });
    const id = created.body.id;
    assert.equal((await apiCall('POST', `/api/flows/${id}/start`)).status, 200);
    const run = await apiCall('POST', `/api/triggers/${id}/inject`, { payload: { text: 'hi' } });
    await page.goto(`${server.base}/runs/${run.body.runId}`);
    await waitFor(async () => (await page.locator('[data-testid=step] .step-name').allInnerTexts()).includes('a'), 'the step of the peer a');
    assert.equal(await page.locator('[data-testid=step-not-forwarded]').count(), 0);
  });
  // Issue 16 item 3: triggers are usable from the UI.
  scenario('the trigger inspector shows the webhook URL, a curl example, Rotate and the stopped note; a stopped flow says so', async () => {
    await page.goto(`${server.base}/dashboard`);
    await page.fill('[data-testid=new-flow-name]', 'Hooks');
    await page.click('[data-testid=create-flow]');
    await page.waitForURL(/\/flow\/[^/]+$/);
    const id = new URL(page.url()).pathname.split('/')[2];
    await page.waitForSelector('.react-flow__node[data-id="t:start"]');
    await page.click('.react-flow__node[data-id="t:start"]');
    const url = await (await page.waitForSelector('[data-testid=trigger-url]')).inputValue();
    assert.match(url, new RegExp(`^${server.base}/api/triggers/${id}/webhook/\\S+$`));
    assert.match(await page.locator('[data-testid=trigger-curl]').innerText(), new RegExp(`curl -X POST '${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'[\\s\\S]*"Text":"hello"`));
    await page.waitForSelector('[data-testid=trigger-stopped]');
    const post = (u) => page.evaluate(async (x) => { const r = await fetch(x, { method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json' }, body: '{"Text":"hi"}' }); return { status: r.status, body: await r.json() }; }, u);
    const stopped = await post(url);
    assert.equal(stopped.status, 404);
    assert.equal(stopped.body.detail, 'the flow is stopped; start it');
    const wrong = await post(url.replace(/[^/]+$/, 'not-the-token'));
    assert.equal(wrong.status, 404);
    assert.notEqual(wrong.body.detail, 'the flow is stopped; start it');
    await page.click('[data-testid=trigger-rotate]');
    const rotated = await waitFor(async () => { const v = await page.locator('[data-testid=trigger-url]').inputValue(); return v !== url ? v : null; }, 'the rotated URL');
    assert.equal((await apiCall('POST', `/api/flows/${id}/start`)).status, 200);
    assert.equal((await post(url)).status, 404, 'the old URL stopped working');
    const accepted = await post(rotated);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    state.hooksId = id;
  });

  scenario('a Trigger from the palette starts the listener it lands next to and saves without a problem', async () => {
    await page.goto(`${server.base}/flow/${state.hooksId}`);
    await page.waitForSelector('.react-flow__node[data-id="l:done"]');
    const box = await page.locator('.react-flow__node[data-id="l:done"]').boundingBox();
    const canvas = await page.locator('[data-testid=canvas]').boundingBox();
    await dropFromPalette('trigger', box.x - canvas.x + box.width / 2 + 60, box.y - canvas.y + box.height + 40);
    await waitFor(async () => (await nodeIds()).includes('t:trigger'), 'the new trigger node');
    await page.click('[data-testid=view-yaml]');
    await waitFor(async () => /- name: trigger\n\s+type: webhook\n\s+target: done\n\s+payload: Message\n/.test((await yamlText()) ?? ''), 'the trigger with its target in the YAML');
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/flows\/[^/]+$/.test(new URL(r.url()).pathname)),
      page.click('[data-testid=save]'),
    ]);
    assert.equal(res.status(), 200, await res.text());
  });
});
