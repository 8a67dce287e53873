import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { AuditItem } from '../../api/types';
import { ErrorBanner } from '../../components/Layout';
import { SettingsNav } from '../settings/SettingsNav';

/** Settings → Audit log: who did what, newest first, filtered by action, paged. */
export default function AuditPage() {
  const [items, setItems] = useState<AuditItem[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [action, setAction] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async (before?: string) => {
    try {
      const page = await api.audit({ before, limit: 50, action: action.trim() || undefined });
      setItems((old) => (before ? [...old, ...page.items] : page.items));
      setNext(page.nextBefore);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [action]);
  useEffect(() => { void load(); }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="page settings">
      <SettingsNav />
      <h1>Audit log</h1>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <form className="row" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <input placeholder="action, e.g. member.role" value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action" />
        <button type="submit">Filter</button>
      </form>
      <table className="list" data-testid="audit">
        <thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Detail</th><th>IP</th></tr></thead>
        <tbody>
          {items.map((i, n) => (
            <tr key={n} data-testid="audit-row">
              <td className="muted">{new Date(i.at).toLocaleString()}</td>
              <td>{i.actor.email ?? '—'} <span className="muted small">({i.actor.via})</span></td>
              <td><code>{i.action}</code></td>
              <td>{i.target}</td>
              <td className="muted">{i.detail}</td>
              <td className="muted small">{i.ip}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && <p className="muted">Nothing recorded yet.</p>}
      {next && <button onClick={() => void load(next)}>Older</button>}
    </div>
  );
}
