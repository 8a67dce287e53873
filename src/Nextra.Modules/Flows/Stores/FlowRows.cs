namespace Nextra.Modules.Flows.Stores;

// Store rows (Dapper.AOT materialises through setters); never serialised to clients.

internal sealed class FlowRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string OrganismYaml { get; set; } = "";
    public string? CanvasState { get; set; }
    public string Status { get; set; } = "stopped";
    public long Version { get; set; }
    public string CreatedAt { get; set; } = "";
    public string UpdatedAt { get; set; } = "";
}

internal sealed class FlowVersionRow
{
    public string FlowId { get; set; } = "";
    public string TenantId { get; set; } = "";
    public long Version { get; set; }
    public string OrganismYaml { get; set; } = "";
    public string? CanvasState { get; set; }
    public string CreatedAt { get; set; } = "";
    public string? CreatedBy { get; set; }
}
