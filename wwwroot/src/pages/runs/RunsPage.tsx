import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { Flow, RunSummary } from '../../api/types';
import { ago, duration, errorText } from '../../components/format';
import { ErrorBanner } from '../../components/Layout';
import { useHub } from '../../live/hub';
import { mergeSummary } from './runState';

const statuses = ['', 'running', 'succeeded', 'failed', 'cancelled'];

export default function RunsPage() {
  const { id = '' } = useParams();
  const [flow, setFlow] = useState<Flow | null>(null);
  const [items, setItems] = useState<RunSummary[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (before?: string) => {
    try {
      const page = await api.runs(id, { status: status || undefined, before, limit: 50 });
      setItems((cur) => (before ? [...cur, ...page.items] : page.items));
      setNext(page.nextBefore ?? null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [id, status]);
  useEffect(() => {
    api.flow(id).then(setFlow, () => {});
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  useHub('WatchFlow', id, {
    RunUpdated: (s: RunSummary) => setItems((cur) => (status && s.status !== status ? cur : mergeSummary(cur, s))),
  });

  return (
    <div className="page runs">
      <div className="page-head">
        <h1>Runs{flow ? ` · ${flow.name}` : ''}</h1>
        <Link to={`/flow/${id}`} className="wide-only">Open editor</Link>
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="row">
        <label>Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)} data-testid="status-filter">
            {statuses.map((s) => <option key={s} value={s}>{s || 'all'}</option>)}
          </select>
        </label>
        <button onClick={() => load()}>Refresh</button>
      </div>
      {items.length === 0 ? <p className="muted">No runs{status ? ` with status ${status}` : ''}.</p> : (
        <table className="list">
          <thead><tr><th>Run</th><th>Status</th><th>Trigger</th><th className="wide-only">Steps</th><th>Duration</th><th className="wide-only">Error</th></tr></thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.runId} data-testid="run-row">
                <td><Link to={`/runs/${r.runId}`}>{ago(r.startedAt)}</Link></td>
                <td><span className={`status status-${r.status}`}>{r.status}</span></td>
                <td>{r.trigger}</td>
                <td className="wide-only">{r.stepCount}</td>
                <td>{duration(r.durationMs)}</td>
                <td className="wide-only error-text">{errorText(r.error)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && <button onClick={() => load(next)}>Older runs</button>}
    </div>
  );
}
