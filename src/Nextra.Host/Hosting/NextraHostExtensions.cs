using System.Globalization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Nextra.Host.Configuration;
using Nextra.Modules.Common;
using Scalar.AspNetCore;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Nextra.Host.Hosting;

/// <summary>The host's own services and middleware: logging, errors, limits, JSON, OpenAPI, health.</summary>
internal static class NextraHostExtensions
{
    /// <summary>Config key set by the CLI for one-shot commands (logs go to stderr, no setup link).</summary>
    public const string CliModeKey = "Nextra:CliMode";

    public static WebApplicationBuilder AddNextraHost(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var cli = string.Equals(config[CliModeKey], "true", StringComparison.OrdinalIgnoreCase);
        ConfigureLogging(builder, cli);
        // Read lazily: test hosts and other late configuration sources are only merged at Build().
        builder.WebHost.ConfigureKestrel((ctx, k) =>
        {
            k.Limits.MaxRequestBodySize = MaxBodyBytes(ctx.Configuration);
            k.AddServerHeader = false;
        });
        var urls = config[ConfigKeys.Urls];
        if (!string.IsNullOrWhiteSpace(urls))
        {
            builder.WebHost.UseUrls(urls.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(15));

        var services = builder.Services;
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions.TryAdd("code", ProblemCodes.ForStatus(ctx.ProblemDetails.Status));
            ctx.ProblemDetails.Instance ??= ctx.HttpContext.Request.Path;
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        // Bind failures throw so ApiExceptionHandler can name the problem (malformed JSON, missing body).
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(HostJsonContext.Default));
        services.AddOpenApi(NextraOpenApi.Configure);
        if (!cli)
        {
            services.AddHostedService<SetupLinkPrinter>();
        }
        return builder;
    }

    public static WebApplication UseNextraHost(this WebApplication app)
    {
        // Configuration is final here and no module has opened a database yet: owner-only directory and files.
        if (DataDirectoryGuard.Prepare(app.Configuration) is { } wide)
        {
            app.Logger.LogWarning("{Warning}", wide);
        }
        // First: the client's address (X-Forwarded-For) only from [server] trusted_proxies, before anything reads it. With
        // none configured the middleware is not added at all (with empty known lists it would trust every sender).
        if (TrustedProxies.Entries(app.Configuration) is { Count: > 0 } proxies)
            app.UseForwardedHeaders(TrustedProxies.Options(proxies));
        // Outermost, so the log records the status the client finally got (after the exception handler).
        app.UseSerilogRequestLogging(o => o.GetMessageTemplateProperties = (http, path, elapsed, status) =>
        [
            new LogEventProperty("RequestMethod", new ScalarValue(http.Request.Method)),
            new LogEventProperty("RequestPath", new ScalarValue(LogRedaction.Path(path))),
            new LogEventProperty("StatusCode", new ScalarValue(status)),
            new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
        ]);
        app.UseExceptionHandler();
        // Bodiless errors (no endpoint, wrong method) get the one error shape, whatever the Accept header.
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            return ProblemResponses.WriteAsync(context.HttpContext, status, ProblemCodes.ForStatus(status),
                Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), $"The server answered {status}.");
        });
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseMiddleware<BodySizeLimitMiddleware>(MaxBodyBytes(app.Configuration));
        app.UseRouting();
        return app;
    }

    // The sidebar's "Powered by Scalar" link (and any other link to the vendor) is not ours to show.
    private const string NoVendorLinks = "a[href*=\"scalar.com\"] { display: none !important; }";

    /// <summary>OpenAPI document at <c>/openapi/v1.json</c> and the Scalar reference page at <c>/openapi</c>.</summary>
    public static WebApplication MapNextraOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Offline and vendor-free: no CDN fonts, no telemetry, no AI agent or MCP, no client/"open in" or developer-tool buttons.
        app.MapScalarApiReference("/openapi", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json").WithTitle("Nextra API")
                .DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp().HideClientButton().HideDeveloperTools()
                .WithCustomCss(NoVendorLinks))
            .AllowAnonymous();
        return app;
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, bool cli)
    {
        var config = builder.Configuration;
        var level = Enum.TryParse<LogEventLevel>(config[ConfigKeys.LogLevel], ignoreCase: true, out var l) ? l : LogEventLevel.Information;
        if (cli && level < LogEventLevel.Warning)
        {
            level = LogEventLevel.Warning; // one-shot commands print their result, not the host's chatter
        }
        var text = string.Equals(config[ConfigKeys.LogFormat], "text", StringComparison.OrdinalIgnoreCase);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((_, lc) =>
        {
            lc.MinimumLevel.Is(level)
                .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
                // Authentication pulls in data protection, which nextra does not use for anything it stores.
                .MinimumLevel.Override("Microsoft.AspNetCore.DataProtection", LogEventLevel.Error)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", cli ? LogEventLevel.Warning : LogEventLevel.Information)
                .Enrich.FromLogContext()
                .Enrich.With(new LogRedaction());
            // CLI output owns stdout (e.g. the API key on the last line), so logs go to stderr there.
            LogEventLevel? toStderr = cli ? LogEventLevel.Verbose : null;
            if (text)
            {
                lc.WriteTo.Console(standardErrorFromLevel: toStderr, formatProvider: CultureInfo.InvariantCulture);
            }
            else
            {
                lc.WriteTo.Console(new RenderedCompactJsonFormatter(), standardErrorFromLevel: toStderr);
            }
        });
    }

    private static long MaxBodyBytes(IConfiguration config) =>
        long.TryParse(config[ConfigKeys.MaxBodyBytes], NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) && m > 0
            ? m
            : NextraDefaults.MaxBodyBytes;
}
