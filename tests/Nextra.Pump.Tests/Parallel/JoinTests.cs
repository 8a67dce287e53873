using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Parallel.ParallelFlows;

namespace Nextra.Pump.Tests.Parallel;

public class JoinTests
{
    private static ScriptFactory Branches(int width, Func<int, HandlerContext, CancellationToken, ValueTask<HandlerResult>> script)
    {
        var f = new ScriptFactory();
        for (var i = 0; i < width; i++)
        {
            var n = i;
            f.On($"b{n}", (c, ct) => script(n, c, ct));
        }
        return f;
    }

    [Fact]
    public async Task Fanout_ThreeBranchesForwardToJoin_OneResultInBranchOrder()
    {
        var script = Branches(3, (i, c, _) => new(HandlerResult.Forward(Answer($"{i}:{TextOf(c)}"), "collect")));
        await using var pump = await Pumps.StartAsync(FanoutJoin(3), options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<Q><Text>hi</Text></Q>", "ask");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "0:hi"), (1, true, "", "1:hi"), (2, true, "", "2:hi")], Items(run));
    }

    [Fact]
    public async Task Fanout_FailedBranch_IsAnItemWithItsErrorCode_RunSucceeds()
    {
        var script = Branches(3, (i, c, _) => i == 1
            ? throw new HandlerException("boom", "branch 1 broke")
            : new(HandlerResult.Forward(Answer($"{i}"), "collect")));
        await using var pump = await Pumps.StartAsync(FanoutJoin(3), options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<Q><Text>hi</Text></Q>", "ask");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "0"), (1, false, "boom", null), (2, true, "", "2")], Items(run));
    }

    [Fact]
    public async Task Fanout_BranchEndsWithoutAnswer_IsBranchEnded()
    {
        var script = Branches(2, (i, c, _) => new(i == 0 ? HandlerResult.End : HandlerResult.Forward(Answer("x"), "collect")));
        await using var pump = await Pumps.StartAsync(FanoutJoin(2), options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<Q><Text>hi</Text></Q>", "ask");
        Assert.Equal([(0, false, "branch_ended", null), (1, true, "", "x")], Items(run));
    }

    [Fact]
    public async Task Fanout_BranchesRespond_AnswerTheJoinOfTheirFanoutPoint()
    {
        var script = Branches(2, (i, c, _) => new(HandlerResult.Respond(Answer($"r{i}"))));
        await using var pump = await Pumps.StartAsync(FanoutJoin(2, ", expect: [b0, b1]", branchExtra: "timeout_seconds: 5"), options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<Q><Text>hi</Text></Q>", "ask");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "r0"), (1, true, "", "r1")], Items(run));
    }

    [Fact]
    public async Task Timeout_SlowBranch_IsTimeoutItem_LateAnswerIsANote()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = Branches(2, async (i, c, ct) =>
        {
            if (i == 1)
                await release.Task.WaitAsync(ct);
            return HandlerResult.Forward(Answer($"{i}"), "collect");
        });
        await using var pump = await Pumps.StartAsync(FanoutJoin(2, ", timeout_ms: 200"), options: new PumpOptions { SendBoot = false }, kinds: script);
        var handle = await pump.InjectAsync(new Injection { PayloadXml = "<Q><Text>hi</Text></Q>", Target = "ask" }, CancellationToken.None);
        // The result goes out at the deadline while branch 1 is still running.
        while (handle.Record.Outputs.Count == 0)
        {
            await Task.Delay(10);
        }
        release.SetResult();
        var run = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "0"), (1, false, "timeout", null)], Items(run));
        Assert.Contains(run.Steps, s => s.Listener == "collect" && s.Error?.Code == "late_answer");
    }

    [Fact]
    public async Task ExpectNames_OrderFollowsExpect_MissingNameIsNotStarted()
    {
        var script = Branches(2, (i, c, _) => new(HandlerResult.Forward(Answer($"{i}"), "collect")));
        var yaml = FanoutJoin(2, ", expect: [b1, b0, done]");
        await using var pump = await Pumps.StartAsync(yaml, options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<Q><Text>hi</Text></Q>", "ask");
        Assert.Equal([(0, true, "", "1"), (1, true, "", "0"), (2, false, "not_started", null)], Items(run));
    }

    [Fact]
    public async Task ExpectCount_ExtraBranchIsUnexpectedNote()
    {
        var script = Branches(3, (i, c, _) => new(HandlerResult.Forward(Answer($"{i}"), "collect")));
        await using var pump = await Pumps.StartAsync(FanoutJoin(3, ", expect: 2"), options: new PumpOptions { SendBoot = false }, kinds: script);
        var run = await pump.RunAsync("<Q><Text>hi</Text></Q>", "ask");
        Assert.True(run.Status == "succeeded", RunText.Of(run));
        Assert.Equal([(0, true, "", "0"), (1, true, "", "1")], Items(run));
    }

    [Fact]
    public async Task JoinAddressedWithoutFanout_FailsNotABranch()
    {
        await using var pump = await Pumps.StartAsync(FanoutJoin(2), options: new PumpOptions { SendBoot = false }, kinds: new ScriptFactory());
        var run = await pump.RunAsync("<A><Text>x</Text></A>", "collect");
        Assert.Equal("failed", run.Status);
        Assert.Equal("not_a_branch", run.Error!.Code);
    }

    [Fact]
    public async Task FanoutWiderThanTier_FailsTooManyBranches()
    {
        var flow = Pumps.Load(FanoutJoin(3), new ScriptFactory());
        var services = new LimitedServices(flow, new ParallelLimits(2, 10));
        await using var pump = new StreamPump(flow, new HandlerRegistry([new ScriptFactory()]), services, null, new PumpOptions { SendBoot = false });
        await pump.StartAsync(CancellationToken.None);
        var run = await pump.RunAsync("<Q><Text>hi</Text></Q>", "ask");
        Assert.Equal("failed", run.Status);
        Assert.Equal("too_many_branches", run.Error!.Code);
    }
}

/// <summary>Local services with tier caps on parallel work.</summary>
internal sealed class LimitedServices(Nextra.Pump.Config.FlowDefinition flow, ParallelLimits limits) : IFlowServices
{
    private readonly LocalFlowServices _inner = new(flow);
    public ISecretResolver Secrets => _inner.Secrets;
    public IProjectMemory? Memory => _inner.Memory;
    public IRunEventSink Events => _inner.Events;
    public HttpClient Egress => _inner.Egress;
    public TimeProvider Time => _inner.Time;
    public ITokenBudget Budget => _inner.Budget;
    public ParallelLimits? Parallel => limits;
}
