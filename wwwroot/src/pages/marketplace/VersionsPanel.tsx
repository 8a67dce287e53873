import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { ListingDetail, VersionDetail } from '../../api/types';

/** The listing's versions; one opens its own page (GET …/versions/{version}): review level, published at, signatures, rollout. */
export function VersionsPanel({ kind, listing }: { kind: 'tools' | 'flows'; listing: ListingDetail }) {
  const [open, setOpen] = useState<VersionDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function show(version: string) {
    if (open?.version === version) { setOpen(null); return; }
    setError(null);
    try {
      setOpen(await api.listingVersion(kind, listing.id, version));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section className="card" data-testid="versions">
      <h2>Versions</h2>
      <ul>
        {listing.versions.map((v) => (
          <li key={v.version}>
            <button className="link" onClick={() => void show(v.version)} data-testid={`version-${v.version}`}>{v.version}</button>{' '}
            <span className="muted small">{v.state} · {v.digest.slice(0, 19)}…</span>
          </li>
        ))}
      </ul>
      {error && <p className="error small">{error}</p>}
      {open && (
        <dl className="small version-detail" data-testid="version-detail">
          <dt>Version</dt><dd>{open.version} ({open.state}, {open.reviewLevel})</dd>
          {open.publishedAt && <><dt>Published</dt><dd>{new Date(open.publishedAt).toLocaleString()}</dd></>}
          <dt>Digest</dt><dd><code>{open.digest}</code></dd>
          {open.signatures.map((s) => (
            <span key={s.role + s.keyId} data-testid={`version-signature-${s.role}`}>
              <dt>{s.role === 'publisher' ? 'Signed by' : 'Countersigned by'}</dt>
              <dd>key <code>{s.keyId}</code>{s.keyKind ? ` (${s.keyKind === 'publisher' ? "publisher's own key" : s.keyKind})` : ''}</dd>
            </span>
          ))}
          {open.permissionSummary.length > 0 && <><dt>Permissions</dt><dd>{open.permissionSummary.join('; ')}</dd></>}
          {open.rollout && (
            <><dt>Auto-update</dt><dd data-testid="version-rollout">{open.rollout.state === 'first' ? 'rolling out to the first 10% of installs'
              : open.rollout.state === 'complete' ? 'rolled out to every auto-updating install' : `halted: ${open.rollout.detail ?? ''}`}</dd></>
          )}
        </dl>
      )}
    </section>
  );
}
