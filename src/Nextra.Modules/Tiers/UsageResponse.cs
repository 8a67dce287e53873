namespace Nextra.Modules.Tiers;

/// <summary>
/// <c>GET /api/usage</c>: the caller's tenant against its tier. A null limit is unlimited;
/// <c>memoryLimitBytes</c> is per flow (0 = project memory not available); <c>runsThisMonth</c>
/// counts runs accepted since the start of the UTC month <c>month</c>; <c>meters</c> is that month's metered usage.
/// </summary>
public sealed record UsageResponse(
    string Tier,
    long Flows,
    long? FlowsLimit,
    long RunsThisMonth,
    long? RunsLimit,
    string Month,
    long Modules,
    long? ModulesLimit,
    long? MemoryLimitBytes,
    long Members,
    long? MembersLimit,
    bool KeepAlive,
    double? IdleStopMinutes,
    UsageMonth Meters);
