import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, api, errorMessage } from '../../api/client';
import type { TemplateFlowSetup } from '../../api/types';
import { useAuth } from '../../components/auth';

/**
 * In the editor of a flow made from a template: while a secret the flow uses is not bound (no tenant secret of that name),
 * the flow does not start (409 secrets_unbound); this banner names them and lets an admin set each one here.
 */
export function TemplateSetupBanner({ flowId }: { flowId: string }) {
  const { me } = useAuth();
  const [setup, setSetup] = useState<TemplateFlowSetup | null>(null);
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const admin = me?.role === 'admin' || me?.role === 'owner';

  const load = useCallback(() => {
    api.templateFlow(flowId).then(setSetup, (e) => {
      if (!(e instanceof ApiError && e.status === 404)) setError(errorMessage(e));
    });
  }, [flowId]);
  useEffect(load, [load]);

  async function bind(name: string) {
    setError(null);
    try {
      await api.setSecret(name, values[name] ?? '');
      load();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (!setup || setup.setupComplete) return null;
  return (
    <div className="error-banner template-setup" role="status" data-testid="template-setup">
      <span>
        Made from the template <code>{setup.template.id}@{setup.template.version}</code>: it cannot start until
        {setup.unboundSecrets.length === 1 ? ' this secret is' : ' these secrets are'} set.
      </span>
      {setup.unboundSecrets.map((name) => (
        <form key={name} className="row" onSubmit={(e) => { e.preventDefault(); void bind(name); }}>
          <code>{name}</code>
          {admin ? (
            <>
              <input type="password" autoComplete="off" placeholder="value" value={values[name] ?? ''}
                onChange={(e) => setValues({ ...values, [name]: e.target.value })} data-testid={`setup-secret-${name}`} />
              <button type="submit" className="primary" disabled={!values[name]} data-testid={`setup-save-${name}`}>Save secret</button>
            </>
          ) : (
            <span className="muted small">an admin sets it in <Link to="/settings">Settings → Secrets</Link></span>
          )}
        </form>
      ))}
      {error && <span className="error-text">{error}</span>}
    </div>
  );
}
