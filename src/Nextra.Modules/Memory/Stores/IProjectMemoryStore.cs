namespace Nextra.Modules.Memory.Stores;

internal sealed class MemoryKeyRow
{
    public string Key { get; set; } = "";
    public long Size { get; set; }
}

/// <summary>Key/value rows of project memory; every call is scoped by tenant and flow.</summary>
internal interface IProjectMemoryStore
{
    Task<byte[]?> GetAsync(string tenantId, string flowId, string key, CancellationToken ct);

    Task<IReadOnlyList<MemoryKeyRow>> ListAsync(string tenantId, string flowId, CancellationToken ct);

    /// <summary>Stores the value unless the flow's total would exceed <paramref name="maxBytes"/>; false when refused.</summary>
    Task<bool> PutAsync(string tenantId, string flowId, string key, byte[] value, long maxBytes, string updatedAt, CancellationToken ct);

    Task<bool> DeleteAsync(string tenantId, string flowId, string key, CancellationToken ct);
}
