import { useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { Alert, AlertChannel, AlertDelivery } from '../../api/types';
import { useAuth } from '../../components/auth';
import { ago } from '../../components/format';
import { ErrorBanner } from '../../components/Layout';

const RULES: Record<string, string> = {
  pump_crash: 'Pump crash',
  error_rate: 'High error rate',
  memory_pressure: 'Memory pressure',
  stuck_flow: 'Stuck flow',
};

/** The tenant's alerts (firing first), and for admins the notification channels and deliveries. */
export default function AlertsPage() {
  const { me } = useAuth();
  const admin = me?.role === 'owner' || me?.role === 'admin';
  const [params, setParams] = useSearchParams();
  const state = params.get('state') === 'resolved' ? 'resolved' : params.get('state') === 'firing' ? 'firing' : undefined;
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => api.alerts({ state }).then(setAlerts).catch((e) => setError(errorMessage(e))), [state]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 10_000);
    return () => clearInterval(timer);
  }, [load]);
  const highlighted = params.get('id');
  return (
    <div className="page alerts">
      <h1>Alerts</h1>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="row">
        {([undefined, 'firing', 'resolved'] as const).map((s) => (
          <button key={s ?? 'all'} className={s === state ? 'primary' : ''} data-testid={`alerts-filter-${s ?? 'all'}`}
            onClick={() => setParams(s ? { state: s } : {})}>{s ? s[0].toUpperCase() + s.slice(1) : 'All'}</button>
        ))}
      </div>
      {alerts === null ? <p className="muted">Loading…</p> : alerts.length === 0 ? (
        <p className="muted" data-testid="alerts-empty">No alerts{state ? ` ${state}` : ''}. Rules: pump crash, more than 5 % of runs failing, memory pressure, a flow stuck for 5 minutes.</p>
      ) : (
        <table className="list" data-testid="alerts-table">
          <thead><tr><th>State</th><th>Rule</th><th>Flow</th><th>Since</th><th>Resolved</th><th>Detail</th></tr></thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id} data-testid={`alert-${a.rule}`} className={a.id === highlighted ? 'highlight' : undefined}>
                <td><span className={a.state === 'firing' ? 'badge firing' : 'badge'}>{a.state}</span></td>
                <td>{RULES[a.rule] ?? a.rule}</td>
                <td>{a.flowId ? <Link to={`/flow/${a.flowId}/runs`}>{a.flowId.slice(0, 8)}</Link> : <span className="muted">process</span>}</td>
                <td title={a.since}>{ago(a.since)}</td>
                <td title={a.resolvedAt ?? ''}>{a.resolvedAt ? ago(a.resolvedAt) : '—'}</td>
                <td className="small">{a.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && <Channels onError={setError} />}
    </div>
  );
}

function Channels({ onError }: { onError: (e: string) => void }) {
  const [channels, setChannels] = useState<AlertChannel[]>([]);
  const [deliveries, setDeliveries] = useState<AlertDelivery[]>([]);
  const [draft, setDraft] = useState<AlertChannel>({ name: '', type: 'webhook', url: '', secretName: '', to: '' });
  const load = useCallback(async () => {
    try {
      const [c, d] = await Promise.all([api.alertChannels(), api.alertDeliveries()]);
      setChannels(c);
      setDeliveries(d);
    } catch (e) {
      onError(errorMessage(e));
    }
  }, [onError]);
  useEffect(() => { void load(); }, [load]);
  async function save(e: React.FormEvent) {
    e.preventDefault();
    try {
      await api.putAlertChannel(draft);
      setDraft({ name: '', type: draft.type, url: '', secretName: '', to: '' });
      await load();
    } catch (err) {
      onError(errorMessage(err));
    }
  }
  async function remove(name: string) {
    try {
      await api.deleteAlertChannel(name);
      await load();
    } catch (err) {
      onError(errorMessage(err));
    }
  }
  return (
    <>
      <section>
        <h2>Channels</h2>
        <p className="muted small">Every transition (firing, resolved) is sent once to each channel. Webhooks are signed with HMAC-SHA256 of the body in <code>X-Nextra-Signature</code> when a secret is named.</p>
        <table className="list" data-testid="channels-table">
          <tbody>
            {channels.map((c) => (
              <tr key={c.name} data-testid={`channel-${c.name}`}>
                <td><b>{c.name}</b></td><td>{c.type}</td><td className="small">{c.url ?? c.to}</td>
                <td className="small">{c.secretName ? `signed with ${c.secretName}` : ''}</td>
                <td><button className="link" onClick={() => void remove(c.name)}>Delete</button></td>
              </tr>
            ))}
          </tbody>
        </table>
        <form className="row" onSubmit={(e) => void save(e)} data-testid="channel-form">
          <input placeholder="name" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} required data-testid="channel-name" />
          <select value={draft.type} onChange={(e) => setDraft({ ...draft, type: e.target.value as AlertChannel['type'] })} data-testid="channel-type">
            <option value="webhook">Webhook</option>
            <option value="slack">Slack</option>
            <option value="email">E-mail</option>
          </select>
          {draft.type === 'email'
            ? <input placeholder="to" type="email" value={draft.to ?? ''} onChange={(e) => setDraft({ ...draft, to: e.target.value })} required data-testid="channel-to" />
            : <input placeholder="https://…" value={draft.url ?? ''} onChange={(e) => setDraft({ ...draft, url: e.target.value })} required data-testid="channel-url" />}
          {draft.type === 'webhook' && (
            <input placeholder="signing secret name (optional)" value={draft.secretName ?? ''} onChange={(e) => setDraft({ ...draft, secretName: e.target.value })} />
          )}
          <button type="submit" data-testid="channel-save">Save channel</button>
        </form>
      </section>
      <section>
        <h2>Deliveries</h2>
        {deliveries.length === 0 ? <p className="muted">Nothing sent yet.</p> : (
          <table className="list" data-testid="deliveries-table">
            <thead><tr><th>Channel</th><th>Transition</th><th>Status</th><th>Attempts</th><th>Last error</th></tr></thead>
            <tbody>
              {deliveries.map((d) => (
                <tr key={d.id}>
                  <td>{d.channel}</td><td>{d.state}</td>
                  <td><span className={d.status === 'failed' ? 'badge firing' : 'badge'}>{d.status}</span></td>
                  <td>{d.attempts}</td><td className="small">{d.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
