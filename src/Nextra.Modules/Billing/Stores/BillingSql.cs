using System.Data.Common;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Billing.Stores;

/// <summary>The SQL both providers share (the same text runs on SQLite and Postgres) and the row mapping.</summary>
internal static class BillingSql
{
    public const string Columns = """
        tenant_id, customer_id, subscription_id, status, plan_tier, price_id, current_period_end, cancel_at_period_end,
        past_due_since, state_at, version, updated_at
        """;

    public const string Select = "SELECT " + Columns + " FROM billing_accounts";

    public const string ClaimEvent = """
        INSERT INTO billing_events (event_id, type, received_at) VALUES (@id, @type, @at) ON CONFLICT (event_id) DO NOTHING
        """;

    public const string Insert = "INSERT INTO billing_accounts (" + Columns + """
        ) VALUES (@tenant, @customer, @subscription, @status, @tier, @price, @periodEnd, @cancel, @pastDue, @stateAt, @version + 1, @at)
        ON CONFLICT (tenant_id) DO NOTHING
        """;

    public const string Update = """
        UPDATE billing_accounts SET customer_id = @customer, subscription_id = @subscription, status = @status, plan_tier = @tier,
            price_id = @price, current_period_end = @periodEnd, cancel_at_period_end = @cancel, past_due_since = @pastDue,
            state_at = @stateAt, version = version + 1, updated_at = @at
        WHERE tenant_id = @tenant AND version = @version
        """;


    public static (string, object?)[] Args(BillingAccount a, long? version) =>
    [
        ("tenant", a.TenantId), ("customer", a.CustomerId), ("subscription", a.SubscriptionId), ("status", a.Status), ("tier", a.PlanTier),
        ("price", a.PriceId), ("periodEnd", Iso(a.CurrentPeriodEnd)), ("cancel", a.CancelAtPeriodEnd ? 1L : 0L), ("pastDue", Iso(a.PastDueSince)),
        ("stateAt", a.StateAt), ("at", SqliteCommands.Iso(a.UpdatedAt)), ("version", version ?? 0L),
    ];

    public static BillingAccount Map(DbDataReader r) => new()
    {
        TenantId = r.GetString(0),
        CustomerId = r.IsDBNull(1) ? null : r.GetString(1),
        SubscriptionId = r.IsDBNull(2) ? null : r.GetString(2),
        Status = r.GetString(3),
        PlanTier = r.IsDBNull(4) ? null : r.GetString(4),
        PriceId = r.IsDBNull(5) ? null : r.GetString(5),
        CurrentPeriodEnd = r.IsDBNull(6) ? null : SqliteCommands.ParseIso(r.GetString(6)),
        CancelAtPeriodEnd = r.GetInt64(7) != 0,
        PastDueSince = r.IsDBNull(8) ? null : SqliteCommands.ParseIso(r.GetString(8)),
        StateAt = r.GetInt64(9),
        Version = r.GetInt64(10),
        UpdatedAt = SqliteCommands.ParseIso(r.GetString(11)),
    };

    private static string? Iso(DateTimeOffset? at) => at is { } v ? SqliteCommands.Iso(v) : null;
}
