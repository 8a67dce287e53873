import { useEffect, useState } from 'react';
import { NavLink } from 'react-router';
import { api } from '../api/client';

/** The header's Alerts link, with the number of firing alerts while anything fires (polled every 30 s). */
export function AlertBadge() {
  const [firing, setFiring] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () => api.alerts({ state: 'firing' }).then((a) => { if (live) setFiring(a.length); }).catch(() => undefined);
    void load();
    const timer = setInterval(load, 30_000);
    return () => { live = false; clearInterval(timer); };
  }, []);
  return (
    <NavLink to="/alerts" data-testid="nav-alerts">
      Alerts{firing > 0 && <span className="badge firing" data-testid="alerts-badge" title={`${firing} firing`}>{firing}</span>}
    </NavLink>
  );
}
