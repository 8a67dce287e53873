using System.Text.Json;
using Nextra.Pump.Config;

namespace Nextra.Modules.Flows;

// Wire records of the Flows section of docs/api.md.

/// <summary>POST and PUT body. On PUT a null member keeps the stored value.</summary>
public sealed record FlowRequest(string? Name, string? Description, string? OrganismYaml, JsonElement? CanvasState);

public sealed record FlowResponse(string Id, string Name, string Description, string OrganismYaml, JsonElement? CanvasState,
    string Status, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>After a save of a running flow: the hot reload's report (added/removed/updated listeners), else null.</summary>
    public Nextra.Pump.Runtime.ReloadReport? Reload { get; init; }
}

public sealed record FlowListItem(string Id, string Name, string Description, string OrganismYaml, JsonElement? CanvasState,
    string Status, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, LastRunInfo? LastRun);

public sealed record LastRunInfo(string RunId, string Status, DateTimeOffset StartedAt);

public sealed record ValidateFlowRequest(string? OrganismYaml);

/// <summary>Problems refuse a save; warnings (valid, but likely not meant) only inform.</summary>
public sealed record ValidateFlowResponse(IReadOnlyList<ValidationProblem> Problems, IReadOnlyList<ValidationProblem> Warnings);

public sealed record FlowVersionSummary(long Version, DateTimeOffset CreatedAt, string? CreatedBy);

public sealed record FlowVersionResponse(long Version, string OrganismYaml, JsonElement? CanvasState, DateTimeOffset CreatedAt);

public sealed record ImportFlowRequest(string? Name, string? OrganismYaml);
