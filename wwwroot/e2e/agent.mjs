// The "done when", in the browser alone: a person writes a flow of an LLM call, a
// condition, a loop and an output, stores the LLM key as a secret, runs it, watches the agent's
// tokens and steps, then debugs a failed step and replays it. The LLM is a scripted
// OpenAI-compatible server on loopback (no network here), allow-listed for the server's egress
// guard exactly as an operator would allow a local Ollama. Own server and browser, so it does not
// depend on the order of run.mjs.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { freePort, startServer } from './server.mjs';

const KEY = 'sk-e2e-agent-key';

let server, browser, page, llm;
const consoleLines = [];
const llmState = { fail: false, calls: [] };

/** A scripted OpenAI chat-completions server: streams the reply as SSE when asked to. */
async function startFakeLlm() {
  const port = await freePort();
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions' || req.method !== 'POST') return void res.writeHead(404).end();
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'bad key' } }));
      }
      const request = JSON.parse(body);
      llmState.calls.push(request);
      if (llmState.fail) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ error: { message: 'the model is overloaded' } }));
      }
      const last = request.messages.at(-1)?.content ?? '';
      // First pass: the agent rewrites the question and sends it to itself (the loop); second pass:
      // it files a Ticket, which the condition routes.
      const text = /refined:/.test(last)
        ? 'Filing it. <Ticket><Priority>high</Priority><Summary>Printer on fire</Summary></Ticket>'
        : 'Let me restate that. <Question><Text>refined: the printer is on fire</Text></Question>';
      const usage = { prompt_tokens: 120, completion_tokens: 24, total_tokens: 144 };
      if (!request.stream) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return void res.end(JSON.stringify({ id: 'c', object: 'chat.completion', model: request.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage }));
      }
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (const piece of text.match(/.{1,12}/gs)) {
        res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: request.model, choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
      }
      res.write(`data: ${JSON.stringify({ id: 'c', model: request.model, choices: [], usage })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${port}/v1`, close: () => new Promise((r) => srv.close(r)) };
}

const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'agent-');
const waitFor = (f, what, ms = 20_000) => waitForOn(page, f, what, ms);

const nodeIds = () => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => n.getAttribute('data-id')).sort());
const runStatus = () => waitFor(async () => {
  const s = (await page.locator('[data-testid=run-status]').innerText()).trim();
  return ['running', 'queued', 'pending', 'starting'].includes(s) ? null : s;
}, 'the run to finish', 45_000);

describe('an agent flow in the browser', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    llm = await startFakeLlm();
    // The free tier, as a hosted operator would set it: one flow, 1,000 runs a month, no custom code.
    server = await startServer({ env: { NEXTRA_EGRESS__ALLOW_LIST: '127.0.0.1', NEXTRA_TIERS__DEFAULT_TIER: 'free' } });
    ({ browser, page } = await launchPage(consoleLines));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    await llm?.close();
  });

  scenario('set up, store the LLM key as a secret and write an agent flow in YAML', async () => {
    await page.goto(server.setupLink);
    await page.fill('input[name=email]', 'agent-owner@example.com');
    await page.fill('input[name=password]', 'correct-horse-42');
    await page.click('button[type=submit]');
    await page.waitForURL('**/dashboard');
    await page.goto(server.base + '/settings');
    await page.fill('input[placeholder=NAME]', 'OPENAI_API_KEY');
    await page.fill('input[placeholder=value]', KEY);
    await page.click('text=Set secret');
    await page.waitForSelector('code:text-is("OPENAI_API_KEY")');

    await page.goto(server.base + '/dashboard');
    await page.fill('[data-testid=new-flow-name]', 'Helpdesk agent');
    await page.click('[data-testid=create-flow]');
    await page.waitForURL(/\/flow\/[^/]+$/);
    await page.click('[data-testid=view-split]');
    await page.waitForSelector('.monaco-editor');
    const yaml = [
      '# A helpdesk agent: it restates the question once (a loop), files a Ticket, and the',
      '# condition sends high-priority tickets to the urgent queue.',
      'organism:', '  name: helpdesk',
      'llm:', '  retries: 0', '  backends:', `    - {provider: openai, name: scripted, base_url: "${llm.base}", api_key_secret: OPENAI_API_KEY}`,
      'payloads:', '  Question: {fields: {Text: string}}', '  Ticket: {fields: {Priority: string, Summary: string}}',
      'triggers:', '  - {name: ask, type: manual, target: triage, payload: Question}',
      'listeners:',
      '  - name: triage', '    description: Reads a support question and files a ticket', '    payload_class: Question', '    handler: llm', '    agent: true',
      '    peers: [triage, route]', '    prompt: Restate the question once, then file a Ticket for it.', '    config: {model: gpt-4o-mini, temperature: 0}',
      '  - name: route', '    description: Urgent tickets first', '    payload_class: Ticket', '    handler: branch', '    peers: [urgent, normal]',
      '    config:', '      cases:', "        - {if: \"Priority = 'high'\", to: urgent}", '      else: normal',
      '  - {name: urgent, description: The urgent queue, payload_class: Ticket, handler: output}',
      '  - {name: normal, description: The normal queue, payload_class: Ticket, handler: output}', '',
    ].join('\n');
    await page.evaluate((next) => {
      const ed = window.__nextraYaml;
      ed.executeEdits('e2e', [{ range: ed.getModel().getFullModelRange(), text: next }]);
    }, yaml);
    await waitFor(async () => (await nodeIds()).join() === 'l:normal,l:route,l:triage,l:urgent,t:ask', 'the agent flow on the canvas');
    await waitFor(async () => (await page.locator('.react-flow__edge.edge-loop').count()) === 1, 'the loop edge');
    await page.keyboard.press('Control+s');
    await waitFor(async () => (await page.locator('[data-testid=save-status]').innerText()).includes('Saved'), 'saved');
  });

  scenario('run the agent: loop, condition, output, tokens and cost on its steps', async () => {
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=inject-dialog]');
    await page.fill('[data-testid=inject-dialog] input[name=Text]', 'My printer is on fire');
    await page.click('[data-testid=inject-run]');
    await page.waitForURL(/\/runs\/[^/]+$/, { timeout: 30_000 });
    assert.equal(await runStatus(), 'succeeded');
    await waitFor(async () => (await page.locator('[data-testid=step] .step-name').allInnerTexts()).join() === 'triage,triage,route,urgent', 'steps triage → triage → route → urgent');
    const outputs = await page.locator('[data-testid=outputs]').innerText();
    assert.match(outputs, /Printer on fire/);
    await page.locator('[data-testid=step] .step-head').first().click();
    const first = await page.locator('.step.open').innerText();
    assert.match(first, /model gpt-4o-mini/);
    assert.match(first, /tokens 120 \+ 24/);
    assert.match(first, /My printer is on fire/);
    // The prompt the agent got: its system prompt, then the peers' usage instructions, then the payload.
    const [prompt, usage] = llmState.calls[0].messages;
    assert.deepEqual([prompt.role, usage.role], ['system', 'system']);
    assert.match(prompt.content, /Restate the question once/);
    assert.match(usage.content, /route[\s\S]*Ticket/);
    assert.match(llmState.calls[0].messages.at(-1).content, /My printer is on fire/);
  });

  scenario('a failed LLM step shows its error and replays once the backend is back', async () => {
    llmState.fail = true;
    await page.goBack();
    await page.waitForURL(/\/flow\/[^/]+/);
    await page.click('[data-testid=run]');
    await page.fill('[data-testid=inject-dialog] input[name=Text]', 'Still on fire');
    await page.click('[data-testid=inject-run]');
    await page.waitForURL(/\/runs\/[^/]+$/, { timeout: 30_000 });
    assert.equal(await runStatus(), 'failed');
    await page.waitForSelector('.step.failed');
    await page.locator('.step.failed .step-head').first().click();
    const failed = await page.locator('.step.failed').first().innerText();
    assert.match(failed, /llm_unavailable/);
    assert.match(failed, /Still on fire/);
    llmState.fail = false;
    const failedRun = page.url();
    await page.click('text=Replay from this step');
    await waitFor(async () => page.url() !== failedRun, 'the replay opens its own run');
    assert.equal(await runStatus(), 'succeeded');
    await waitFor(async () => (await page.locator('[data-testid=step] .step-name').allInnerTexts()).includes('urgent'), 'the replayed chain reaches urgent');
  });

  scenario('on the free tier the dashboard shows usage and a second flow is refused with what to do', async () => {
    await page.goto(server.base + '/dashboard');
    await page.waitForSelector('[data-testid=usage-tier]');
    assert.equal((await page.locator('[data-testid=usage-tier]').innerText()).trim(), 'free');
    const usage = await page.locator('[data-testid=usage]').innerText();
    assert.match(usage, /Runs this month 3\b/); // the run, the failed run and its replay
    assert.match(usage, /Flows 1\b/);
    await page.fill('[data-testid=new-flow-name]', 'A second flow');
    await page.click('[data-testid=create-flow]');
    const banner = await page.locator('[data-testid=quota-banner]').innerText();
    assert.match(banner, /free tier allows 1 flow/);
    assert.match(banner, /nextra tenant set-tier/);
    assert.equal(await page.locator('[data-testid=flow-row]').count(), 1);
  });
});
