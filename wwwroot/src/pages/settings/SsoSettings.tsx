import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { SsoProviderInput, SsoProviderView, SsoSettings as Settings } from '../../api/types';

type Wrap = (f: () => Promise<unknown>) => Promise<unknown>;

/** Settings → Single sign-on (admins): the tenant's OIDC / SAML providers and "require SSO". */
export function SsoSettings({ wrap }: { wrap: Wrap }) {
  const [settings, setSettings] = useState<Settings | null>(null);
  const load = useCallback(() => wrap(async () => setSettings(await api.ssoSettings())), [wrap]);
  useEffect(() => { void load(); }, []); // eslint-disable-line react-hooks/exhaustive-deps
  if (!settings) return null;
  return (
    <section data-testid="sso-settings">
      <h2>Single sign-on</h2>
      <label className="row">
        <input type="checkbox" checked={settings.ssoRequired} data-testid="sso-required"
          onChange={(e) => void wrap(async () => setSettings(await api.setSsoRequired(e.target.checked)))} />
        Require single sign-on for every member (password sign-in is refused)
      </label>
      {settings.providers.length === 0 && <p className="muted small">No provider yet. Add an OpenID Connect or SAML identity provider below.</p>}
      {settings.providers.map((p) => <ProviderCard key={p.name} p={p} wrap={wrap} onChange={load} />)}
      <ProviderForm wrap={wrap} onSaved={load} />
    </section>
  );
}

function ProviderCard({ p, wrap, onChange }: { p: SsoProviderView; wrap: Wrap; onChange: () => void }) {
  const origin = typeof location === 'undefined' ? '' : location.origin;
  return (
    <div className="sso-provider" data-testid={`sso-provider-${p.name}`}>
      <b>{p.displayName}</b> <span className="muted">({p.kind.toUpperCase()}, {p.source === 'config' ? 'set in nextra.toml' : 'this workspace'})</span>
      <dl>
        <dt>Sign-in link</dt><dd><code>{origin + p.loginUrl}</code></dd>
        {p.callbackUrl && <><dt>Redirect URI</dt><dd><code>{p.callbackUrl}</code></dd></>}
        {p.authority && <><dt>Authority</dt><dd>{p.authority}</dd></>}
        {p.clientId && <><dt>Client id</dt><dd>{p.clientId} {p.hasClientSecret ? '(secret stored, encrypted)' : '(public client)'}</dd></>}
        {p.acsUrl && <><dt>ACS URL</dt><dd><code>{p.acsUrl}</code></dd></>}
        {p.metadataUrl && <><dt>SP metadata</dt><dd><a href={p.metadataUrl}>{p.metadataUrl}</a></dd></>}
        {p.idpEntityId && <><dt>IdP entity id</dt><dd>{p.idpEntityId}</dd></>}
        <dt>New users</dt><dd>{p.autoProvision ? `created at first sign-in as ${p.defaultRole}` : 'must be invited first'}</dd>
        {Object.keys(p.groupRoles).length > 0 && <><dt>Group roles</dt><dd>{Object.entries(p.groupRoles).map(([g, r]) => `${g} → ${r}`).join(', ')}</dd></>}
      </dl>
      {p.source === 'tenant' && (
        <button className="link danger" onClick={() => confirm(`Delete provider ${p.name}?`) && wrap(async () => { await api.deleteSsoProvider(p.name); onChange(); })}>Delete</button>
      )}
    </div>
  );
}

function ProviderForm({ wrap, onSaved }: { wrap: Wrap; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [input, setInput] = useState<SsoProviderInput>({ kind: 'oidc', defaultRole: 'editor', autoProvision: false });
  const set = (patch: Partial<SsoProviderInput>) => setInput({ ...input, ...patch });
  return (
    <form className="sso-form" data-testid="sso-form" onSubmit={(e) => { e.preventDefault(); void wrap(async () => { await api.putSsoProvider(name, input); setName(''); setInput({ kind: 'oidc', defaultRole: 'editor', autoProvision: false }); onSaved(); }); }}>
      <span>Kind</span>
      <select value={input.kind} onChange={(e) => set({ kind: e.target.value as 'oidc' | 'saml' })}>
        <option value="oidc">OpenID Connect</option>
        <option value="saml">SAML 2.0</option>
      </select>
      <span>Name (in URLs)</span><input value={name} onChange={(e) => setName(e.target.value)} required pattern="[a-z0-9_-]{1,40}" placeholder="okta" />
      <span>Button text</span><input value={input.displayName ?? ''} onChange={(e) => set({ displayName: e.target.value })} placeholder="Acme Okta" />
      {input.kind === 'oidc' ? (
        <>
          <span>Authority</span><input value={input.authority ?? ''} onChange={(e) => set({ authority: e.target.value })} required placeholder="https://acme.okta.com" />
          <span>Client id</span><input value={input.clientId ?? ''} onChange={(e) => set({ clientId: e.target.value })} required />
          <span>Client secret</span><input type="password" value={input.clientSecret ?? ''} onChange={(e) => set({ clientSecret: e.target.value })} placeholder="stored encrypted" />
        </>
      ) : (
        <>
          <span>IdP entity id</span><input value={input.idpEntityId ?? ''} onChange={(e) => set({ idpEntityId: e.target.value })} required />
          <span>IdP SSO URL</span><input value={input.idpSsoUrl ?? ''} onChange={(e) => set({ idpSsoUrl: e.target.value })} required />
          <span>IdP certificate (PEM)</span><textarea value={input.idpCertificate ?? ''} onChange={(e) => set({ idpCertificate: e.target.value })} required rows={4} />
        </>
      )}
      <span>New users</span>
      <label className="row"><input type="checkbox" checked={input.autoProvision ?? false} onChange={(e) => set({ autoProvision: e.target.checked })} /> create at first sign-in as
        <select value={input.defaultRole} onChange={(e) => set({ defaultRole: e.target.value })}>
          <option value="viewer">viewer</option><option value="editor">editor</option><option value="admin">admin</option>
        </select>
      </label>
      <span />
      <button type="submit">Save provider</button>
    </form>
  );
}
