// Alerts (issue 15): a flow whose code block traps fails every run; the server's error_rate rule fires, the
// header shows a badge, the Alerts page lists the alert; an admin adds a notification channel on the page.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { startServer } from './server.mjs';

let server, browser, page;
const consoleLines = [];

const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'alerts-');
const waitFor = (f, what, ms = 30_000) => waitForOn(page, f, what, ms);

const TRAPPING = `organism:
  name: trapper
payloads:
  Ping: {fields: {Text: string}}
triggers:
  - {name: hook, type: webhook, target: trap, payload: Ping}
listeners:
  - name: trap
    description: always traps
    payload_class: Ping
    handler: code
    config:
      fuel: 100000
      memory_mb: 1
      timeout_ms: 1000
      wat: |
        (module
          (memory (export "memory") 1)
          (func (export "alloc") (param i32) (result i32) (i32.const 1024))
          (func (export "handle") (param i32 i32) (result i64) unreachable))
`;

describe('alerts in the browser', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer({
      env: { NEXTRA_ALERTS__EVALUATION_SECONDS: '0.5', NEXTRA_ALERTS__MIN_RUNS: '3', NEXTRA_ALERTS__WINDOW_MINUTES: '10', NEXTRA_SLA__SAMPLE_SECONDS: '1' },
    });
    ({ browser, page } = await launchPage(consoleLines));
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

  scenario('failing runs fire error_rate: badge in the header, the alert on the Alerts page, a channel added', async () => {
    // Three failing runs through the API with the session's cookies.
    const flowId = await page.evaluate(async (yaml) => {
      const csrf = document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '';
      const h = { 'Content-Type': 'application/json', 'X-Nextra-Csrf': decodeURIComponent(csrf) };
      const flow = await (await fetch('/api/flows', { method: 'POST', headers: h, body: JSON.stringify({ name: 'trapper', description: '', organismYaml: yaml, canvasState: {} }) })).json();
      await fetch(`/api/flows/${flow.id}/start`, { method: 'POST', headers: h, body: '{}' });
      const triggers = await (await fetch(`/api/flows/${flow.id}/triggers`)).json();
      const hook = new URL(triggers.find((t) => t.type === 'webhook').url).pathname;
      for (let i = 0; i < 3; i++) await fetch(`${hook}?wait=10`, { method: 'POST', credentials: 'omit', headers: { 'Content-Type': 'application/json' }, body: '{"Text":"x"}' });
      return flow.id;
    }, TRAPPING);
    assert.ok(flowId);

    await page.goto(`${server.base}/alerts?state=firing`);
    await waitFor(async () => {
      await page.click('[data-testid=alerts-filter-firing]');
      return (await page.locator('[data-testid=alert-error_rate]').count()) === 1;
    }, 'the error_rate alert on the page');
    const row = await page.locator('[data-testid=alert-error_rate]').innerText();
    assert.match(row, /firing/);
    assert.match(row, /High error rate/);
    assert.match(row, /3 of 3 runs failed/);
    // The header badge counts firing alerts (it polls; a reload reads it at once).
    await page.reload();
    await page.waitForSelector('[data-testid=alerts-badge]');
    assert.equal((await page.locator('[data-testid=alerts-badge]').innerText()).trim(), '1');

    // An admin adds an e-mail-free channel: a Slack webhook URL.
    await page.fill('[data-testid=channel-name]', 'team-slack');
    await page.selectOption('[data-testid=channel-type]', 'slack');
    await page.fill('[data-testid=channel-url]', 'https://hooks.slack.example/services/T000/B000/XXXX');
    await page.click('[data-testid=channel-save]');
    await page.waitForSelector('[data-testid=channel-team-slack]');
    assert.match(await page.locator('[data-testid=channel-team-slack]').innerText(), /slack/);
    // An invalid channel is refused with the server's reason.
    await page.fill('[data-testid=channel-name]', 'bad');
    await page.selectOption('[data-testid=channel-type]', 'webhook');
    await page.fill('[data-testid=channel-url]', 'ftp://nope');
    await page.click('[data-testid=channel-save]');
    await page.waitForSelector('.error-banner');
    assert.match(await page.locator('.error-banner').innerText(), /absolute http\(s\) URL/);

    // The SLA page: three runs, none succeeded, the trap's error code three times, the alert of the window.
    await page.click('a[href="/sla"]');
    await page.waitForSelector('[data-testid=sla-tenant]');
    await page.click('[data-testid=sla-window-1h]');
    await waitFor(async () => (await page.locator('[data-testid=sla-tenant] [data-testid=sla-runs]').innerText()).trim() === '3', 'three runs on the SLA page');
    assert.equal((await page.locator('[data-testid=sla-tenant] [data-testid=sla-success]').innerText()).trim(), '0%');
    assert.match(await page.locator(`[data-testid=sla-flow-${flowId}] [data-testid=sla-errors]`).innerText(), /× 3/);
    assert.match(await page.locator('[data-testid=sla-alerts]').innerText(), /error_rate/);
  });
});
