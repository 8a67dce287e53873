namespace Nextra.Host.Tests.Tiers;

/// <summary>The real host with tier limits small enough to reach in a test (the rest are the built-in defaults).</summary>
public sealed class TiersFactory : NextraFactory
{
    public const int FreeExecutions = 3;
    public const int MaxHeldRuns = 2;

    protected override IEnumerable<KeyValuePair<string, string?>> ExtraSettings =>
    [
        new("Tiers:Free:ExecutionsPerMonth", FreeExecutions.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Tiers:Pro:WasmModules", "1"),
        new("Triggers:MaxHeldRuns", MaxHeldRuns.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}
