namespace Nextra.Modules.Runs;

/// <summary>
/// One acknowledged request to run a flow (a webhook, a schedule slot, a manual inject, a replay): the durable inbox
/// holds it until its run's final trace has committed; <see cref="Id"/> is the run id.
/// </summary>
public sealed record RunRequest
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public required string FlowId { get; init; }
    public required RunSource Source { get; init; }
    /// <summary>The listener to inject into; null = the trigger's target (webhook, schedule) or routing by class.</summary>
    public string? Target { get; init; }
    public string? PayloadClass { get; init; }
    public string? PayloadXml { get; init; }
    public string? PayloadJson { get; init; }
    /// <summary>
    /// <see cref="PayloadJson"/> as already parsed by the endpoint that accepted it, handed to the run so the body is parsed
    /// once; not stored (a request read back from the inbox parses its text). The run owns it: nothing else may change it.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject? ParsedJson { get; init; }
    /// <summary>Times the run started executing before (a crash during execution counts one).</summary>
    public int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The W3C trace context the request arrived under (its run's span is a child of it); set by the intake.</summary>
    public string? TraceParent { get; init; }

    /// <summary>The injection as recorded for replay.</summary>
    public RecordedInjection Recorded => new(Target, PayloadClass, PayloadXml, PayloadJson, TraceParent);
}

/// <summary>
/// What started a run: <c>webhook</c>/<c>schedule</c> with the trigger's name, <c>manual</c>, or <c>replay</c> with
/// what it replays. Written as <c>kind:name</c> in traces and the API's <c>trigger</c> field.
/// </summary>
public readonly record struct RunSource(string Kind, string? Name = null)
{
    public const string Webhook = "webhook";
    public const string Schedule = "schedule";
    public const string Manual = "manual";
    public const string Replay = "replay";

    public static RunSource ForWebhook(string trigger) => new(Webhook, trigger);
    public static RunSource ForSchedule(string trigger) => new(Schedule, trigger);
    public static RunSource ForManual() => new(Manual);
    public static RunSource ForReplay(string what) => new(Replay, what);

    /// <summary>The trigger named by a webhook or schedule source, else null.</summary>
    public string? TriggerName => Kind is Webhook or Schedule ? Name : null;

    public override string ToString() => Name is null ? Kind : Kind + ":" + Name;

    public static RunSource Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? new RunSource(text) : new RunSource(text[..colon], text[(colon + 1)..]);
    }
}
