// R10 metering in the browser: a free tenant driven to its month's executions; the next webhook is held
// (202, X-Nextra-Held: quota), Settings → Billing shows the held banner and count, and the usage ledger lists the
// counted runs newest first. The release at an upgrade is covered over HTTP (tests/Nextra.Host.Tests/Tiers).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason } from './browser.mjs';
import { startServer } from './server.mjs';

const EMAIL = 'owner@example.com';
const PASSWORD = 'correct-horse-42';
const LIMIT = 2;

let server, browser, page;
const consoleLines = [];
const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'usage-');

const FLOW = `organism:
  name: greeter
payloads:
  Greeting: {fields: {name: string}}
triggers:
  - {name: hook, type: webhook, target: done, payload: Greeting}
listeners:
  - {name: done, description: the answer, payload_class: Greeting, handler: output}
`;

describe('usage ledger and holds', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer({ env: { NEXTRA_TIERS__DEFAULT_TIER: 'free', NEXTRA_TIERS__FREE__EXECUTIONS_PER_MONTH: String(LIMIT) } });
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

  scenario('at the quota a webhook is held; Billing shows the banner, the held count and the ledger', async () => {
    const hook = await page.evaluate(async (y) => {
      const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
      const h = { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf };
      const f = await (await fetch('/api/flows', { method: 'POST', headers: h, body: JSON.stringify({ name: 'greeter', description: '', organismYaml: y, canvasState: {} }) })).json();
      const st = await fetch(`/api/flows/${f.id}/start`, { method: 'POST', headers: h, body: '{}' });
      if (st.status !== 200) throw new Error(`start: ${st.status} ${await st.text()}`);
      const triggers = await (await fetch(`/api/flows/${f.id}/triggers`)).json();
      return triggers.find((t) => t.name === 'hook').url;
    }, FLOW);
    const answers = [];
    for (let i = 0; i <= LIMIT; i++) {
      const r = await fetch(`${hook}?wait=10`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: `n${i}` }) });
      answers.push({ status: r.status, held: r.headers.get('x-nextra-held'), body: await r.json() });
    }
    assert.deepEqual(answers.slice(0, LIMIT).map((a) => [a.status, a.held]), Array(LIMIT).fill([200, null]));
    assert.deepEqual([answers[LIMIT].status, answers[LIMIT].held], [202, 'quota']);

    await page.goto(`${server.base}/settings/billing`);
    await page.waitForSelector('[data-testid=quota-held-banner]');
    assert.equal(await page.locator('[data-testid=held-count]').innerText(), '1');
    assert.match(await page.locator('[data-testid=quota-held-banner]').innerText(), /held/);
    await page.waitForSelector('[data-testid=ledger-entry]');
    const entries = page.locator('[data-testid=ledger-entry]');
    assert.equal(await entries.count(), LIMIT);
    assert.deepEqual(await entries.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-reason'))), Array(LIMIT).fill('accepted'));
    assert.equal(await page.locator('[data-testid=ledger-delta]').first().innerText(), '+1');
    // Newest first: the second run's entry is on top.
    assert.match(await entries.first().innerText(), new RegExp(answers[1].body.runId));
  });
});
