import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { PublisherStats } from '../../api/types';
import { ErrorBanner } from '../../components/Layout';

/** The publisher's own listings (GET /api/marketplace/publisher/stats): installs, votes, tenants active in 30 days, abuse reports. */
export function PublisherStatsPanel({ onOpen }: { onOpen: (kind: 'tools' | 'flows', id: string) => void }) {
  const [stats, setStats] = useState<PublisherStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.publisherStats().then(setStats, (e) => setError(errorMessage(e)));
  }, []);
  return (
    <section data-testid="publisher-stats">
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {stats && (
        <>
          <p className="muted small">Published as <b>{stats.handle}</b>. Publish a module from Modules, or a flow from its editor.</p>
          {stats.listings.length === 0 ? (
            <p className="muted" data-testid="publisher-stats-empty">Nothing published yet.</p>
          ) : (
            <table className="list">
              <thead>
                <tr><th>Listing</th><th>Version</th><th>Installs / uses</th><th>Votes</th><th>Active tenants (30 days)</th><th>Reports</th></tr>
              </thead>
              <tbody>
                {stats.listings.map((s) => (
                  <tr key={s.id} data-testid="publisher-stat" data-listing={s.id}>
                    <td>
                      <button className="link" onClick={() => onOpen(s.kind === 'tool' ? 'tools' : 'flows', s.id)}>{s.id}</button>
                      <span className="muted small"> {s.kind}{s.visibility === 'private' ? ', private' : ''}</span>
                    </td>
                    <td>{s.version ?? <span className="muted">not published</span>}</td>
                    <td data-testid="stat-installs">{s.installs}</td>
                    <td data-testid="stat-votes">▲ {s.votesUp} ▼ {s.votesDown}</td>
                    <td data-testid="stat-active">{s.activeTenants30d}</td>
                    <td data-testid="stat-reports" className={s.reports > 0 ? 'error-text' : ''}>{s.reports}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
