import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage, isQuota } from '../../api/client';
import type { Flow, FlowStatus, Usage } from '../../api/types';
import { canEdit, useAuth } from '../../components/auth';
import { ago, OVER_PLAN_TEXT, shownUsage, usageItems } from '../../components/format';
import { ErrorBanner, QuotaBanner } from '../../components/Layout';
import { useTenantEvents } from '../../live/hub';
import { newFlowYaml, slug } from '../../flow/template';
import type { FlowTemplate } from '../../api/types';
import { Templates } from './Templates';

export function DashboardPage() {
  const [flows, setFlows] = useState<Flow[] | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quota, setQuota] = useState<string | null>(null);
  /** Why a flow is in status error (the list does not carry it: the status API and hub do). */
  const [reasons, setReasons] = useState<Record<string, string>>({});
  /** Flows stopped by a downgrade (status reason over_plan_limit). */
  const [overPlan, setOverPlan] = useState<Record<string, boolean>>({});
  /** Flows made from a template whose secrets are not all bound (they do not start): flow id → secret names. */
  const [unbound, setUnbound] = useState<Record<string, string[]>>({});
  const [name, setName] = useState('');
  const [showTemplates, setShowTemplates] = useState(false);
  const fileRef = useRef<HTMLInputElement>(null);
  const nav = useNavigate();
  const { me } = useAuth();
  const editable = canEdit(me);

  const load = useCallback(async () => {
    let listed: Flow[] = [];
    try {
      const list = await api.flows();
      listed = list;
      setFlows(list);
      for (const f of list.filter((x) => x.status === 'error')) {
        api.status(f.id).then((st) => st.error && setReasons((r) => ({ ...r, [f.id]: st.error! })), () => {});
      }
    } catch (e) {
      setError(errorMessage(e));
    }
    api.templateFlows().then((list) => setUnbound(Object.fromEntries(list.filter((t) => !t.setupComplete).map((t) => [t.flowId, t.unboundSecrets]))), () => {});
    api.usage().then((u) => {
      setUsage(u);
      // Over the plan's flows after a downgrade: say which flows were stopped for it.
      if (u && u.flowsLimit != null && u.flows > u.flowsLimit) {
        for (const f of listed.filter((x) => x.status === 'stopped')) {
          api.status(f.id).then((st) => st.reason === 'over_plan_limit' && setOverPlan((o) => ({ ...o, [f.id]: true })), () => {});
        }
      }
    }, () => setUsage(null));
  }, []);
  // Status changes of the tenant's flows arrive live (every hub connection is in its tenant's group).
  useTenantEvents({
    FlowStatus: (id: string, status: FlowStatus, err?: string | null) => {
      setFlows((fs) => fs?.map((f) => (f.id === id ? { ...f, status } : f)) ?? fs);
      setReasons((r) => {
        const { [id]: _, ...rest } = r;
        return status === 'error' && err ? { ...r, [id]: err } : rest;
      });
      setOverPlan((o) => {
        const { [id]: _, ...rest } = o;
        return rest;
      });
      if (status === 'stopped') api.status(id).then((st) => st.reason === 'over_plan_limit' && setOverPlan((o) => ({ ...o, [id]: true })), () => {});
    },
  });
  const fail = (e: unknown) => {
    if (isQuota(e)) setQuota(errorMessage(e));
    else setError(errorMessage(e));
  };
  useEffect(() => {
    void load();
  }, [load]);

  async function create(e: React.FormEvent) {
    e.preventDefault();
    const n = name.trim() || 'New flow';
    try {
      const f = await api.createFlow({ name: n, description: '', organismYaml: newFlowYaml(slug(n)), canvasState: { positions: {} } });
      nav(`/flow/${f.id}`);
    } catch (err) {
      fail(err);
    }
  }
  async function fromTemplate(t: FlowTemplate) {
    try {
      const f = await api.importFlow(t.organismYaml);
      nav(`/flow/${f.id}`);
    } catch (err) {
      fail(err);
    }
  }
  async function importFile(file: File) {
    try {
      const f = await api.importFlow(await file.text());
      nav(`/flow/${f.id}`);
    } catch (err) {
      fail(err);
    }
  }
  async function remove(f: Flow) {
    if (!confirm(`Delete flow "${f.name}"? Its runs are deleted too.`)) return;
    try {
      await api.deleteFlow(f.id);
      await load();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <div className="page dashboard">
      <div className="page-head">
        <h1>Flows</h1>
        {usage && shownUsage(usageItems(usage)).length > 0 && (
          <div className="usage" data-testid="usage">
            <span className="badge" data-testid="usage-tier">{usage.tier}</span>
            {shownUsage(usageItems(usage)).map((u) => (
              <span key={u.label} className={`usage-item${u.limited && u.fraction >= 0.9 ? ' full' : ''}`}>
                {u.label} {u.text}
                {u.limited && <progress max={1} value={u.fraction} />}
              </span>
            ))}
          </div>
        )}
      </div>
      <QuotaBanner message={quota} onClose={() => setQuota(null)} />
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {editable && (
        <form className="row edit-only" onSubmit={create}>
          <input placeholder="New flow name" value={name} onChange={(e) => setName(e.target.value)} data-testid="new-flow-name" />
          <button type="submit" className="primary" data-testid="create-flow">Create flow</button>
          <button type="button" onClick={() => fileRef.current?.click()}>Import YAML…</button>
          {!!flows?.length && <button type="button" onClick={() => setShowTemplates(!showTemplates)} data-testid="show-templates">From a template…</button>}
          <input ref={fileRef} type="file" accept=".yaml,.yml,text/yaml" hidden onChange={(e) => e.target.files?.[0] && importFile(e.target.files[0])} />
        </form>
      )}
      {showTemplates && !!flows?.length && <Templates editable={editable} onPick={(t) => void fromTemplate(t)} />}
      {flows === null ? (
        <p className="muted">Loading…</p>
      ) : flows.length === 0 ? (
        <>
          <p className="muted">No flows yet. Create one to start drawing, or start from a template.</p>
          <Templates editable={editable} onPick={(t) => void fromTemplate(t)} />
        </>
      ) : (
        <table className="list">
          <thead>
            <tr><th>Name</th><th>Status</th><th className="wide-only">Last run</th><th className="wide-only">Updated</th><th /></tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.id} data-testid="flow-row">
                <td>
                  <Link to={`/flow/${f.id}`} className="wide-only">{f.name}</Link>
                  <Link to={`/flow/${f.id}/runs`} className="narrow-only">{f.name}</Link>
                  {f.description && <div className="muted small">{f.description}</div>}
                </td>
                <td>
                  <span className={`status status-${f.status}`} title={reasons[f.id]}>{f.status}</span>
                  {f.status === 'error' && reasons[f.id] && <div className="error-text" data-testid="flow-error">{reasons[f.id]}</div>}
                  {f.status === 'stopped' && overPlan[f.id] && <div className="error-text" data-testid="flow-over-plan"><Link to="/settings/billing">{OVER_PLAN_TEXT}</Link></div>}
                  {unbound[f.id] && (
                    <div className="error-text" data-testid="flow-setup-incomplete">
                      <Link to={`/flow/${f.id}`}>Needs secrets: {unbound[f.id].join(', ')}</Link>
                    </div>
                  )}
                </td>
                <td className="wide-only">
                  {f.lastRun ? <Link to={`/runs/${f.lastRun.runId}`}><span className={`status status-${f.lastRun.status}`}>{f.lastRun.status}</span> {ago(f.lastRun.startedAt)}</Link> : <span className="muted">never</span>}
                </td>
                <td className="wide-only muted">{ago(f.updatedAt)}</td>
                <td className="actions">
                  <Link to={`/flow/${f.id}/runs`}>Runs</Link>
                  <a className="wide-only" href={api.exportUrl(f.id)}>Export</a>
                  {editable && <button className="link danger edit-only" onClick={() => remove(f)}>Delete</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
