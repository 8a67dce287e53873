namespace Nextra.Modules.Tiers;

/// <summary>
/// <c>GET /api/usage</c>: the caller's tenant against its tier. A null limit is unlimited;
/// <c>memoryLimitBytes</c> is per flow (0 = project memory not available); <c>runsThisMonth</c>
/// counts runs accepted since the start of the UTC month <c>month</c> (refunds deducted: it equals the sum of the
/// month's execution ledger entries); <c>meters</c> is that month's metered usage; <c>held</c> the webhooks held at
/// 100% of <c>runsLimit</c> until the reset or an upgrade.
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
    UsageMonth Meters,
    long Held);

/// <summary><c>GET /api/usage/ledger</c>: entries newest first; <c>nextCursor</c> (null at the end) fetches the older ones.</summary>
public sealed record UsageLedgerPage(IReadOnlyList<UsageLedgerEntry> Items, string? NextCursor);
