import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { Billing, BillingPlan, Usage, UsageMonth } from '../../api/types';
import { useAuth } from '../../components/auth';
import { usageItems } from '../../components/format';
import { ErrorBanner } from '../../components/Layout';
import { HeldBanner, UsageLedger } from './UsageLedger';

const STATUS_TEXT: Record<string, string> = {
  none: 'No subscription', active: 'Active', trialing: 'Trial', past_due: 'Payment past due', canceled: 'Canceled',
};

const limitText = (n: number | null) => (n === null ? 'unlimited' : n.toLocaleString('en'));

/** Settings → Billing: plan and status, usage bars, plan cards (Checkout), Manage billing (portal), metered usage. */
export default function BillingPage() {
  const { me } = useAuth();
  const owner = me?.role === 'owner';
  const admin = owner || me?.role === 'admin';
  const [billing, setBilling] = useState<Billing | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [history, setHistory] = useState<UsageMonth[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.usage().then(setUsage).catch((e) => setError(errorMessage(e)));
    void api.usageHistory(6).then(setHistory).catch(() => setHistory([]));
    if (owner) void api.billing().then(setBilling).catch((e) => setError(errorMessage(e)));
  }, [owner]);

  const go = (f: () => Promise<{ url: string }>) => {
    setBusy(true);
    f().then((r) => window.location.assign(r.url)).catch((e) => { setError(errorMessage(e)); setBusy(false); });
  };
  const subscribed = !!billing && billing.hasCustomer && ['active', 'trialing', 'past_due'].includes(billing.status);
  const returned = new URLSearchParams(location.search).get('checkout');

  return (
    <div className="page settings billing" data-testid="billing-page">
      <p className="muted small"><Link to="/settings">Settings</Link> / Billing</p>
      <h1>Billing</h1>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {returned === 'success' && <div className="info-banner" data-testid="checkout-returned">Thanks! Your plan changes as soon as Stripe confirms the payment.</div>}
      {!owner && <p className="muted" data-testid="billing-owner-only">Only the workspace owner manages billing. Usage is below.</p>}
      {owner && billing?.provider === 'none' && (
        <p data-testid="billing-off">Billing is off on this server (<code>[billing] provider = "none"</code>): nothing is charged. Usage is shown below.</p>
      )}
      {owner && billing && billing.provider !== 'none' && (
        <section data-testid="billing-plan">
          <h2>Plan</h2>
          <p>
            Tier <b data-testid="billing-tier">{billing.tier}</b> · <span data-testid="billing-status">{STATUS_TEXT[billing.status] ?? billing.status}</span>
            {billing.currentPeriodEnd && <> · {billing.cancelAtPeriodEnd ? 'ends' : 'renews'} {new Date(billing.currentPeriodEnd).toLocaleDateString()}</>}
          </p>
          {billing.status === 'past_due' && billing.graceEndsAt && (
            <p className="quota-banner">Update your payment method before {new Date(billing.graceEndsAt).toLocaleDateString()}, or the workspace moves to the free tier.</p>
          )}
          {billing.hasCustomer && <button data-testid="manage-billing" disabled={busy} onClick={() => go(api.billingPortal)}>Manage billing</button>}
          <div className="plan-cards">
            {billing.plans.map((p) => (
              <PlanCard key={p.tier} plan={p} current={billing.tier === p.tier} busy={busy}
                onChoose={() => go(subscribed ? api.billingPortal : () => api.billingCheckout(p.tier))}
                label={billing.tier === p.tier ? 'Current plan' : rank(p.tier) > rank(billing.tier) ? 'Upgrade' : 'Downgrade'} />
            ))}
          </div>
          {subscribed && <p className="muted small">Plan changes go through Manage billing, which keeps one subscription.</p>}
        </section>
      )}
      <section data-testid="usage-bars">
        <h2>Usage this month</h2>
        <HeldBanner usage={usage} />
        {usage && usageItems(usage).map((u) => (
          <div key={u.label} className="usage-bar" data-testid={`usage-${u.label.toLowerCase().replace(/\s+/g, '-')}`}>
            <span>{u.label}</span>
            <progress max={1} value={u.limited ? Math.min(1, u.fraction) : 0} className={u.fraction >= 0.9 ? 'full' : ''} />
            <span className="muted">{u.text}</span>
          </div>
        ))}
        {usage?.flowsLimit != null && usage.flows > usage.flowsLimit && (
          <p className="quota-banner" data-testid="over-plan">
            This workspace has {usage.flows} flows and the {usage.tier} plan runs {usage.flowsLimit}: the flows above it are stopped (reason <code>over_plan_limit</code>;
            the ones updated longest ago kept running). Upgrade to start them again, or stop or delete other flows first; nothing was deleted.
            Modules above the plan's WASM modules stay stored but new saves cannot use them.
          </p>
        )}
      </section>
      <section data-testid="usage-meters">
        <h2>Metered usage</h2>
        <div className="table-scroll"><table className="list">
          <thead><tr><th>Month</th><th>Runs</th><th>Steps</th><th>WASM fuel</th><th>LLM tokens (in / out)</th><th>LLM cost</th><th>Webhook bytes in</th></tr></thead>
          <tbody>
            {history.map((m) => (
              <tr key={m.period} data-testid={`meters-${m.period}`}>
                <td>{m.period}</td><td>{m.runs.toLocaleString('en')}</td><td>{m.steps.toLocaleString('en')}</td><td>{m.wasmFuel.toLocaleString('en')}</td>
                <td>{m.llmPromptTokens.toLocaleString('en')} / {m.llmCompletionTokens.toLocaleString('en')}</td><td>${m.llmCostUsd.toFixed(4)}</td>
                <td>{m.webhookBytesIn.toLocaleString('en')}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      </section>
      {admin && <UsageLedger />}
    </div>
  );
}

function PlanCard({ plan, current, busy, label, onChoose }: { plan: BillingPlan; current: boolean; busy: boolean; label: string; onChoose: () => void }) {
  const l = plan.limits;
  return (
    <div className={`plan-card${current ? ' current' : ''}`} data-testid={`plan-${plan.tier}`}>
      <h3>{plan.tier}</h3>
      <ul>
        <li>{limitText(l.flows)} flows</li>
        <li>{limitText(l.executionsPerMonth)} executions a month{plan.metered ? ', then pay per use' : ''}</li>
        <li>{limitText(l.wasmModules)} WASM modules</li>
        <li>{l.keepAlive ? 'Keep-alive' : 'Flows sleep when idle'}</li>
      </ul>
      <button disabled={busy || current} onClick={onChoose} data-testid={`choose-${plan.tier}`}>{label}</button>
    </div>
  );
}

const ORDER = ['free', 'paid', 'pro', 'enterprise'];
function rank(tier: string) {
  const i = ORDER.indexOf(tier);
  return i < 0 ? ORDER.length : i;
}
