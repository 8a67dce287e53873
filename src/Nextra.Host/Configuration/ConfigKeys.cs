namespace Nextra.Host.Configuration;

/// <summary>Configuration keys the host itself reads (modules bind their own sections).</summary>
internal static class ConfigKeys
{
    public const string Urls = "Server:Urls";
    public const string PublicUrl = "Server:PublicUrl";
    public const string MaxBodyBytes = "Server:MaxBodyBytes";
    public const string TrustedProxies = "Server:TrustedProxies";
    public const string DataDir = "Storage:DataDir";
    public const string LogLevel = "Logging:Level";
    public const string LogFormat = "Logging:Format";
}
