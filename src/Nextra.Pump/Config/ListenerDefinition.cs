using System.Text.Json.Nodes;

namespace Nextra.Pump.Config;

/// <summary>One entry of <c>listeners:</c>.</summary>
public sealed class ListenerDefinition
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required string PayloadClass { get; init; }
    /// <summary>Handler kind: output | branch | fanout | join | map | sequence | llm | http | code | dotnet.</summary>
    public required string Handler { get; init; }
    public bool Agent { get; init; }
    public IReadOnlyList<string> Peers { get; init; } = [];
    public bool Broadcast { get; init; }
    public string? Prompt { get; init; }
    public double TimeoutSeconds { get; init; } = 30;
    /// <summary>
    /// <c>config: {fanout: [a, b, c]}</c>, a key every handler kind accepts: whatever the listener emits goes to
    /// each of these listeners at once, as the parallel branches of one fan-out. Taken out of <see cref="Config"/>.
    /// </summary>
    public IReadOnlyList<string> Fanout { get; init; } = [];
    /// <summary>The listener's <c>config:</c> mapping converted to JSON (scalars typed), or null.</summary>
    public JsonObject? Config { get; init; }
    /// <summary>Where the listener starts in the YAML (for locating handler config problems).</summary>
    public int Line { get; init; }
    public int Column { get; init; }
}
