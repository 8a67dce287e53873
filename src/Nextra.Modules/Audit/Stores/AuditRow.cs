namespace Nextra.Modules.Audit.Stores;

/// <summary>A row of <c>audit_log</c> (mutable for Dapper.AOT); never serialised to clients.</summary>
internal sealed class AuditRow
{
    public string Id { get; set; } = "";
    public string TenantId { get; set; } = "";
    public string At { get; set; } = "";
    public string? ActorUserId { get; set; }
    public string? ActorEmail { get; set; }
    public string Via { get; set; } = "";
    public string Action { get; set; } = "";
    public string? Target { get; set; }
    public string? Detail { get; set; }
    public string? Ip { get; set; }
}
