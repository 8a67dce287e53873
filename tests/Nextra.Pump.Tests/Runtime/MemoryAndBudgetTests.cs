using System.Xml.Linq;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Runtime.Flows;

namespace Nextra.Pump.Tests.Runtime;

public class MemoryAndBudgetTests
{
    private static StoredSlot Slot(string text) => new("a", "b", "Msg", Msg(text), DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task S9_21_ContextBuffer_Limits_OverflowRefusedAndOldestThreadEvicted()
    {
        var backend = new InMemorySharedBackend();
        var buffer = new ContextBuffer(backend, maxSlotsPerThread: 2, maxThreads: 2);
        var ct = CancellationToken.None;
        Assert.Equal(0, await buffer.AppendAsync("t1", Slot("1"), ct));
        Assert.Equal(1, await buffer.AppendAsync("t1", Slot("2"), ct));
        Assert.Equal(-1, await buffer.AppendAsync("t1", Slot("3"), ct));
        await buffer.AppendAsync("t2", Slot("x"), ct);
        await buffer.AppendAsync("t3", Slot("y"), ct);
        Assert.False(await backend.BufferThreadExistsAsync("t1", ct));
        Assert.Equal(["t2", "t3"], await backend.BufferListThreadsAsync(ct));
        var history = await buffer.HistoryAsync("t2", ct);
        Assert.Equal((0, "t2", "<Msg><Text>x</Text></Msg>"), (history[0].Index, history[0].ThreadId, history[0].PayloadXml));
    }

    [Fact]
    public async Task S9_21_ContextBuffer_SlotsAreImmutableSnapshots()
    {
        var backend = new InMemorySharedBackend();
        var buffer = new ContextBuffer(backend);
        var payload = Msg("1");
        await buffer.AppendAsync("t", new StoredSlot("a", "b", "Msg", payload, DateTimeOffset.UnixEpoch), CancellationToken.None);
        var before = await buffer.HistoryAsync("t", CancellationToken.None);
        await buffer.AppendAsync("t", Slot("2"), CancellationToken.None);
        Assert.Single(before); // a snapshot does not see later appends
        Assert.Same(payload, (await backend.BufferGetSlotAsync("t", 0, CancellationToken.None))!.Payload); // the reference handed on
    }

    [Fact]
    public async Task S9_22_SharedBackend_BufferAndRegistryContract()
    {
        await using var b = new InMemorySharedBackend();
        var ct = CancellationToken.None;
        Assert.Equal(0, await b.BufferAppendAsync("t", Slot("1"), ct));
        Assert.Equal(1, await b.BufferAppendAsync("t", Slot("2"), ct));
        Assert.Equal(2, await b.BufferThreadLengthAsync("t", ct));
        Assert.Null(await b.BufferGetSlotAsync("t", 5, ct));
        Assert.Equal(2, (await b.BufferGetThreadAsync("t", ct)).Count);
        Assert.True(await b.BufferDeleteThreadAsync("t", ct));
        Assert.False(await b.BufferDeleteThreadAsync("t", ct));
        await b.BufferAppendAsync("u", Slot("1"), ct);
        await b.BufferClearAsync(ct);
        Assert.Empty(await b.BufferListThreadsAsync(ct));

        await b.RegistrySetAsync("s|system.org.a", "u1", ct);
        Assert.Equal("u1", await b.RegistryGetUuidAsync("s|system.org.a", ct));
        Assert.Equal("s|system.org.a", await b.RegistryGetChainAsync("u1", ct));
        Assert.Equal("u1", await b.RegistryGetOrAddAsync("s|system.org.a", "u2", ct));
        Assert.Equal("u3", await b.RegistryGetOrAddAsync("s|system.org.b", "u3", ct));
        Assert.Equal(2, (await b.RegistryListAllAsync(ct)).Count);
        Assert.True(await b.RegistryDeleteAsync("u1", ct));
        Assert.Null(await b.RegistryGetUuidAsync("s|system.org.a", ct)); // both directions
        Assert.False(await b.RegistryDeleteAsync("u1", ct));
        await b.RegistryClearAsync(ct);
        Assert.Empty(await b.RegistryListAllAsync(ct));
    }

    [Fact]
    public void S9_22_StoredSlot_IsStorableAsBytes()
    {
        var slot = new StoredSlot("a", "b", "Msg", Msg("x & y"), DateTimeOffset.Parse("2024-01-02T03:04:05Z"), "b", true);
        var back = StoredSlot.FromBytes(slot.ToBytes());
        Assert.Equal((slot.From, slot.To, slot.PayloadClass, slot.PayloadXml, slot.At, slot.OwnName, slot.IsSelfCall),
            (back.From, back.To, back.PayloadClass, back.PayloadXml, back.At, back.OwnName, back.IsSelfCall));
        Assert.Equal("x & y", back.Payload.Element("Text")!.Value);
    }

    [Fact]
    public void S9_23_TokenBudget_CheckConsumeThresholdsOnce()
    {
        var budget = new TokenBudgetRegistry(1000);
        budget.Check("t", 100);
        Assert.Equal([], budget.Consume("t", 700));
        Assert.Equal([75], budget.Consume("t", 60));
        Assert.Equal([90, 95], budget.Consume("t", 200));
        Assert.Equal([], budget.Consume("t", 10));
        Assert.Equal(30, budget.Remaining("t"));
        Assert.Equal("budget_exhausted", Assert.Throws<HandlerException>(() => budget.Check("t", 31)).Code);
        budget.Consume("t", 100);
        Assert.Equal("budget_exhausted", Assert.Throws<HandlerException>(() => budget.Check("t", 0)).Code);
        Assert.Equal(0, budget.Remaining("t"));
        budget.DefaultMaxTokens = 50; // only new threads get the new default
        Assert.Equal(50, budget.Remaining("new"));
        Assert.True(budget.Cleanup("t"));
        Assert.Equal(100, TokenBudgetRegistry.Estimate("short"));
        Assert.Equal(250, TokenBudgetRegistry.Estimate(new string('x', 1000)));
        Assert.Equal([], budget.Consume("neg", -5));
    }

    [Fact]
    public async Task S9_23_TokenBudget_DefaultComesFromTheFlow()
    {
        var remaining = -1;
        var script = new ScriptFactory().On("a", c => { remaining = c.Services.Budget.Remaining(c.Metadata.ThreadId); return HandlerResult.Forward(c.Payload, "out"); });
        await using var pump = await Pumps.StartAsync(Basic + "\nmax_tokens_per_thread: 1234\n", kinds: script);
        await pump.RunAsync(MsgXml("x"), "a");
        Assert.Equal(1234, remaining);
    }

    [Fact]
    public async Task S9_26_UsageInstructions_ListPeersWithXsdExampleAndRespondWarning()
    {
        HandlerContext? seen = null;
        var script = new ScriptFactory().On("a", c => { seen = c; return HandlerResult.Forward(c.Payload, "out"); });
        var yaml = Basic.With("handler: script}\n  - {name: b", "handler: script, agent: true, peers: [b, out, a]}\n  - {name: b");
        await using var pump = await Pumps.StartAsync(yaml, kinds: script);
        await pump.RunAsync(MsgXml("x"), "a");
        var text = seen!.Metadata.UsageInstructions;
        Assert.StartsWith("You are the a agent. Agent A", text);
        Assert.Contains("## b\nWorker B", text);
        Assert.Contains("## a (yourself: loops back to you)", text);
        Assert.Contains("<xs:element name=\"Msg\">", text);
        Assert.Contains("<Msg>\n  <Text>text</Text>\n</Msg>", text.Replace("\r", ""));
        Assert.EndsWith(Nextra.Pump.Routing.UsageInstructions.RespondWarning, text);
        Assert.Equal(["b", "out", "a"], seen.Peers.Select(p => p.Name));
        Assert.True(seen.Peers[2].IsSelf);
    }
}
