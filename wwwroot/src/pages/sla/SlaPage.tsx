import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { Flow, SlaNumbers, SlaReport } from '../../api/types';
import { ago } from '../../components/format';
import { ErrorBanner } from '../../components/Layout';

const WINDOWS: SlaReport['window'][] = ['1h', '24h', '7d', '30d'];

export function percent(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(rate === 1 || rate === 0 ? 0 : 2)}%`;
}

export function millis(ms: number | null): string {
  if (ms === null) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function Cells({ n }: { n: SlaNumbers }) {
  return (
    <>
      <td data-testid="sla-success">{percent(n.successRate)}</td>
      <td data-testid="sla-runs">{n.runs}</td>
      <td>{millis(n.p50Ms)}</td>
      <td>{millis(n.p95Ms)}</td>
      <td>{millis(n.p99Ms)}</td>
      <td className="small" data-testid="sla-errors">{n.errors.length === 0 ? '—' : n.errors.map((e) => `${e.code} × ${e.count}`).join(', ')}</td>
      <td>{n.uptimePercent.toFixed(1)}%</td>
    </>
  );
}

/** The SLA dashboard: per flow and for the workspace, over 1 h, 24 h, 7 d or 30 d, from per-minute rollups. */
export default function SlaPage() {
  const [params, setParams] = useSearchParams();
  const window = (WINDOWS as string[]).includes(params.get('window') ?? '') ? (params.get('window') as SlaReport['window']) : '24h';
  const [report, setReport] = useState<SlaReport | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.sla(window).then(setReport).catch((e) => setError(errorMessage(e)));
    api.flows().then((fs: Flow[]) => setNames(Object.fromEntries(fs.map((f) => [f.id, f.name])))).catch(() => undefined);
  }, [window]);
  return (
    <div className="page sla">
      <h1>SLA</h1>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="row">
        {WINDOWS.map((w) => (
          <button key={w} className={w === window ? 'primary' : ''} data-testid={`sla-window-${w}`} onClick={() => setParams({ window: w })}>{w}</button>
        ))}
      </div>
      {!report ? <p className="muted">Loading…</p> : (
        <>
          <table className="list" data-testid="sla-table">
            <thead>
              <tr><th>Flow</th><th>Success rate</th><th>Runs</th><th>p50</th><th>p95</th><th>p99</th><th>Errors</th><th>Uptime</th></tr>
            </thead>
            <tbody>
              <tr data-testid="sla-tenant"><td><b>All flows</b></td><Cells n={report.tenant} /></tr>
              {report.flows.map((f) => (
                <tr key={f.flowId} data-testid={`sla-flow-${f.flowId}`}>
                  <td><Link to={`/flow/${f.flowId}/runs`}>{names[f.flowId] ?? f.flowId.slice(0, 8)}</Link></td>
                  <Cells n={f.numbers} />
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Alerts in the window</h2>
          {report.alerts.length === 0 ? <p className="muted" data-testid="sla-no-alerts">None.</p> : (
            <ul data-testid="sla-alerts">
              {report.alerts.map((a) => (
                <li key={a.id}><Link to={`/alerts?id=${a.id}`}>{a.rule}</Link> on {a.flowId ? (names[a.flowId] ?? a.flowId.slice(0, 8)) : 'the process'} · {a.state} · since {ago(a.since)}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
