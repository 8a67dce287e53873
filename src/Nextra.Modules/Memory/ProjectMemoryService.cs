using System.Globalization;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Memory.Stores;
using Nextra.Modules.Tiers;
using Nextra.Pump.Config;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Memory;

/// <summary>
/// Project memory for the API and for running flows. A flow's memory is addressed by
/// (tenant, flow); the API checks the flow belongs to the caller's tenant first (404 otherwise).
/// The per-flow cap is the tenant's tier's <c>project_memory_mb</c> (looked up on each write, so a
/// tier change applies at once); a tier with 0 refuses reads and writes with <c>quota_exceeded</c>
/// (deleting stays allowed, so a downgraded tenant can clean up). Only a flow that opted in
/// (<c>project_memory: true</c>) can be written to (403 <c>project_memory_off</c> otherwise); reading, listing and
/// deleting stay open, so a flow that opted out again can still be inspected and cleaned up.
/// </summary>
public sealed class ProjectMemoryService : IProjectMemories
{
    /// <summary>The <c>code</c> of a PUT on a flow without <c>project_memory: true</c>.</summary>
    public const string OffCode = "project_memory_off";

    private readonly IProjectMemoryStore _store;
    private readonly IFlowCatalog _flows;
    private readonly MemoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ITierLimits _tiers;

    internal ProjectMemoryService(IProjectMemoryStore store, IFlowCatalog flows, IOptions<MemoryOptions> options, TimeProvider time, ITierLimits? tiers = null)
    {
        _store = store;
        _flows = flows;
        _options = options.Value;
        _time = time;
        _tiers = tiers ?? ConfiguredTiers.From(new TiersOptions());
    }

    /// <summary>The tenant's per-flow cap in bytes: null = unlimited, 0 = not available.</summary>
    public async ValueTask<long?> MaxBytesPerFlowAsync(string tenantId, CancellationToken ct) => Cap(await _tiers.ForTenantAsync(tenantId, ct));

    /// <summary>The <see cref="IProjectMemory"/> a running flow gets (pass it as <c>IFlowServices.Memory</c> when the flow opted in).</summary>
    public IProjectMemory For(string tenantId, string flowId) => new FlowMemory(this, tenantId, flowId);

    public async Task<MemoryUsageResponse> UsageAsync(string tenantId, string flowId, CancellationToken ct)
    {
        await RequireFlowAsync(tenantId, flowId, ct);
        var rows = await _store.ListAsync(tenantId, flowId, ct);
        return new MemoryUsageResponse(rows.Sum(r => r.Size), await MaxBytesPerFlowAsync(tenantId, ct), rows.Select(r => new MemoryKeyInfo(r.Key, r.Size)).ToArray());
    }

    public async Task<byte[]> GetAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        await RequireFlowAsync(tenantId, flowId, ct);
        await RequireAvailableAsync(tenantId, ct);
        return await _store.GetAsync(tenantId, flowId, CheckKey(key), ct) ?? throw ApiException.NotFound($"Key '{key}'");
    }

    public async Task PutAsync(string tenantId, string flowId, string key, byte[] value, CancellationToken ct)
    {
        var flow = await RequireFlowAsync(tenantId, flowId, ct);
        var max = await RequireAvailableAsync(tenantId, ct);
        if (!FlowLoader.OptsIntoProjectMemory(flow.OrganismYaml))
            throw new ApiException(403, OffCode, "Project memory not enabled",
                $"Flow '{flow.Name}' does not use project memory: add 'project_memory: true' to its organism.yaml and save it, then write keys.");
        if (!await PutCoreAsync(tenantId, flowId, CheckKey(key), value, max, ct))
            throw Full(max);
    }

    public async Task DeleteAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        await RequireFlowAsync(tenantId, flowId, ct);
        if (!await _store.DeleteAsync(tenantId, flowId, CheckKey(key), ct))
            throw ApiException.NotFound($"Key '{key}'");
    }

    internal static ApiException Full(long? max) =>
        new(413, ErrorCodes.PayloadTooLarge, "Memory full", $"The flow's memory is limited to {max} bytes.");

    private long? Cap(TierLimits tier)
    {
        var cap = tier.ProjectMemoryBytes;
        return _options.MaxBytesPerFlow > 0 && (cap is null || cap > _options.MaxBytesPerFlow) ? _options.MaxBytesPerFlow : cap;
    }

    /// <summary>The cap, or 403 quota_exceeded when the tier has no project memory.</summary>
    private async Task<long?> RequireAvailableAsync(string tenantId, CancellationToken ct)
    {
        var tier = await _tiers.ForTenantAsync(tenantId, ct);
        var cap = Cap(tier);
        return cap is 0 ? throw Quota.NoMemory(tier) : cap;
    }

    private Task<bool> PutCoreAsync(string tenantId, string flowId, string key, byte[] value, long? max, CancellationToken ct) =>
        _store.PutAsync(tenantId, flowId, key, value, max ?? long.MaxValue,
            _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), ct);

    private async Task<FlowSnapshot> RequireFlowAsync(string tenantId, string flowId, CancellationToken ct) =>
        await _flows.GetAsync(tenantId, flowId, ct) ?? throw ApiException.NotFound("Flow");

    private string CheckKey(string key)
    {
        if (key.Length == 0 || key.Length > _options.MaxKeyLength)
            throw ApiException.BadRequest(ErrorCodes.BadRequest, $"A key is 1 to {_options.MaxKeyLength} characters.");
        return key;
    }

    /// <summary>One flow's memory as the pump sees it; it can name no other flow. kv get/set fail with <c>quota_exceeded</c> on a tier without memory.</summary>
    private sealed class FlowMemory(ProjectMemoryService owner, string tenantId, string flowId) : IProjectMemory
    {
        public async ValueTask<byte[]?> GetAsync(string key, CancellationToken ct)
        {
            await AvailableAsync(ct);
            return key.Length is 0 || key.Length > owner._options.MaxKeyLength ? null : await owner._store.GetAsync(tenantId, flowId, key, ct);
        }

        public async ValueTask SetAsync(string key, byte[] value, CancellationToken ct)
        {
            if (key.Length is 0 || key.Length > owner._options.MaxKeyLength)
                throw new HandlerException("memory_key_invalid", $"a memory key is 1 to {owner._options.MaxKeyLength} characters");
            var max = await AvailableAsync(ct);
            if (!await owner.PutCoreAsync(tenantId, flowId, key, value, max, ct))
                throw new HandlerException("memory_quota", $"the flow's memory is limited to {max} bytes");
        }

        public async ValueTask<bool> DeleteAsync(string key, CancellationToken ct) =>
            key.Length is not 0 && await owner._store.DeleteAsync(tenantId, flowId, key, ct);

        private async ValueTask<long?> AvailableAsync(CancellationToken ct)
        {
            var tier = await owner._tiers.ForTenantAsync(tenantId, ct);
            var cap = owner.Cap(tier);
            return cap is 0 ? throw new HandlerException(Quota.Code, Quota.NoMemory(tier).Detail!) : cap;
        }
    }
}
