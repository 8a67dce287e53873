namespace Nextra.Modules.Triggers;

/// <summary>Trigger settings (section <c>Triggers</c>).</summary>
public sealed class TriggersOptions
{
    public const string Section = "Triggers";

    /// <summary>Base of webhook URLs shown to users (e.g. https://nextra.example.com); the request's own host when empty.</summary>
    public string? PublicUrl { get; set; }
    /// <summary>Sustained webhook requests per second allowed per trigger.</summary>
    public double WebhookRatePerSecond { get; set; } = 1_000;
    /// <summary>Requests a trigger may take at once above the sustained rate.</summary>
    public double WebhookBurst { get; set; } = 2_000;
    /// <summary>Largest webhook or inject body accepted (413 above).</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;
    /// <summary>
    /// Deepest element nesting of an XML payload (a webhook or inject body, XML held in a JSON field); deeper is
    /// refused 422 <c>payload_too_deep</c> before it is acknowledged. Parsing cost grows with depth, so keep it small.
    /// </summary>
    public int MaxXmlDepth { get; set; } = Nextra.Pump.Messages.XmlLimits.DefaultMaxDepth;
    /// <summary>Upper bound of <c>?wait=SECONDS</c>.</summary>
    public double MaxWaitSeconds { get; set; } = 120;
    /// <summary>How often schedules are checked.</summary>
    public double ScheduleTickSeconds { get; set; } = 1;
    /// <summary>
    /// Hosted mode: how often an instance looks for inbox rows of its partitions that another instance appended (the
    /// fallback when a wake-up is lost).
    /// </summary>
    public int InboxPollMilliseconds { get; set; } = 1000;
    /// <summary>A slot this late is still on time (fired whatever the missed-slot policy).</summary>
    public double ScheduleGraceSeconds { get; set; } = 60;
    /// <summary>Webhooks held per tenant at 100% of the month's executions (R10); beyond it, 429 <c>quota_exceeded</c>.</summary>
    public int MaxHeldRuns { get; set; } = 1_000;
    /// <summary>How often held runs are looked at for release (the period reset); an upgrade releases them at once.</summary>
    public double HeldReleaseSeconds { get; set; } = 10;
}
