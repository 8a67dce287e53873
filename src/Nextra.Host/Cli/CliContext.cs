using System.CommandLine;
using Nextra.Host.Configuration;

namespace Nextra.Host.Cli;

/// <summary>Options every command shares and the composition delegate from Program.cs.</summary>
internal sealed class CliContext(Func<WebApplicationBuilder, WebApplication> compose)
{
    public Option<string?> Config { get; } = new("--config")
    {
        Description = "Path of nextra.toml (default: ./nextra.toml when present, or $NEXTRA_CONFIG)",
        Recursive = true,
    };

    public Option<string?> DataDir { get; } = new("--data-dir")
    {
        Description = "Data directory (default: ./nextra_data)",
        Recursive = true,
    };

    public Func<WebApplicationBuilder, WebApplication> Compose { get; } = compose;

    /// <summary>The layered configuration for this invocation; <paramref name="extraFlags"/> are command-specific flags.</summary>
    public IConfigurationRoot Configuration(ParseResult parse, IReadOnlyDictionary<string, string?>? extraFlags = null)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [ConfigKeys.DataDir] = parse.GetValue(DataDir),
        };
        foreach (var (key, value) in extraFlags ?? new Dictionary<string, string?>())
        {
            flags[key] = value;
        }
        return NextraConfiguration.Build(parse.GetValue(Config), Environment.GetEnvironmentVariables(), flags);
    }

    /// <summary>Builds the app without starting it, applies migrations, and hands out its services (one-shot commands).</summary>
    public async Task<WebApplication> BuildForCommandAsync(ParseResult parse, CancellationToken ct)
    {
        var app = Compose(NextraApp.CreateBuilder([], Configuration(parse), cli: true));
        await app.Services.GetRequiredService<Nextra.Modules.Storage.IMigrationRunner>().ApplyAsync(ct);
        return app;
    }
}
