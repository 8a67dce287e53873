using System.Globalization;
using System.Text.Json;
using Nextra.Modules.Common;
using Nextra.Modules.Flows;
using Nextra.Modules.Marketplace.Stores;
using Nextra.Modules.Secrets;
using Nextra.Modules.Storage;
using Nextra.Modules.Tiers;

namespace Nextra.Modules.Marketplace;

/// <summary>
/// Installing tools into a tenant (R4: consent, verification, import check, pinned digest and permissions, upgrades that widen
/// permissions held for approval, rollback) and using templates (a stopped flow from the rendered template).
/// </summary>
internal sealed class MarketplaceInstalls(
    IMarketplaceStore store,
    PackageVerifier verifier,
    MarketplaceService service,
    ITierLimits tiers,
    IFlowLibrary flows,
    ISecretList secrets,
    TimeProvider time)
{
    private string Now() => SqliteCommands.Iso(time.GetUtcNow());

    public async Task<InstallResponse[]> ListAsync(string tenantId, CancellationToken ct) =>
        [.. (await store.ListInstallsAsync(tenantId, ct)).Select(ToResponse)];

    public async Task<InstallResponse> InstallAsync(string tenantId, InstallRequest body, CancellationToken ct)
    {
        var id = body.Id?.Trim() ?? "";
        var listing = await store.GetListingAsync(tenantId, id, ct) ?? throw ApiException.NotFound($"Listing {id}");
        if (listing.Kind != "tool")
            throw MarketplaceErrors.Invalid("id", $"{id} is a flow template: use POST /api/marketplace/flows/{id}/use.");
        MarketplaceTiers.RequireInstallTools(await tiers.ForTenantAsync(tenantId, ct));
        var version = await PublishedAsync(listing, body.Version, ct);
        var permissions = PackageVerifier.ToolPermissionsOf(version);
        if (!body.AcceptPermissions)
            throw Consent(listing.Id, version.Version, permissions.Summary());
        await VerifyToolAsync(listing, version, permissions, ct);
        var now = Now();
        var row = new InstallRow
        {
            Id = "ins_" + Guid.NewGuid().ToString("N"), TenantId = tenantId, ListingId = listing.Id, Kind = listing.Kind, Version = version.Version,
            Major = MarketplaceService.MajorOf(version.Version), Digest = version.Digest, Permissions = version.Manifest, PermissionsHash = permissions.Hash(),
            SecretBindings = await BindingsAsync(tenantId, permissions, body.SecretBindings, ct), CreatedAt = now, UpdatedAt = now,
        };
        if (!await store.InsertInstallAsync(row, ct))
            throw ApiException.Conflict($"{listing.Id}@{row.Major} is already installed; PATCH the install to change its version.");
        return ToResponse(row);
    }

    public async Task<InstallResponse> PatchAsync(string tenantId, string installId, InstallPatch body, CancellationToken ct)
    {
        var row = await store.GetInstallAsync(tenantId, installId, ct) ?? throw ApiException.NotFound("Install");
        var listing = await store.GetListingAsync(tenantId, row.ListingId, ct) ?? throw ApiException.NotFound($"Listing {row.ListingId}");
        var current = PermissionsOf(row);
        string? target = body.Rollback == true ? row.PreviousVersion ?? throw MarketplaceErrors.Invalid("rollback", "There is no previous version to roll back to.")
            : body.Approve == true ? row.PendingVersion ?? throw MarketplaceErrors.Invalid("approve", "No upgrade is waiting for approval.")
            : body.Version;
        if (target is not null && target != row.Version)
        {
            var version = await PublishedAsync(listing, target, ct);
            if (body.Rollback != true && MarketplaceService.Compare(version.Version, row.Version) < 0)
            {
                var down = new ApiException(409, MarketplaceErrors.DowngradeRefused, "Downgrade refused",
                    $"{listing.Id}@{version.Version} is lower than the installed {row.Version}: no silent downgrade. Roll back with rollback: true (to {row.PreviousVersion ?? "the previous version"}).");
                down.Extensions["installed"] = row.Version;
                throw down;
            }
            if (MarketplaceService.MajorOf(version.Version) != row.Major)
                throw MarketplaceErrors.Invalid("version", $"{version.Version} is another major; install {listing.Id}@{MarketplaceService.MajorOf(version.Version)} beside this one.");
            var next = PackageVerifier.ToolPermissionsOf(version);
            var widened = current.WidenedBy(next);
            var consented = body.Approve == true || body.AcceptPermissions == true || body.Rollback == true;
            if (widened.Length > 0 && !consented)
            {
                // The old version keeps running; the upgrade waits for the tenant's approval (Chrome disables, Nextra keeps running).
                row.PendingVersion = version.Version;
                row.UpdatedAt = Now();
                await store.UpdateInstallAsync(row, ct);
                var ex = new ApiException(409, MarketplaceErrors.PermissionApprovalRequired, "Needs new permissions",
                    $"{listing.Id}@{version.Version} asks for more than {row.Version}: {string.Join("; ", widened)}. It stays on {row.Version} until you approve (PATCH with approve: true).");
                ex.Extensions["pendingVersion"] = version.Version;
                ex.Extensions["changes"] = widened;
                throw ex;
            }
            await VerifyToolAsync(listing, version, next, ct);
            row.PreviousVersion = row.Version;
            row.Version = version.Version;
            row.Digest = version.Digest;
            row.Permissions = version.Manifest;
            row.PermissionsHash = next.Hash();
            row.PendingVersion = row.PendingVersion == version.Version ? null : row.PendingVersion;
            current = next;
        }
        if (body.AutoUpdate is { } auto) row.AutoUpdate = auto;
        if (body.SecretBindings is not null) row.SecretBindings = await BindingsAsync(tenantId, current, body.SecretBindings, ct);
        row.UpdatedAt = Now();
        await store.UpdateInstallAsync(row, ct);
        return ToResponse(row);
    }

    public async Task DeleteAsync(string tenantId, string installId, CancellationToken ct)
    {
        var row = await store.GetInstallAsync(tenantId, installId, ct) ?? throw ApiException.NotFound("Install");
        var reference = $"{row.ListingId}@{row.Major}";
        var users = (await flows.ListAsync(tenantId, ct))
            .Where(f => Engine.ModuleReferences.Find(f.OrganismYaml).Any(r => r.Name == row.ListingId && r.Version == row.Major))
            .Select(f => f.Name).ToArray();
        if (users.Length > 0)
        {
            var ex = new ApiException(409, "tool_in_use", "Tool in use", $"{reference} is used by: {string.Join(", ", users)}.");
            ex.Extensions["flows"] = users;
            throw ex;
        }
        if (!await store.DeleteInstallAsync(tenantId, installId, ct))
            throw ApiException.NotFound("Install");
    }

    /// <summary>Creates a stopped flow from a template version: inputs substituted in scalars, secrets renamed to the tenant's bindings.</summary>
    public async Task<UsedTemplateFlow> UseAsync(string tenantId, string createdBy, string publisher, string name, UseTemplateRequest body, CancellationToken ct)
    {
        var listing = await store.GetListingAsync(tenantId, $"{publisher}/{name}", ct);
        if (listing is null || listing.Kind != "flow")
            throw ApiException.NotFound($"Template {publisher}/{name}");
        var version = await PublishedAsync(listing, body.Version, ct);
        await verifier.VerifyAsync(listing, version, ct);
        var header = JsonSerializer.Deserialize(version.Manifest, MarketplaceJsonContext.Default.TemplateManifest) ?? new TemplateManifest([], [], []);
        var installed = await store.ListInstallsAsync(tenantId, ct);
        var missing = header.Tools.Where(t => !installed.Any(i => $"{i.ListingId}@{i.Major}" == t)).ToArray();
        if (missing.Length > 0)
        {
            var ex = new ApiException(409, "tool_not_installed", "Tools to install first", $"This template uses {string.Join(", ", missing)}; install them first.");
            ex.Extensions["tools"] = missing;
            throw ex;
        }
        var bindings = body.SecretBindings ?? [];
        foreach (var (from, to) in bindings)
        {
            if (!header.Secrets.Contains(from))
                throw MarketplaceErrors.Invalid("secretBindings", $"'{from}' is not a secret of this template (it names: {(header.Secrets.Length == 0 ? "none" : string.Join(", ", header.Secrets))}).");
            if (!SecretNames.IsValid(to))
                throw MarketplaceErrors.Invalid("secretBindings", $"'{to}' is not a secret name.");
        }
        var inputs = TemplateRenderer.Resolve(header.Inputs, body.Inputs ?? []);
        var yaml = TemplateRenderer.Render(System.Text.Encoding.UTF8.GetString(version.Content), header.Inputs, body.Inputs ?? [], bindings);
        var flowName = string.IsNullOrWhiteSpace(body.Name) ? listing.DisplayName : body.Name.Trim();
        var row = await flows.CreateAsync(tenantId, createdBy, new FlowRequest(flowName, $"From template {listing.Id}@{version.Version}: {listing.Summary}", yaml, null), ct);
        // The flow remembers its template and the tenant secrets it needs (after the bindings): it is incomplete, and will not
        // start, until each one it still uses exists.
        var needed = header.Secrets.Select(s => bindings.GetValueOrDefault(s) ?? s).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var origin = new TemplateFlowRow
        {
            TenantId = tenantId, FlowId = row.Id, ListingId = listing.Id, Version = version.Version, Digest = version.Digest,
            Inputs = JsonSerializer.Serialize(inputs, MarketplaceJsonContext.Default.DictionaryStringString),
            Secrets = JsonSerializer.Serialize(needed, MarketplaceJsonContext.Default.StringArray), CreatedAt = Now(),
        };
        await store.SaveTemplateFlowAsync(origin, ct);
        await store.RecordUsageAsync(tenantId, listing.Id, time.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ct);
        var existing = (await secrets.ListAsync(tenantId, ct)).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var setup = TemplateFlows.View(origin, row.OrganismYaml, existing);
        var flow = row;
        return new UsedTemplateFlow(flow.Id, flow.Name, flow.Description, flow.OrganismYaml, flow.CanvasState, flow.Status, flow.Version, flow.CreatedAt,
            flow.UpdatedAt, setup.Template, setup.SetupComplete, setup.UnboundSecrets);
    }

    private async Task VerifyToolAsync(ListingRow listing, VersionRow version, ToolPermissions permissions, CancellationToken ct)
    {
        await verifier.VerifyAsync(listing, version, ct);
        var (ok, detail) = service.CheckImports(version.Content, PackageStatementFile(version), permissions);
        if (!ok)
            throw new ApiException(422, MarketplaceErrors.ImportNotPermitted, "Import not permitted", $"{listing.Id}@{version.Version}: {detail}");
    }

    public static string PackageStatementFile(VersionRow version) =>
        Signing.PackageStatement.Files(version.Statement).Keys.FirstOrDefault(k => k.StartsWith("tool.", StringComparison.Ordinal)) ?? "tool.wasm";

    private async Task<VersionRow> PublishedAsync(ListingRow listing, string? requested, CancellationToken ct)
    {
        var wanted = string.IsNullOrWhiteSpace(requested) ? listing.LatestVersion : requested.Trim();
        var version = wanted is null ? null : await store.GetVersionAsync(listing.Id, wanted, ct);
        if (version is null || version.State is not ("published" or "revoked"))
            throw ApiException.NotFound($"Version {listing.Id}@{wanted}");
        return version;
    }

    private async Task<string> BindingsAsync(string tenantId, ToolPermissions permissions, Dictionary<string, string>? given, CancellationToken ct)
    {
        var bindings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secret in permissions.Secrets ?? [])
        {
            var target = given?.GetValueOrDefault(secret.Name) ?? secret.Name;
            if (!SecretNames.IsValid(target))
                throw MarketplaceErrors.Invalid("secretBindings", $"'{target}' is not a secret name.");
            bindings[secret.Name] = target;
        }
        // bindings may name a secret created later; the flow stays incomplete until it exists
        await Task.CompletedTask;
        return JsonSerializer.Serialize(bindings, MarketplaceJsonContext.Default.DictionaryStringString);
    }

    private static ApiException Consent(string id, string version, string[] summary)
    {
        var ex = new ApiException(400, MarketplaceErrors.PermissionApprovalRequired, "Consent required",
            $"Installing {id}@{version} grants: {string.Join("; ", summary)}. Send acceptPermissions: true after showing these.");
        ex.Extensions["permissions"] = summary;
        return ex;
    }

    private static ToolPermissions PermissionsOf(InstallRow row) =>
        JsonSerializer.Deserialize(row.Permissions, MarketplaceJsonContext.Default.ToolPermissions) ?? new ToolPermissions();

    private static InstallResponse ToResponse(InstallRow r)
    {
        var permissions = r.Kind == "tool" ? PermissionsOf(r) : null;
        return new InstallResponse(r.Id, r.ListingId, r.Kind, r.Version, r.Major, r.Digest, $"{r.ListingId}@{r.Major}", permissions, permissions?.Summary() ?? [],
            JsonSerializer.Deserialize(r.SecretBindings, MarketplaceJsonContext.Default.DictionaryStringString) ?? [], r.AutoUpdate, r.PendingVersion, [],
            r.PreviousVersion, SqliteCommands.ParseIso(r.CreatedAt), SqliteCommands.ParseIso(r.UpdatedAt));
    }
}
