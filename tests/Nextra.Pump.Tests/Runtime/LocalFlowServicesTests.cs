using System.Text;
using Nextra.Pump.Handlers;
using Nextra.Pump.Memory;
using Nextra.Pump.Runtime;
using Nextra.Pump.Tests.Support;

namespace Nextra.Pump.Tests.Runtime;

public class LocalFlowServicesTests
{
    [Fact]
    public async Task Secrets_ComeFromNextraSecretEnvironmentVariables()
    {
        Environment.SetEnvironmentVariable("NEXTRA_SECRET_OPENAI_KEY", "sk-test");
        var services = new LocalFlowServices();
        Assert.Equal("sk-test", await services.Secrets.GetAsync("openai-key", CancellationToken.None));
        Assert.Null(await services.Secrets.GetAsync("absent", CancellationToken.None));
        Assert.Equal("NEXTRA_SECRET_A_B_C", EnvironmentSecretResolver.VariableFor("a.b-c"));
    }

    [Fact]
    public async Task ProjectMemory_OnlyWhenTheFlowOptsIn_AndCapped()
    {
        var flow = Pumps.Load("organism: {name: m}\nproject_memory: true\nlisteners:\n  - {name: a, description: A, payload_class: Boot, handler: output}\n");
        Assert.Null(new LocalFlowServices(Pumps.Load("organism: {name: m}\nlisteners:\n  - {name: a, description: A, payload_class: Boot, handler: output}\n")).Memory);
        var memory = new LocalFlowServices(flow).Memory!;
        await memory.SetAsync("k", Encoding.UTF8.GetBytes("v"), CancellationToken.None);
        Assert.Equal("v", Encoding.UTF8.GetString((await memory.GetAsync("k", CancellationToken.None))!));
        Assert.True(await memory.DeleteAsync("k", CancellationToken.None));
        var small = new InMemoryProjectMemory(maxBytes: 8);
        var ex = await Assert.ThrowsAsync<HandlerException>(async () => await small.SetAsync("key", new byte[10], CancellationToken.None));
        Assert.Equal("memory_quota", ex.Code);
    }

    [Fact]
    public void Services_DefaultsAreUsable()
    {
        var flow = Pumps.Load("organism: {name: m}\nmax_tokens_per_thread: 777\nlisteners:\n  - {name: a, description: A, payload_class: Boot, handler: output}\n");
        var services = new LocalFlowServices(flow);
        Assert.Same(services, services.For(flow));
        Assert.Equal(777, services.Budget.Remaining("t"));
        Assert.Same(TimeProvider.System, services.Time);
        Assert.NotNull(services.Egress);
        services.Events.Token("r", 0, "a", "x"); // no-op sink
    }
}
