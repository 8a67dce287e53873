namespace Nextra.Modules.Secrets.Stores;

// Store row (Dapper.AOT materialises through setters); never serialised to clients, never logged.
internal sealed class SecretRow
{
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public byte[] Value { get; set; } = [];
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
    public string? UpdatedBy { get; set; }

    public override string ToString() => $"secret {TenantId}/{Name}";
}

/// <summary>A secret's name and last change; the listing never carries values.</summary>
internal sealed class SecretNameRow
{
    public string Name { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}
