namespace Nextra.Modules.Secrets.Stores;

/// <summary>Encrypted secret rows, always addressed by tenant.</summary>
internal interface ISecretStore
{
    Task<IReadOnlyList<SecretNameRow>> ListAsync(string tenantId, CancellationToken ct);
    Task<byte[]?> GetValueAsync(string tenantId, string name, CancellationToken ct);
    /// <summary>Inserts or replaces; returns true when the secret is new.</summary>
    Task<bool> UpsertAsync(SecretRow row, CancellationToken ct);
    Task<bool> DeleteAsync(string tenantId, string name, CancellationToken ct);
}
