import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiError, errorMessage } from '../../api/client';
import { useAuth } from '../../components/auth';
import { ErrorBanner } from '../../components/Layout';

/**
 * /invite?token=…: a signed-in person joins with one click (the invite must be for their email); a new person
 * chooses a password (and a name) and gets an account in the team. Either way the session lands in that team.
 */
export function InvitePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { me, loading, setMe } = useAuth();
  const nav = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [needsSignIn, setNeedsSignIn] = useState(false);

  async function accept(e?: React.FormEvent) {
    e?.preventDefault();
    setError(null);
    try {
      setMe(await api.acceptInvite(me ? { token } : { token, password, name: name || undefined }));
      // A full load: every page's data (flows, usage, live events) belongs to the team just joined.
      window.location.assign('/dashboard');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setNeedsSignIn(true);
      setError(errorMessage(err));
    }
  }

  if (loading) return <div className="center muted">Loading…</div>;
  if (!token) return <div className="auth-card"><h1>Invite</h1><p>This link has no invite token; open the link you were sent.</p></div>;
  const next = `/invite?token=${encodeURIComponent(token)}`;
  return (
    <form className="auth-card" onSubmit={accept} data-testid="invite-page">
      <h1>Join a team on Nextra</h1>
      <ErrorBanner error={error} />
      {me ? (
        <>
          <p>You are signed in as <b>{me.email}</b>.</p>
          <button type="submit" className="primary" data-testid="accept-invite">Join the team</button>
          <p className="muted small">Not you? <button type="button" className="link" onClick={() => void api.logout().then(() => window.location.reload())}>Log out</button></p>
        </>
      ) : (
        <>
          <p className="muted">Choose a password to create your account, or <Link to={`/login?next=${encodeURIComponent(next)}`}>log in</Link> if you already have one.</p>
          <label>Name<input name="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} /></label>
          <label>Password<input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} /></label>
          <button type="submit" className="primary" data-testid="accept-invite">Create account and join</button>
          {needsSignIn && <p><Link to={`/login?next=${encodeURIComponent(next)}`} data-testid="invite-login">Log in, then join</Link></p>}
        </>
      )}
      {!me && <button type="button" className="link" onClick={() => nav('/login')}>Back to log in</button>}
    </form>
  );
}
