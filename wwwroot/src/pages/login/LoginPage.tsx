import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import { useAuth } from '../../components/auth';
import { ErrorBanner } from '../../components/Layout';

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [params] = useSearchParams();
  const { setMe } = useAuth();
  const nav = useNavigate();
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      setMe(await api.login(email, password));
      const next = params.get('next');
      nav(safeNext(next), { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    }
  }
  return (
    <form className="auth-card" onSubmit={submit}>
      <h1>Log in to Nextra</h1>
      <ErrorBanner error={error} />
      <label>Email<input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus /></label>
      <label>Password<input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
      <button type="submit" className="primary">Log in</button>
    </form>
  );
}

/** Where to go after logging in: a local path that is not the login or setup page itself. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/dashboard';
  if (next.startsWith('/login') || next.startsWith('/setup')) return '/dashboard';
  return next;
}
