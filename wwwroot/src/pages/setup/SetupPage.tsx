import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import { useAuth } from '../../components/auth';
import { ErrorBanner } from '../../components/Layout';

/** First run: the owner account, with the one-time token from the setup link. */
export function SetupPage() {
  const [params] = useSearchParams();
  const [token, setToken] = useState(params.get('token') ?? '');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [tenantName, setTenantName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [needed, setNeeded] = useState<boolean | null>(null);
  const { setMe } = useAuth();
  const nav = useNavigate();
  useEffect(() => {
    api.setupNeeded().then((r) => setNeeded(r.needed), () => setNeeded(true));
  }, []);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setMe(await api.setup({ token, email, password, tenantName: tenantName || undefined }));
      nav('/dashboard');
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  if (needed === false) {
    return (
      <div className="auth-card">
        <h1>Nextra is set up</h1>
        <p>An owner account exists already. <a href="/login">Log in</a>.</p>
      </div>
    );
  }
  return (
    <form className="auth-card" onSubmit={submit}>
      <h1>Set up Nextra</h1>
      <p className="muted">Create the owner account. The token is in the setup link printed by <code>nextra serve</code>.</p>
      <ErrorBanner error={error} />
      <label>Setup token<input name="token" value={token} onChange={(e) => setToken(e.target.value)} required /></label>
      <label>Email<input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required /></label>
      <label>Password<input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} /></label>
      <label>Workspace name (optional)<input name="tenantName" value={tenantName} onChange={(e) => setTenantName(e.target.value)} /></label>
      <button type="submit" className="primary">Create owner</button>
    </form>
  );
}
