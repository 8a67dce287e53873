using System.Text.Json;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Secrets;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Flows created from a template (R6): they remember the template (id, version, digest, inputs) and the tenant secrets
/// they need, and stay incomplete (<c>setupComplete: false</c>) while one of those secrets, still used by the flow's YAML,
/// does not exist in the tenant. Starting such a flow is refused with 409 <c>secrets_unbound</c> naming the secrets.
/// Reads flows through <see cref="IFlowCatalog"/> (FlowService tells this class of deletions, so it cannot depend on it).
/// </summary>
internal sealed class TemplateFlows(IMarketplaceStore store, IFlowCatalog flows, ISecretList secrets) : IFlowStartCheck, IFlowChangeHandler
{
    public const string SecretsUnbound = "secrets_unbound";

    public async Task<TemplateFlowSetup?> GetAsync(string tenantId, string flowId, CancellationToken ct)
    {
        var row = await store.GetTemplateFlowAsync(tenantId, flowId, ct);
        if (row is null) return null;
        var flow = await flows.GetAsync(tenantId, flowId, ct);
        return flow is null ? null : View(row, flow.OrganismYaml, await SecretNamesAsync(tenantId, ct));
    }

    public async Task<TemplateFlowSetup[]> ListAsync(string tenantId, CancellationToken ct)
    {
        var rows = await store.ListTemplateFlowsAsync(tenantId, ct);
        if (rows.Count == 0) return [];
        var yaml = (await flows.ListForTenantAsync(tenantId, ct)).ToDictionary(f => f.Id, f => f.OrganismYaml, StringComparer.Ordinal);
        var names = await SecretNamesAsync(tenantId, ct);
        return [.. rows.Where(r => yaml.ContainsKey(r.FlowId)).Select(r => View(r, yaml[r.FlowId], names))];
    }

    public async Task CheckStartAsync(FlowSnapshot flow, CancellationToken ct)
    {
        var row = await store.GetTemplateFlowAsync(flow.TenantId, flow.Id, ct);
        if (row is null) return;
        var view = View(row, flow.OrganismYaml, await SecretNamesAsync(flow.TenantId, ct));
        if (view.SetupComplete) return;
        var names = string.Join(", ", view.UnboundSecrets);
        var ex = new ApiException(409, SecretsUnbound, "Secrets not bound",
            $"This flow was created from the template {row.ListingId}@{row.Version} and needs the secret{(view.UnboundSecrets.Length == 1 ? "" : "s")} {names}: "
            + "create them in Settings → Secrets (PUT /api/secrets/{name}) or edit the flow to use secrets you have, then start it.");
        ex.Extensions["secrets"] = view.UnboundSecrets;
        throw ex;
    }

    public async Task<ReloadReport?> OnFlowChangedAsync(FlowChange change, CancellationToken ct)
    {
        if (change is FlowDeleted)
            await store.DeleteTemplateFlowAsync(change.TenantId, change.FlowId, ct);
        return null;
    }

    private async Task<HashSet<string>> SecretNamesAsync(string tenantId, CancellationToken ct) =>
        (await secrets.ListAsync(tenantId, ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>A secret is unbound when the flow still uses it (its YAML names it) and the tenant has no secret of that name.</summary>
    public static TemplateFlowSetup View(TemplateFlowRow row, string yaml, IReadOnlySet<string> existing)
    {
        var needed = JsonSerializer.Deserialize(row.Secrets, MarketplaceJsonContext.Default.StringArray) ?? [];
        var used = TemplateSanitizer.Sanitize(yaml).Secrets.ToHashSet(StringComparer.Ordinal);
        var list = needed.Select(n => new TemplateFlowSecret(n, used.Contains(n), existing.Contains(n))).ToArray();
        var unbound = list.Where(s => s.Used && !s.Bound).Select(s => s.Name).ToArray();
        var inputs = JsonSerializer.Deserialize(row.Inputs, MarketplaceJsonContext.Default.DictionaryStringString) ?? [];
        return new TemplateFlowSetup(row.FlowId, new TemplateOrigin(row.ListingId, row.Version, row.Digest, inputs), list, unbound.Length == 0, unbound);
    }
}
