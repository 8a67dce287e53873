using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers;

namespace Nextra.Modules.Tests.Storage.Contracts;

/// <summary>R10's usage ledger and held runs on both providers: exact counts, refunds once, FIFO release once.</summary>
public abstract class UsageLedgerStoreContract
{
    private static readonly DateTimeOffset Jan = new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero);

    protected abstract string Provider { get; }

    private Task<StoreHarness> CreateAsync() => StoreHarness.CreateAsync(Provider, (s, c) => s.AddTriggers(c));

    [ContractFact]
    public async Task Accepted_NAcceptedKRefunded_CountEqualsLedgerSum()
    {
        await using var h = await CreateAsync();
        var inbox = h.Get<IInboxStore>();
        var ledger = h.Get<IUsageLedger>();
        var requests = Enumerable.Range(0, 5).Select(i => InboxStoreContract.Request(at: Jan.AddMinutes(i))).ToList();
        foreach (var r in requests) await inbox.AppendAsync(r, 0, null);
        await inbox.AppendAsync(InboxStoreContract.Request(tenant: "t2", at: Jan), 0, null);

        Assert.Equal("2026-01", await ledger.RefundAsync("t1", requests[1].Id, UsageUnits.CancelledBeforeStart, Jan.AddHours(1)));
        Assert.Equal("2026-01", await ledger.RefundAsync("t1", requests[3].Id, UsageUnits.PlatformFault, Jan.AddHours(2)));
        // Once per run, whatever the reason or the retries; never for a run that was not counted or another tenant's.
        Assert.Null(await ledger.RefundAsync("t1", requests[3].Id, UsageUnits.PlatformFault, Jan.AddHours(3)));
        Assert.Null(await ledger.RefundAsync("t1", requests[1].Id, UsageUnits.PlatformFault, Jan.AddHours(3)));
        Assert.Null(await ledger.RefundAsync("t1", "no-such-run", UsageUnits.PlatformFault, Jan.AddHours(3)));
        Assert.Null(await ledger.RefundAsync("t2", requests[0].Id, UsageUnits.PlatformFault, Jan.AddHours(3)));

        Assert.Equal(3, await inbox.MonthlyExecutionsAsync("t1", "2026-01"));
        Assert.Equal(3, await ledger.SumAsync("t1", UsageUnits.Execution, "2026-01"));
        Assert.Equal(1, await ledger.SumAsync("t2", UsageUnits.Execution, "2026-01"));

        var all = await ledger.ListAsync("t1", null, null, null, 100);
        Assert.Equal(7, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Id > p.Second.Id)); // newest first
        Assert.Equal([-1L, -1L, 1, 1, 1, 1, 1], all.Select(e => e.Delta));
        Assert.Equal(UsageUnits.PlatformFault, all[0].Reason);
        Assert.Equal(requests[3].Id, all[0].RunId);
        Assert.Equal("f1", all[0].FlowId);
        Assert.All(all.Skip(2), e => Assert.Equal((UsageUnits.Execution, UsageUnits.Accepted, "2026-01"), (e.Unit, e.Reason, e.Period)));

        var first = await ledger.ListAsync("t1", null, null, null, 3);
        var rest = await ledger.ListAsync("t1", null, null, first[^1].Id, 100);
        Assert.Equal(all.Select(e => e.Id), first.Concat(rest).Select(e => e.Id));
        var window = await ledger.ListAsync("t1", Jan.AddMinutes(1), Jan.AddMinutes(3), null, 100);
        Assert.Equal([requests[2].Id, requests[1].Id], window.Select(e => e.RunId));
        Assert.Single(await ledger.ListAsync("t2", null, null, null, 100));
    }

    [ContractFact]
    public async Task Held_CapPerTenant_ReleasedFifoOnceAndCounted()
    {
        await using var h = await CreateAsync();
        var held = h.Get<IHeldRunStore>();
        var inbox = h.Get<IInboxStore>();
        var requests = Enumerable.Range(0, 5).Select(i => InboxStoreContract.Request(at: Jan.AddSeconds(i))).ToList();
        var outcomes = new List<bool>();
        foreach (var r in requests) outcomes.Add(await held.HoldAsync(r, 3));
        Assert.Equal([true, true, true, false, false], outcomes);
        Assert.True(await held.HoldAsync(InboxStoreContract.Request(tenant: "t2", at: Jan), 3)); // another tenant's cap is its own
        Assert.Equal(3, await held.HeldAsync("t1"));
        Assert.Equal(requests[0].Id, (await held.FindAsync("t1", requests[0].Id))?.Id);
        Assert.Null(await held.FindAsync("t2", requests[0].Id));
        Assert.Null(await held.FindAsync("t1", requests[4].Id)); // over the cap: not held
        Assert.Equal(["t1", "t2"], (await held.TenantsAsync()).Order());
        Assert.Equal(0, await inbox.CountPendingAsync()); // held: not in the inbox, not counted
        Assert.Equal(0, await inbox.MonthlyExecutionsAsync("t1", "2026-01"));

        // Two releases at once (two instances): every held run moves exactly once, oldest first.
        var feb = Jan.AddMonths(1);
        var releases = await Task.WhenAll(held.ReleaseAsync("t1", 2, feb, _ => 0), held.ReleaseAsync("t1", 2, feb, _ => 0));
        var moved = releases.SelectMany(r => r).ToList();
        Assert.Equal(3, moved.Count);
        Assert.Equal(requests.Take(3).Select(r => r.Id).Order(), moved.Select(r => r.Id).Order());
        Assert.All(releases, r => Assert.True(r.Select(x => x.Id).SequenceEqual(r.Select(x => x.Id).Order())));
        Assert.All(moved, r => Assert.Equal(feb, r.CreatedAt));
        Assert.Empty(await held.ReleaseAsync("t1", 5, feb, _ => 0));
        Assert.Equal(0, await held.HeldAsync("t1"));
        Assert.Equal(1, await held.HeldAsync("t2"));

        Assert.Equal(requests.Take(3).Select(r => r.Id), (await inbox.ListPendingAsync("t1", 10)).Select(r => r.Id));
        Assert.Equal(3, await inbox.MonthlyExecutionsAsync("t1", "2026-02"));
        var ledger = await h.Get<IUsageLedger>().ListAsync("t1", null, null, null, 10);
        Assert.Equal(3, ledger.Count);
        Assert.All(ledger, e => Assert.Equal((UsageUnits.Released, "2026-02", 1L), (e.Reason, e.Period, e.Delta)));
    }
}

public sealed class SqliteUsageLedgerStoreContract : UsageLedgerStoreContract
{
    protected override string Provider => StorageProviders.Sqlite;
}

public sealed class PostgresUsageLedgerStoreContract : UsageLedgerStoreContract
{
    protected override string Provider => StorageProviders.Postgres;
}
