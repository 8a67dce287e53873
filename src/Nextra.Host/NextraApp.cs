using Nextra.Host.Hosting;

namespace Nextra.Host;

/// <summary>Creates the web application builder on top of the layered Nextra configuration.</summary>
internal static class NextraApp
{
    public static WebApplicationBuilder CreateBuilder(string[] hostArgs, IConfiguration layered, bool cli)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = hostArgs,
            ContentRootPath = Directory.GetCurrentDirectory(),
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
