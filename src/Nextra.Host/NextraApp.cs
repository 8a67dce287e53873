using Nextra.Host.Hosting;

namespace Nextra.Host;

/// <summary>Creates the web application builder on top of the layered Nextra configuration.</summary>
internal static class NextraApp
{
    public static WebApplicationBuilder CreateBuilder(string[] hostArgs, IConfiguration layered, bool cli)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Reloadable appsettings.json would put a recursive file watcher on the content root, which
            // cost seconds at start when it was the working directory (node_modules). Nextra reads
            // nextra.toml instead; the content root is the binary's folder and nothing is watched.
            Args = ["--hostBuilder:reloadConfigOnChange=false", .. hostArgs],
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Added last, so defaults < nextra.toml < NEXTRA_* < flags win over the framework's own sources.
        builder.Configuration.AddConfiguration(layered);
        if (cli)
        {
            builder.Configuration.AddInMemoryCollection([new(NextraHostExtensions.CliModeKey, "true")]);
        }
        return builder;
    }
}
