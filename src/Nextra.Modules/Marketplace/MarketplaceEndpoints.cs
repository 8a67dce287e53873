using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
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
            group.MapGet($"/{segment}", (string? q, string? category, string? sort, string? cursor, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
                    SearchAsync(kind, q, category, sort, cursor, user, catalog, ct))
                .WithName($"Search{name}s").WithSummary($"Search {segment}: ?q=&category=&sort=relevance|popular|recent|rating&cursor=.");
            group.MapGet($"/{segment}/{{publisher}}/{{name}}", (string publisher, string name, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
                    GetAsync(kind, publisher, name, user, catalog, ct))
                .WithName($"Get{name}Listing").WithSummary("A listing: versions, permissions in plain words, README (sanitized HTML), secrets, inputs, reviews.");
            group.MapPost($"/{segment}/{{publisher}}/{{name}}/votes", (string publisher, string name, VoteRequest body, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
                    VoteAsync(kind, publisher, name, body, user, catalog, ct))
                .WithName($"Vote{name}").WithSummary("One vote (and optional review) per tenant; a repeat replaces it. Only tenants that used the listing.");
        }
        group.MapPost("/flows/{publisher}/{name}/use", UseAsync).WithName("UseTemplate")
            .WithSummary("Create a stopped flow from a template with inputs and secret bindings; 201 with the flow.");
        group.MapPost("/publish", PublishAsync).WithName("PublishListing")
            .WithSummary("Publish a tool (from a module) or a template (from a flow), as JSON or a .ntpkg in the multipart field 'package'; 202 {submissionId} once the automated checks pass, 422 with the failing checks.");
        group.MapGet("/submissions/{id}", SubmissionAsync).WithName("GetSubmission").WithSummary("A submission's state and check results.");
        group.MapGet("/installs", ListInstallsAsync).WithName("ListInstalls").WithSummary("The tenant's installed tools.");
        group.MapPost("/installs", InstallAsync).WithName("InstallTool")
            .WithSummary("Install a tool version after consent (acceptPermissions: true); verified (signatures, digests, imports) before it is stored.");
        group.MapPatch("/installs/{id}", PatchInstallAsync).WithName("UpdateInstall")
            .WithSummary("Upgrade (409 permission_approval_required when it widens permissions), approve, roll back, toggle auto-update.");
        group.MapDelete("/installs/{id}", DeleteInstallAsync).WithName("UninstallTool")
            .WithSummary("Uninstall; 409 tool_in_use naming the flows that use it.");
        group.MapGet("/publisher", PublisherAsync).WithName("GetPublisher").WithSummary("The tenant's publisher handle and key id.");
        group.MapPut("/publisher", SetPublisherAsync).WithName("SetPublisher")
            .WithSummary("Change the publisher handle (until the first publication).");
    }

    internal static async Task<Ok<ListingPage>> SearchAsync(string kind, string? q, string? category, string? sort, string? cursor, ICurrentUser user,
        MarketplaceCatalog catalog, CancellationToken ct) => TypedResults.Ok(await catalog.SearchAsync(user.TenantId, kind, q, category, sort, cursor, ct));

    internal static async Task<Ok<ListingDetail>> GetAsync(string kind, string publisher, string name, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.GetAsync(user.TenantId, kind, publisher, name, ct));

    internal static async Task<Ok<VoteResponse>> VoteAsync(string kind, string publisher, string name, VoteRequest body, ICurrentUser user, MarketplaceCatalog catalog, CancellationToken ct) =>
        TypedResults.Ok(await catalog.VoteAsync(user.TenantId, kind, publisher, name, body, ct));

    internal static async Task<Created<FlowResponse>> UseAsync(string publisher, string name, UseTemplateRequest body, ICurrentUser user, MarketplaceInstalls installs, CancellationToken ct)
    {
        var flow = await installs.UseAsync(user.TenantId, user.Email, publisher, name, body, ct);
        return TypedResults.Created($"/api/flows/{flow.Id}", flow);
    }

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
