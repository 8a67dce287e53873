using System.Text;

namespace Nextra.Modules.Observability;

/// <summary>
/// The label set of one series (up to three labels, in the order the instrument records them), as a value type so a
/// measurement on an existing series allocates nothing.
/// </summary>
internal readonly record struct SeriesKey(int Count, string? N1, string? V1, string? N2, string? V2, string? N3, string? V3)
{
    public static SeriesKey From(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? n1 = null, v1 = null, n2 = null, v2 = null, n3 = null, v3 = null;
        var count = Math.Min(tags.Length, 3);
        if (count > 0) (n1, v1) = (tags[0].Key, Value(tags[0].Value));
        if (count > 1) (n2, v2) = (tags[1].Key, Value(tags[1].Value));
        if (count > 2) (n3, v3) = (tags[2].Key, Value(tags[2].Value));
        return new SeriesKey(count, n1, v1, n2, v2, n3, v3);
    }

    public string Sort => $"{V1}\u0001{V2}\u0001{V3}";

    public void AppendTo(StringBuilder text)
    {
        if (Count > 0) Label(text, N1!, V1);
        if (Count > 1) Label(text.Append(','), N2!, V2);
        if (Count > 2) Label(text.Append(','), N3!, V3);
    }

    private static void Label(StringBuilder text, string name, string? value) =>
        text.Append(name).Append("=\"").Append((value ?? "").Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('"');

    private static string? Value(object? value) => value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
}
