import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { ListingSummary } from '../../api/types';
import { ErrorBanner } from '../../components/Layout';
import ListingView from './ListingView';
import { PublisherKeysPanel } from './PublisherKeysPanel';
import { PublisherStatsPanel } from './PublisherStatsPanel';
import { useAuth } from '../../components/auth';

type Kind = 'tools' | 'flows';
type Tab = Kind | 'mine';

/** /marketplace: tabs Tools / Flow templates, search with filters, listing cards; a card opens its listing page. */
export default function MarketplacePage() {
  const [params, setParams] = useSearchParams();
  const { me } = useAuth();
  const tab: Tab = params.get('tab') === 'tools' ? 'tools' : params.get('tab') === 'mine' ? 'mine' : 'flows';
  const kind: Kind = tab === 'tools' ? 'tools' : 'flows';
  const open = params.get('listing');
  const [q, setQ] = useState(params.get('q') ?? '');
  const [category, setCategory] = useState('');
  const [sort, setSort] = useState('relevance');
  const [review, setReview] = useState('');
  const [offline, setOffline] = useState(false);
  const [installed, setInstalled] = useState(false);
  const [items, setItems] = useState<ListingSummary[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const search = useCallback(async (cursor?: string) => {
    setError(null);
    try {
      const page = await api.marketplace(kind, {
        q: params.get('q') ?? '', category, sort, cursor, review,
        network: kind === 'tools' && offline ? 'none' : undefined, installed: installed ? 'true' : undefined,
      });
      setItems((prev) => (cursor && prev ? [...prev, ...page.items] : page.items));
      setNext(page.nextCursor ?? null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [kind, params, category, sort, review, offline, installed]);

  useEffect(() => {
    if (!open && tab !== 'mine') void search();
  }, [search, open, tab]);

  function set(changes: Record<string, string | null>) {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) if (v === null || v === '') p.delete(k); else p.set(k, v);
    setParams(p);
  }

  if (open) return <ListingView kind={kind} id={open} onBack={() => set({ listing: null })} />;

  return (
    <div className="page marketplace" data-testid="marketplace">
      <div className="page-head">
        <h1>Marketplace</h1>
        <span className="muted small">Signed tools (WebAssembly with a permission manifest) and flow templates.</span>
      </div>
      <div className="tabs" role="tablist">
        <button role="tab" className={tab === 'flows' ? 'on' : ''} onClick={() => set({ tab: 'flows' })} data-testid="tab-flows">Flow templates</button>
        <button role="tab" className={tab === 'tools' ? 'on' : ''} onClick={() => set({ tab: 'tools' })} data-testid="tab-tools">Tools</button>
        <button role="tab" className={tab === 'mine' ? 'on' : ''} onClick={() => set({ tab: 'mine' })} data-testid="tab-mine">Published by me</button>
      </div>
      {tab === 'mine' && <PublisherStatsPanel onOpen={(k, id) => set({ tab: k, listing: id })} />}
      {tab === 'mine' && <PublisherKeysPanel canManage={me?.role === 'owner' || me?.role === 'admin'} />}
      {tab !== 'mine' && <>
      <form className="market-search" onSubmit={(e) => { e.preventDefault(); set({ q }); }}>
        <input type="search" placeholder={kind === 'tools' ? 'Search tools' : 'Search templates'} value={q} onChange={(e) => setQ(e.target.value)} data-testid="market-q" />
        <input placeholder="category" value={category} onChange={(e) => setCategory(e.target.value.toLowerCase())} size={12} data-testid="market-category" />
        <select value={sort} onChange={(e) => setSort(e.target.value)} data-testid="market-sort">
          <option value="relevance">Relevance</option>
          <option value="popular">Popular</option>
          <option value="recent">Recent</option>
          <option value="rating">Rating</option>
        </select>
        <select value={review} onChange={(e) => setReview(e.target.value)} data-testid="market-review" title="Review level">
          <option value="">Any review</option>
          <option value="community">Community</option>
          <option value="verified">Verified</option>
          <option value="official">Official</option>
        </select>
        {kind === 'tools' && (
          <label className="small" title="Only tools that make no network requests">
            <input type="checkbox" checked={offline} onChange={(e) => setOffline(e.target.checked)} data-testid="market-offline" /> No network
          </label>
        )}
        <label className="small" title={kind === 'tools' ? 'Only tools this workspace installed' : 'Only templates this workspace used'}>
          <input type="checkbox" checked={installed} onChange={(e) => setInstalled(e.target.checked)} data-testid="market-installed" /> {kind === 'tools' ? 'Installed' : 'Used'}
        </label>
        <button type="submit" className="primary">Search</button>
      </form>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {items && items.length === 0 && <p className="muted" data-testid="market-empty">Nothing matches.</p>}
      <div className="market-grid">
        {items?.map((l) => (
          <button key={l.id} className="market-card" onClick={() => set({ listing: l.id })} data-testid={`listing-${l.id}`}>
            <span className="market-card-title">{l.displayName}</span>
            <span className="muted small">{l.id} · v{l.version}</span>
            <span>{l.summary}</span>
            <span className="market-card-meta small">
              <span className={`badge level-${l.reviewLevel}`}>{l.reviewLevel}</span>
              <span title="votes">▲ {l.votesUp} ▼ {l.votesDown}</span>
              <span>{l.installs} {kind === 'tools' ? 'installs' : 'uses'}</span>
              {l.categories.map((c) => <span key={c} className="muted">#{c}</span>)}
            </span>
          </button>
        ))}
      </div>
      {next && <button onClick={() => void search(next)}>More</button>}
      </>}
    </div>
  );
}
