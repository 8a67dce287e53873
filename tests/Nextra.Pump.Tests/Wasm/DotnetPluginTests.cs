using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Nextra.Pump.Handlers;
using Nextra.Pump.Handlers.Dotnet;
using static Nextra.Pump.Tests.Wasm.CodeTestKit;

namespace Nextra.Pump.Tests.Wasm;

public sealed class DotnetPluginTests : IDisposable
{
    private readonly string _plugins = Path.Combine(Path.GetTempPath(), "nextra-plugins-" + Guid.NewGuid().ToString("N"));
    private const string AssemblyFile = "Nextra.Pump.Tests.dll";

    public DotnetPluginTests()
    {
        Directory.CreateDirectory(_plugins);
        // Only the dll (no deps.json): its dependencies resolve from the host, as a plugin's shared ones would.
        File.Copy(typeof(SamplePluginHandler).Assembly.Location, Path.Combine(_plugins, AssemblyFile));
    }

    private DotnetPluginFactory Factory(bool allow = true) => new(new DotnetPluginOptions { AllowDotnetPlugins = allow, PluginDirectory = _plugins });

    private static JsonObject Config(string assembly = AssemblyFile, string type = "Nextra.Pump.Tests.Wasm.SamplePluginHandler") =>
        new() { ["assembly"] = assembly, ["type"] = type };

    private static HandlerValidationContext Validation(JsonObject config)
    {
        var listener = Listener(config) is var l ? new Nextra.Pump.Config.ListenerDefinition
        {
            Name = l.Name, Description = l.Description, PayloadClass = l.PayloadClass, Handler = "dotnet", Config = config,
        } : null!;
        return new HandlerValidationContext { Flow = Flow(listener), Listener = listener };
    }

    private HandlerCreateContext CreateContext(JsonObject config)
    {
        var v = Validation(config);
        return new HandlerCreateContext { Flow = v.Flow, Listener = v.Listener, Schemas = new Dictionary<string, Nextra.Pump.Messages.IPayloadSchema>(), Services = new TestServices() };
    }

    [Fact]
    public async Task Create_PluginHandler_RunsInCollectibleContext()
    {
        using var handler = (DotnetPluginHandler)Factory().Create(CreateContext(Config()));
        var result = await handler.HandleAsync(Context(TextPayload("hi"), new TestServices()), default);
        Assert.Equal("hi from nextra-plugin:" + AssemblyFile, result.Emissions[0].Payload.Element("text")!.Value);
    }

    [Fact]
    public void Dispose_PluginHandler_UnloadsContext()
    {
        var weak = CreateRunAndDispose();
        for (var i = 0; i < 20 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive, "the plugin's load context is still alive after dispose");
    }

    [Fact]
    public async Task PumpDispose_FlowWithPlugin_UnloadsItsContext()
    {
        var weak = await RunFlowAndStopAsync();
        for (var i = 0; i < 20 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive, "stopping the flow left the plugin's load context alive");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<WeakReference> RunFlowAndStopAsync()
    {
        const string yaml = """
            organism: {name: plugin-flow}
            payloads:
              Text: {fields: {text: string, n: int}}
            listeners:
              - name: plugin
                description: a trusted .NET plugin
                payload_class: Text
                handler: dotnet
                config: {assembly: Nextra.Pump.Tests.dll, type: Nextra.Pump.Tests.Wasm.SamplePluginHandler}
            """;
        var registry = new HandlerRegistry([Factory()]);
        var loaded = Nextra.Pump.Config.FlowLoader.Load(yaml, registry);
        Assert.True(loaded.Ok, string.Join("; ", loaded.Problems));
        var before = System.Runtime.Loader.AssemblyLoadContext.All.ToHashSet();
        var pump = new Nextra.Pump.Runtime.StreamPump(loaded.Flow!, registry, new Nextra.Pump.Runtime.LocalFlowServices(loaded.Flow));
        await pump.StartAsync(default);
        var context = System.Runtime.Loader.AssemblyLoadContext.All.Single(c => !before.Contains(c) && c.Name == "nextra-plugin:" + AssemblyFile);
        var run = await pump.InjectAsync(new Nextra.Pump.Runtime.Injection { Target = "plugin", PayloadXml = "<Text><text>hi</text><n>0</n></Text>" }, default);
        Assert.Equal("succeeded", (await run.Completion).Status);
        await pump.DisposeAsync();
        return new WeakReference(context);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference CreateRunAndDispose()
    {
        var handler = (DotnetPluginHandler)Factory().Create(CreateContext(Config()));
        var result = handler.HandleAsync(Context(TextPayload("x"), new TestServices()), default).AsTask().GetAwaiter().GetResult();
        Assert.Single(result.Emissions);
        handler.Dispose();
        Assert.Throws<ObjectDisposedException>(() => { _ = handler.HandleAsync(Context(TextPayload("x"), new TestServices()), default); });
        return handler.Context;
    }

    [Fact]
    public void Validate_Disabled_ReportsDisabled() =>
        Assert.Equal("dotnet_plugins_disabled", Assert.Single(Factory(allow: false).Validate(Validation(Config()))).Code);

    [Fact]
    public void Create_Disabled_Throws() =>
        Assert.Equal("dotnet_plugins_disabled", Assert.Throws<PluginLoadException>(() => Factory(allow: false).Create(CreateContext(Config()))).Code);

    [Theory]
    [InlineData("Missing.dll", "X", "plugin_not_found")]
    [InlineData("../Nextra.Pump.Tests.dll", "X", "invalid_value")]
    [InlineData("/etc/passwd", "X", "invalid_value")]
    [InlineData(AssemblyFile, "Nope.Type", "plugin_type_not_found")]
    [InlineData(AssemblyFile, "Nextra.Pump.Tests.Wasm.TestSchema", "plugin_type_invalid")]
    public void Validate_BadConfig_ReportsCode(string assembly, string type, string code) =>
        Assert.Contains(code, Factory().Validate(Validation(Config(assembly, type))).Select(p => p.Code));

    [Fact]
    public void Validate_GoodPlugin_NoProblems() => Assert.Empty(Factory().Validate(Validation(Config())));

    public void Dispose()
    {
        try { Directory.Delete(_plugins, true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
