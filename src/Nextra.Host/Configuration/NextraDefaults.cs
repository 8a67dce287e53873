namespace Nextra.Host.Configuration;

/// <summary>
/// Built-in defaults, the lowest configuration layer. Module option classes carry the same
/// defaults in their initializers; these exist so <c>nextra.example.toml</c> can be checked against them.
/// </summary>
internal static class NextraDefaults
{
    public const string Urls = "http://127.0.0.1:5080";
    public const string DataDir = "nextra_data";
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    public static IReadOnlyDictionary<string, string?> Values { get; } = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
    {
        [ConfigKeys.Urls] = Urls,
        [ConfigKeys.PublicUrl] = "",
        [ConfigKeys.MaxBodyBytes] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [ConfigKeys.DataDir] = DataDir,
        [ConfigKeys.LogLevel] = "Information",
        [ConfigKeys.LogFormat] = "json",
    };
}
