import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { CreatedInvite, Invite, Member, Role } from '../../api/types';
import { useAuth } from '../../components/auth';
import { ago } from '../../components/format';
import { ErrorBanner } from '../../components/Layout';
import { SettingsNav } from '../settings/SettingsNav';

const ROLES: Role[] = ['viewer', 'editor', 'admin', 'owner'];

/** Settings → Members: who is in the tenant, their roles, invites with a copyable link. */
export default function MembersPage() {
  const { me } = useAuth();
  const [members, setMembers] = useState<Member[]>([]);
  const [invites, setInvites] = useState<Invite[]>([]);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [error, setError] = useState<string | null>(null);
  const manager = me?.role === 'owner' || me?.role === 'admin';
  const grantable = ROLES.filter((r) => r !== 'owner' || me?.role === 'owner');
  const wrap = useCallback((f: () => Promise<unknown>) => f().catch((e) => setError(errorMessage(e))), []);
  const load = useCallback(() => wrap(async () => {
    setMembers(await api.members());
    if (manager) setInvites(await api.invites());
  }), [wrap, manager]);
  useEffect(() => { void load(); }, [load]);

  return (
    <div className="page settings">
      <SettingsNav />
      <h1>Members</h1>
      <ErrorBanner error={error} onClose={() => setError(null)} />
      <table className="list" data-testid="members">
        <thead><tr><th>Member</th><th>Role</th><th>Joined</th><th>Last seen</th><th /></tr></thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.userId} data-testid={`member-${m.email}`}>
              <td>{m.name ? <>{m.name} <span className="muted">{m.email}</span></> : m.email}</td>
              <td>
                {manager && m.userId !== me?.userId && (m.role !== 'owner' || me?.role === 'owner') ? (
                  <select aria-label={`Role of ${m.email}`} value={m.role}
                    onChange={(e) => void wrap(async () => { await api.setRole(m.userId, e.target.value); await load(); })}>
                    {grantable.concat(m.role === 'owner' && !grantable.includes('owner') ? ['owner'] : []).map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                ) : <b>{m.role}</b>}
              </td>
              <td className="muted">{ago(m.joinedAt)}</td>
              <td className="muted">{m.lastSeenAt ? ago(m.lastSeenAt) : 'never'}</td>
              <td>
                {me?.role === 'owner' && m.userId !== me.userId && (
                  <button className="link" onClick={() => confirm(`Make ${m.email} the owner? You become an admin.`)
                    && wrap(async () => { await api.transferOwnership(m.userId); window.location.reload(); })}>Make owner</button>
                )}
                {manager && (m.role !== 'owner' || me?.role === 'owner') && (
                  <button className="link danger" onClick={() => confirm(`Remove ${m.email} from the team?`)
                    && wrap(async () => { await api.removeMember(m.userId); await load(); })}>Remove</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {manager && (
        <section>
          <h2>Invite someone</h2>
          {created && (
            <div className="info-banner" data-testid="invite-link">
              Send this link to {created.email} (valid until {new Date(created.expiresAt).toLocaleDateString()}; it works once):{' '}
              <input readOnly value={created.url} data-testid="invite-url" size={60} onFocus={(e) => e.currentTarget.select()} />
              <button className="link" onClick={() => void navigator.clipboard?.writeText(created.url)}>Copy</button>
              <button className="link" onClick={() => setCreated(null)}>Done</button>
            </div>
          )}
          <form className="row" onSubmit={(e) => { e.preventDefault(); void wrap(async () => { setCreated(await api.invite(email, role)); setEmail(''); await load(); }); }}>
            <input type="email" placeholder="email@example.com" value={email} onChange={(e) => setEmail(e.target.value)} required data-testid="invite-email" />
            <select value={role} onChange={(e) => setRole(e.target.value as Role)} aria-label="Role" data-testid="invite-role">
              {grantable.map((r) => <option key={r} value={r}>{r}</option>)}
            </select>
            <button type="submit" data-testid="invite-submit">Invite</button>
          </form>
          <h2>Pending invites</h2>
          {invites.length === 0 ? <p className="muted">No open invites.</p> : (
            <table className="list" data-testid="invites">
              <tbody>
                {invites.map((i) => (
                  <tr key={i.id}>
                    <td>{i.email}</td><td>{i.role}</td><td className="muted">expires {new Date(i.expiresAt).toLocaleDateString()}</td>
                    <td><button className="link danger" onClick={() => wrap(async () => { await api.revokeInvite(i.id); await load(); })}>Revoke</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </div>
  );
}
