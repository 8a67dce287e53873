using Microsoft.Extensions.Configuration;

namespace Nextra.Modules.Accounts.Auth;

/// <summary>
/// Origins a browser session may open the live-events hub from (section <c>Server</c>): the server's own origin
/// always, <c>public_url</c>'s, and <c>allowed_origins</c> (e.g. a UI served from another host).
/// </summary>
public sealed class OriginOptions
{
    public const string Section = "Server";

    /// <summary>Extra origins, as <c>scheme://host[:port]</c>.</summary>
    public IReadOnlyList<string> AllowedOrigins { get; set; } = [];

    /// <summary>The base URL people open; its origin is allowed too.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Reads the section by hand: a TOML array arrives as children, an environment variable as one comma-separated value.</summary>
    public static void Read(IConfiguration configuration, OriginOptions options)
    {
        var section = configuration.GetSection(Section);
        var origins = section.GetSection("AllowedOrigins").GetChildren().Select(c => c.Value).OfType<string>().ToList();
        if (origins.Count == 0 && section["AllowedOrigins"] is { Length: > 0 } csv)
            origins = csv.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries).ToList();
        options.AllowedOrigins = origins.Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).ToList();
        options.PublicUrl = section["PublicUrl"];
    }
}
