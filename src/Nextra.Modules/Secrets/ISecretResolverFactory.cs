using Nextra.Pump.Handlers;

namespace Nextra.Modules.Secrets;

/// <summary>Gives a running flow the secrets of its tenant (IFlowServices.Secrets).</summary>
public interface ISecretResolverFactory
{
    ISecretResolver For(string tenantId);
}

internal sealed class SecretResolverFactory(SecretService secrets) : ISecretResolverFactory
{
    public ISecretResolver For(string tenantId) => new TenantSecretResolver(secrets, tenantId);

    /// <summary>Reads through on every call so a changed secret applies to the next step without a restart.</summary>
    private sealed class TenantSecretResolver(SecretService secrets, string tenantId) : ISecretResolver
    {
        public async ValueTask<string?> GetAsync(string name, CancellationToken ct) => await secrets.RevealAsync(tenantId, name, ct);
    }
}
