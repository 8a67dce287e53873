import { useEffect, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { PublisherKey } from '../../api/types';

/**
 * The publisher's own signing keys (POST/GET/DELETE /api/marketplace/publisher/keys): register the public key of
 * `nextra marketplace keygen`, then publish packages signed with `nextra marketplace pack --sign`. Owners and admins change them.
 */
export function PublisherKeysPanel({ canManage }: { canManage: boolean }) {
  const [keys, setKeys] = useState<PublisherKey[] | null>(null);
  const [publicKey, setPublicKey] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.publisherKeys().then(setKeys, (e) => setError(errorMessage(e)));
  }, []);

  async function register() {
    setError(null);
    try {
      const k = await api.registerPublisherKey(publicKey.trim(), name.trim() || undefined);
      setKeys([...(keys ?? []), k]);
      setPublicKey('');
      setName('');
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function revoke(keyId: string) {
    setError(null);
    try {
      await api.revokePublisherKey(keyId);
      setKeys((keys ?? []).map((k) => (k.keyId === keyId ? { ...k, revokedAt: new Date().toISOString() } : k)));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section className="card" data-testid="publisher-keys">
      <h2>Signing keys</h2>
      <p className="muted small">
        Sign packages on your own machine: <code>nextra marketplace keygen -o me.key</code>, register its public key here, then
        <code> nextra marketplace pack DIR --sign me.key</code>. Up to 3 active keys; a revoked key signs nothing new.
      </p>
      {error && <p className="error small" data-testid="publisher-keys-error">{error}</p>}
      {keys && keys.length > 0 && (
        <table className="list">
          <thead><tr><th>Key</th><th>Name</th><th>Added</th><th>State</th><th /></tr></thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.keyId} data-testid="publisher-key" data-key={k.keyId}>
                <td><code>{k.keyId}</code></td>
                <td>{k.name}</td>
                <td>{new Date(k.createdAt).toLocaleDateString()}</td>
                <td>{k.revokedAt ? `revoked ${new Date(k.revokedAt).toLocaleDateString()}` : 'active'}</td>
                <td>{canManage && !k.revokedAt && <button className="link danger" onClick={() => void revoke(k.keyId)} data-testid="publisher-key-revoke">Revoke</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canManage && (
        <form className="row" onSubmit={(e) => { e.preventDefault(); void register(); }}>
          <input placeholder="Public key (base64)" value={publicKey} onChange={(e) => setPublicKey(e.target.value)} required size={48} data-testid="publisher-key-input" />
          <input placeholder="Name (e.g. laptop)" value={name} onChange={(e) => setName(e.target.value)} size={14} data-testid="publisher-key-name" />
          <button type="submit" className="primary" data-testid="publisher-key-add">Register key</button>
        </form>
      )}
    </section>
  );
}
