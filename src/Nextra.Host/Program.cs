using Nextra.Host.Cli;
using Nextra.Host.Hosting;
using Nextra.Host.Ui;
using Nextra.Modules.Accounts;
using Nextra.Modules.Audit;
using Nextra.Modules.Alerts;
using Nextra.Modules.Billing;
using Nextra.Modules.Cluster;
using Nextra.Modules.Engine;
using Nextra.Modules.Flows;
using Nextra.Modules.Marketplace;
using Nextra.Modules.Memory;
using Nextra.Modules.Observability;
using Nextra.Modules.Orchestration;
using Nextra.Modules.Runs;
using Nextra.Modules.Secrets;
using Nextra.Modules.Sla;
using Nextra.Modules.Sso;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;
using Nextra.Modules.Triggers;
using Nextra.Modules.WasmModules;

return await NextraCli.InvokeAsync(args, Compose);

// Composition root: the host's plumbing, then one AddX and one MapX per module. Nothing else.
static WebApplication Compose(WebApplicationBuilder builder)
{
    builder.AddNextraHost();
    builder.Services.AddStorage(builder.Configuration);
    builder.Services.AddEngine(builder.Configuration);
    builder.Services.AddAccounts(builder.Configuration);
    builder.Services.AddAudit(builder.Configuration);
    builder.Services.AddTiers(builder.Configuration);
    builder.Services.AddFlows(builder.Configuration);
    builder.Services.AddSecrets(builder.Configuration);
    builder.Services.AddSso(builder.Configuration);
    builder.Services.AddWasmModules(builder.Configuration);
    builder.Services.AddMarketplace(builder.Configuration);
    builder.Services.AddProjectMemory(builder.Configuration);
    builder.Services.AddObservability(builder.Configuration);
    builder.Services.AddRuns(builder.Configuration);
    builder.Services.AddTriggers(builder.Configuration);
    builder.Services.AddOrchestration(builder.Configuration);
    builder.Services.AddCluster(builder.Configuration);
    builder.Services.AddAlerts(builder.Configuration);
    builder.Services.AddSla(builder.Configuration);
    builder.Services.AddBilling(builder.Configuration);

    var app = builder.Build();
    app.UseNextraHost();
    app.UseAccounts();
    app.UseAudit();
    app.MapNextraHealth();
    app.MapNextraOpenApi();
    app.MapAccounts();
    app.MapAudit();
    app.MapTiers();
    app.MapFlows();
    app.MapSecrets();
    app.MapSso();
    app.MapWasmModules();
    app.MapMarketplace();
    app.MapProjectMemory();
    app.MapObservability();
    app.MapRuns();
    app.MapTriggers();
    app.MapOrchestration();
    app.MapAlerts();
    app.MapSla();
    app.MapBilling();
    app.MapNextraUi();
    return app;
}
