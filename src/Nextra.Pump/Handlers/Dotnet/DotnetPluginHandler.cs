using System.Runtime.Loader;

namespace Nextra.Pump.Handlers.Dotnet;

/// <summary>
/// Wraps a plugin's handler; disposing it (when the flow stops) disposes the plugin handler
/// and unloads its load context, so the assembly can be collected and replaced.
/// </summary>
public sealed class DotnetPluginHandler : IHandler, IDisposable, IAsyncDisposable
{
    private IHandler? _inner;
    private AssemblyLoadContext? _context;

    internal DotnetPluginHandler(IHandler inner, AssemblyLoadContext context)
    {
        _inner = inner;
        _context = context;
        Context = new WeakReference(context);
    }

    /// <summary>Weak reference to the load context, for verifying the unload.</summary>
    public WeakReference Context { get; }

    public ValueTask<HandlerResult> HandleAsync(HandlerContext context, CancellationToken ct)
    {
        var inner = _inner ?? throw new ObjectDisposedException(nameof(DotnetPluginHandler));
        return inner.HandleAsync(context, ct);
    }

    public async ValueTask DisposeAsync()
    {
        var inner = Interlocked.Exchange(ref _inner, null);
        if (inner is IAsyncDisposable ad)
            await ad.DisposeAsync().ConfigureAwait(false);
        else if (inner is IDisposable d)
            d.Dispose();
        Unload();
    }

    public void Dispose()
    {
        var inner = Interlocked.Exchange(ref _inner, null);
        (inner as IDisposable)?.Dispose();
        Unload();
    }

    private void Unload() => Interlocked.Exchange(ref _context, null)?.Unload();
}
