using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.OpenApi;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;

namespace Nextra.Modules.Marketplace;

/// <summary>The Marketplace part of docs/api.md (routes and shapes fixed by issue 14). Reading needs a member; changing needs an editor.</summary>
internal static class MarketplaceEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/marketplace").WithTags("Marketplace");
        foreach (var (segment, kind) in new[] { ("tools", "tool"), ("flows", "flow") })
        {
            var name = kind == "tool" ? "Tool" : "Template";
            group.MapGet($"/{segment}", (string? q, string? category, string? sort, string? cursor, string? review, string? network, bool? installed,
                    ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
                    SearchAsync(kind, q, category, sort, cursor, review, network, installed, user, catalog, ct))
                .WithName($"Search{name}s").WithSummary(kind == "tool"
                    ? "Search tools: ?q=&category=&review=community|verified|official&network=none&installed=true|false&sort=relevance|popular|recent|rating&cursor=."
                    : "Search templates: ?q=&category=&review=community|verified|official&installed=true|false (used by this tenant)&sort=relevance|popular|recent|rating&cursor=.");
            group.MapGet($"/{segment}/{{publisher}}/{{name}}", (string publisher, string name, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
                    GetAsync(kind, publisher, name, user, catalog, ct))
                .WithName($"Get{name}Listing").WithSummary("A listing: versions, permissions in plain words, README (sanitized HTML), secrets, inputs, reviews.");
            group.MapGet($"/{segment}/{{publisher}}/{{name}}/package", (string publisher, string name, string? version, ICurrentUser user,
                    MarketplaceCatalog catalog, CancellationToken ct) => PackageAsync(kind, publisher, name, version, user, catalog, ct))
                .WithName($"Export{name}Package").Produces<string>(200, "application/zip")
                .WithSummary("The signed .ntpkg of a published version (latest unless ?version=), as stored: manifest, artifact, signature.json (statement, publisher signature and key, registry countersignature). Publish it on another server (POST /api/marketplace/publish, multipart) that trusts this registry's key. ETag = the artifact digest.");
            group.MapPost($"/{segment}/{{publisher}}/{{name}}/votes", (string publisher, string name, VoteRequest body, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
                    VoteAsync(kind, publisher, name, body, user, catalog, ct))
                .WithName($"Vote{name}").WithSummary("One vote (and optional review) per tenant; a repeat replaces it. Only tenants that used the listing.");
            group.MapPost($"/{segment}/{{publisher}}/{{name}}/reports", (string publisher, string name, ReportRequest body, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
                    ReportAsync(kind, publisher, name, body, user, catalog, ct))
                .WithName($"Report{name}").WithSummary("Report abuse (malware, stolen-credentials, spam, broken, impersonation, other); one per tenant, a repeat replaces it. Operators read them with nextra marketplace reports.");
            group.MapPost($"/{segment}/{{publisher}}/{{name}}/reviews/{{reviewId}}/reports", (string publisher, string name, string reviewId, ReportRequest body, ICurrentUser user,
                    MarketplaceCatalog catalog, CancellationToken ct) => ReportReviewAsync(kind, publisher, name, reviewId, body, user, catalog, ct))
                .WithName($"Report{name}Review").WithSummary("Report a review (its id is in the listing's reviews); one per tenant, a repeat replaces it. After 3 tenants it is hidden from all but its author until an operator restores it (nextra marketplace review restore).");
        }
        MarketplaceVersionEndpoints.Map(group);
        group.MapPost("/flows/{publisher}/{name}/use", UseAsync).WithName("UseTemplate")
            .WithSummary("Create a stopped flow from a template with inputs and secret bindings; 201 with the flow, its template and the secrets still unbound (setupComplete).");
        group.MapGet("/template-flows", ListTemplateFlowsAsync).WithName("ListTemplateFlows")
            .WithSummary("The tenant's flows created from templates: template id, version, digest, inputs, secrets needed and whether the setup is complete.");
        group.MapGet("/template-flows/{flowId}", GetTemplateFlowAsync).WithName("GetTemplateFlow")
            .WithSummary("One flow created from a template; 404 when the flow was not. A flow with unbound secrets does not start (409 secrets_unbound).");
        group.MapPost("/publish", PublishAsync).WithName("PublishListing")
            .WithSummary("Publish a tool (from a module) or a template (from a flow), as JSON or a .ntpkg in the multipart field 'package'; 202 {submissionId} once the automated checks pass, 422 with the failing checks.")
            // "*/*" keeps routing from refusing other media types before the handler (which answers them 415 with what to send);
            // the document lists only the two real bodies.
            .Accepts<PublishRequest>("application/json", "multipart/form-data", "*/*")
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // Two request bodies: the JSON form (PublishRequest, from Accepts) and a .ntpkg upload in the multipart field 'package'.
                if (operation.RequestBody?.Content is { } content)
                {
                    content.Remove("*/*");
                    if (content.TryGetValue("multipart/form-data", out var multipart))
                        multipart.Schema = PackageUploadSchema();
                }
                return Task.CompletedTask;
            });
        group.MapGet("/submissions/{id}", SubmissionAsync).WithName("GetSubmission").WithSummary("A submission's state and check results.");
        group.MapGet("/installs", ListInstallsAsync).WithName("ListInstalls").WithSummary("The tenant's installed tools.");
        group.MapPost("/installs", InstallAsync).WithName("InstallTool")
            .WithSummary("Install a tool version after consent (acceptPermissions: true); verified (signatures, digests, imports) before it is stored.");
        group.MapPatch("/installs/{id}", PatchInstallAsync).WithName("UpdateInstall")
            .WithSummary("Upgrade (409 permission_approval_required when it widens permissions), approve, roll back, toggle auto-update.");
        group.MapDelete("/installs/{id}", DeleteInstallAsync).WithName("UninstallTool")
            .WithSummary("Uninstall; 409 tool_in_use naming the flows that use it.");
        group.MapGet("/publisher/stats", StatsAsync).WithName("GetPublisherStats")
            .WithSummary("The tenant's listings with installs, votes, tenants active in the last 30 days and abuse reports.");
        group.MapGet("/keys.json", KeysAsync).WithName("GetMarketplaceKeys")
            .WithSummary("The registry's public keys (signed): add the registry key to another server's [marketplace] trusted_keys to trust what this one approved.");
        group.MapGet("/revoked.json", RevokedAsync).WithName("GetMarketplaceRevocations")
            .WithSummary("The revocation list (signed): revoked versions (id@version or id@*), digests and key ids; each refuses installs and loads.");
        group.MapGet("/publisher", PublisherAsync).WithName("GetPublisher").WithSummary("The tenant's publisher handle and key id.");
        group.MapPut("/publisher", SetPublisherAsync).WithName("SetPublisher")
            .WithSummary("Change the publisher handle (until the first publication).");
    }

    internal static async Task<Ok<ListingPage>> SearchAsync(string kind, string? q, string? category, string? sort, string? cursor, string? review, string? network,
        bool? installed, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.SearchAsync(user.TenantId, kind, q, category, sort, cursor, ct, review, network, installed));

    internal static async Task<Ok<ListingDetail>> GetAsync(string kind, string publisher, string name, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetAsync(user.TenantId, kind, publisher, name, ct));

    internal static async Task<IResult> PackageAsync(string kind, string publisher, string name, string? version, ICurrentUser user,
        MarketplaceCatalog catalog, CancellationToken ct)
    {
        var (package, fileName, digest) = await catalog.ExportAsync(user.TenantId, kind, publisher, name, version, ct);
        return TypedResults.File(package, "application/zip", fileName, entityTag: new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{digest}\""));
    }

    internal static async Task<Ok<VoteResponse>> VoteAsync(string kind, string publisher, string name, VoteRequest body, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.VoteAsync(user.TenantId, kind, publisher, name, body, ct));

    internal static async Task<Created<UsedTemplateFlow>> UseAsync(string publisher, string name, UseTemplateRequest body, ICurrentUser user, MarketplaceInstalls installs, CancellationToken ct)
    {
        var flow = await installs.UseAsync(user.TenantId, user.Email, publisher, name, body, ct);
        return TypedResults.Created($"/api/flows/{flow.Id}", flow);
    }

    internal static async Task<Ok<TemplateFlowSetup[]>> ListTemplateFlowsAsync(ICurrentUser user, TemplateFlows templates, CancellationToken ct) =>
        TypedResults.Ok(await templates.ListAsync(user.TenantId, ct));

    internal static async Task<Ok<TemplateFlowSetup>> GetTemplateFlowAsync(string flowId, ICurrentUser user, TemplateFlows templates, CancellationToken ct) =>
        TypedResults.Ok(await templates.GetAsync(user.TenantId, flowId, ct) ?? throw ApiException.NotFound("Flow made from a template"));

    /// <summary>The multipart body of <c>POST /api/marketplace/publish</c>: one file, the <c>.ntpkg</c>, in the field <c>package</c>.</summary>
    private static OpenApiSchema PackageUploadSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string>(StringComparer.Ordinal) { "package" },
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["package"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String, Format = "binary",
                Description = "The .ntpkg (a zip of manifest.json, README.md and module.wasm|module.wat or flow.yaml; build it with nextra marketplace pack).",
            },
        },
    };

    internal static async Task<Accepted<PublishAccepted>> PublishAsync(HttpRequest request, ICurrentUser user, MarketplaceService service,
        Microsoft.Extensions.Options.IOptions<MarketplaceOptions> options, CancellationToken ct)
    {
        PublishRequest body;
        PackageContent? package = null;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.GetFile("package")
                ?? throw MarketplaceErrors.Invalid("package", "Send the .ntpkg in the multipart field 'package' (build one with nextra marketplace pack).");
            await using var stream = file.OpenReadStream();
            package = NtpkgPackage.Read(stream, options.Value.MaxToolBytes);
            body = package.Request;
        }
        else if (request.HasJsonContentType())
        {
            try
            {
                body = await request.ReadFromJsonAsync(MarketplaceJsonContext.Default.PublishRequest, ct)
                    ?? throw new ApiException(400, ErrorCodes.MalformedJson, "Malformed JSON", "The body is JSON null; send a publish request object.");
            }
            catch (System.Text.Json.JsonException ex)
            {
                throw new ApiException(400, ErrorCodes.MalformedJson, "Malformed JSON", ex.Message);
            }
        }
        else
        {
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, "Unsupported media type",
                "Send application/json (publish a module or flow by id) or multipart/form-data with a .ntpkg in the field 'package'.");
        }
        var submission = await service.PublishAsync(user.TenantId, user.Email, body, ct, package);
        return TypedResults.Accepted($"/api/marketplace/submissions/{submission.Id}", new PublishAccepted(submission.Id));
    }

    internal static async Task<Ok<SubmissionResponse>> SubmissionAsync(string id, ICurrentUser user, MarketplaceService service, CancellationToken ct) =>
        TypedResults.Ok(await service.GetSubmissionAsync(user.TenantId, id, ct));

    internal static async Task<Ok<InstallResponse[]>> ListInstallsAsync(ICurrentUser user, MarketplaceInstalls installs, CancellationToken ct) =>
        TypedResults.Ok(await installs.ListAsync(user.TenantId, ct));

    internal static async Task<Created<InstallResponse>> InstallAsync(InstallRequest body, ICurrentUser user, MarketplaceInstalls installs, CancellationToken ct)
    {
        var install = await installs.InstallAsync(user.TenantId, body, ct);
        return TypedResults.Created($"/api/marketplace/installs/{install.Id}", install);
    }

    internal static async Task<Ok<InstallResponse>> PatchInstallAsync(string id, InstallPatch body, ICurrentUser user, MarketplaceInstalls installs, CancellationToken ct) =>
        TypedResults.Ok(await installs.PatchAsync(user.TenantId, id, body, ct));

    internal static async Task<NoContent> DeleteInstallAsync(string id, ICurrentUser user, MarketplaceInstalls installs, CancellationToken ct)
    {
        await installs.DeleteAsync(user.TenantId, id, ct);
        return TypedResults.NoContent();
    }

    internal static async Task<Ok<ReportResponse>> ReportAsync(string kind, string publisher, string name, ReportRequest body, ICurrentUser user,
        MarketplaceCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.ReportAsync(user.TenantId, kind, publisher, name, body, ct));

    internal static async Task<Ok<ReviewReportResponse>> ReportReviewAsync(string kind, string publisher, string name, string reviewId, ReportRequest body, ICurrentUser user,
        MarketplaceCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.ReportReviewAsync(user.TenantId, kind, publisher, name, reviewId, body, ct));

    internal static async Task<Ok<PublisherStats>> StatsAsync(ICurrentUser user, MarketplaceService service, MarketplaceCatalog catalog, CancellationToken ct)
    {
        var p = await service.PublisherAsync(user.TenantId, user.Email, ct);
        return TypedResults.Ok(await catalog.StatsAsync(user.TenantId, p.Handle, ct));
    }

    internal static async Task<Ok<KeysDocument>> KeysAsync(MarketplaceRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.KeysAsync(ct));

    internal static async Task<Ok<RevokedDocument>> RevokedAsync(MarketplaceRegistry registry, CancellationToken ct) => TypedResults.Ok(await registry.RevokedAsync(ct));

    internal static async Task<Ok<PublisherResponse>> PublisherAsync(ICurrentUser user, MarketplaceService service, CancellationToken ct)
    {
        var p = await service.PublisherAsync(user.TenantId, user.Email, ct);
        return TypedResults.Ok(new PublisherResponse(p.Handle, p.Published, p.KeyId, p.PublicKey));
    }

    internal static async Task<Ok<PublisherResponse>> SetPublisherAsync(PublisherRequest body, ICurrentUser user, MarketplaceService service, CancellationToken ct)
    {
        var p = await service.SetHandleAsync(user.TenantId, user.Email, body.Handle, ct);
        return TypedResults.Ok(new PublisherResponse(p.Handle, p.Published, p.KeyId, p.PublicKey));
    }
}
