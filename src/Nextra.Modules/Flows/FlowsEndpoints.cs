using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nextra.Modules.Common;
using Nextra.Modules.Flows.Stores;

namespace Nextra.Modules.Flows;

/// <summary>The Flows section of docs/api.md. Reads need any role; writes need editor or above.</summary>
internal static class FlowsEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/flows").WithTags("Flows").RequireAuthorization(AuthPolicies.Reader);
        group.MapGet("", ListAsync).WithName("ListFlows").WithSummary("The tenant's flows, newest change first.");
        group.MapPost("", CreateAsync).RequireAuthorization(AuthPolicies.Editor).WithName("CreateFlow").WithSummary("Create a flow; 422 when the YAML is invalid.");
        group.MapPost("/validate", ValidateAsync).WithName("ValidateFlow").WithSummary("Check a flow document without storing it.");
        group.MapPost("/import", ImportAsync).RequireAuthorization(AuthPolicies.Editor).WithName("ImportFlow")
            .WithSummary("Create a flow from a YAML file (text/yaml) or {name?, organismYaml}.");
        group.MapGet("/{id}", GetAsync).WithName("GetFlow").WithSummary("One flow.");
        group.MapPut("/{id}", UpdateAsync).RequireAuthorization(AuthPolicies.Editor).WithName("UpdateFlow").WithSummary("Update a flow; a YAML change records a version.");
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(AuthPolicies.Editor).WithName("DeleteFlow").WithSummary("Delete a flow and its versions.");
        group.MapGet("/{id}/versions", ListVersionsAsync).WithName("ListFlowVersions").WithSummary("The flow's YAML versions, newest first.");
        group.MapGet("/{id}/versions/{n:long}", GetVersionAsync).WithName("GetFlowVersion").WithSummary("One version's YAML and canvas.");
        group.MapPost("/{id}/versions/{n:long}/restore", RestoreAsync).RequireAuthorization(AuthPolicies.Editor).WithName("RestoreFlowVersion").WithSummary("Make an old version current (recorded as a new version).");
        group.MapGet("/{id}/export", ExportAsync).WithName("ExportFlow").WithSummary("Download the flow's organism.yaml.")
            .Produces<string>(200, "text/yaml");
    }

    internal static async Task<Ok<FlowListItem[]>> ListAsync(ICurrentUser user, FlowService flows, ILastRunLookup lastRuns, CancellationToken ct)
    {
        var rows = await flows.ListAsync(user.TenantId, ct);
        var runs = await lastRuns.GetLastRunsAsync(user.TenantId, rows.Select(r => r.Id).ToList(), ct);
        return TypedResults.Ok(rows.Select(r => new FlowListItem(r.Id, r.Name, r.Description, r.OrganismYaml,
            FlowService.ParseCanvas(r.CanvasState), r.Status, r.Version, FlowService.ParseTime(r.CreatedAt),
            FlowService.ParseTime(r.UpdatedAt), runs.GetValueOrDefault(r.Id))).ToArray());
    }

    internal static async Task<Created<FlowResponse>> CreateAsync(FlowRequest body, ICurrentUser user, FlowService flows, CancellationToken ct)
    {
        var row = await flows.CreateAsync(user.TenantId, user.Email, body, ct);
        return TypedResults.Created($"/api/flows/{row.Id}", ToResponse(row));
    }

    internal static async Task<Ok<ValidateFlowResponse>> ValidateAsync(ValidateFlowRequest body, ICurrentUser user, FlowService flows, CancellationToken ct) =>
        TypedResults.Ok(new ValidateFlowResponse(await flows.ValidateAsync(user.TenantId, body.OrganismYaml, ct), await flows.WarnAsync(user.TenantId, body.OrganismYaml, ct)));

    internal static async Task<Ok<FlowResponse>> GetAsync(string id, ICurrentUser user, FlowService flows, CancellationToken ct) =>
        TypedResults.Ok(ToResponse(await flows.GetAsync(user.TenantId, id, ct)));

    /// <summary>
    /// A saved flow that is running hot-reloads before the answer, so its report is in the response; an invalid
    /// document never gets here (422), so the running version stays untouched.
    /// </summary>
    internal static async Task<Ok<FlowResponse>> UpdateAsync(string id, FlowRequest body, ICurrentUser user, FlowService flows, CancellationToken ct)
    {
        var (row, reload) = await flows.UpdateAsync(user.TenantId, id, user.Email, body, ct);
        return TypedResults.Ok(ToResponse(row) with { Reload = reload });
    }

    internal static async Task<NoContent> DeleteAsync(string id, ICurrentUser user, FlowService flows, CancellationToken ct)
    {
        await flows.DeleteAsync(user.TenantId, id, user.Email, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<FlowVersionSummary[]>> ListVersionsAsync(string id, ICurrentUser user, FlowService flows, CancellationToken ct)
    {
        var rows = await flows.ListVersionsAsync(user.TenantId, id, ct);
        return TypedResults.Ok(rows.Select(v => new FlowVersionSummary(v.Version, FlowService.ParseTime(v.CreatedAt), v.CreatedBy)).ToArray());
    }

    internal static async Task<Ok<FlowVersionResponse>> GetVersionAsync(string id, long n, ICurrentUser user, FlowService flows, CancellationToken ct)
    {
        var v = await flows.GetVersionAsync(user.TenantId, id, n, ct);
        return TypedResults.Ok(new FlowVersionResponse(v.Version, v.OrganismYaml, FlowService.ParseCanvas(v.CanvasState), FlowService.ParseTime(v.CreatedAt)));
    }

    internal static async Task<Ok<FlowResponse>> RestoreAsync(string id, long n, ICurrentUser user, FlowService flows, CancellationToken ct)
    {
        var (row, reload) = await flows.RestoreAsync(user.TenantId, id, n, user.Email, ct);
        return TypedResults.Ok(ToResponse(row) with { Reload = reload });
    }

    internal static async Task<IResult> ExportAsync(string id, ICurrentUser user, FlowService flows, HttpContext http, CancellationToken ct)
    {
        var row = await flows.GetAsync(user.TenantId, id, ct);
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(row.Name)}.yaml\"";
        return TypedResults.Text(row.OrganismYaml, "text/yaml", Encoding.UTF8);
    }

    /// <summary>Reads the body itself because it accepts two media types.</summary>
    internal static async Task<Created<FlowResponse>> ImportAsync(HttpRequest request, ICurrentUser user, FlowService flows, CancellationToken ct)
    {
        FlowRequest body;
        if (request.HasJsonContentType())
        {
            var import = await request.ReadFromJsonAsync(FlowsJsonContext.Default.ImportFlowRequest, ct)
                ?? throw ApiException.BadRequest(ErrorCodes.MalformedJson, "Expected {name?, organismYaml}.");
            body = new FlowRequest(import.Name, null, import.OrganismYaml, null);
        }
        else if (IsText(request.ContentType))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = new FlowRequest(null, null, await reader.ReadToEndAsync(ct), null);
        }
        else
        {
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, "Unsupported media type",
                "Send the YAML file as text/yaml, or JSON {name?, organismYaml}.");
        }
        if (string.IsNullOrWhiteSpace(body.Name) && body.OrganismYaml is not null
            && Validation.YamlSyntaxValidator.TopLevelScalar(body.OrganismYaml, "name") is null)
        {
            body = body with { Name = "Imported flow" };
        }
        var row = await flows.CreateAsync(user.TenantId, user.Email, body, ct);
        return TypedResults.Created($"/api/flows/{row.Id}", ToResponse(row));
    }

    private static bool IsText(string? contentType) =>
        contentType is not null && (contentType.Contains("yaml", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase));

    private static string FileName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray();
        var slug = new string(chars).Trim('-');
        return slug.Length == 0 ? "flow" : slug;
    }

    private static FlowResponse ToResponse(FlowRow r) => new(r.Id, r.Name, r.Description, r.OrganismYaml,
        FlowService.ParseCanvas(r.CanvasState), r.Status, r.Version, FlowService.ParseTime(r.CreatedAt), FlowService.ParseTime(r.UpdatedAt));
}
