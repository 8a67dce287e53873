// Settings → Billing (issue 13) in the browser, against a scripted Stripe on loopback that records every
// request: the plan cards start Checkout with the plan's price and the tenant, signed webhooks move the
// tier, the past-due banner shows on every page for the owner, Manage billing opens the portal.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe } from 'node:test';
import { artifacts, launchPage, scenarioFor, skipReason, waitForOn } from './browser.mjs';
import { freePort, startServer } from './server.mjs';

const EMAIL = 'owner@example.com';
const PASSWORD = 'correct-horse-42';
const SECRET = 'whsec_e2e';

let server, browser, page, stripe;
const consoleLines = [];
const requests = [];
const state = {};
const scenario = scenarioFor(() => ({ page, server, consoleLines }), 'billing-');
const waitFor = (f, what, ms = 15_000) => waitForOn(page, f, what, ms);

/** Stripe's API as far as billing uses it; Checkout and portal "pages" send the browser straight back to the app. */
async function startStripe() {
  const port = await freePort();
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const form = Object.fromEntries(new URLSearchParams(body));
      requests.push({ path: req.url, form, key: req.headers['idempotency-key'], auth: req.headers.authorization });
      res.setHeader('Content-Type', 'application/json');
      const n = requests.length;
      if (req.url === '/v1/checkout/sessions') res.end(JSON.stringify({ id: `cs_${n}`, url: `${server.base}/settings/billing?checkout=success` }));
      else if (req.url === '/v1/billing_portal/sessions') res.end(JSON.stringify({ id: `bps_${n}`, url: `${server.base}/settings/billing?portal=1` }));
      else { res.statusCode = 404; res.end(JSON.stringify({ error: { message: 'unknown' } })); }
    });
  });
  await new Promise((r) => srv.listen(port, '127.0.0.1', r));
  return { base: `http://127.0.0.1:${port}`, close: () => new Promise((r) => srv.close(r)) };
}

/** Delivers a Stripe event signed as Stripe signs it (t=…,v1=HMAC-SHA256 of "t.body"). */
async function deliver(event) {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
  const r = await fetch(`${server.base}/webhooks/stripe`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${t},v1=${v1}` } });
  assert.equal(r.status, 200, await r.text());
}

const now = () => Math.floor(Date.now() / 1000);
const subscription = (type, status, price, created) => ({
  id: `evt_${type}_${created}_${status}`, type, created,
  data: { object: { id: 'sub_e2e', object: 'subscription', customer: 'cus_e2e', status, cancel_at_period_end: false, metadata: {},
    items: { data: [{ price: { id: price }, current_period_end: created + 30 * 86400 }] } } },
});

describe('billing page', () => {
  before(async () => {
    if (skipReason) return;
    mkdirSync(artifacts, { recursive: true });
    stripe = await startStripe();
    server = await startServer({
      env: {
        NEXTRA_TIERS__DEFAULT_TIER: 'free',
        NEXTRA_BILLING__PROVIDER: 'stripe',
        NEXTRA_BILLING__STRIPE_SECRET_KEY: 'sk_test_e2e',
        NEXTRA_BILLING__STRIPE_WEBHOOK_SECRET: SECRET,
        NEXTRA_BILLING__STRIPE_API_BASE: stripe.base,
        NEXTRA_BILLING__PLANS__PAID__PRICE: 'price_paid',
        NEXTRA_BILLING__PLANS__PRO__PRICE: 'price_pro',
      },
    });
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
    await stripe?.close();
  });

  scenario('the owner sees the free plan, usage bars and plan cards; Upgrade starts Checkout with the plan price and the tenant', async () => {
    await page.goto(`${server.base}/settings`);
    await page.click('[data-testid=billing-link]');
    await page.waitForSelector('[data-testid=billing-plan]');
    assert.equal(await page.locator('[data-testid=billing-tier]').innerText(), 'free');
    assert.equal(await page.locator('[data-testid=billing-status]').innerText(), 'No subscription');
    assert.equal(await page.locator('[data-testid=plan-paid]').count(), 1);
    assert.equal(await page.locator('[data-testid=usage-runs-this-month]').count(), 1);
    assert.equal(await page.locator('[data-testid=manage-billing]').count(), 0);
    assert.equal(await page.locator('[data-testid=choose-pro]').innerText(), 'Upgrade');
    await page.click('[data-testid=choose-pro]');
    await page.waitForSelector('[data-testid=checkout-returned]');
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
    const checkout = requests.find((r) => r.path === '/v1/checkout/sessions');
    assert.ok(checkout, 'no Checkout Session was created');
    assert.equal(checkout.form['line_items[0][price]'], 'price_pro');
    assert.equal(checkout.form.client_reference_id, me.tenantId);
    assert.equal(checkout.form.mode, 'subscription');
    assert.equal(checkout.auth, 'Bearer sk_test_e2e');
    assert.ok(checkout.key, 'no Idempotency-Key');
    state.tenant = me.tenantId;
  });

  scenario('signed webhooks move the tier to pro; Manage billing opens the portal for the customer', async () => {
    await deliver({ id: 'evt_checkout', type: 'checkout.session.completed', created: now(),
      data: { object: { id: 'cs_1', mode: 'subscription', client_reference_id: state.tenant, customer: 'cus_e2e', subscription: 'sub_e2e' } } });
    await deliver(subscription('customer.subscription.created', 'active', 'price_pro', now()));
    await page.goto(`${server.base}/settings/billing`);
    await waitFor(async () => (await page.locator('[data-testid=billing-tier]').innerText().catch(() => '')) === 'pro', 'the pro tier');
    assert.equal(await page.locator('[data-testid=billing-status]').innerText(), 'Active');
    assert.equal(await page.locator('[data-testid=choose-paid]').innerText(), 'Downgrade');
    await page.click('[data-testid=manage-billing]');
    await page.waitForURL(/portal=1/);
    const portal = requests.find((r) => r.path === '/v1/billing_portal/sessions');
    assert.equal(portal?.form.customer, 'cus_e2e');
  });

  scenario('a failed payment shows the past-due banner on every page for the owner', async () => {
    await deliver({ id: 'evt_failed', type: 'invoice.payment_failed', created: now() + 1,
      data: { object: { id: 'in_1', customer: 'cus_e2e', subscription: 'sub_e2e' } } });
    await page.goto(`${server.base}/dashboard`);
    await page.waitForSelector('[data-testid=past-due-banner]');
    assert.match(await page.locator('[data-testid=past-due-banner]').innerText(), /free tier/);
    await page.goto(`${server.base}/settings/billing`);
    await waitFor(async () => (await page.locator('[data-testid=billing-status]').innerText().catch(() => '')) === 'Payment past due', 'past due');
    assert.equal(await page.locator('[data-testid=billing-tier]').innerText(), 'pro', 'the tier stays during the grace days');
  });

  scenario('a downgrade stops the flows above the plan: the dashboard row and the Billing page say what to do', async () => {
    const yaml = 'organism:\n  name: hello\npayloads:\n  Greeting: {fields: {Name: string}}\nlisteners:\n  - {name: greeter, description: greets, payload_class: Greeting, handler: output}\n';
    const ids = await page.evaluate(async (y) => {
      const csrf = decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('nextra_csrf='))?.split('=')[1] ?? '');
      const h = { 'Content-Type': 'application/json', 'X-Nextra-Csrf': csrf };
      const out = [];
      for (const name of ['kept', 'over']) {
        const f = await (await fetch('/api/flows', { method: 'POST', headers: h, body: JSON.stringify({ name, description: '', organismYaml: y, canvasState: {} }) })).json();
        await new Promise((r) => setTimeout(r, 20)); // distinct updated_at: "kept" is the one updated longest ago
        const st = await fetch(`/api/flows/${f.id}/start`, { method: 'POST', headers: h, body: '{}' });
        if (st.status !== 200) throw new Error(`start ${name}: ${st.status} ${await st.text()}`);
        out.push(f.id);
      }
      return out;
    }, yaml);
    // The subscription ends: back to free (1 flow).
    await deliver(subscription('customer.subscription.deleted', 'canceled', 'price_pro', now() + 2));
    await page.goto(`${server.base}/dashboard`);
    await page.waitForSelector('[data-testid=flow-over-plan]');
    assert.equal(await page.locator('[data-testid=flow-over-plan]').count(), 1);
    assert.equal(await page.locator('[data-testid=flow-over-plan]').innerText(), 'stopped: over plan limit — upgrade or stop other flows');
    const row = page.locator('[data-testid=flow-row]', { has: page.locator('[data-testid=flow-over-plan]') });
    assert.equal(await row.locator('a').first().innerText(), 'over', 'the flow updated most recently is the one stopped');
    const status = await page.evaluate(async (id) => (await fetch(`/api/flows/${id}/status`)).json(), ids[1]);
    assert.equal(status.reason, 'over_plan_limit');
    await page.goto(`${server.base}/settings/billing`);
    await page.waitForSelector('[data-testid=over-plan]');
    assert.match(await page.locator('[data-testid=over-plan]').innerText(), /over_plan_limit/);
  });
});
