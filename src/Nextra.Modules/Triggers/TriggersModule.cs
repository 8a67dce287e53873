using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers.Stores;

namespace Nextra.Modules.Triggers;

/// <summary>The durable inbox, webhooks, manual inject, replay and cancel, schedules.</summary>
public static class TriggersModule
{
    public static IServiceCollection AddTriggers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNextraCommon();
        services.AddOptions<TriggersOptions>().Bind(configuration.GetSection(TriggersOptions.Section))
            .Validate(o => o.WebhookRatePerSecond > 0 && o.WebhookBurst >= 1 && o.MaxBodyBytes > 0 && o.InboxPollMilliseconds > 0
                && o.MaxXmlDepth is > 0 and <= 10_000, "Triggers limits must be positive (max_xml_depth at most 10000)")
            .ValidateOnStart();
        // The pump applies the same nesting limit as the intake, so a payload acknowledged here is never refused later for it.
        services.AddOptions<PumpLimits>().Configure<IOptions<TriggersOptions>>((limits, triggers) => limits.MaxXmlDepth = triggers.Value.MaxXmlDepth);
        services.TryAddSingleton(TimeProvider.System);
        services.AddMigrations("triggers", typeof(TriggersModule).Assembly, Databases.Inbox);
        services.AddStore<IInboxStore, SqliteInboxStore, PostgresInboxStore>();
        services.AddStore<IWebhookTokenStore, SqliteWebhookTokenStore, PostgresWebhookTokenStore>();
        services.AddStore<IUsageLedger, SqliteUsageLedger, PostgresUsageLedger>();
        services.AddStore<IHeldRunStore, SqliteHeldRunStore, PostgresHeldRunStore>();
        services.TryAddSingleton<IHeldRunCount>(sp => sp.GetRequiredService<IHeldRunStore>());
        services.TryAddSingleton<UsageRefunds>();
        services.TryAddSingleton<HeldRuns>();
        services.AddHostedService(sp => sp.GetRequiredService<HeldRuns>());
        services.TryAddSingleton<HeldRunRelease>();
        services.AddSingleton<ITierChangeHandler>(sp => sp.GetRequiredService<HeldRunRelease>());
        services.TryAddSingleton<WebhookTokens>();
        services.AddSingleton<IFlowRuntimeListener>(sp => sp.GetRequiredService<WebhookTokens>());
        services.TryAddSingleton<ScheduleArming>();
        services.AddSingleton<IFlowRuntimeListener>(sp => sp.GetRequiredService<ScheduleArming>());
        services.TryAddSingleton<ScheduleService>();
        services.AddHostedService(sp => sp.GetRequiredService<ScheduleService>());
        services.TryAddSingleton<InboxDispatcher>();
        services.AddSingleton<IPartitionListener>(sp => sp.GetRequiredService<InboxDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<InboxDispatcher>());
        services.AddSingleton<IRunRequestTracker, InboxRunTracker>();
        services.AddSingleton<ILiveRunSource, PendingRuns>();
        services.AddSingleton<ILiveRunSource, HeldRunSource>();
        services.AddSingleton<IQuotaCountSource, InboxExecutionCount>();
        services.TryAddSingleton<WebhookRateLimiter>();
        services.TryAddSingleton<RunningFlows>();
        services.AddTierDefaults(configuration);
        services.TryAddSingleton<TriggerIntake>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Add(TriggersJsonContext.Default));
        return services;
    }

    public static IEndpointRouteBuilder MapTriggers(this IEndpointRouteBuilder app)
    {
        TriggerEndpoints.Map(app);
        RunControlEndpoints.Map(app);
        return app;
    }
}
