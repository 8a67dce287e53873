// Browser end-to-end tests: real headless Debian chromium (playwright-core, no browser download)
// against a real `nextra serve`. Run: npm run e2e. Screenshots and failure console logs go to
// e2e/artifacts/. Skips (counted as skipped, with the reason) when chromium is missing.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { startServer } from './server.mjs';

if (skipReason) console.log(`# SKIP browser e2e: ${skipReason}`);

const EMAIL = 'owner@example.com';
const PASSWORD = 'correct-horse-42';

let server, browser, page;
const consoleLines = [];
const state = {};

/** Wraps a test body: screenshot always, console log on failure. */
const scenario = scenarioFor(() => ({ page, server, consoleLines }));

const yamlText = () => page.evaluate(() => window.__nextraYaml?.getValue());
const setYaml = (f) => page.evaluate((src) => {
  const ed = window.__nextraYaml;
  const model = ed.getModel();
  // eslint-disable-next-line no-new-func
  const next = new Function('t', `return (${src})(t)`)(model.getValue());
  ed.executeEdits('e2e', [{ range: model.getFullModelRange(), text: next }]);
}, f.toString());
const putYaml = (text) => page.evaluate((next) => {
  const ed = window.__nextraYaml;
  ed.executeEdits('e2e', [{ range: ed.getModel().getFullModelRange(), text: next }]);
}, text);
const nodeIds = () => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')).sort());

async function dropFromPalette(kind, x, y) {
  await page.dragAndDrop(`[data-testid=palette-${kind}]`, '[data-testid=canvas]', { targetPosition: { x, y } });
}

async function connect(a, b) {
  const s = await page.locator(`.react-flow__node[data-id="${a}"] .react-flow__handle.source`).boundingBox();
  const t = await page.locator(`.react-flow__node[data-id="${b}"] .react-flow__handle.target`).boundingBox();
  await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
  await page.mouse.down();
  await page.mouse.move(t.x + t.width / 2, t.y + t.height / 2, { steps: 12 });
  await page.mouse.up();
}

const waitFor = (f, what, ms = 15_000) => waitForOn(page, f, what, ms);

/** Creates a flow through the API from the page (cookie session + CSRF); returns its id. */
async function apiCreateFlow(name, organismYaml) {
  return page.evaluate(async ([n, y]) => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
    const r = await fetch('/api/flows', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf }, body: JSON.stringify({ name: n, description: '', organismYaml: y, canvasState: { positions: {} } }) });
    if (!r.ok) throw new Error(`create: ${r.status} ${await r.text()}`);
    return (await r.json()).id;
  }, [name, organismYaml]);
}

const simpleFlow = (name) => ['organism:', `  name: ${name}`, 'payloads:', '  Message: {fields: {Text: string}}', 'triggers:',
  '  - {name: start, type: webhook, target: done, payload: Message}', 'listeners:',
  '  - {name: done, description: The result, payload_class: Message, handler: output}', ''].join('\n');

/** Clicks Save and waits for the server's answer to the PUT (not for a label that may already read "Saved"). */
async function saveAndWait() {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/flows\/[^/]+$/.test(new URL(r.url()).pathname), { timeout: 30_000 }),
    page.click('[data-testid=save]'),
  ]);
  assert.equal(res.status(), 200, `save answered ${res.status()}: ${await res.text()}`);
  await page.waitForSelector('[data-testid=save-status].save-saved', { timeout: 15_000 });
}

describe('nextra in the browser', () => {
  before(async () => {
    if (skipReason) return; // every test below is skipped with the reason
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    ({ browser, page } = await launchPage(consoleLines));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  scenario('setup creates the owner and lands on the dashboard', async () => {
    await page.goto(server.setupLink);
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
    await page.waitForSelector('text=Flows');
  });

  scenario('create a flow by dragging palette nodes and connecting them updates the YAML', async () => {
    await page.fill('[data-testid=new-flow-name]', 'E2E triage');
    await page.click('[data-testid=create-flow]');
    await page.waitForURL(/\/flow\/[^/]+$/);
    state.flowUrl = page.url();
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await waitFor(async () => (await nodeIds()).join() === 'l:done,t:start', 'the new flow\'s start → done');
    await dropFromPalette('branch', 330, 200);
    await dropFromPalette('output', 600, 380);
    await dropFromPalette('llm', 330, 420);
    await waitFor(async () => (await nodeIds()).length === 5, '5 nodes');
    assert.deepEqual(await nodeIds(), ['l:branch', 'l:done', 'l:llm', 'l:output', 't:start']);
    // Delete the LLM node again with the keyboard.
    await page.click('.react-flow__node[data-id="l:llm"]');
    await page.keyboard.press('Delete');
    await waitFor(async () => !(await nodeIds()).includes('l:llm'), 'llm node deleted');
    await connect('t:start', 'l:branch');
    await connect('l:branch', 'l:done');
    await connect('l:branch', 'l:output');
    await waitFor(async () => (await page.locator('.react-flow__edge').count()) === 3, '3 edges');
    assert.match(await page.locator('[data-testid=node-count]').innerText(), /Nodes: 4/);
    await page.click('[data-testid=view-yaml]');
    await page.waitForSelector('.monaco-editor');
    const y = await waitFor(yamlText, 'monaco text');
    assert.match(y, /triggers:\n {2}- \{name: start, type: webhook, target: branch, payload: Message\}\n/);
    assert.match(y, /- name: branch\n[\s\S]*handler: branch\n[\s\S]*peers: \[done, output\]/);
    assert.doesNotMatch(y, /name: llm/);
  });

  scenario('editing the YAML updates the canvas and invalid YAML keeps the last valid canvas', async () => {
    await page.click('[data-testid=view-split]');
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await page.waitForSelector('.monaco-editor');
    await setYaml((t) => t
      .replace('cases: []', 'cases:\n        - {if: "Text = \'urgent\'", to: urgent}\n      else: normal')
      .replace('{name: done,', '{name: urgent,')
      .replace('name: output\n', 'name: normal\n')
      .replace('[done, output]', '[urgent, normal]')
      .replace('organism:\n', '# edited by hand\norganism:\n'));
    await waitFor(async () => (await nodeIds()).join() === 'l:branch,l:normal,l:urgent,t:start', 'renamed nodes on canvas');
    await waitFor(async () => (await page.locator('.react-flow__edge-text').allTextContents()).some((x) => x.includes('urgent')), 'case label on edge');
    // Break the YAML: the canvas stays, the error is marked.
    const good = await yamlText();
    await setYaml((t) => t.replace('listeners:', 'listeners: [oops'));
    await page.waitForSelector('.canvas-lock');
    assert.deepEqual(await nodeIds(), ['l:branch', 'l:normal', 'l:urgent', 't:start']);
    await page.waitForSelector('.monaco-editor .squiggly-error');
    await putYaml(good);
    await page.waitForSelector('.canvas-lock', { state: 'detached' });
    // A canvas edit after the YAML edit keeps the hand-written comment.
    await page.click('.react-flow__node[data-id="l:urgent"]');
    await page.fill('[data-testid=insp-description]', 'Urgent tickets');
    await page.keyboard.press('Enter');
    const y = await waitFor(async () => ((await yamlText())?.includes('Urgent tickets') ? yamlText() : null), 'description in YAML');
    assert.ok(y.startsWith('# edited by hand\norganism:\n'), y);
    // A server validation problem shows on its node and in the list; clicking it jumps to the line.
    await putYaml(y.replace('    handler: branch\n', '    handler: branch\n    bogus_key: 1\n'));
    await page.waitForSelector('[data-testid=problem]', { timeout: 15_000 });
    await page.waitForSelector('.react-flow__node[data-id="l:branch"] .has-problems');
    await page.locator('[data-testid=problem]').first().click();
    const line = await page.evaluate(() => window.__nextraYaml.getPosition().lineNumber);
    assert.equal(line, y.split('\n').findIndex((l) => l === '    handler: branch') + 2);
    await putYaml(y);
    await page.waitForSelector('[data-testid=problem]', { state: 'detached', timeout: 15_000 });
  });

  scenario('undo and redo work across canvas and YAML, Ctrl+S saves', async () => {
    const start = await yamlText();
    await page.click('.react-flow__node[data-id="l:normal"]');
    await page.fill('[data-testid=insp-description]', 'Everything else');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await yamlText()).includes('Everything else'), 'inspector edit');
    await page.click('.react-flow__pane', { position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await waitFor(async () => (await yamlText()) === start, 'undo of the description');
    await page.keyboard.press('Control+Shift+z');
    await waitFor(async () => (await yamlText()).includes('Everything else'), 'redo');
    const before = await yamlText();
    // Copy and paste a node, then undo the paste.
    await page.click('.react-flow__node[data-id="l:normal"]');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await waitFor(async () => (await nodeIds()).includes('l:normal_copy'), 'pasted node');
    await page.click('.react-flow__pane', { position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+z');
    await waitFor(async () => (await yamlText()) === before, 'undo of the paste');
    await page.keyboard.press('Control+s');
    await waitFor(async () => (await page.locator('[data-testid=save-status]').innerText()).includes('Saved'), 'saved');
    await page.reload();
    await page.waitForSelector('.monaco-editor');
    assert.equal(await waitFor(yamlText, 'yaml after reload'), before);
    assert.deepEqual(await nodeIds(), ['l:branch', 'l:normal', 'l:urgent', 't:start']);
  });

  scenario('run the flow from the inject dialog, watch it finish and open its steps', async (t) => {
    const probe = await page.evaluate(async () => (await fetch(location.pathname.replace('/flow/', '/api/flows/').replace(/\/split$/, '') + '/runs')).status);
    if (probe === 404 || probe === 405) {
      t.skip('this server build has no runs API yet (runs branch not merged)');
      return;
    }
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=inject-dialog]');
    await page.fill('[data-testid=inject-dialog] input[name=Text]', 'urgent');
    await page.click('[data-testid=inject-run]');
    await page.waitForURL(/\/runs\/[^/]+$/, { timeout: 30_000 });
    const status = await waitFor(async () => {
      const s = (await page.locator('[data-testid=run-status]').innerText()).trim();
      return ['running', 'queued', 'pending', 'starting'].includes(s) ? null : s;
    }, 'run to finish', 30_000);
    assert.match(status, /succeeded|completed|ok/);
    await waitFor(async () => (await page.locator('[data-testid=step]').count()) >= 2, 'steps listed');
    await page.locator('[data-testid=step] .step-head').first().click();
    await page.waitForSelector('text=Payload in');
    const body = await page.locator('.step.open').innerText();
    assert.match(body, /urgent/);
    await page.screenshot({ path: path.join(artifacts, 'run-page.png') });
    await page.goto(state.flowUrl.replace(/\/flow\/([^/]+).*/, '/flow/$1/runs'));
    await waitFor(async () => (await page.locator('[data-testid=run-row]').count()) === 1, 'run in history');
    // The webhook trigger's URL starts a second run, which arrives in the open list live (SignalR).
    const flowId = state.flowUrl.match(/\/flow\/([^/]+)/)[1];
    const code = await page.evaluate(async (id) => {
      const triggers = await (await fetch(`/api/flows/${id}/triggers`)).json();
      const hook = triggers.find((x) => x.type === 'webhook');
      return (await fetch(hook.url, { method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ Text: 'hello' }) })).status;
    }, flowId);
    assert.ok(code === 202 || code === 200, `webhook answered ${code}`);
    await waitFor(async () => (await page.locator('[data-testid=run-row]').count()) === 2, 'webhook run listed live', 20_000);
    await page.selectOption('[data-testid=status-filter]', 'failed');
    await waitFor(async () => (await page.locator('[data-testid=run-row]').count()) === 0, 'failed filter');
    await page.selectOption('[data-testid=status-filter]', 'succeeded');
    await waitFor(async () => (await page.locator('[data-testid=run-row]').count()) === 2, 'succeeded filter');
  });

  scenario('a failing code step shows its error on the run page and can be replayed', async () => {
    const wat = '(module (memory (export "memory") 1) (func (export "alloc") (param i32) (result i32) i32.const 16) (func (export "handle") (param i32 i32) (result i64) unreachable))';
    const yaml = ['organism:', '  name: trapper', 'payloads:', '  Message: {fields: {Text: string}}', 'triggers:', '  - {name: start, type: webhook, target: crash, payload: Message}',
      'listeners:', `  - {name: crash, description: Always traps, payload_class: Message, handler: code, peers: [done], config: {wat: ${JSON.stringify(wat)}}}`,
      '  - {name: done, description: Never reached, payload_class: Message, handler: output}', ''].join('\n');
    const id = await page.evaluate(async (organismYaml) => {
      const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
      const r = await fetch('/api/flows', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf }, body: JSON.stringify({ name: 'trapper', description: '', organismYaml, canvasState: { positions: {} } }) });
      if (!r.ok) throw new Error(`create: ${r.status} ${await r.text()}`);
      return (await r.json()).id;
    }, yaml);
    await page.goto(`${server.base}/flow/${id}`);
    await page.click('[data-testid=run]');
    await page.fill('[data-testid=inject-dialog] input[name=Text]', 'boom');
    await page.click('[data-testid=inject-run]');
    await page.waitForURL(/\/runs\/[^/]+$/, { timeout: 30_000 });
    const status = await waitFor(async () => {
      const st = (await page.locator('[data-testid=run-status]').innerText()).trim();
      return st === 'running' ? null : st;
    }, 'run to fail', 30_000);
    assert.equal(status, 'failed');
    await page.waitForSelector('.step.failed');
    await page.locator('.step.failed .step-head').first().click();
    const text = await page.locator('.step.failed').first().innerText();
    assert.match(text, /wasm_trap/);
    const firstRun = page.url();
    await page.click('[data-testid=replay-run]');
    await waitFor(async () => page.url() !== firstRun, 'replay navigates to the new run');
    await page.waitForSelector('[data-testid=run-status]');
  });

  scenario('a code block opens the TypeScript editor, builds on the server and applies inline source', async () => {
    await page.goto(state.flowUrl);
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await page.dblclick('[data-testid=palette-code]');
    await page.click('[data-testid=open-code]');
    await page.waitForSelector('[data-testid=code-editor] .monaco-editor');
    await waitFor(async () => (await page.locator('[data-testid=code-status]').innerText()).includes('typings'), 'SDK typings status');
    await page.click('[data-testid=code-build]');
    const status = await waitFor(async () => {
      const s = await page.locator('[data-testid=code-status]').innerText();
      return s && !s.includes('Building') && !s.includes('typings') ? s : null;
    }, 'build result', 60_000);
    console.log(`# code build status: ${status}`);
    // The starter must compile; a server without the asc toolchain says so instead.
    assert.match(status, /Build succeeded|not installed/);
    await page.click('[data-testid=code-apply]');
    await page.click('[data-testid=view-yaml]');
    await page.waitForSelector('.monaco-editor');
    const y = await waitFor(async () => ((await yamlText())?.includes('name: code') ? yamlText() : null), 'code node in YAML');
    assert.match(y, /handler: code\n {4}config:\n {6}source: \|\n {8}import \{ JsonObj \} from "\.\/nextra";/);
    // Payload classes: add a field in the dialog; the flow-style line is edited in place.
    await page.click('[data-testid=payloads]');
    await page.fill('[data-testid=payloads-editor] input[placeholder="field name"]', 'Priority');
    await page.click('[data-testid=payloads-editor] >> text=Add field');
    await page.click('[data-testid=payloads-editor] >> text=Close');
    await waitFor(async () => (await yamlText()).includes('  Message: {fields: {Text: string, Priority: string}}\n'), 'field added in place');
  });

  scenario('a phone shows the dashboard read-only', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(server.base + '/dashboard');
    await page.waitForSelector('[data-testid=flow-row]');
    assert.equal(await page.locator('[data-testid=create-flow]').isVisible(), false);
    await page.click('[data-testid=flow-row] a:visible');
    await page.waitForURL(/\/flow\/[^/]+\/runs$/);
  });

  scenario('settings creates an API key shown once and lists it', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(server.base + '/settings');
    await page.fill('input[placeholder="Key name"]', 'ci');
    await page.click('text=Create key');
    const shown = await page.locator('[data-testid=new-key] code').innerText();
    assert.ok(shown.length > 16, shown);
    await page.waitForSelector('td:text-is("ci")');
    await page.click('[data-testid=new-key] button:text-is("Done")');
    await page.waitForSelector('[data-testid=new-key]', { state: 'detached' });
    // Secrets: names only.
    await page.fill('input[placeholder=NAME]', 'OPENAI');
    await page.fill('input[placeholder=value]', 'sk-test-value');
    await page.click('text=Set secret');
    await page.waitForSelector('code:text-is("OPENAI")');
    assert.doesNotMatch(await page.content(), /sk-test-value/);
  });

  scenario('log out and log back in', async () => {
    await page.click('[data-testid=logout]');
    await page.waitForURL('**/login');
    await page.goto(server.base + '/dashboard');
    await page.waitForURL(/\/login\?next=/);
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('[role=alert]');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
    await page.waitForSelector('[data-testid=flow-row]');
  });

  scenario('a 500-node flow opens and syncs YAML edits to the canvas', async () => {
    const lines = ['organism:', '  name: big', 'payloads:', '  Msg: {fields: {Text: string}}', 'triggers:', '  - {name: start, type: webhook, target: n0, payload: Msg}', 'listeners:'];
    for (let i = 0; i < 500; i++) {
      const peers = [i + 1, i + 7].filter((p) => p < 500).map((p) => `n${p}`);
      lines.push(`  - name: n${i}`, `    description: Step ${i}`, '    payload_class: Msg', `    handler: ${i === 499 ? 'output' : 'branch'}`);
      if (peers.length) lines.push(`    peers: [${peers.join(', ')}]`, `    config: {cases: [], else: ${peers[0]}}`);
    }
    const yaml = lines.join('\n') + '\n';
    const id = await page.evaluate(async (organismYaml) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '';
      const r = await fetch('/api/flows', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': decodeURIComponent(csrf) }, body: JSON.stringify({ name: 'big', description: '', organismYaml, canvasState: { positions: {} } }) });
      if (!r.ok) throw new Error(`create: ${r.status} ${await r.text()}`);
      return (await r.json()).id;
    }, yaml);
    const t0 = Date.now();
    await page.goto(`${server.base}/flow/${id}`);
    await page.waitForSelector('.react-flow__node');
    const openCanvas = Date.now() - t0;
    await page.click('[data-testid=view-split]');
    await page.waitForSelector('.monaco-editor');
    const open = Date.now() - t0;
    assert.match(await page.locator('[data-testid=node-count]').innerText(), /Nodes: 501/);
    const t1 = Date.now();
    await putYaml(yaml.replace('  - name: n0\n', '  - name: first\n').replace('target: n0', 'target: first'));
    await page.waitForFunction(() => window.__nextraGraph?.nodes.some((n) => n.id === 'l:first'));
    const sync = Date.now() - t1;
    console.log(`# 500-node flow in chromium: page load to canvas ${openCanvas} ms, plus split view with Monaco ${open} ms, YAML edit → canvas ${sync} ms`);
    // Typing in the YAML: each key must stay cheap (the canvas re-derives once typing pauses).
    await page.evaluate(() => {
      const ed = window.__nextraYaml;
      const m = ed.getModel();
      const line = m.getLinesContent().indexOf('  - name: first') + 1;
      ed.setPosition({ lineNumber: line, column: m.getLineMaxColumn(line) });
      ed.focus();
    });
    const typedText = '_typed_here';
    const t2 = Date.now();
    await page.keyboard.type(typedText);
    const typing = Date.now() - t2;
    await page.waitForFunction((id) => window.__nextraGraph?.nodes.some((n) => n.id === id), `l:first${typedText}`, { timeout: 30_000 });
    const typedSync = Date.now() - t2;
    console.log(`# 500-node flow: typing ${typedText.length} keys in the YAML took ${typing} ms (${Math.round(typing / typedText.length)} ms a key); canvas caught up ${typedSync} ms after the first key`);
    // Undo right after typing, before the pause elapses: the typed text is applied first, then undone; redo brings it back.
    await page.keyboard.type('_x');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => !window.__nextraYaml.getValue().includes('first_typed_here_x') && !window.__nextraGraph.nodes.some((n) => n.id === 'l:first_typed_here_x'));
    await page.keyboard.press('Control+Shift+z');
    await page.waitForFunction(() => window.__nextraYaml.getValue().includes('  - name: first_typed_here_x\n') && window.__nextraGraph.nodes.some((n) => n.id === 'l:first_typed_here_x'));
  });

  scenario('versions: two saves, restore version 1 brings back the old YAML', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    const original = simpleFlow('versioned');
    const id = await apiCreateFlow('versioned', original);
    await page.goto(`${server.base}/flow/${id}/split`);
    await page.waitForSelector('.monaco-editor');
    await waitFor(async () => (await yamlText()) === original, 'the flow in the YAML editor');
    await setYaml((t) => t.replace('description: The result', 'description: Second'));
    await saveAndWait();
    await setYaml((t) => t.replace('description: Second', 'description: Third'));
    await saveAndWait();
    await page.click('[data-testid=versions]');
    await page.waitForSelector('[data-testid=versions-panel]');
    const versions = await waitFor(async () => {
      const v = await page.locator('[data-testid=version-item]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-version'))));
      return v.length >= 3 ? v : null;
    }, 'three versions listed');
    const first = Math.min(...versions);
    // An unsaved edit: restoring asks before replacing it (the test's dialog handler accepts).
    await setYaml((t) => `# unsaved\n${t}`);
    await page.waitForSelector('[data-testid=save-status].save-unsaved');
    await page.click(`[data-testid=version-item][data-version="${first}"]`);
    await page.waitForSelector('[data-testid=version-view] [data-testid=version-diff] .monaco-diff-editor');
    // The diff's left side is the old version, the right side the editor's text.
    const sides = await page.waitForFunction(() => {
      const d = window.__nextraVersionDiff?.getModel();
      return d ? [d.original.getValue(), d.modified.getValue()] : null;
    });
    const [left, right] = await sides.jsonValue();
    assert.equal(left, original);
    assert.match(right, /description: Third/);
    const asked = page.waitForEvent('dialog', { timeout: 15_000 });
    await page.click('[data-testid=version-restore]');
    assert.match((await asked).message(), /unsaved changes/);
    await page.waitForSelector('[data-testid=version-view]', { state: 'detached', timeout: 30_000 });
    await waitFor(async () => (await yamlText()) === original, 'restored YAML in the editor');
    assert.match(await page.locator('[data-testid=save-status]').innerText(), /Saved/);
    // The restore is recorded as a new, current version.
    await waitFor(async () => (await page.locator('[data-testid=version-item]').count()) > versions.length, 'restore listed as a version');
    await page.waitForSelector(`[data-testid=version-item][data-version="${Math.max(...versions) + 1}"] .badge`);
    await page.reload();
    await page.waitForSelector('.monaco-editor');
    assert.equal(await waitFor(yamlText, 'yaml after reload'), original);
  });

  scenario('modules: upload a .wat, drag it from the Custom tab, delete refused while a flow uses it', async () => {
    const echo = '(module (memory (export "memory") 1)\n  (func (export "alloc") (param i32) (result i32) i32.const 1024)\n  (func (export "handle") (param i32 i32) (result i64)\n    local.get 0 i64.extend_i32_u i64.const 32 i64.shl local.get 1 i64.extend_i32_u i64.or))\n';
    await page.goto(`${server.base}/modules`);
    await page.waitForSelector('[data-testid=module-upload]');
    await page.setInputFiles('[data-testid=module-file]', { name: 'echo.wat', mimeType: 'text/plain', buffer: Buffer.from(echo) });
    assert.equal(await page.inputValue('[data-testid=module-name]'), 'echo');
    await page.click('[data-testid=module-upload-file]');
    const row = await page.waitForSelector('[data-testid=module-row][data-module^="echo@"]', { timeout: 30_000 });
    const ref = await row.getAttribute('data-module');
    assert.match(await row.innerText(), /wat/);
    const id = await apiCreateFlow('uses-echo', simpleFlow('uses_echo'));
    await page.goto(`${server.base}/flow/${id}/split`);
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await page.waitForSelector('.monaco-editor');
    await page.click('[data-testid=palette-tab-custom]');
    await page.waitForSelector('[data-testid=palette-module-echo]');
    await page.dragAndDrop('[data-testid=palette-module-echo]', '[data-testid=canvas]', { targetPosition: { x: 200, y: 300 } });
    await waitFor(async () => (await nodeIds()).includes('l:echo'), 'module node on the canvas');
    const y = await waitFor(async () => ((await yamlText())?.includes('name: echo') ? yamlText() : null), 'module node in YAML');
    assert.match(y, /- name: echo\n[\s\S]*handler: code\n {4}config: \{module: /);
    assert.ok(y.includes(`module: ${ref}`), `YAML references ${ref}:\n${y}`);
    // The new node is selected; the inspector names its module.
    assert.match(await page.locator('[data-testid=insp-module]').innerText(), new RegExp(ref));
    await saveAndWait();
    await page.goto(`${server.base}/modules`);
    await page.waitForSelector(`[data-testid=module-row][data-module="${ref}"]`);
    await page.click(`[data-testid=module-row][data-module="${ref}"] [data-testid=module-delete]`);
    const refusal = await page.waitForSelector('[data-testid=module-in-use]', { timeout: 15_000 });
    assert.match(await refusal.innerText(), /uses-echo/);
    assert.equal(await page.locator(`[data-testid=module-in-use] a[href="/flow/${id}"]`).count(), 1);
    assert.equal(await page.locator(`[data-testid=module-row][data-module="${ref}"]`).count(), 1);
    // On a phone the list is read-only: no upload, no delete.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForSelector(`[data-testid=module-row][data-module="${ref}"]`);
    assert.equal(await page.locator('[data-testid=module-upload]').isVisible(), false);
    assert.equal(await page.locator('[data-testid=module-delete]').first().isVisible(), false);
    await page.setViewportSize({ width: 1280, height: 720 });
    // A second version of echo; the Inspector's version select then moves the YAML line between them.
    await page.reload();
    await page.waitForSelector('[data-testid=module-upload]');
    await page.setInputFiles('[data-testid=module-file]', { name: 'echo.wat', mimeType: 'text/plain', buffer: Buffer.from(echo) });
    await page.click('[data-testid=module-upload-file]');
    const second = await waitFor(async () => {
      const refs = await page.locator('[data-testid=module-row][data-module^="echo@"]').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-module')));
      return refs.find((r) => r !== ref);
    }, 'a second echo version listed', 30_000);
    await page.goto(`${server.base}/flow/${id}/split`);
    await page.waitForSelector('.monaco-editor');
    await page.click('.react-flow__node[data-id="l:echo"]');
    await page.waitForSelector('[data-testid=insp-module-version]:enabled');
    const before = await waitFor(async () => ((await yamlText())?.includes(`module: ${ref}}`) ? yamlText() : null), 'saved YAML in the editor');
    const line = (r) => `config: {module: ${r}}`;
    for (const [value, want] of [[second.split('@')[1], second], [ref.split('@')[1], ref], ['', 'echo'], [second.split('@')[1], second]]) {
      await page.selectOption('[data-testid=insp-module-version]', value);
      const y = await waitFor(async () => ((await yamlText())?.includes(line(want)) ? yamlText() : null), `YAML line ${line(want)}`);
      // Only that value changed: the rest of the text is byte for byte what was saved.
      assert.equal(y, before.replace(line(ref), line(want)));
      assert.match(await page.locator('[data-testid=insp-module]').innerText(), new RegExp(`module ${want} \\(`));
    }
  });

  scenario('modules: AssemblyScript typed in Monaco shows build errors at their lines, then uploads', async () => {
    await page.goto(`${server.base}/modules`);
    await page.waitForSelector('[data-testid=module-upload]');
    await page.click('[data-testid=upload-mode-source]');
    await page.waitForSelector('[data-testid=module-source] .monaco-editor');
    await page.fill('[data-testid=module-name]', 'as-echo');
    const good = await page.evaluate(() => window.__nextraModuleSource.getValue());
    // A type error on line 2 (after the import line).
    const bad = good.replace('export { alloc } from "./nextra";', 'export { alloc } from "./nextra";\nconst broken: i32 = "text";');
    await page.evaluate((t) => window.__nextraModuleSource.setValue(t), bad);
    await page.click('[data-testid=module-upload-source]');
    await page.waitForFunction(() => /error/.test(document.querySelector('[data-testid=module-source-status]')?.textContent ?? ''), null, { timeout: 90_000 });
    const status = await page.locator('[data-testid=module-source-status]').innerText();
    if (/not installed/i.test(status)) {
      console.log(`# AssemblyScript toolchain missing on this server: ${status}`);
      return;
    }
    const markers = await page.evaluate(() => window.__nextraModuleSource.getModel().getAllDecorations().filter((d) => /squiggly-error/.test(d.options.className ?? '')).map((d) => d.range.startLineNumber));
    assert.ok(markers.includes(3), `error marked on line 3, got ${JSON.stringify(markers)} (${status})`);
    await page.screenshot({ path: path.join(artifacts, 'module-build-errors.png') });
    assert.equal(await page.locator('[data-testid=module-row][data-module^="as-echo@"]').count(), 0);
    await page.evaluate((t) => window.__nextraModuleSource.setValue(t), good);
    await page.click('[data-testid=module-upload-source]');
    const row = await page.waitForSelector('[data-testid=module-row][data-module^="as-echo@"]', { timeout: 90_000 });
    assert.match(await row.innerText(), /assemblyscript/);
  });

  scenario('logs: the Logs panel shows the flow\'s lines after a run and clears', async () => {
    const id = await apiCreateFlow('logged', simpleFlow('logged'));
    await page.goto(`${server.base}/flow/${id}`);
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await page.click('[data-testid=logs]');
    await page.waitForSelector('[data-testid=logs-panel]');
    const status = await page.evaluate(async (flowId) => {
      const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
      const h = { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf };
      const s = await fetch(`/api/flows/${flowId}/start`, { method: 'POST', headers: h });
      if (!s.ok) return `start ${s.status}`;
      const r = await fetch(`/api/triggers/${flowId}/inject?wait=20`, { method: 'POST', headers: h, body: JSON.stringify({ payload: { Text: 'hi' } }) });
      return r.ok ? (await r.json()).status : `inject ${r.status}`;
    }, id);
    assert.match(String(status), /succeeded|completed|ok/);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=log-line]')].some((l) => /running/.test(l.textContent ?? '')), null, { timeout: 20_000 });
    const first = await page.locator('[data-testid=log-line]').first().innerText();
    assert.match(first, /info/i);
    await page.screenshot({ path: path.join(artifacts, 'logs-panel-with-lines.png') });
    await page.click('[data-testid=logs-clear]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=log-line]').length === 0);
    await page.waitForSelector('[data-testid=logs-panel] >> text=Cleared');
    // The flow status in the toolbar followed the start live.
    await page.waitForSelector('[data-testid=flow-status].status-running');
  });

  scenario('split view: dragging the divider resizes canvas and YAML, survives a reload, double-click resets', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(state.flowUrl.replace(/\/(split|yaml)$/, '') + '/split');
    await page.waitForSelector('.monaco-editor');
    const widths = () => page.evaluate(() => [document.querySelector('.canvas-wrap').getBoundingClientRect().width, document.querySelector('.yaml-wrap').getBoundingClientRect().width]);
    const [canvas0, yaml0] = await widths();
    assert.ok(Math.abs(canvas0 - yaml0) < 4, `starts even: ${canvas0} vs ${yaml0}`);
    const h = await page.locator('[data-testid=split-handle]').boundingBox();
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + h.width / 2 + 150, h.y + h.height / 2, { steps: 8 });
    await page.mouse.up();
    const [canvas1, yaml1] = await waitFor(async () => { const w = await widths(); return w[0] > canvas0 + 100 ? w : null; }, 'the canvas to widen');
    assert.ok(yaml1 < yaml0 - 100, `the YAML narrowed: ${yaml0} → ${yaml1}`);
    await page.reload();
    await page.waitForSelector('.monaco-editor');
    const [canvas2] = await widths();
    assert.ok(Math.abs(canvas2 - canvas1) < 4, `kept after reload: ${canvas1} vs ${canvas2}`);
    await page.dblclick('[data-testid=split-handle]');
    await waitFor(async () => { const [c, y] = await widths(); return Math.abs(c - y) < 4; }, 'the reset to an even split');
  });
});
