using Nextra.Pump.Handlers;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;
using static Nextra.Pump.Tests.Runtime.Flows;

namespace Nextra.Pump.Tests.Runtime;

public class HotReloadTests
{
    private static ScriptFactory Script() => new ScriptFactory()
        .On("a", c => HandlerResult.Forward(c.Payload, "out"))
        .On("c", c => HandlerResult.Forward(c.Payload, "out"));

    [Fact]
    public async Task S9_29_Reload_ReportsAddedRemovedUpdatedExactly()
    {
        var script = Script();
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var next = Basic
            .With("{name: b, description: Worker B, payload_class: Msg, handler: script}", "{name: c, description: New C, payload_class: Msg, handler: script}")
            .With("{name: a, description: Agent A,", "{name: a, description: Agent A (v2),");
        var report = pump.ReloadYaml(next);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
        Assert.Equal(["c"], report.Added);
        Assert.Equal(["b"], report.Removed);
        Assert.Equal(["a"], report.Updated);
        Assert.Empty(report.Problems);
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "c")).Status); // routing follows the new definition
        await Assert.ThrowsAsync<PumpException>(() => pump.RunAsync(MsgXml("x"), "b"));
    }

    [Theory]
    [InlineData("peers: [out]")]
    [InlineData("timeout_seconds: 5")]
    [InlineData("broadcast: true")]
    [InlineData("agent: true")]
    [InlineData("prompt: hi")]
    [InlineData("config: {x: 1}")]
    public async Task S9_29_Reload_EachListenerAttribute_CountsAsUpdated(string attribute)
    {
        await using var pump = await Pumps.StartAsync(Basic, kinds: Script());
        var report = pump.ReloadYaml(Basic.With("{name: a, description: Agent A, payload_class: Msg, handler: script}", $"{{name: a, description: Agent A, payload_class: Msg, handler: script, {attribute}}}"));
        Assert.True(report.Ok);
        Assert.Equal(["a"], report.Updated);
        Assert.Empty(report.Added);
        Assert.Empty(report.Removed);
    }

    [Fact]
    public async Task S9_29_Reload_UnchangedFlow_ReportsNothing()
    {
        await using var pump = await Pumps.StartAsync(Basic, kinds: Script());
        var report = pump.ReloadYaml(Basic);
        Assert.Equal((true, 0, 0, 0), (report.Ok, report.Added.Count, report.Removed.Count, report.Updated.Count));
    }

    [Fact]
    public async Task S9_29_Reload_PayloadClassChange_UpdatesItsListeners()
    {
        await using var pump = await Pumps.StartAsync(Basic, kinds: Script());
        var report = pump.ReloadYaml(Basic.With("Msg: {fields: {Text: string}}", "Msg: {fields: {Text: string, Extra: {type: int, optional: true}}}"));
        Assert.Equal(["a", "b", "out"], report.Updated);
    }

    [Theory]
    [InlineData("organism: {name: org\nlisteners: [")]
    [InlineData("organism: {name: org}\nlisteners:\n  - {name: a, description: A, payload_class: Nope, handler: script}\n")]
    [InlineData("")]
    public async Task S9_29_Reload_BadYaml_FailsWithoutSideEffects(string yaml)
    {
        await using var pump = await Pumps.StartAsync(Basic, kinds: Script());
        var before = pump.Flow;
        var report = pump.ReloadYaml(yaml);
        Assert.False(report.Ok);
        Assert.NotEmpty(report.Problems);
        Assert.Empty(report.Added.Concat(report.Removed).Concat(report.Updated));
        Assert.Same(before, pump.Flow);
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "a")).Status);
    }

    [Fact]
    public async Task S9_29_Reload_HandlerCreateFailure_LeavesPumpUnchanged()
    {
        await using var pump = await Pumps.StartAsync(Basic, kinds: Script());
        var report = pump.ReloadYaml(Basic.Replace("handler: script", "handler: llm"));
        Assert.False(report.Ok);
        Assert.Contains(report.Problems, p => p.Code == "handler_unavailable");
        Assert.Equal("succeeded", (await pump.RunAsync(MsgXml("x"), "a")).Status);
    }

    [Fact]
    public async Task Reload_InFlightRun_FinishesAndRemovedTargetIsAStep()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = new ScriptFactory().On("a", async (c, ct) => { await release.Task.WaitAsync(ct); return HandlerResult.Forward(c.Payload, "b"); });
        await using var pump = await Pumps.StartAsync(Basic, kinds: script);
        var handle = await pump.InjectAsync(new Injection { PayloadXml = MsgXml("x"), Target = "a" }, CancellationToken.None);
        await Task.Delay(50);
        var report = pump.ReloadYaml(Basic.With("  - {name: b, description: Worker B, payload_class: Msg, handler: script}\n", ""));
        Assert.Equal(["b"], report.Removed);
        release.SetResult();
        var run = await handle.Completion;
        Assert.Equal("failed", run.Status);
        Assert.Equal("no_route", run.Error!.Code);
    }
}
