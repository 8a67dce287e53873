using System.CommandLine;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Nextra.Host.Configuration;

namespace Nextra.Host.Cli;

/// <summary>
/// <c>nextra openapi [-o FILE]</c>: writes the OpenAPI document the server serves at <c>/openapi/v1.json</c>, from the
/// same generator and transformers, without starting a server, opening a database or needing a network. The document's
/// server is <c>public_url</c> when configured, else the first listen URL (a served document names the request's host).
/// </summary>
internal static class OpenApiCommand
{
    public const string DocumentName = "v1";

    public static Command Create(CliContext context)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write the document to FILE (default: stdout)" };
        var command = new Command("openapi", "Print the OpenAPI document of the HTTP API (the one served at /openapi/v1.json)") { output };
        command.SetAction(async (parse, ct) =>
        {
            // A throw-away data directory: building the app must not create ./nextra_data where the command is run.
            var scratch = Directory.CreateTempSubdirectory("nextra-openapi-");
            try
            {
                var config = context.Configuration(parse, new Dictionary<string, string?> { [ConfigKeys.DataDir] = scratch.FullName });
                var json = await WriteAsync(context.Compose, config, ct);
                if (parse.GetValue(output) is { Length: > 0 } file)
                {
                    await File.WriteAllTextAsync(file, json, ct);
                }
                else
                {
                    await parse.InvocationConfiguration.Output.WriteAsync(json);
                }
                return 0;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }

    /// <summary>The document as JSON, as the server's OpenAPI endpoint writes it.</summary>
    public static async Task<string> WriteAsync(Func<WebApplicationBuilder, WebApplication> compose, IConfiguration config, CancellationToken ct)
    {
        await using var app = compose(NextraApp.CreateBuilder([], config, cli: true));
        // Starting the host is what hands the mapped endpoints to routing; without a start, UseEndpoints does it (the
        // request pipeline it completes is never run).
        app.UseEndpoints(_ => { });
        var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName);
        var document = await provider.GetOpenApiDocumentAsync(ct);
        if (document.Servers is not { Count: > 0 })
        {
            document.Servers = [new OpenApiServer { Url = ServerUrl(config) }];
        }
        var version = app.Services.GetRequiredService<IOptionsMonitor<OpenApiOptions>>().Get(DocumentName).OpenApiVersion;
        await using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var writer = new OpenApiJsonWriter(text);
        await document.SerializeAsync(writer, version, ct);
        return text.ToString() + "\n";
    }

    private static string ServerUrl(IConfiguration config)
    {
        if (config[ConfigKeys.PublicUrl] is { Length: > 0 } publicUrl) return publicUrl.TrimEnd('/');
        var first = (config[ConfigKeys.Urls] ?? NextraDefaults.Urls).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return (first.FirstOrDefault() ?? NextraDefaults.Urls).TrimEnd('/');
    }
}
