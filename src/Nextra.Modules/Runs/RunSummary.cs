using Nextra.Pump.Runs;

namespace Nextra.Modules.Runs;

/// <summary>A row of the runs list (and the payload of the <c>RunUpdated</c> live event).</summary>
public sealed record RunSummary(string RunId, string FlowId, string Trigger, string Status, DateTimeOffset StartedAt,
    long DurationMs, int StepCount, StepError? Error);

/// <summary>One page of runs; pass <see cref="NextBefore"/> as <c>before</c> for the next page.</summary>
public sealed record RunPage(IReadOnlyList<RunSummary> Items, string? NextBefore);
