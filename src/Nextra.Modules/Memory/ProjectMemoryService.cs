using System.Globalization;
using Microsoft.Extensions.Options;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Memory.Stores;
using Nextra.Pump.Handlers;

namespace Nextra.Modules.Memory;

/// <summary>
/// Project memory for the API and for running flows. A flow's memory is addressed by
/// (tenant, flow); the API checks the flow belongs to the caller's tenant first (404 otherwise).
/// </summary>
public sealed class ProjectMemoryService
{
    private readonly IProjectMemoryStore _store;
    private readonly IFlowCatalog _flows;
    private readonly MemoryOptions _options;
    private readonly TimeProvider _time;

    internal ProjectMemoryService(IProjectMemoryStore store, IFlowCatalog flows, IOptions<MemoryOptions> options, TimeProvider time)
    {
        _store = store;
        _flows = flows;
        _options = options.Value;
        _time = time;
    }

    public long MaxBytesPerFlow => _options.MaxBytesPerFlow;

    /// <summary>The <see cref="IProjectMemory"/> a running flow gets (pass it as <c>IFlowServices.Memory</c> when the flow opted in).</summary>
    public IProjectMemory For(string tenantId, string flowId) => new FlowMemory(this, tenantId, flowId);

    public async Task<MemoryUsageResponse> UsageAsync(string tenantId, string flowId, CancellationToken ct)
    {
        await RequireFlowAsync(tenantId, flowId, ct);
        var rows = await _store.ListAsync(tenantId, flowId, ct);
        return new MemoryUsageResponse(rows.Sum(r => r.Size), _options.MaxBytesPerFlow, rows.Select(r => new MemoryKeyInfo(r.Key, r.Size)).ToArray());
    }

    public async Task<byte[]> GetAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        await RequireFlowAsync(tenantId, flowId, ct);
        return await _store.GetAsync(tenantId, flowId, CheckKey(key), ct) ?? throw ApiException.NotFound($"Key '{key}'");
    }

    public async Task PutAsync(string tenantId, string flowId, string key, byte[] value, CancellationToken ct)
    {
        await RequireFlowAsync(tenantId, flowId, ct);
        if (!await PutCoreAsync(tenantId, flowId, CheckKey(key), value, ct))
            throw new ApiException(413, ErrorCodes.PayloadTooLarge, "Memory full", $"The flow's memory is limited to {_options.MaxBytesPerFlow} bytes.");
    }

    public async Task DeleteAsync(string tenantId, string flowId, string key, CancellationToken ct)
    {
        await RequireFlowAsync(tenantId, flowId, ct);
        if (!await _store.DeleteAsync(tenantId, flowId, CheckKey(key), ct))
            throw ApiException.NotFound($"Key '{key}'");
    }

    private Task<bool> PutCoreAsync(string tenantId, string flowId, string key, byte[] value, CancellationToken ct) =>
        _store.PutAsync(tenantId, flowId, key, value, _options.MaxBytesPerFlow,
            _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), ct);

    private async Task RequireFlowAsync(string tenantId, string flowId, CancellationToken ct)
    {
        if (await _flows.GetAsync(tenantId, flowId, ct) is null)
            throw ApiException.NotFound("Flow");
    }

    private string CheckKey(string key)
    {
        if (key.Length == 0 || key.Length > _options.MaxKeyLength)
            throw ApiException.BadRequest(ErrorCodes.BadRequest, $"A key is 1 to {_options.MaxKeyLength} characters.");
        return key;
    }

    /// <summary>One flow's memory as the pump sees it; it can name no other flow.</summary>
    private sealed class FlowMemory(ProjectMemoryService owner, string tenantId, string flowId) : IProjectMemory
    {
        public async ValueTask<byte[]?> GetAsync(string key, CancellationToken ct) =>
            key.Length is 0 || key.Length > owner._options.MaxKeyLength ? null : await owner._store.GetAsync(tenantId, flowId, key, ct);

        public async ValueTask SetAsync(string key, byte[] value, CancellationToken ct)
        {
            if (key.Length is 0 || key.Length > owner._options.MaxKeyLength)
                throw new HandlerException("memory_key_invalid", $"a memory key is 1 to {owner._options.MaxKeyLength} characters");
            if (!await owner.PutCoreAsync(tenantId, flowId, key, value, ct))
                throw new HandlerException("memory_quota", $"the flow's memory is limited to {owner._options.MaxBytesPerFlow} bytes");
        }

        public async ValueTask<bool> DeleteAsync(string key, CancellationToken ct) =>
            key.Length is not 0 && await owner._store.DeleteAsync(tenantId, flowId, key, ct);
    }
}
