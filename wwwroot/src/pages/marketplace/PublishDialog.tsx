import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, errorMessage } from '../../api/client';
import { CheckIcon, CloseIcon } from '../../components/icons';
import { listingNameOf, templateInputsOf } from './publish';
import type { PublishRequest, Submission, SubmissionCheck, ToolPermissions } from '../../api/types';

const lines = (s: string) => s.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);

interface Props {
  kind: 'tool' | 'flow';
  /** The module version id (tool) or flow id (template). */
  sourceId: string;
  /** The module or flow name, for the default listing name. */
  sourceName: string;
  /** The flow's YAML (templates): its `${{ inputs.x }}` become the template's inputs. */
  yaml?: string;
  /** A warning shown above the form (e.g. unsaved changes are not published). */
  notice?: string;
  onClose: () => void;
}

/**
 * Publish a module as a tool or a flow as a template (`POST /api/marketplace/publish`), then show the submission
 * (`GET /api/marketplace/submissions/{id}`): its state, the automated checks and, for a template, the sanitized YAML.
 * A refused publication shows the failing checks (and, for a key found in a template, its line and column).
 */
export function PublishDialog({ kind, sourceId, sourceName, yaml, notice, onClose }: Props) {
  const [name, setName] = useState(listingNameOf(sourceName));
  const [version, setVersion] = useState('1.0.0');
  const [displayName, setDisplayName] = useState(sourceName);
  const [summary, setSummary] = useState('');
  const [categories, setCategories] = useState(kind === 'tool' ? 'utility' : 'automation');
  const [readme, setReadme] = useState('');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const [inputs, setInputs] = useState(() => templateInputsOf(yaml ?? '').join(', '));
  const [log, setLog] = useState(false);
  const [hosts, setHosts] = useState('');
  const [methods, setMethods] = useState('GET');
  const [kvBytes, setKvBytes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [refused, setRefused] = useState<{ checks: SubmissionCheck[]; located: string[] } | null>(null);
  const [submission, setSubmission] = useState<Submission | null>(null);

  function request(): PublishRequest {
    const base = { name, version, displayName, summary, readme, categories: lines(categories), visibility };
    if (kind === 'flow') {
      return { ...base, kind, flowId: sourceId, inputs: lines(inputs).map((id) => ({ id, type: 'string', label: id, required: true })) };
    }
    const permissions: ToolPermissions = { log };
    if (lines(hosts).length) permissions.http = { hosts: lines(hosts), methods: lines(methods).map((m) => m.toUpperCase()) };
    if (kvBytes.trim()) permissions.kv = { maxBytes: Number(kvBytes) };
    return { ...base, kind, moduleId: sourceId, permissions };
  }

  async function publish() {
    setBusy(true);
    setError(null);
    setRefused(null);
    try {
      const { submissionId } = await api.publish(request());
      setSubmission(await api.submission(submissionId));
    } catch (e) {
      setError(errorMessage(e));
      if (e instanceof ApiError && (Array.isArray(e.extensions.checks) || e.errors.length)) {
        setRefused({
          checks: Array.isArray(e.extensions.checks) ? (e.extensions.checks as SubmissionCheck[]) : [],
          located: e.errors.map((x) => `line ${x.line}, col ${x.column}: ${x.message}`),
        });
      }
    } finally {
      setBusy(false);
    }
  }

  async function refresh() {
    if (!submission) return;
    try {
      setSubmission(await api.submission(submission.id));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const tab = kind === 'tool' ? 'tools' : 'flows';
  return (
    <div className="dialog-backdrop" onClick={onClose}>
      <div className="dialog publish-dialog" onClick={(e) => e.stopPropagation()} data-testid="publish-dialog">
        <h2>{kind === 'tool' ? `Publish ${sourceName} as a tool` : `Publish ${sourceName} as a template`}</h2>
        {submission ? (
          <section data-testid="submission">
            <p>
              Submission <code>{submission.id}</code>: <span className={`badge state-${submission.state}`} data-testid="submission-state">{submission.state}</span>
              {submission.state === 'queued' && <span className="muted small"> — an operator reviews it (<code>nextra marketplace review</code>).</span>}
            </p>
            <Checks checks={submission.checks} />
            {submission.sanitizedYaml && (
              <details open data-testid="sanitized-yaml">
                <summary>Sanitized YAML (what others receive)</summary>
                <pre className="small">{submission.sanitizedYaml}</pre>
              </details>
            )}
            <div className="dialog-actions">
              {submission.state === 'queued' && <button onClick={() => void refresh()} data-testid="submission-refresh">Refresh</button>}
              {submission.listingId && (
                <Link to={`/marketplace?tab=${tab}&listing=${encodeURIComponent(submission.listingId)}`} data-testid="submission-listing">Open {submission.listingId}</Link>
              )}
              <button className="primary" onClick={onClose}>Close</button>
            </div>
          </section>
        ) : (
          <form onSubmit={(e) => { e.preventDefault(); void publish(); }}>
            {notice && <p className="info-banner" data-testid="publish-notice">{notice}</p>}
            <label>Listing name (publisher/<b>name</b>) <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="publish-name" /></label>
            <label>Version <input value={version} onChange={(e) => setVersion(e.target.value)} required data-testid="publish-version" /></label>
            <label>Display name <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} /></label>
            <label>Summary (at most 140 characters) <input value={summary} maxLength={140} onChange={(e) => setSummary(e.target.value)} required data-testid="publish-summary" /></label>
            <label>Categories (1-3, comma-separated) <input value={categories} onChange={(e) => setCategories(e.target.value)} data-testid="publish-categories" /></label>
            {kind === 'flow' ? (
              <label>Inputs the user fills in (ids, comma-separated) <input value={inputs} onChange={(e) => setInputs(e.target.value)} data-testid="publish-inputs" /></label>
            ) : (
              <fieldset className="publish-permissions">
                <legend>Permissions (the module's imports must fit them)</legend>
                <label className="check"><input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> writes log lines</label>
                <label>HTTPS hosts it may call (one per line) <textarea rows={2} value={hosts} onChange={(e) => setHosts(e.target.value)} placeholder="https://api.example.com" data-testid="publish-hosts" /></label>
                {lines(hosts).length > 0 && <label>Methods <input value={methods} onChange={(e) => setMethods(e.target.value)} /></label>}
                <label>Key-value store (max bytes, empty for none) <input value={kvBytes} inputMode="numeric" onChange={(e) => setKvBytes(e.target.value)} /></label>
              </fieldset>
            )}
            <label>README (Markdown) <textarea rows={4} value={readme} onChange={(e) => setReadme(e.target.value)} data-testid="publish-readme" /></label>
            <label>Visibility
              <select value={visibility} onChange={(e) => setVisibility(e.target.value as 'public' | 'private')} data-testid="publish-visibility">
                <option value="public">public</option>
                <option value="private">private (this tenant only; enterprise)</option>
              </select>
            </label>
            {error && <p className="error-text" role="alert" data-testid="publish-error">{error}</p>}
            {refused && (
              <div data-testid="publish-refused">
                {refused.located.length > 0 && <ul className="error-text">{refused.located.map((l) => <li key={l}>{l}</li>)}</ul>}
                <Checks checks={refused.checks} />
              </div>
            )}
            <p className="muted small">It is signed with this tenant's publisher key; the automated checks run now.</p>
            <div className="dialog-actions">
              <button type="button" onClick={onClose}>Cancel</button>
              <button type="submit" className="primary" disabled={busy} data-testid="publish-submit">{busy ? 'Checking…' : 'Publish'}</button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}

function Checks({ checks }: { checks: SubmissionCheck[] }) {
  if (checks.length === 0) return null;
  return (
    <ul className="checks" data-testid="publish-checks">
      {checks.map((c, i) => (
        <li key={i} className={c.ok ? 'ok' : 'failed'} data-check={c.name} data-ok={c.ok}>
          {c.ok ? <CheckIcon size={13} /> : <CloseIcon size={13} />} <b>{c.name}</b> <span className="muted small">{c.detail}</span>
        </li>
      ))}
    </ul>
  );
}
