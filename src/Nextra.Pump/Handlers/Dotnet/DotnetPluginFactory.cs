using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nextra.Pump.Handlers.Dotnet;

/// <summary>
/// <c>handler: dotnet</c> with <c>config: {assembly: NAME.dll, type: Namespace.Type}</c>: a trusted
/// IHandler loaded from the plugin directory into its own collectible load context per running
/// flow. Refused unless <see cref="DotnetPluginOptions.AllowDotnetPlugins"/>, and in Native AOT builds.
/// </summary>
public sealed class DotnetPluginFactory(DotnetPluginOptions options) : IHandlerFactory
{
    public string Kind => "dotnet";

    public IEnumerable<HandlerConfigProblem> Validate(HandlerValidationContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        if (Check(context.Listener.Config, problems) is not { } plugin)
            return problems;
        try
        {
            var handler = Load(plugin.Path, plugin.Type);
            handler.Dispose();
        }
        catch (PluginLoadException ex)
        {
            problems.Add(new(ex.Code, ex.Message, ex.Code == "plugin_type_not_found" ? "type" : "assembly"));
        }
        return problems;
    }

    public IHandler Create(HandlerCreateContext context)
    {
        var problems = new List<HandlerConfigProblem>();
        var plugin = Check(context.Listener.Config, problems)
            ?? throw new PluginLoadException(problems[0].Code, $"listener '{context.Listener.Name}': {problems[0].Message}");
        return Load(plugin.Path, plugin.Type);
    }

    private (string Path, string Type)? Check(JsonObject? config, List<HandlerConfigProblem> problems)
    {
        if (!options.AllowDotnetPlugins)
        {
            problems.Add(new("dotnet_plugins_disabled", "dotnet plugin handlers are turned off on this server (Plugins:AllowDotnetPlugins)"));
            return null;
        }
        if (!RuntimeFeature.IsDynamicCodeSupported)
        {
            problems.Add(new("dotnet_plugins_unsupported", "this build of Nextra is Native AOT, which cannot load .NET assemblies; use the JIT build for dotnet plugins, or a code block"));
            return null;
        }
        var assembly = Text(config, "assembly");
        var type = Text(config, "type");
        foreach (var (key, _) in config ?? [])
        {
            if (key is not ("assembly" or "type"))
                problems.Add(new("unknown_key", $"unknown dotnet config key '{key}' (known: assembly, type)", key));
        }
        if (assembly is null || type is null)
        {
            problems.Add(new("plugin_config", "dotnet plugins need config: {assembly: NAME.dll, type: Namespace.Type}"));
            return null;
        }
        // Only a bare file name: a plugin cannot be loaded from outside the plugin directory.
        if (assembly != Path.GetFileName(assembly) || !assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || assembly.Contains(".."))
        {
            problems.Add(new("invalid_value", $"assembly '{assembly}' must be a file name ending in .dll inside the plugin directory", "assembly"));
            return null;
        }
        var path = Path.GetFullPath(Path.Combine(options.PluginDirectory, assembly));
        if (!File.Exists(path))
        {
            problems.Add(new("plugin_not_found", $"no plugin assembly '{assembly}' in {options.PluginDirectory}", "assembly"));
            return null;
        }
        return problems.Count > 0 ? null : (path, type);
    }

    private static string? Text(JsonObject? config, string key) =>
        config?[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Plugins are loaded only when IsDynamicCodeSupported (JIT builds); the type comes from the plugin, not from trimmed code.")]
    [UnconditionalSuppressMessage("Trimming", "IL2072", Justification = "Same: the plugin assembly is never trimmed.")]
    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "Same: the plugin assembly is never trimmed.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded by RuntimeFeature.IsDynamicCodeSupported in Check.")]
    private static DotnetPluginHandler Load(string path, string typeName)
    {
        var context = new PluginLoadContext(path);
        try
        {
            var assembly = context.LoadFromAssemblyPath(path);
            var type = assembly.GetType(typeName, throwOnError: false)
                ?? throw new PluginLoadException("plugin_type_not_found", $"type '{typeName}' is not in {Path.GetFileName(path)}");
            if (!typeof(IHandler).IsAssignableFrom(type) || type.IsAbstract)
                throw new PluginLoadException("plugin_type_invalid", $"type '{typeName}' must be a concrete class implementing Nextra.Pump.Handlers.IHandler");
            if (type.GetConstructor(Type.EmptyTypes) is null)
                throw new PluginLoadException("plugin_type_invalid", $"type '{typeName}' needs a public parameterless constructor");
            var handler = (IHandler)Activator.CreateInstance(type)!;
            return new DotnetPluginHandler(handler, context);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or System.Reflection.TargetInvocationException)
        {
            context.Unload();
            throw new PluginLoadException("plugin_load_failed", $"cannot load {Path.GetFileName(path)}: {ex.Message}", ex);
        }
        catch (PluginLoadException)
        {
            context.Unload();
            throw;
        }
    }
}

/// <summary>A plugin that cannot be loaded; Code is stable.</summary>
public sealed class PluginLoadException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
