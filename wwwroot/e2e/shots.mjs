// Screenshots for looking at the UI, not a test: every page at 1280×720 and the read-only ones at
// 390×844 (phone), against a real `nextra serve`. Run: npm run shots (after npm run build and a
// Host build, like npm run e2e); the PNGs go to e2e/artifacts/shots/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { artifacts, launchPage, skipReason } from './browser.mjs';
import { startServer } from './server.mjs';

if (skipReason) {
  console.log(`skipped: ${skipReason}`);
  process.exit(0);
}
const out = path.join(artifacts, 'shots');
mkdirSync(out, { recursive: true });

const everyKind = `# Every node kind, a loop edge and a validation problem.
organism:
  name: every-kind
payloads:
  Message: {fields: {Text: string}}
triggers:
  - {name: inbound, type: webhook, target: triage, payload: Message}
  - {name: nightly, type: schedule, cron: "0 3 * * *", target: fetch, payload: Message}
listeners:
  - name: triage
    description: Classifies the request
    payload_class: Message
    handler: llm
    peers: [route, fetch]
    config: {model: gpt-4o-mini}
  - name: fetch
    description: Looks up the customer
    payload_class: Message
    handler: http
    peers: [transform]
    config: {url: "https://example.com/api/{{Text}}", method: GET}
  - name: transform
    description: Reshapes the answer
    payload_class: Message
    handler: code
    peers: [route]
    config: {module: echo}
  - name: route
    description: Chooses where it goes
    payload_class: Message
    handler: branch
    peers: [done, triage]
    config:
      cases:
        - {if: "contains(Text, 'again')", to: triage}
      else: done
  - name: done
    description: The result
    payload_class: Message
    handler: output
llm:
  backends:
    - {provider: openai, base_url: "https://api.openai.com/v1", api_key_secret: OPENAI_API_KEY}
`;
// Added in the browser (unsaved): a generic node with validation problems.
const plugin = `  - name: plugin
    description: A trusted plugin
    payload_class: Missing
    handler: dotnet
`;
const echo = '(module (memory (export "memory") 1)\n  (func (export "alloc") (param i32) (result i32) i32.const 1024)\n  (func (export "handle") (param i32 i32) (result i64)\n    local.get 0 i64.extend_i32_u i64.const 32 i64.shl local.get 1 i64.extend_i32_u i64.or))\n';

const server = await startServer();
const lines = [];
const { browser, page } = await launchPage(lines);
const shot = async (name) => {
  await page.screenshot({ path: path.join(out, `${name}.png`) });
  console.log(path.join(out, `${name}.png`));
};
try {
  await page.goto(server.setupLink);
  await shot('setup');
  await page.fill('input[name=email]', 'owner@example.com');
  await page.fill('input[name=password]', 'correct-horse-42');
  await page.click('button[type=submit]');
  await page.waitForURL('**/dashboard');
  const id = await page.evaluate(async ([y, wat]) => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
    for (let i = 0; i < 2; i++) {
      const m = await fetch('/api/modules', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf }, body: JSON.stringify({ name: 'echo', kind: 'wat', content: wat }) });
      if (!m.ok) throw new Error(`module: ${m.status} ${await m.text()}`);
    }
    const r = await fetch('/api/flows', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf }, body: JSON.stringify({ name: 'Every kind of node in one flow, with a long name', description: 'All node kinds', organismYaml: y, canvasState: { positions: {} } }) });
    if (!r.ok) throw new Error(`create: ${r.status} ${await r.text()}`);
    return (await r.json()).id;
  }, [everyKind, echo]);
  // A second flow with one finished run, for the runs list and the run page.
  const runId = await page.evaluate(async () => {
    const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
    const post = async (url, body) => {
      const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf }, body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
      return r.json();
    };
    const y = 'organism: {name: hello}\npayloads:\n  Message: {fields: {Text: string}}\ntriggers:\n  - {name: start, type: webhook, target: done, payload: Message}\nlisteners:\n  - {name: done, description: The result, payload_class: Message, handler: output}\n';
    const f = await post('/api/flows', { name: 'Hello with a rather long name to see how it wraps', description: 'One webhook, one output', organismYaml: y, canvasState: { positions: {} } });
    await post(`/api/flows/${f.id}/start`, {});
    return (await post(`/api/triggers/${f.id}/inject`, { payload: { Text: 'hi' } })).runId;
  });
  await page.goto(`${server.base}/runs/${runId}`);
  await page.waitForSelector('.status-succeeded');
  await shot('run');
  await page.goto(`${server.base}/dashboard`);
  await page.waitForSelector('[data-testid=flow-row] .status-running');
  await shot('dashboard');
  await page.goto(`${server.base}/flow/${id}/split`);
  await page.waitForSelector('.monaco-editor');
  await page.waitForFunction(() => window.__nextraYaml?.getValue().includes('handler: output'));
  await page.evaluate((extra) => {
    const ed = window.__nextraYaml;
    const t = ed.getModel().getValue().replace('llm:', extra + 'llm:').replace('peers: [done, triage]', 'peers: [done, triage, plugin]');
    ed.executeEdits('shots', [{ range: ed.getModel().getFullModelRange(), text: t }]);
  }, plugin);
  await page.click('[data-testid=view-canvas]');
  await page.waitForSelector('.react-flow__node[data-id="l:plugin"]');
  await page.waitForSelector('[data-testid=problem]');
  await shot('editor-canvas');
  await page.click('.react-flow__node[data-id="l:transform"]');
  await page.waitForSelector('[data-testid=insp-name]');
  await shot('editor-inspector-code');
  await page.click('.react-flow__node[data-id="l:route"]');
  await page.waitForSelector('[data-testid=inspector] legend');
  await shot('editor-inspector-branch');
  await page.click('[data-testid=run]');
  await page.waitForSelector('[data-testid=inject-dialog]');
  await shot('dialog-run');
  await page.click('[data-testid=inject-dialog] button[type=button]');
  await page.click('[data-testid=payloads]');
  await page.waitForSelector('[data-testid=payloads-editor]');
  await shot('dialog-payloads');
  await page.click('[data-testid=payloads-editor] .row.end button');
  await page.click('.react-flow__node[data-id="l:transform"]');
  await page.click('[data-testid=open-code]');
  await page.waitForSelector('[data-testid=code-editor] .monaco-editor');
  await shot('dialog-code');
  await page.click('[data-testid=code-editor] button:text-is("Close")');
  await page.click('[data-testid=palette-tab-custom]');
  await page.waitForSelector('[data-testid=palette-module-echo]');
  await shot('editor-custom-tab');
  await page.goto(`${server.base}/flow/${id}/split`);
  await page.waitForSelector('.monaco-editor');
  await shot('editor-split');
  await page.click('[data-testid=logs]');
  await page.waitForSelector('.logs-panel');
  await page.click('[data-testid=versions]');
  await page.waitForSelector('[data-testid=versions-panel]');
  await shot('editor-logs-versions');
  for (const [name, url, sel] of [['runs', `/flow/${id}/runs`, 'h1'], ['modules', '/modules', '[data-testid=module-upload]'], ['settings', '/settings', 'h1'], ['marketplace', '/marketplace', 'h1']]) {
    await page.goto(server.base + url);
    await page.waitForSelector(sel);
    await shot(name);
  }
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [name, url, sel] of [['phone-dashboard', '/dashboard', '[data-testid=flow-row]'], ['phone-editor', `/flow/${id}`, '.narrow-note'], ['phone-runs', `/flow/${id}/runs`, 'h1'], ['phone-run', `/runs/${runId}`, '.status-succeeded'], ['phone-modules', '/modules', 'h1'], ['phone-settings', '/settings', 'h1']]) {
    await page.goto(server.base + url);
    await page.waitForSelector(sel);
    await shot(name);
  }
} catch (e) {
  console.error(e, lines.slice(-30).join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
  await server.stop();
}
