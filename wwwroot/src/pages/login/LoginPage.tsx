import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { SsoProviderInfo } from '../../api/types';
import { useAuth } from '../../components/auth';
import { ErrorBanner } from '../../components/Layout';

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [params] = useSearchParams();
  const [error, setError] = useState<string | null>(ssoErrorMessage(params.get('sso_error')));
  const [providers, setProviders] = useState<SsoProviderInfo[]>([]);
  useEffect(() => {
    api.ssoProviders().then(setProviders, () => setProviders([]));
  }, []);
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
      {providers.length > 0 && (
        <div className="sso-buttons">
          <p className="muted small">or</p>
          {providers.map((p) => (
            <a key={p.name} className="button" data-testid={`sso-${p.name}`}
              href={`${p.loginUrl}?returnUrl=${encodeURIComponent(safeNext(params.get('next')))}`}>
              Sign in with {p.displayName}
            </a>
          ))}
        </div>
      )}
    </form>
  );
}

/** Where to go after logging in: a local path that is not the login or setup page itself. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/dashboard';
  if (next.startsWith('/login') || next.startsWith('/setup')) return '/dashboard';
  return next;
}

/** What went wrong with a single sign-on, from the stable code the server put in `?sso_error=`. */
export function ssoErrorMessage(code: string | null): string | null {
  if (!code) return null;
  const messages: Record<string, string> = {
    invalid_state: 'The single sign-on expired or was started in another browser. Try again.',
    token_invalid: 'The identity provider\'s answer could not be verified, so you were not signed in. Try again or ask your admin.',
    email_unverified: 'Your email is not verified at the identity provider. Verify it there, then try again.',
    email_missing: 'The identity provider did not share your email address. Ask your admin to allow the email scope.',
    not_provisioned: 'You have no Nextra account yet. Ask an admin to invite you.',
    not_member: 'Your account belongs to another workspace. Ask this workspace\'s admin to invite you.',
    quota_exceeded: 'This workspace has reached its member limit. Ask an admin to upgrade or remove someone.',
    provider_error: 'The identity provider refused the sign-in.',
    provider_unreachable: 'The identity provider could not be reached. Try again later or ask your admin.',
    provider_misconfigured: 'Single sign-on is misconfigured. Ask your admin to check the provider settings.',
    token_exchange_failed: 'The identity provider refused to complete the sign-in. Ask your admin to check the client secret.',
    sso_required: 'This workspace requires single sign-on: use the button of your identity provider.',
    saml_invalid: 'The identity provider\'s SAML answer could not be verified, so you were not signed in. Ask your admin to check the certificate and URLs.',
    saml_replay: 'This sign-in answer was already used. Start again.',
  };
  return messages[code] ?? `Single sign-on failed (${code}).`;
}
