import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { Run, RunSummary, Step } from '../../api/types';
import { canEdit, useAuth } from '../../components/auth';
import { duration, errorText, pretty } from '../../components/format';
import { ErrorBanner } from '../../components/Layout';
import { useHub } from '../../live/hub';
import { RunLanes } from './RunLanes';
import { isLive, mergeStep, normalizeRun, timeline, totals } from './runState';

export default function RunPage() {
  const { runId = '' } = useParams();
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const [tokens, setTokens] = useState<Record<number, string>>({});
  const { me } = useAuth();
  const nav = useNavigate();

  const load = useCallback(() => api.run(runId).then((r) => setRun(normalizeRun(r)), (e) => setError(errorMessage(e))), [runId]);
  useEffect(() => {
    setRun(null);
    setTokens({});
    void load();
  }, [load]);
  // Live updates; polling covers a missed event or a hub that could not connect.
  useEffect(() => {
    if (!run || !isLive(run.status)) return;
    const t = setInterval(load, 1500);
    return () => clearInterval(t);
  }, [run, load]);
  useHub('WatchRun', runId, {
    RunUpdated: (s: RunSummary) => {
      if (s.runId !== runId) return;
      setRun((r) => (r ? { ...r, status: s.status, durationMs: s.durationMs, error: s.error } : r));
      if (!isLive(s.status)) void load();
    },
    StepUpdated: (rid: string, step: Step) => rid === runId && setRun((r) => (r ? mergeStep(r, step) : r)),
    Token: (rid: string, stepIndex: number, _listener: string, text: string) =>
      rid === runId && setTokens((t) => ({ ...t, [stepIndex]: (t[stepIndex] ?? '') + text })),
  });

  async function replay(step?: number) {
    try {
      const r = step === undefined ? await api.replayRun(runId) : await api.replayStep(runId, step);
      nav(`/runs/${r.runId}`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  async function cancel() {
    try {
      await api.cancelRun(runId);
      void load();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (!run) return <div className="page">{error ? <ErrorBanner error={error} /> : <p className="muted">Loading run…</p>}</div>;
  const sum = totals(run);
  const bars = new Map(timeline(run).map((b) => [b.index, b]));
  const editable = canEdit(me);
  return (
    <div className="page run">
      <div className="page-head">
        <h1>Run <code className="small">{run.runId.slice(0, 8)}</code></h1>
        <span className={`status status-${run.status}`} data-testid="run-status">{run.status}</span>
        <span className="spacer" />
        <Link to={`/flow/${run.flowId}/runs`}>All runs</Link>
        {editable && isLive(run.status) && <button onClick={cancel}>Cancel</button>}
        {editable && <button onClick={() => replay()} data-testid="replay-run">Replay run</button>}
      </div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <div className="run-meta">
        <span>Trigger <b>{run.trigger}</b></span>
        <span>Duration <b>{duration(run.durationMs)}</b></span>
        <span>Steps <b>{run.steps.length}</b></span>
        <span>Fuel <b>{sum.fuel.toLocaleString()}</b></span>
        <span>Tokens <b>{sum.promptTokens} + {sum.completionTokens}</b></span>
        {sum.costUsd > 0 && <span>Cost <b>${sum.costUsd.toFixed(4)}</b></span>}
      </div>
      {run.error && <div className="error-banner" data-testid="run-error">{errorText(run.error)}</div>}
      {run.steps.some((s) => s.error?.code === 'not_forwarded') && (
        <div className="draft-banner" data-testid="run-not-forwarded">
          A step's result went back to its caller instead of along the edges drawn out of it, so the next steps never ran
          (a code block forwards by itself only with one peer; with several, its output names one with "_to").
        </div>
      )}
      <RunLanes run={run} open={open} onOpen={(i) => setOpen(i)} />
      <ol className="timeline" data-testid="steps">
        {run.steps.map((s) => {
          const b = bars.get(s.index);
          return (
            <li key={s.index} className={`step${s.error ? (isNote(s.error.code) ? ' note' : ' failed') : ''}${open === s.index ? ' open' : ''}`} data-testid="step">
              <button className="step-head" onClick={() => setOpen(open === s.index ? null : s.index)}>
                <span className="step-n">#{s.index}</span>
                <span className="step-name">{s.listener}</span>
                <span className="muted small">{s.from} → {s.to ?? s.listener} · {s.class}</span>
                <span className="bar wide-only"><span style={{ left: `${(b?.left ?? 0) * 100}%`, width: `${(b?.width ?? 0) * 100}%` }} /></span>
                <span className="small">{duration(s.durationMs)}</span>
                {s.error && (s.error.code === 'not_forwarded'
                  ? <span className="status status-warn" data-testid="step-not-forwarded">went nowhere it was drawn to</span>
                  : isNote(s.error.code) ? <span className="status">note</span> : <span className="status status-failed">error</span>)}
              </button>
              {(open === s.index || tokens[s.index]) && (
                <div className="step-body">
                  {s.error && <div className="error-banner">{s.error.code}: {s.error.message}</div>}
                  <div className="step-stats small">
                    {s.model && <span>model {s.model}</span>}
                    {s.fuel != null && <span>fuel {s.fuel.toLocaleString()}</span>}
                    {s.promptTokens != null && <span>tokens {s.promptTokens} + {s.completionTokens ?? 0}</span>}
                    {s.costUsd != null && <span>${s.costUsd.toFixed(5)}</span>}
                  </div>
                  {tokens[s.index] && <><h4>Streaming</h4><pre className="tokens">{tokens[s.index]}</pre></>}
                  {open === s.index && (
                    <>
                      <h4>Payload in</h4>
                      <pre>{pretty(s.payloadIn)}</pre>
                      <h4>Payloads out</h4>
                      {s.payloadsOut?.length ? s.payloadsOut.map((p, i) => <pre key={i}>{pretty(p)}</pre>) : <p className="muted small">none</p>}
                      {editable && <button onClick={() => replay(s.index)}>Replay from this step</button>}
                    </>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {run.outputs.length > 0 && (
        <section data-testid="outputs">
          <h3>Outputs</h3>
          {run.outputs.map((o, i) => (
            <div key={i}><span className="muted small">{o.listener} · {o.class}</span><pre>{pretty(o.payload ?? o.xml)}</pre></div>
          ))}
        </section>
      )}
    </div>
  );
}

/** Step codes the pump records as notes: shown, never a failure (StepCodes.IsNote). */
const notes = new Set(['thread_replaced', 'xml_repaired', 'buffer_full', 'late_answer', 'duplicate_answer', 'unexpected_branch', 'not_forwarded']);
const isNote = (code: string) => notes.has(code);
