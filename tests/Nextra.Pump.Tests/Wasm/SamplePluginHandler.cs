using System.Xml.Linq;
using Nextra.Pump.Handlers;

namespace Nextra.Pump.Tests.Wasm;

/// <summary>
/// The plugin the dotnet-plugin tests load: the tests copy this test assembly into a plugin
/// directory and load it into a collectible context from there.
/// </summary>
public sealed class SamplePluginHandler : IHandler, IDisposable
{
    public static int Disposed;

    public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var text = context.Payload.Element("text")?.Value ?? "";
        // Reports which load context it runs in, so the test can see it is not the default one.
        var alc = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(typeof(SamplePluginHandler).Assembly)!.Name;
        return ValueTask.FromResult(HandlerResult.Respond(new XElement("Text", new XElement("text", $"{text} from {alc}"), new XElement("n", 1))));
    }

    public void Dispose() => Interlocked.Increment(ref Disposed);
}
