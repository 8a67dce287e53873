namespace Nextra.Pump.Wasm;

/// <summary>Orders versions numerically part by part ("1.10" after "1.9"), falling back to ordinal text.</summary>
public sealed class WasmVersionOrder : IComparer<string>
{
    public static WasmVersionOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        var a = (x ?? "").Split('.');
        var b = (y ?? "").Split('.');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var pa = i < a.Length ? a[i] : "0";
            var pb = i < b.Length ? b[i] : "0";
            var c = long.TryParse(pa, out var na) && long.TryParse(pb, out var nb) ? na.CompareTo(nb) : string.CompareOrdinal(pa, pb);
            if (c != 0)
                return c;
        }
        return 0;
    }
}
