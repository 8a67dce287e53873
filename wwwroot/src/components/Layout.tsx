import { Link, NavLink } from 'react-router';
import { api } from '../api/client';
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
        <span className="muted small wide-only">{me?.email} · {me?.tenantName}</span>
        <button className="link" onClick={logout} data-testid="logout">Log out</button>
      </header>
      <PastDueBanner />
      <main className="content"><ErrorBoundary key={boundaryKey(location.pathname)}>{children}</ErrorBoundary></main>
    </div>
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
