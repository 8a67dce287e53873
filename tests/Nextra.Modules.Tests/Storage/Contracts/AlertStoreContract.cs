using Nextra.Modules.Alerts;
using Nextra.Modules.Alerts.Stores;
using Nextra.Modules.Storage;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>What every <see cref="IAlertStore"/> must do: one firing alert per tenant, rule and flow across racing
/// instances, one delivery per channel and transition, claims that hand a delivery out once, tenant scoping.</summary>
public abstract class AlertStoreContract
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    protected abstract string Provider { get; }

    private Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, _) =>
    {
        s.AddMigrations("alerts", typeof(AlertsModule).Assembly);
        s.AddStore<IAlertStore, SqliteAlertStore, PostgresAlertStore>();
    });

    [ContractFact]
    public async Task Fire_RacingInstances_OneAlertAndOneDeliveryPerChannel()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IAlertStore>();
        await store.PutChannelAsync("t1", new AlertChannel("hook", AlertNames.Webhook, "https://example.test/a", "SIGN"), T0);
        await store.PutChannelAsync("t1", new AlertChannel("ops", AlertNames.Email, To: "ops@example.test"), T0);
        await store.PutChannelAsync("t2", new AlertChannel("other", AlertNames.Slack, "https://hooks.example.test/x"), T0);

        var fired = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => store.FireAsync("t1", AlertNames.ErrorRate, "f1", "3 of 20 failed", T0)));
        var alert = Assert.Single(fired.OfType<Alert>());
        Assert.Equal(AlertNames.Firing, alert.State);
        Assert.Null(await store.FireAsync("t1", AlertNames.ErrorRate, "f1", "again", T0.AddSeconds(30)));
        // Another rule, flow or tenant is another alert.
        Assert.NotNull(await store.FireAsync("t1", AlertNames.StuckFlow, "f1", "stuck", T0));
        Assert.NotNull(await store.FireAsync("t2", AlertNames.ErrorRate, "f1", "t2's", T0));

        var listed = await store.ListAsync("t1", AlertNames.Firing, "f1", 10);
        Assert.Equal(2, listed.Count);
        var stored = Assert.Single(listed, a => a.Rule == AlertNames.ErrorRate);
        Assert.Equal(("f1", "3 of 20 failed", T0), (stored.FlowId, stored.Detail, stored.Since));
        Assert.Equal(["hook", "ops"], (await store.ListDeliveriesAsync("t1", alert.Id, 10)).Select(d => d.Channel).Order());
        Assert.Null(await store.GetAsync("t2", alert.Id));

        var resolved = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.ResolveAsync("t1", AlertNames.ErrorRate, "f1", T0.AddMinutes(5))));
        var done = Assert.Single(resolved.OfType<Alert>());
        Assert.Equal(AlertNames.Resolved, done.State);
        Assert.Equal(T0.AddMinutes(5), done.ResolvedAt);
        Assert.Equal(4, (await store.ListDeliveriesAsync("t1", alert.Id, 10)).Count);
        Assert.Equal(AlertNames.Resolved, Assert.Single(await store.ListAsync("t1", AlertNames.Resolved, null, 10)).State);
        // Fires again as a new alert after resolving.
        Assert.NotNull(await store.FireAsync("t1", AlertNames.ErrorRate, "f1", "back", T0.AddMinutes(6)));
        Assert.Empty(await store.ListAsync("t3", null, null, 10));
    }

    [ContractFact]
    public async Task Deliveries_ClaimedOnce_RetriedThenFinished()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IAlertStore>();
        await store.PutChannelAsync("t1", new AlertChannel("hook", AlertNames.Webhook, "https://example.test/a"), T0);
        var alert = (await store.FireAsync("t1", AlertNames.PumpCrash, "f1", "faulted", T0))!;

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.ClaimDueAsync(T0, T0.AddMinutes(1), 10)));
        var due = Assert.Single(claims.SelectMany(c => c));
        Assert.Equal((alert.Id, "hook", AlertNames.Firing, 1, "t1"), (due.AlertId, due.Channel, due.State, due.Attempts, due.TenantId));
        Assert.Empty(await store.ClaimDueAsync(T0.AddSeconds(30), T0.AddMinutes(2), 10));

        await store.FinishDeliveryAsync("t1", due.Id, T0.AddSeconds(1), "the endpoint answered 500", T0.AddSeconds(3));
        var failed = Assert.Single(await store.ListDeliveriesAsync("t1", null, 10));
        Assert.Equal(("pending", "the endpoint answered 500", 1), (failed.Status, failed.LastError, failed.Attempts));
        Assert.Empty(await store.ClaimDueAsync(T0.AddSeconds(2), T0.AddMinutes(2), 10));
        var again = Assert.Single(await store.ClaimDueAsync(T0.AddSeconds(3), T0.AddMinutes(2), 10));
        Assert.Equal(2, again.Attempts);
        await store.FinishDeliveryAsync("t1", again.Id, T0.AddSeconds(4), null, null);
        var delivered = Assert.Single(await store.ListDeliveriesAsync("t1", alert.Id, 10));
        Assert.Equal(("delivered", T0.AddSeconds(4)), (delivered.Status, delivered.DeliveredAt));
        Assert.Empty(await store.ListDeliveriesAsync("t2", null, 10));
    }

    [ContractFact]
    public async Task Channels_PutGetDelete_ScopedToTenant()
    {
        await using var h = await CreateAsync();
        var store = h.Get<IAlertStore>();
        await store.PutChannelAsync("t1", new AlertChannel("a", AlertNames.Slack, "https://hooks.example.test/1"), T0);
        await store.PutChannelAsync("t1", new AlertChannel("a", AlertNames.Webhook, "https://example.test/2", "KEY"), T0.AddSeconds(1));
        Assert.Equal(new AlertChannel("a", AlertNames.Webhook, "https://example.test/2", "KEY"), await store.GetChannelAsync("t1", "a"));
        Assert.Null(await store.GetChannelAsync("t2", "a"));
        Assert.False(await store.DeleteChannelAsync("t2", "a"));
        Assert.Single(await store.ListChannelsAsync("t1"));
        Assert.True(await store.DeleteChannelAsync("t1", "a"));
        Assert.Empty(await store.ListChannelsAsync("t1"));
    }
}

public sealed class SqliteAlertStoreContract : AlertStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresAlertStoreContract : AlertStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
