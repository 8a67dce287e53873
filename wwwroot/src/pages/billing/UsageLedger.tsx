import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { Usage, UsageLedgerEntry } from '../../api/types';

const REASON_TEXT: Record<string, string> = {
  accepted: 'Run accepted',
  released: 'Held run released',
  cancelled_before_start: 'Refund: cancelled before it started',
  platform_fault: 'Refund: platform fault',
  wasm_calls: 'WASM fuel',
};

/** The next UTC month's first day, when the month's executions start again from zero. */
function resetDate(month?: string): string {
  const now = new Date();
  const [y, m] = (month ?? `${now.getUTCFullYear()}-${now.getUTCMonth() + 1}`).split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}

/** At 100% of the month's executions: webhooks are held, not refused, and run at the reset or an upgrade. */
export function HeldBanner({ usage }: { usage: Usage | null }) {
  if (!usage || usage.runsLimit == null || usage.runsThisMonth < usage.runsLimit) return null;
  const held = usage.held ?? 0;
  return (
    <p className="quota-banner" data-testid="quota-held-banner"><span>
      This month's {usage.runsLimit.toLocaleString('en')} executions are used. New webhooks are accepted and held, not run:{' '}
      <b data-testid="held-count">{held.toLocaleString('en')}</b> held. They run, oldest first, on {resetDate(usage.month)} (UTC) or as soon as you upgrade.
      Runs already accepted are never stopped.
    </span></p>
  );
}

/** The usage ledger (admins and owners): every counted and refunded execution, newest first. */
export function UsageLedger() {
  const [items, setItems] = useState<UsageLedgerEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = (from: string | null) =>
    api.usageLedger(from).then((p) => {
      setItems((prev) => (from ? [...prev, ...p.items] : p.items));
      setCursor(p.nextCursor ?? null);
    }).catch((e) => setError(errorMessage(e)));

  useEffect(() => { void load(null); }, []);

  return (
    <section data-testid="usage-ledger">
      <h2>Usage ledger</h2>
      {error && <p className="muted">{error}</p>}
      {!error && items.length === 0 && <p className="muted">Nothing counted yet.</p>}
      {items.length > 0 && (
        <div className="table-scroll"><table className="list">
          <thead><tr><th>When</th><th>Unit</th><th>Change</th><th>Reason</th><th>Run</th></tr></thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.id} data-testid="ledger-entry" data-reason={e.reason} className={e.delta < 0 ? 'refund' : ''}>
                <td>{new Date(e.at).toLocaleString()}</td>
                <td>{e.unit}</td>
                <td data-testid="ledger-delta">{e.delta > 0 ? `+${e.delta.toLocaleString('en')}` : e.delta.toLocaleString('en')}</td>
                <td>{REASON_TEXT[e.reason] ?? e.reason}{e.delta < 0 && <span className="badge" data-testid="refund-badge"> refund</span>}</td>
                <td><code>{e.runId}</code></td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      {cursor && <button data-testid="ledger-more" onClick={() => void load(cursor)}>Older entries</button>}
    </section>
  );
}
