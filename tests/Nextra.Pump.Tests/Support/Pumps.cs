using Nextra.Pump.Config;
using Nextra.Pump.Handlers;
using Nextra.Pump.Runs;
using Nextra.Pump.Runtime;

namespace Nextra.Pump.Tests.Support;

public static class Pumps
{
    public static FlowDefinition Load(string yaml, params IHandlerFactory[] kinds)
    {
        var result = FlowLoader.Load(yaml, new HandlerRegistry(kinds));
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        return result.Flow!;
    }

    public static async Task<StreamPump> StartAsync(string yaml, IPumpObserver? observer = null, PumpOptions? options = null, params IHandlerFactory[] kinds)
    {
        var flow = Load(yaml, kinds);
        var pump = new StreamPump(flow, new HandlerRegistry(kinds), new LocalFlowServices(flow), observer, options);
        await pump.StartAsync(CancellationToken.None);
        return pump;
    }

    public static async Task<RunRecord> RunAsync(this StreamPump pump, string xml, string? to = null, TimeSpan? timeout = null)
    {
        var handle = await pump.InjectAsync(new Injection { PayloadXml = xml, Target = to, Timeout = timeout }, CancellationToken.None);
        return await handle.Completion.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public static string Codes(RunRecord run) => string.Join(",", run.Steps.Where(s => s.Error is not null).Select(s => s.Error!.Code));
}
