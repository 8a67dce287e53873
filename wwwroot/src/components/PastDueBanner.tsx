import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import type { Billing } from '../api/types';
import { useAuth } from './auth';

/** For the owner, on every page: the subscription's payment is past due, and what happens when. */
export function PastDueBanner() {
  const { me } = useAuth();
  const [billing, setBilling] = useState<Billing | null>(null);
  useEffect(() => {
    if (me?.role !== 'owner') return;
    void api.billing().then(setBilling).catch(() => setBilling(null));
  }, [me?.role]);
  if (!billing || billing.status !== 'past_due') return null;
  return (
    <div className="quota-banner" role="alert" data-testid="past-due-banner">
      <strong>Payment past due.</strong> Update your payment method
      {billing.graceEndsAt ? ` before ${new Date(billing.graceEndsAt).toLocaleDateString()}` : ''}, or the workspace moves to the free tier.{' '}
      <Link to="/settings/billing">Billing</Link>
    </div>
  );
}
