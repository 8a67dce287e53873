using System.Globalization;
using System.Text.Json;
using Nextra.Modules.Common;
using Nextra.Modules.Flows.Stores;
using Nextra.Modules.Flows.Validation;
using Nextra.Modules.Tiers;
using Microsoft.Extensions.Logging;
using Nextra.Pump.Config;
using Nextra.Pump.Runtime;

namespace Nextra.Modules.Flows;

/// <summary>Flow rules: validation before storing, a version per YAML change, tenant scoping.</summary>
internal sealed class FlowService(IFlowStore store, IFlowValidator validator, TimeProvider time, ITierLimits tiers,
    IEnumerable<IFlowChangeHandler> handlers, ILogger<FlowService> logger)
{
    private readonly IFlowChangeHandler[] _handlers = [.. handlers];

    public const string DefaultStatus = "stopped";
    private const int MaxName = 200;
    private const int MaxDescription = 4000;

    public Task<IReadOnlyList<FlowRow>> ListAsync(string tenantId, CancellationToken ct) => store.ListAsync(tenantId, ct);

    public async Task<FlowRow> GetAsync(string tenantId, string id, CancellationToken ct) =>
        await store.GetAsync(tenantId, id, ct) ?? throw ApiException.NotFound("Flow");

    public Task<IReadOnlyList<ValidationProblem>> ValidateAsync(string tenantId, string? yaml, CancellationToken ct) =>
        validator.ValidateAsync(tenantId, yaml ?? "", ct);

    public Task<IReadOnlyList<ValidationProblem>> WarnAsync(string tenantId, string? yaml, CancellationToken ct) =>
        validator.WarnAsync(tenantId, yaml ?? "", ct);

    public Task<long> CountAsync(string tenantId, CancellationToken ct) => store.CountAsync(tenantId, ct);

    /// <summary>Creates a flow (API create and import); 403 <c>quota_exceeded</c> when the tenant's tier has no flow left.</summary>
    public async Task<FlowRow> CreateAsync(string tenantId, string createdBy, FlowRequest body, CancellationToken ct)
    {
        var tier = await tiers.ForTenantAsync(tenantId, ct);
        // Checked first so a tenant at its limit learns that before fixing a document it cannot save anyway.
        if (tier.Flows is { } max && await store.CountAsync(tenantId, ct) >= max)
        {
            throw Quota.Flows(tier);
        }
        var yaml = body.OrganismYaml ?? "";
        await EnsureValidAsync(tenantId, yaml, ct);
        var name = CheckName(body.Name ?? YamlSyntaxValidator.TopLevelScalar(yaml, "name"));
        var now = Now();
        var flow = new FlowRow
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()).ToString(),
            TenantId = tenantId,
            Name = name,
            Description = CheckDescription(body.Description ?? YamlSyntaxValidator.TopLevelScalar(yaml, "description") ?? ""),
            OrganismYaml = yaml,
            CanvasState = Canvas(body.CanvasState),
            Status = DefaultStatus,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await store.InsertAsync(flow, VersionOf(flow, createdBy), tier.Flows, ct))
        {
            throw Quota.Flows(tier);
        }
        await PublishAsync(new FlowCreated(tenantId, flow.Id, createdBy, flow.Name), ct);
        return flow;
    }

    /// <summary>Updates a flow; a running flow reloads (its report comes back with the row).</summary>
    public async Task<(FlowRow Row, ReloadReport? Reload)> UpdateAsync(string tenantId, string id, string changedBy, FlowRequest body, CancellationToken ct)
    {
        if (body.OrganismYaml is not null)
        {
            await EnsureValidAsync(tenantId, body.OrganismYaml, ct);
        }
        var name = body.Name is null ? null : CheckName(body.Name);
        var description = body.Description is null ? null : CheckDescription(body.Description);
        var updated = await store.UpdateAsync(tenantId, id, row =>
        {
            row.Name = name ?? row.Name;
            row.Description = description ?? row.Description;
            if (body.CanvasState is not null)
            {
                row.CanvasState = Canvas(body.CanvasState);
            }
            return ApplyYaml(row, body.OrganismYaml, changedBy);
        }, ct) ?? throw ApiException.NotFound("Flow");
        return (updated, await PublishAsync(new FlowSaved(tenantId, id, changedBy, updated.Version), ct));
    }

    /// <summary>Makes version <paramref name="version"/> current again, recorded as a new version when the YAML differs.</summary>
    public async Task<(FlowRow Row, ReloadReport? Reload)> RestoreAsync(string tenantId, string id, long version, string changedBy, CancellationToken ct)
    {
        var old = await store.GetVersionAsync(tenantId, id, version, ct) ?? throw ApiException.NotFound($"Version {version} of the flow");
        var updated = await store.UpdateAsync(tenantId, id, row =>
        {
            row.CanvasState = old.CanvasState;
            return ApplyYaml(row, old.OrganismYaml, changedBy);
        }, ct) ?? throw ApiException.NotFound("Flow");
        return (updated, await PublishAsync(new FlowRestored(tenantId, id, changedBy, version, updated.Version), ct));
    }

    public async Task DeleteAsync(string tenantId, string id, string changedBy, CancellationToken ct)
    {
        if (!await store.DeleteAsync(tenantId, id, ct))
        {
            throw ApiException.NotFound("Flow");
        }
        await PublishAsync(new FlowDeleted(tenantId, id, changedBy), ct);
    }

    /// <summary>Tells every handler, in turn; the first reload report is the answer's. A failing handler does not undo the change.</summary>
    private async Task<ReloadReport?> PublishAsync(FlowChange change, CancellationToken ct)
    {
        ReloadReport? report = null;
        foreach (var handler in _handlers)
        {
            try
            {
                var reload = await handler.OnFlowChangedAsync(change, ct);
                report ??= reload;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Handler {Handler} failed on {Change} of flow {FlowId}", handler.GetType().Name, change.GetType().Name, change.FlowId);
            }
        }
        return report;
    }

    public async Task<IReadOnlyList<FlowVersionRow>> ListVersionsAsync(string tenantId, string id, CancellationToken ct)
    {
        await GetAsync(tenantId, id, ct); // 404 for a foreign or missing flow rather than an empty list
        return await store.ListVersionsAsync(tenantId, id, ct);
    }

    public async Task<FlowVersionRow> GetVersionAsync(string tenantId, string id, long version, CancellationToken ct) =>
        await store.GetVersionAsync(tenantId, id, version, ct) ?? throw ApiException.NotFound($"Version {version} of the flow");

    internal static DateTimeOffset ParseTime(string iso) =>
        DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    internal static JsonElement? ParseCanvas(string? text)
    {
        if (text is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private FlowVersionRow? ApplyYaml(FlowRow row, string? yaml, string changedBy)
    {
        row.UpdatedAt = Now();
        if (yaml is null || yaml == row.OrganismYaml)
        {
            return null;
        }
        row.OrganismYaml = yaml;
        row.Version++;
        return VersionOf(row, changedBy);
    }

    private async Task EnsureValidAsync(string tenantId, string yaml, CancellationToken ct)
    {
        var problems = await validator.ValidateAsync(tenantId, yaml, ct);
        if (problems.Count > 0)
        {
            var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed",
                $"The flow document has {problems.Count} problem(s); nothing was saved.");
            ex.Extensions["errors"] = problems.ToArray();
            throw ex;
        }
    }

    private static string CheckName(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxName)
        {
            throw Invalid("name", $"A flow needs a name of 1 to {MaxName} characters.");
        }
        return trimmed;
    }

    private static string CheckDescription(string description) =>
        description.Length <= MaxDescription ? description : throw Invalid("description", $"The description may have at most {MaxDescription} characters.");

    private static ApiException Invalid(string field, string message)
    {
        var ex = new ApiException(422, ErrorCodes.ValidationFailed, "Validation failed", message);
        ex.Extensions["errors"] = new[] { new FieldError(field, ErrorCodes.ValidationFailed, message) };
        return ex;
    }

    private static string? Canvas(JsonElement? canvas) =>
        canvas is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } value ? value.GetRawText() : null;

    private FlowVersionRow VersionOf(FlowRow flow, string createdBy) => new()
    {
        FlowId = flow.Id,
        TenantId = flow.TenantId,
        Version = flow.Version,
        OrganismYaml = flow.OrganismYaml,
        CanvasState = flow.CanvasState,
        CreatedAt = flow.UpdatedAt,
        CreatedBy = createdBy,
    };

    private string Now() => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
