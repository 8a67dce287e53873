namespace Nextra.Modules.Triggers;

/// <summary>One acknowledged injection waiting to run; <see cref="Id"/> is the run id.</summary>
public sealed record InboxItem
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string FlowId { get; init; }
    /// <summary><c>webhook:NAME</c>, <c>schedule:NAME</c>, <c>manual</c>, <c>replay:RUNID</c>…</summary>
    public required string Source { get; init; }
    public string? Target { get; init; }
    public string? PayloadClass { get; init; }
    public string? PayloadXml { get; init; }
    public string? PayloadJson { get; init; }
    public int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>A new time-ordered run id.</summary>
    public static string NewId() => Runs.RunIds.New();
}
