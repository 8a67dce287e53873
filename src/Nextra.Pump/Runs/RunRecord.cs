using System.Text.Json.Nodes;

namespace Nextra.Pump.Runs;

/// <summary>
/// The one run shape used everywhere (CLI, API, UI). Serialised camelCase.
/// Status: running | succeeded | failed | timed_out | cancelled.
/// </summary>
public sealed class RunRecord
{
    public required string RunId { get; init; }
    public required string Status { get; set; }
    public required DateTimeOffset StartedAt { get; init; }
    public long DurationMs { get; set; }
    public List<RunOutput> Outputs { get; init; } = [];
    public List<RunStep> Steps { get; init; } = [];
    /// <summary>Why the run failed, when it did.</summary>
    public StepError? Error { get; set; }
}

public sealed class RunOutput
{
    public required string Listener { get; init; }
    public required string Class { get; init; }
    public required JsonObject Payload { get; init; }
    public required string Xml { get; init; }
}

public sealed class RunStep
{
    public int Index { get; init; }
    public required string Listener { get; init; }
    public required string From { get; init; }
    /// <summary>Where its emissions went (comma-separated when several), or null.</summary>
    public string? To { get; set; }
    public required string Class { get; init; }
    public required string Thread { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public long DurationMs { get; set; }
    /// <summary>The input payload as XML.</summary>
    public string? PayloadIn { get; init; }
    /// <summary>Emitted payloads as XML, in order.</summary>
    public List<string>? PayloadsOut { get; set; }
    public ulong? Fuel { get; set; }
    public int? PromptTokens { get; set; }
    public int? CompletionTokens { get; set; }
    public string? Model { get; set; }
    /// <summary>The LLM backend that answered (by its llm-section name), for routing/failover visibility.</summary>
    public string? Backend { get; set; }
    public decimal? CostUsd { get; set; }
    public StepError? Error { get; set; }
}

/// <summary>A coded error on a step or a run.</summary>
public sealed record StepError(string Code, string Message);
