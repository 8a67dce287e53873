import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { ListingDetail } from '../../api/types';
import { canEdit, useAuth } from '../../components/auth';
import { ErrorBanner } from '../../components/Layout';
import { ReviewsPanel } from './ReviewsPanel';
import { VersionsPanel } from './VersionsPanel';

/** A listing page: README, versions, permissions in plain words, secrets and inputs, Install / Use template with consent, votes. */
export default function ListingView({ kind, id, onBack }: { kind: 'tools' | 'flows'; id: string; onBack: () => void }) {
  const { me } = useAuth();
  const navigate = useNavigate();
  const [l, setL] = useState<ListingDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [dialog, setDialog] = useState(false);
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [reporting, setReporting] = useState(false);
  const [reason, setReason] = useState('malware');
  const [reportText, setReportText] = useState('');
  /** The review being reported (null: the report form is about the listing). */
  const [reportingReview, setReportingReview] = useState<string | null>(null);
  /** This tenant's publisher handle: the publisher of a listing replies to its reviews. */
  const [handle, setHandle] = useState<string | null>(null);

  useEffect(() => {
    api.listing(kind, id).then((d) => {
      setL(d);
      setName(d.displayName);
      setInputs(Object.fromEntries(d.inputs.map((i) => [i.id, i.default ?? ''])));
    }, (e) => setError(errorMessage(e)));
    api.publisher().then((p) => setHandle(p.handle), () => setHandle(null));
  }, [kind, id]);

  async function confirm() {
    if (!l) return;
    setBusy(true);
    setError(null);
    try {
      if (kind === 'tools') {
        const ins = await api.install(l.id);
        setInfo(`Installed ${ins.module}: use it in a code block as module: ${ins.module}.`);
        setL({ ...l, installId: ins.id });
      } else {
        const flow = await api.useTemplate(l.id, { name, inputs });
        navigate(`/flow/${flow.id}/split`);
      }
      setDialog(false);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function report() {
    if (!l) return;
    try {
      if (reportingReview) {
        const r = await api.reportReview(kind, l.id, reportingReview, reason, reportText || undefined);
        setInfo(r.hidden ? 'Reported: that review is now hidden until an operator looks at it.' : 'Reported: a review reported by 3 tenants is hidden until an operator looks at it.');
        if (r.hidden) setL({ ...l, reviews: l.reviews.filter((x) => x.id !== reportingReview) });
      } else {
        await api.report(kind, l.id, reason, reportText || undefined);
        setInfo('Reported: the marketplace operators review reports within a business day.');
      }
      setReporting(false);
      setReportingReview(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function vote(up: boolean) {
    if (!l) return;
    try {
      const v = await api.vote(kind, l.id, up);
      setL({ ...l, votesUp: v.votesUp, votesDown: v.votesDown });
      if (v.held && v.countsFrom)
        setInfo(`Thanks: your vote is held until ${new Date(v.countsFrom).toLocaleDateString()} (votes of new tenants count once the tenant is a few days old).`);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <div className="page listing" data-testid="listing">
      <button className="link" onClick={onBack}>← Marketplace</button>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {info && <div className="info-banner" data-testid="listing-info">{info}</div>}
      {l && (
        <>
          <div className="page-head">
            <h1>{l.displayName}</h1>
            <span className="muted">{l.id} · v{l.version}</span>
            <span className={`badge level-${l.reviewLevel}`}>{l.reviewLevel}</span>
            {!l.signatureValid && <span className="badge danger" data-testid="signature-invalid">signature check failed</span>}
          </div>
          <p>{l.summary}</p>
          <div className="listing-actions">
            {canEdit(me) && kind === 'tools' && !l.installId && <button className="primary" onClick={() => setDialog(true)} data-testid="install">Install</button>}
            {kind === 'tools' && l.installId && <span className="badge" data-testid="installed">Installed: module {l.id}@{l.version.split('.')[0]}</span>}
            {canEdit(me) && kind === 'flows' && <button className="primary" onClick={() => setDialog(true)} data-testid="use-template">Use template</button>}
            <button onClick={() => void vote(true)} title="Vote up" data-testid="vote-up">▲ {l.votesUp}</button>
            <button onClick={() => void vote(false)} title="Vote down">▼ {l.votesDown}</button>
            <span className="muted small">{l.installs} {kind === 'tools' ? 'installs' : 'uses'}</span>
            {canEdit(me) && <button className="link" onClick={() => { setReportingReview(null); setReporting(!reporting); }} data-testid="report">Report…</button>}
          </div>
          {reporting && (
            <form className="row card" onSubmit={(e) => { e.preventDefault(); void report(); }} data-testid="report-form">
              {reportingReview && <span className="muted small">Reporting a review</span>}
              <select value={reason} onChange={(e) => setReason(e.target.value)} data-testid="report-reason">
                {['malware', 'stolen-credentials', 'spam', 'broken', 'impersonation', 'other'].map((r) => <option key={r}>{r}</option>)}
              </select>
              <input placeholder="What did you see? (optional)" value={reportText} maxLength={2000} onChange={(e) => setReportText(e.target.value)} data-testid="report-text" />
              <button type="submit" className="primary" data-testid="report-submit">Send report</button>
            </form>
          )}
          <div className="listing-body">
            <article className="card readme" data-testid="readme" dangerouslySetInnerHTML={{ __html: l.readmeHtml }} />
            <aside>
              {kind === 'tools' && (
                <section className="card" data-testid="permissions">
                  <h2>Permissions</h2>
                  <ul>{l.permissionSummary.map((p) => <li key={p}>{p}</li>)}</ul>
                </section>
              )}
              {l.secrets.length > 0 && (
                <section className="card" data-testid="secrets">
                  <h2>Secrets it needs</h2>
                  <ul>{l.secrets.map((s) => <li key={s.name}><code>{s.name}</code>{s.purpose ? ` — ${s.purpose}` : ''}</li>)}</ul>
                </section>
              )}
              {l.inputs.length > 0 && (
                <section className="card">
                  <h2>Inputs</h2>
                  <ul>{l.inputs.map((i) => <li key={i.id}><code>{i.id}</code> {i.label ?? ''} <span className="muted small">{i.type ?? 'string'}{i.required ? ', required' : ''}</span></li>)}</ul>
                </section>
              )}
              {l.tools.length > 0 && <section className="card"><h2>Tools it uses</h2><ul>{l.tools.map((t) => <li key={t}><code>{t}</code></li>)}</ul></section>}
              <VersionsPanel kind={kind} listing={l} />
              <ReviewsPanel kind={kind} listing={l} isPublisher={handle === l.publisher} canEdit={canEdit(me)}
                onReport={(reviewId) => { setReportingReview(reviewId); setReason('spam'); setReporting(true); }}
                onChange={(reviews) => setL({ ...l, reviews })} />
            </aside>
          </div>
          {dialog && (
            <div className="dialog-backdrop" onClick={() => setDialog(false)}>
              <form className="dialog" onClick={(e) => e.stopPropagation()} onSubmit={(e) => { e.preventDefault(); void confirm(); }} data-testid="consent-dialog">
                <h2>{kind === 'tools' ? `Install ${l.displayName}?` : `Use ${l.displayName}`}</h2>
                {kind === 'tools' ? (
                  <>
                    <p>This tool will be allowed to:</p>
                    <ul data-testid="consent-permissions">{l.permissionSummary.map((p) => <li key={p}>{p}</li>)}</ul>
                    <p className="muted small">Nothing else: it runs as WebAssembly with only these grants. An update that asks for more waits for your approval.</p>
                  </>
                ) : (
                  <>
                    <label>Flow name <input value={name} onChange={(e) => setName(e.target.value)} data-testid="template-name" /></label>
                    {l.inputs.map((i) => (
                      <label key={i.id}>{i.label ?? i.id}
                        {i.type === 'enum' && i.values ? (
                          <select value={inputs[i.id] ?? ''} onChange={(e) => setInputs({ ...inputs, [i.id]: e.target.value })}>{i.values.map((v) => <option key={v}>{v}</option>)}</select>
                        ) : (
                          <input value={inputs[i.id] ?? ''} required={i.required} onChange={(e) => setInputs({ ...inputs, [i.id]: e.target.value })} data-testid={`input-${i.id}`} />
                        )}
                      </label>
                    ))}
                    {l.secrets.length > 0 && <p className="muted small">Add these secrets in Settings → Secrets before starting it: {l.secrets.map((s) => s.name).join(', ')}.</p>}
                    <p className="muted small">The new flow is stopped; review it in the editor, then start it.</p>
                  </>
                )}
                <div className="dialog-actions">
                  <button type="button" onClick={() => setDialog(false)}>Cancel</button>
                  <button type="submit" className="primary" disabled={busy} data-testid="consent-confirm">{kind === 'tools' ? 'Allow and install' : 'Create flow'}</button>
                </div>
              </form>
            </div>
          )}
        </>
      )}
    </div>
  );
}
