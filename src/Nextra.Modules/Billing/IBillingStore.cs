namespace Nextra.Modules.Billing;

/// <summary>
/// Billing state per tenant, Stripe event ids processed once, and metered usage already reported. Writes of an
/// account are optimistic (<see cref="BillingAccount.Version"/>), so two instances handling events of one tenant at
/// once cannot lose either: the loser re-reads and re-applies.
/// </summary>
internal interface IBillingStore
{
    /// <summary>Records <paramref name="eventId"/>; false when it was recorded before (a redelivery or a replay).</summary>
    Task<bool> TryClaimEventAsync(string eventId, string type, DateTimeOffset at, CancellationToken ct);

    /// <summary>Forgets a claimed event whose handling failed, so Stripe's retry is processed.</summary>
    Task ReleaseEventAsync(string eventId, CancellationToken ct);

    Task<BillingAccount?> GetAsync(string tenantId, CancellationToken ct);

    /// <summary>The tenant whose Stripe customer is <paramref name="customerId"/>, or null.</summary>
    Task<string?> TenantOfCustomerAsync(string customerId, CancellationToken ct);

    /// <summary>
    /// Inserts (<paramref name="expectedVersion"/> null) or updates the account when its stored version is still
    /// <paramref name="expectedVersion"/>; false when another writer got there first.
    /// </summary>
    Task<bool> SaveAsync(BillingAccount account, long? expectedVersion, CancellationToken ct);

    /// <summary>Accounts whose status is <c>past_due</c> (the grace sweep; system-wide by design).</summary>
    Task<IReadOnlyList<BillingAccount>> ListPastDueAsync(CancellationToken ct);

    /// <summary>Accounts with a subscription on one of <paramref name="tiers"/> (the metered report; system-wide by design).</summary>
    Task<IReadOnlyList<BillingAccount>> ListSubscribedAsync(IReadOnlyCollection<string> tiers, CancellationToken ct);

    /// <summary>Executions of the tenant's <paramref name="period"/> already reported to Stripe.</summary>
    Task<long> ReportedAsync(string tenantId, string period, CancellationToken ct);

    /// <summary>Moves the reported total from <paramref name="from"/> to <paramref name="to"/>; false when another instance moved it first.</summary>
    Task<bool> SetReportedAsync(string tenantId, string period, long from, long to, DateTimeOffset at, CancellationToken ct);
}

/// <summary>A tenant's billing state (a store row; never on the wire).</summary>
internal sealed record BillingAccount
{
    public required string TenantId { get; init; }
    public string? CustomerId { get; init; }
    public string? SubscriptionId { get; init; }
    /// <summary><see cref="BillingStatuses"/>.</summary>
    public string Status { get; init; } = BillingStatuses.None;
    /// <summary>The tier of the subscription's price (kept while past due or canceled, for the UI).</summary>
    public string? PlanTier { get; init; }
    public string? PriceId { get; init; }
    public DateTimeOffset? CurrentPeriodEnd { get; init; }
    public bool CancelAtPeriodEnd { get; init; }
    public DateTimeOffset? PastDueSince { get; init; }
    /// <summary>The ordering key of the state applied last (Stripe seconds * 10 + rank).</summary>
    public long StateAt { get; init; }
    public long Version { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The <c>status</c> values of <c>GET /api/billing</c>.</summary>
public static class BillingStatuses
{
    public const string None = "none";
    public const string Active = "active";
    public const string Trialing = "trialing";
    public const string PastDue = "past_due";
    public const string Canceled = "canceled";
}
