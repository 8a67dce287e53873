import { useEffect, useState } from 'react';
import { Link, NavLink } from 'react-router';
import { api } from '../api/client';
import type { TenantInfo } from '../api/types';
import { AlertBadge } from './AlertBadge';
import { useAuth } from './auth';
import { ErrorBoundary } from './ErrorBoundary';
import { PastDueBanner } from './PastDueBanner';

export function Layout({ children }: { children: React.ReactNode }) {
  const { me } = useAuth();
  async function logout() {
    try {
      await api.logout();
    } finally {
      // A full page load, not a client-side navigation: it drops every in-memory trace of the
      // session (open SignalR connections, cached flows, editor state) and cannot race the route
      // guard, which would otherwise send the person to /login?next=… of the page they left.
      window.location.assign('/login');
    }
  }
  return (
    <div className="app">
      <header className="topbar">
        <Link to="/dashboard" className="brand">Nextra</Link>
        <nav>
          <NavLink to="/dashboard">Flows</NavLink>
          <NavLink to="/modules" className="wide-only">Modules</NavLink>
          <NavLink to="/marketplace" className="wide-only">Marketplace</NavLink>
          <AlertBadge />
          <NavLink to="/sla" className="wide-only">SLA</NavLink>
          <NavLink to="/settings" className="wide-only">Settings</NavLink>
        </nav>
        <span className="spacer" />
        <span className="muted small wide-only">{me?.email}</span>
        <TenantSwitcher />
        <button className="link" onClick={logout} data-testid="logout">Log out</button>
      </header>
      <PastDueBanner />
      <main className="content"><ErrorBoundary key={boundaryKey(location.pathname)}>{children}</ErrorBoundary></main>
    </div>
  );
}

/** The tenants the person belongs to; picking one points the session at it and reloads (every page's data changes). */
function TenantSwitcher() {
  const { me } = useAuth();
  const [tenants, setTenants] = useState<TenantInfo[]>([]);
  useEffect(() => {
    if (me) api.tenants().then(setTenants).catch(() => setTenants([]));
  }, [me]);
  if (tenants.length < 2) return <span className="muted small wide-only" data-testid="tenant-name">{me?.tenantName}</span>;
  return (
    <select aria-label="Team" data-testid="tenant-switcher" value={me?.tenantId}
      onChange={(e) => void api.switchTenant(e.target.value).then(() => window.location.assign('/dashboard'))}>
      {tenants.map((t) => <option key={t.tenantId} value={t.tenantId}>{t.name} ({t.role})</option>)}
    </select>
  );
}

export function ErrorBanner({ error, onClose }: { error: string | null; onClose?: () => void }) {
  if (!error) return null;
  return (
    <div className="error-banner" role="alert">
      {error}
      {onClose && <button className="link" onClick={onClose}>×</button>}
    </div>
  );
}

/** A plan limit was reached: the server's detail tells the person what to do, so it stands out. */
export function QuotaBanner({ message, onClose }: { message: string | null; onClose?: () => void }) {
  if (!message) return null;
  return (
    <div className="quota-banner" role="alert" data-testid="quota-banner">
      <strong>Plan limit reached.</strong> {message}
      {onClose && <button className="link" onClick={onClose}>×</button>}
    </div>
  );
}

/** Resets the error boundary per page, but not when the editor switches canvas/YAML/split. */
function boundaryKey(pathname: string): string {
  return pathname.split('/').slice(0, 3).join('/');
}
