using System.Reflection;
using System.Runtime.Loader;

namespace Nextra.Pump.Handlers.Dotnet;

/// <summary>
/// A collectible context for one plugin of one running flow. The handler contract assembly
/// (Nextra.Pump) always comes from the host, so the plugin's IHandler is the host's IHandler;
/// the plugin's own dependencies resolve next to it via its .deps.json.
/// </summary>
internal sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext($"nextra-plugin:{Path.GetFileName(pluginPath)}", isCollectible: true)
{
    private static readonly string ContractAssembly = typeof(IHandler).Assembly.GetName().Name!;
    private readonly AssemblyDependencyResolver _resolver = new(pluginPath);

    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only used when dynamic code is supported (JIT builds); plugin dependencies are not trimmed.")]
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == ContractAssembly)
            return null;
        var path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
