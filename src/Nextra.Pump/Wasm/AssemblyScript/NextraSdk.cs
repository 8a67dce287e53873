namespace Nextra.Pump.Wasm.AssemblyScript;

/// <summary>The AssemblyScript SDK shipped in this assembly (tools/asc/sdk).</summary>
public static class NextraSdk
{
    private static readonly Lazy<string> Ts = new(() => Read("Nextra.Sdk.nextra.ts"));
    private static readonly Lazy<string> Dts = new(() => Read("Nextra.Sdk.nextra.d.ts"));

    /// <summary>The SDK source compiled next to every module as <c>nextra.ts</c>.</summary>
    public static string SourceText => Ts.Value;

    /// <summary>Editor declarations; the host serves them at <c>/api/sdk/nextra.d.ts</c>.</summary>
    public static string DeclarationText => Dts.Value;

    private static string Read(string name)
    {
        using var stream = typeof(NextraSdk).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
