import { NavLink } from 'react-router';
import { useAuth } from '../../components/auth';

/** The tabs of Settings: Account, Members, and (owners and admins) the audit log. */
export function SettingsNav() {
  const { me } = useAuth();
  const manager = me?.role === 'owner' || me?.role === 'admin';
  return (
    <nav className="subnav row">
      <NavLink to="/settings" end>Account</NavLink>
      <NavLink to="/settings/members" data-testid="nav-members">Members</NavLink>
      {manager && <NavLink to="/settings/audit" data-testid="nav-audit">Audit log</NavLink>}
    </nav>
  );
}
