import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../../api/client';
import type { ApiKey, NewApiKey, SecretInfo } from '../../api/types';
import { useAuth } from '../../components/auth';
import { ago } from '../../components/format';
import { ErrorBanner } from '../../components/Layout';
import { SettingsNav } from './SettingsNav';
import { SsoSettings } from './SsoSettings';
import { CopyButton } from '../../components/CopyButton';

export default function SettingsPage() {
  const { me } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const wrap = (f: () => Promise<unknown>) => f().catch((e) => setError(errorMessage(e)));
  return (
    <div className="page settings">
      <SettingsNav />
      <h1>Settings</h1>
      <div className="narrow-note" data-testid="settings-read-only">On a phone, Settings are read-only: use a wider screen to change them.</div>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      {info && <div className="info-banner">{info}</div>}
      <section>
        <h2>Account</h2>
        <p>{me?.email} · role <b>{me?.role}</b> · workspace <b>{me?.tenantName}</b></p>
        <PasswordForm wrap={wrap} onDone={() => setInfo('Password changed.')} />
      </section>
      <section>
        <h2>Billing</h2>
        <p><Link to="/settings/billing" data-testid="billing-link">Plan, payment and usage</Link></p>
      </section>
      <ApiKeys wrap={wrap} />
      <Secrets wrap={wrap} />
      {(me?.role === 'admin' || me?.role === 'owner') && <SsoSettings wrap={wrap} />}
    </div>
  );
}

type Wrap = (f: () => Promise<unknown>) => Promise<unknown>;

function PasswordForm({ wrap, onDone }: { wrap: Wrap; onDone: () => void }) {
  const [cur, setCur] = useState('');
  const [next, setNext] = useState('');
  return (
    <form className="row edit-only" onSubmit={(e) => { e.preventDefault(); void wrap(async () => { await api.changePassword(cur, next); setCur(''); setNext(''); onDone(); }); }}>
      <input type="password" placeholder="Current password" value={cur} onChange={(e) => setCur(e.target.value)} required />
      <input type="password" placeholder="New password" value={next} onChange={(e) => setNext(e.target.value)} required minLength={8} />
      <button type="submit">Change password</button>
    </form>
  );
}

function ApiKeys({ wrap }: { wrap: Wrap }) {
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const load = useCallback(() => wrap(async () => setKeys(await api.apiKeys())), [wrap]);
  useEffect(() => { void load(); }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section>
      <h2>API keys</h2>
      {created && (
        <div className="info-banner" data-testid="new-key">
          Copy this key now; it is not shown again: <code>{created.key}</code>
          <CopyButton text={created.key} testId="copy-new-key" />
          <button className="link" onClick={() => setCreated(null)}>Done</button>
        </div>
      )}
      <div className="table-scroll"><table className="list">
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td><td><code>{k.prefix}…</code></td><td className="muted">created {ago(k.createdAt)}</td>
              <td className="muted">{k.lastUsedAt ? `used ${ago(k.lastUsedAt)}` : 'never used'}</td>
              <td className="edit-only"><button className="link danger" onClick={() => confirm(`Revoke key "${k.name}"?`) && wrap(async () => { await api.revokeApiKey(k.id); await load(); })}>Revoke</button></td>
            </tr>
          ))}
        </tbody>
      </table></div>
      <form className="row edit-only" onSubmit={(e) => { e.preventDefault(); void wrap(async () => { setCreated(await api.createApiKey(name)); setName(''); await load(); }); }}>
        <input placeholder="Key name" value={name} onChange={(e) => setName(e.target.value)} required />
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}

function Secrets({ wrap }: { wrap: Wrap }) {
  const [secrets, setSecrets] = useState<SecretInfo[]>([]);
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const load = useCallback(() => wrap(async () => setSecrets(await api.secrets())), [wrap]);
  useEffect(() => { void load(); }, []); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <section>
      <h2>Secrets</h2>
      <p className="muted small">Values are write-only; flows reference them by name (e.g. <code>api_key_secret</code>).</p>
      <div className="table-scroll"><table className="list">
        <tbody>
          {secrets.map((s) => (
            <tr key={s.name}>
              <td><code>{s.name}</code></td><td className="muted">updated {ago(s.updatedAt)}</td>
              <td className="edit-only"><button className="link danger" onClick={() => confirm(`Delete secret ${s.name}?`) && wrap(async () => { await api.deleteSecret(s.name); await load(); })}>Delete</button></td>
            </tr>
          ))}
        </tbody>
      </table></div>
      <form className="row edit-only" onSubmit={(e) => { e.preventDefault(); void wrap(async () => { await api.setSecret(name, value); setName(''); setValue(''); await load(); }); }}>
        <input placeholder="NAME" value={name} onChange={(e) => setName(e.target.value)} required pattern="[A-Za-z_][A-Za-z0-9_.\-]{0,127}" title="Letters, digits, _ . - ; starting with a letter or _ (at most 128)" />
        <input type="password" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} required />
        <button type="submit">Set secret</button>
      </form>
    </section>
  );
}
