// Parallel work on the canvas (issue 18): a person builds Parallel → two branches → Join → Output
// from the palette, connects them, saves, runs it and reads the joined result and the run's
// timeline. Own server and browser, so it does not depend on the order of run.mjs.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { startServer } from './server.mjs';

let server, browser, page;
const consoleLines = [];

const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'parallel-');
const waitFor = (f, what, ms = 20_000) => waitForOn(page, f, what, ms);
const nodeIds = () => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')).sort());

/** Drops a palette item at a point of the canvas given as fractions of its size. */
async function drop(kind, fx, fy) {
  const box = await page.locator('[data-testid=canvas]').boundingBox();
  await page.dragAndDrop(`[data-testid=palette-${kind}]`, '[data-testid=canvas]', { targetPosition: { x: box.width * fx, y: box.height * fy } });
}

/** Drags an edge from a's output handle to b's input handle and waits for it on the canvas. */
async function connect(a, b) {
  const s = await page.locator(`.react-flow__node[data-id="${a}"] .react-flow__handle.source`).boundingBox();
  const t = await page.locator(`.react-flow__node[data-id="${b}"] .react-flow__handle.target`).boundingBox();
  await page.mouse.move(s.x + s.width / 2, s.y + s.height / 2);
  await page.mouse.down();
  await page.mouse.move(t.x + t.width / 2, t.y + t.height / 2, { steps: 12 });
  await page.mouse.up();
  await waitFor(async () => (await page.locator(`.react-flow__edge[data-id="${a}->${b}"]`).count()) === 1, `the edge ${a} → ${b}`);
}

/** Selects a node and commits a text field of the inspector by its label. */
async function inspectorField(nodeId, label, value) {
  await page.click(`.react-flow__node[data-id="${nodeId}"]`);
  const input = page.locator(`[data-testid=inspector] label.field:has(> span:text-is("${label}")) input`);
  await input.fill(value);
  await input.press('Enter');
}

describe('parallel work in the browser', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
    ({ browser, page } = await launchPage(consoleLines));
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  scenario('setup', async () => {
    await page.goto(server.setupLink);
    await page.fill('input[name=email]', 'owner@example.com');
    await page.fill('input[name=password]', 'correct-horse-42');
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
  });

  scenario('build fan-out → two branches → join on the canvas, run it, read the joined result', async () => {
    await page.fill('[data-testid=new-flow-name]', 'E2E parallel');
    await page.click('[data-testid=create-flow]');
    await page.waitForURL(/\/flow\/[^/]+$/);
    await page.waitForSelector('[data-testid=canvas] .react-flow__renderer');
    await waitFor(async () => (await nodeIds()).join() === 'l:done,t:start', 'the new flow');
    // The canvas alone (switching views after drops is issue 16's crash): the YAML is read back from the server after saving.
    // Zoom out so the new nodes land clear of start → done.
    await page.click('.react-flow__controls-zoomout');
    await page.click('.react-flow__controls-zoomout');
    // Clear of start → done (centred) and of the canvas edges, where a connection drag would pan the view.
    await drop('fanout', 0.12, 0.7);
    await drop('branch', 0.38, 0.6);
    await drop('branch', 0.38, 0.78);
    await drop('join', 0.62, 0.68);
    await waitFor(async () => (await nodeIds()).length === 6, '6 nodes');
    assert.deepEqual(await nodeIds(), ['l:branch', 'l:branch_2', 'l:done', 'l:fanout', 'l:join', 't:start']);
    // Parallel and Join have their own shape (a bar) and icon.
    assert.equal(await page.locator('.react-flow__node[data-id="l:fanout"] .fnode-barwrap.fnode-fanout').count(), 1);
    assert.equal(await page.locator('.react-flow__node[data-id="l:join"] .fnode-barwrap.fnode-join').count(), 1);

    await connect('t:start', 'l:fanout');
    await connect('l:fanout', 'l:branch');
    await connect('l:fanout', 'l:branch_2');
    await connect('l:branch', 'l:join');
    await connect('l:branch_2', 'l:join');
    await connect('l:join', 'l:done');
    await waitFor(async () => (await page.locator('.react-flow__edge').count()) === 6, '6 edges');
    // Each branch passes the payload on to the join (its else), and the output takes the join's result class.
    await inspectorField('l:branch', 'else', 'join');
    await inspectorField('l:branch_2', 'else', 'join');
    await inspectorField('l:done', 'Payload class', 'Results');
    // The Parallel node's inspector lists its branches.
    await page.click('.react-flow__node[data-id="l:fanout"]');
    await page.waitForSelector('[data-testid=insp-fanout] input[type=checkbox]:checked');
    assert.equal(await page.locator('[data-testid=insp-fanout] input[type=checkbox]:checked').count(), 2);

    await page.waitForSelector('[data-testid=problem]', { state: 'detached', timeout: 20_000 });
    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/flows\/[^/]+$/.test(new URL(r.url()).pathname), { timeout: 30_000 }),
      page.click('[data-testid=save]'),
    ]);
    assert.equal(saved.status(), 200, await saved.text());
    // What the canvas wrote, as saved.
    const flowId = new URL(page.url()).pathname.split('/')[2];
    const y = await page.evaluate(async (id) => (await (await fetch(`/api/flows/${id}`)).json()).organismYaml, flowId);
    assert.match(y, /payload_class: Results, handler: output\}/);
    assert.match(y, /target: fanout/);
    assert.match(y, /handler: fanout\n {4}config:\n {6}fanout: \[branch, branch_2\]\n/);
    assert.match(y, /name: branch_2\n[\s\S]*?else: join\n {4}peers: \[join\]\n/);
    assert.match(y, /handler: join\n {4}config: \{output: Results\}\n {4}peers: \[done\]/);
    assert.match(y, /  Results:\n/);

    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=inject-dialog]');
    await page.fill('[data-testid=inject-dialog] input[name=Text]', 'hello both');
    await page.click('[data-testid=inject-run]');
    await page.waitForURL(/\/runs\/[^/]+$/, { timeout: 30_000 });
    const status = await waitFor(async () => {
      const s = (await page.locator('[data-testid=run-status]').innerText()).trim();
      return ['running', 'queued', 'pending', 'starting'].includes(s) ? null : s;
    }, 'the run to finish', 45_000);
    assert.equal(status, 'succeeded');
    // The joined result: one item per branch, in branch order, each successful.
    const outputs = await page.locator('[data-testid=outputs]').innerText();
    assert.match(outputs, /done · Results/);
    const result = JSON.parse(outputs.slice(outputs.indexOf('{')));
    assert.deepEqual(result.Items.map((i) => [i.Index, i.Success, i.Error, i.Branch]), [[0, true, '', 'branch'], [1, true, '', 'branch_2']]);
    assert.match(result.Items[0].Payload, /hello both/);
    // The timeline shows every step; clicking a bar opens its step.
    await page.waitForSelector('[data-testid=gantt]');
    const bars = await page.locator('[data-testid=gantt-bar]').count();
    assert.equal(bars, await page.locator('[data-testid=step]').count());
    await page.locator('[data-testid=gantt-bar][data-listener=join]').last().click();
    await page.waitForSelector('.step.open');
    assert.match(await page.locator('.step.open').innerText(), /join/);
  });
});
