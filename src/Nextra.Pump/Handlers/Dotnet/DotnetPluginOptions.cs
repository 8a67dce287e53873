namespace Nextra.Pump.Handlers.Dotnet;

/// <summary>
/// Trusted .NET plugin handlers (<c>handler: dotnet</c>). Off by default: a plugin runs with the
/// server's full rights, so only a self-hoster who trusts the assembly should turn it on.
/// </summary>
public sealed class DotnetPluginOptions
{
    public const string Section = "Plugins";

    public bool AllowDotnetPlugins { get; set; }
    /// <summary>Where plugin assemblies live: <c>&lt;data-dir&gt;/plugins</c>.</summary>
    public string PluginDirectory { get; set; } = "plugins";
}
