namespace Nextra.Modules.Accounts;

/// <summary>
/// API key format: <c>nxk_</c> + 43 URL-safe characters (256 bits). The first 12 characters are the
/// listed prefix; only the SHA-256 of the whole key is stored.
/// </summary>
internal static class ApiKeys
{
    public const string Marker = "nxk_";
    public const int PrefixLength = 12;

    public static string New() => Marker + Tokens.Random(32);

    public static bool LooksValid(string key) => key.StartsWith(Marker, StringComparison.Ordinal) && key.Length > PrefixLength + 8;

    public static string PrefixOf(string key) => key[..PrefixLength];
}
